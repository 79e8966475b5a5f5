import Foundation
import MindSpaceCore
import MindSpaceIO
import MindSpaceNumerics
import MindSpaceDimension
import MindSpaceRender

/// The `pca` command as a library call: read one data file, fit the PCA, write
/// `components.npy` (K×D), `scores.npy` (N×K), `mean.npy` (D), the scree plot `scree.png`
/// (`LineChart.scree`: per-component and cumulative explained variance with the 90 % and 99 %
/// marks, PNG provenance in `tEXt` chunks) and `pca.json` into a folder, and return the report.
/// All files are staged and committed together, so a failure leaves no file.
///
/// Precision: float32/float16/bfloat16 data are held as `Float` (half the memory of `Double`)
/// and every sum is accumulated in `Double` by `PCA`; float64 and integer data are held as
/// `Double`. Memory: the data matrix + D×D (or N×N) + N×K scores.
public struct PCAJob: Sendable {
    public var dataPath: String
    /// The array or tensor to use (`--array` / `--tensor`); `nil` picks the only 2-D one.
    public var arrayName: String?
    /// K, the number of components to keep (clamped to min(N, D)).
    public var components: Int
    /// The folder the files go into.
    public var outputFolder: String
    /// The command line, recorded in the report.
    public var commandLine: [String]

    public init(dataPath: String, arrayName: String? = nil, components: Int = 10,
                outputFolder: String, commandLine: [String] = []) {
        self.dataPath = dataPath
        self.arrayName = arrayName
        self.components = components
        self.outputFolder = outputFolder
        self.commandLine = commandLine
    }

    /// Runs the job and writes its files; returns the report (also written as `pca.json`).
    public func run() throws -> PCAReport {
        guard components >= 1 else {
            throw MindSpaceError(.usage, "--components must be at least 1, got \(components)")
        }
        let input = try AnalysisInput.open(dataPath, arrayName: arrayName)
        let (result, scores): (PCAResult, Matrix<Double>)
        do {
            // PCA refuses NaN/Inf itself, with the position; the file is added below.
            (result, scores) = try input.points(requireFinite: false)
                .analyse(with: FitAndScore(pca: PCA(components: components)))
        } catch let error as MindSpaceError {
            throw error.located(in: dataPath)
        }
        let folder = URL(fileURLWithPath: outputFolder)
        func path(_ name: String) -> String { folder.appendingPathComponent(name).relativePath }
        let report = PCAReport(
            result: result, requestedComponents: components,
            files: .init(components: path("components.npy"), scores: path("scores.npy"), mean: path("mean.npy")),
            image: path("scree.png"), report: path("pca.json"),
            provenance: ReportEncoding.Provenance(command: commandLine, seed: nil, inputs: [input.record]))
        let transaction = OutputTransaction()
        try transaction.stage(NpyWriter.encode(result.components), at: report.files.components)
        try transaction.stage(NpyWriter.encode(scores), at: report.files.scores)
        try transaction.stage(NpyWriter.encode(vector: result.mean), at: report.files.mean)
        try transaction.stage(screeFigure(result).pngData(provenance: ImageProvenance(
            commandLine: commandLine.isEmpty ? nil : commandLine.joined(separator: " "),
            inputs: [ImageProvenance.InputFile(input.record)], method: "pca",
            parameters: ["route=\(result.method.rawValue)", "components=\(result.componentCount)"])), at: report.image)
        try transaction.stage(ReportEncoding.json(report), at: report.report)
        try transaction.commit()
        return report
    }

    /// The job's body for either precision: the fit and every point's scores.
    private struct FitAndScore: PointsAnalysis {
        let pca: PCA

        func analyse<Scalar: NeighborScalar>(_ points: consuming Matrix<Scalar>) throws -> (PCAResult, Matrix<Double>) {
            let result = try pca.fit(points)
            return (result, try result.scores(of: points))
        }
    }

    /// The scree plot: every component's explained-variance ratio and the cumulative ratio
    /// (the whole spectrum, whatever K is), with the 90 % and 99 % marks; 1600 × 1200 at 200 dpi.
    func screeFigure(_ result: PCAResult) -> Figure {
        let name = URL(fileURLWithPath: dataPath).lastPathComponent
        let k90 = result.spectrum.componentsFor(fraction: 0.9), k99 = result.spectrum.componentsFor(fraction: 0.99)
        let footer = "PCA (\(result.method.rawValue) route) \u{00B7} N = \(result.n) points, D = \(result.d) \u{00B7} "
            + "total variance \(TextTable.number(result.spectrum.totalVariance)) \u{00B7} components for 90% / 99%: \(k90) / \(k99) "
            + "\u{00B7} MindSpace \(MindSpaceVersion.string)"
        return Figure(LineChart.scree(explainedVarianceRatio: result.spectrum.explainedVarianceRatio, title: nil),
                      title: "\(name) \u{2014} PCA explained variance", footer: footer)
    }
}

/// The JSON report of `mindspace pca` (keys per shared/cli.md: `n`, `d`,
/// `explained_variance`, `explained_variance_ratio` descending, `components_for` with keys
/// "0.5", "0.9", "0.99"), plus the files written and provenance.
public struct PCAReport: Codable, Equatable, Sendable {
    public struct Files: Codable, Equatable, Sendable {
        /// K×D principal axes (`.npy`, float64).
        public var components: String
        /// N×K coordinates of every point on the axes (`.npy`, float64).
        public var scores: String
        /// The D column means (`.npy`, float64).
        public var mean: String
    }

    public var n: Int
    public var d: Int
    /// "covariance" or "gram".
    public var method: String
    /// K, the number of components written.
    public var components: Int
    public var requestedComponents: Int
    public var totalVariance: Double
    public var explainedVariance: [Double]
    public var explainedVarianceRatio: [Double]
    public var componentsFor: [String: Int]
    public var files: Files
    /// The scree plot written (`scree.png`).
    public var image: String
    /// The path of this report as written.
    public var report: String
    public var provenance: ReportEncoding.Provenance

    enum CodingKeys: String, CodingKey {
        case n, d, method, components, files, image, report, provenance
        case requestedComponents = "requested_components"
        case totalVariance = "total_variance"
        case explainedVariance = "explained_variance"
        case explainedVarianceRatio = "explained_variance_ratio"
        case componentsFor = "components_for"
    }

    init(result: PCAResult, requestedComponents: Int, files: Files, image: String, report: String,
         provenance: ReportEncoding.Provenance) {
        n = result.n
        d = result.d
        method = result.method.rawValue
        components = result.componentCount
        self.requestedComponents = requestedComponents
        totalVariance = result.spectrum.totalVariance
        explainedVariance = result.spectrum.explainedVariance
        explainedVarianceRatio = result.spectrum.explainedVarianceRatio
        componentsFor = result.spectrum.componentsForStandardFractions
        self.files = files
        self.image = image
        self.report = report
        self.provenance = provenance
    }

    /// The human-readable summary the CLI prints without `--json`.
    public func text() -> String {
        let input = provenance.inputs.first
        var lines: [String] = []
        lines.append("PCA of \(input?.path ?? "data") (\(input?.array ?? ""), \(n) × \(d), \(input?.dtype ?? "")), \(method) route")
        lines.append("total variance \(TextTable.number(totalVariance)); components for 50% / 90% / 99%: "
            + "\(componentsFor["0.5"] ?? 0) / \(componentsFor["0.9"] ?? 0) / \(componentsFor["0.99"] ?? 0)")
        var text = lines.joined(separator: "\n") + "\n" + SpectrumTable.render(
            explainedVariance: explainedVariance, explainedVarianceRatio: explainedVarianceRatio,
            count: min(components, explainedVariance.count))
        if requestedComponents > components {
            text += "(asked for \(requestedComponents) components; min(N, D) allows \(components))\n"
        }
        text += "wrote \(files.components), \(files.scores), \(files.mean), \(image), \(report)\n"
        return text
    }
}
