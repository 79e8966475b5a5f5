import Foundation
import MindSpaceCore
import MindSpaceIO
import MindSpaceNumerics
import MindSpaceDimension
import MindSpaceProjection
import MindSpaceRender

/// The `project` command as a library call: read one data file (and optionally one group label
/// per point), place the points in the plane with a `ProjectionMethod`, draw them as a scatter
/// plot coloured by group, and write `projection.png`, `coordinates.npy` (N×2 float64) and
/// `project.json` into a folder. All files are staged and committed together, so a failure
/// leaves no file; the input is only read.
///
/// The PNG carries its provenance in `tEXt` chunks (`ImageProvenance`: command line, XXH64 of
/// every input, seed, method, parameters); the footer repeats method, parameters, N, D and seed.
///
/// Precision: float32/float16/bfloat16 data are held as `Float` and every sum is accumulated in
/// `Double`; float64 and integer data are held as `Double`. Memory: the data matrix + N×2, plus
/// the method's own (D×D or N×N for PCA) and the image (width × height × 8 bytes).
///
/// Errors: NaN/±Inf → `.malformedData` naming the file, row and column; a group file whose
/// label count differs from N → `.malformedData` naming the group file; a figure size outside
/// `ProjectJob.sideRange`/`dotsPerInchRange`, or too small in inches for its text → `.usage`.
public struct ProjectJob: Sendable {
    public var dataPath: String
    /// The array or tensor to use (`--array` / `--tensor`); `nil` picks the only 2-D one.
    public var arrayName: String?
    /// A label file with one group label per point (TensorBoard `metadata.tsv`), or `nil`.
    public var groupsPath: String?
    /// The header column of a multi-column label file; `nil` takes the first.
    public var groupColumn: String?
    public var method: ProjectionMethod
    /// Parameters of the nonlinear methods (`--neighbors`, `--min-dist`, `--perplexity`,
    /// `--epochs`); `nil` fields keep each method's defaults.
    public var settings: ProjectionSettings
    /// Seeds every random choice of the method and the scatter plot's drawing order.
    public var seed: UInt64
    /// Image size in pixels and its resolution (the sizes of text and points follow the
    /// resolution: a point is dpi/72 pixels).
    public var width: Int
    public var height: Int
    public var dotsPerInch: Double
    /// The figure's title; `nil` for "<file name> — <method>".
    public var title: String?
    /// The folder the files go into.
    public var outputFolder: String
    /// The command line, recorded in the report and the PNG.
    public var commandLine: [String]

    /// Accepted image sides in pixels.
    public static let sideRange = 200...10000
    /// Accepted resolutions in dots per inch.
    public static let dotsPerInchRange = 50.0...1200.0
    /// The smallest figure, in inches (width, height), whose title, tick labels, axis labels,
    /// legend and footer fit without overlapping at the style's point sizes.
    public static let minimumInches = (width: 4.0, height: 3.0)

    public init(dataPath: String, arrayName: String? = nil, groupsPath: String? = nil, groupColumn: String? = nil,
                method: ProjectionMethod = .pca, settings: ProjectionSettings = ProjectionSettings(), seed: UInt64 = 0, width: Int = 1600, height: Int = 1200,
                dotsPerInch: Double = 200, title: String? = nil, outputFolder: String, commandLine: [String] = []) {
        self.dataPath = dataPath
        self.arrayName = arrayName
        self.groupsPath = groupsPath
        self.groupColumn = groupColumn
        self.method = method
        self.settings = settings
        self.seed = seed
        self.width = width
        self.height = height
        self.dotsPerInch = dotsPerInch
        self.title = title
        self.outputFolder = outputFolder
        self.commandLine = commandLine
    }

    /// Checks the figure size: each side in `sideRange`, the resolution in `dotsPerInchRange`,
    /// and at least `minimumInches` so the text fits. Throws `.usage` (exit 64) saying what to
    /// change.
    public static func validateFigureSize(width: Int, height: Int, dotsPerInch: Double) throws {
        for (name, value) in [("--width", width), ("--height", height)] where !sideRange.contains(value) {
            throw MindSpaceError(.usage, "\(name) must be \(sideRange.lowerBound)…\(sideRange.upperBound) pixels, got \(value)")
        }
        guard dotsPerInch.isFinite, dotsPerInchRange.contains(dotsPerInch) else {
            throw MindSpaceError(.usage, "--dpi must be \(Int(dotsPerInchRange.lowerBound))…\(Int(dotsPerInchRange.upperBound)), got \(TextTable.number(dotsPerInch))")
        }
        let inches = (width: Double(width) / dotsPerInch, height: Double(height) / dotsPerInch)
        guard inches.width >= minimumInches.width - Self.figureSizeSlack, inches.height >= minimumInches.height - Self.figureSizeSlack else {
            let needed = (width: Int((minimumInches.width * dotsPerInch).rounded(.up)),
                          height: Int((minimumInches.height * dotsPerInch).rounded(.up)))
            throw MindSpaceError(.usage,
                "a \(width)×\(height) image at \(TextTable.number(dotsPerInch)) dpi is "
                + "\(String(format: "%.2f×%.2f", inches.width, inches.height)) inches, too small for its text; "
                + "use at least \(needed.width)×\(needed.height) pixels at this --dpi, or a lower --dpi")
        }
    }

    /// Runs the job and writes its files; returns the report (also written as `project.json`).
    public func run() throws -> ProjectReport {
        try Self.validateFigureSize(width: width, height: height, dotsPerInch: dotsPerInch)
        try settings.validate(for: method)
        let input = try AnalysisInput.open(dataPath, arrayName: arrayName)
        var inputs = [input.record]
        // Labels are checked before the data are read, so a wrong label file fails fast.
        var labels: [String]? = nil
        if let groupsPath, input.tensor.shape.count == 2 {
            let read = try AnalysisInput.labels(path: groupsPath, column: groupColumn, points: input.tensor.shape[0])
            labels = read.labels
            inputs.append(read.record)
        }
        let (projection, d) = try input.points(purpose: "a projection needs finite values")
            .analyse(with: Placement(job: self))

        let folder = URL(fileURLWithPath: outputFolder)
        func path(_ name: String) -> String { folder.appendingPathComponent(name).relativePath }
        let figureTitle = title ?? "\(URL(fileURLWithPath: dataPath).lastPathComponent) \u{2014} \(method.displayName)"
        let groupCount = labels.map { GroupColoring.groupCount($0) }
        let report = ProjectReport(
            method: method.rawValue, title: figureTitle, n: projection.count, d: d,
            axes: [projection.xLabel, projection.yLabel], axisVarianceRatio: projection.axisVarianceRatio,
            parameters: Dictionary(projection.parameters.map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first }),
            groups: groupCount, width: width, height: height, dpi: dotsPerInch,
            image: path("projection.png"), coordinates: path("coordinates.npy"), report: path("project.json"),
            provenance: ReportEncoding.Provenance(command: commandLine, seed: seed, inputs: inputs))

        let figure = makeFigure(projection, labels: labels, title: figureTitle, d: d)
        let provenance = ImageProvenance(
            commandLine: commandLine.isEmpty ? nil : commandLine.joined(separator: " "),
            inputs: inputs.map(ImageProvenance.InputFile.init), seed: seed, method: method.rawValue,
            parameters: projection.parameters.map { "\($0.name)=\($0.value)" })
        let transaction = OutputTransaction()
        try transaction.stage(try figure.pngData(provenance: provenance), at: report.image)
        try transaction.stage(NpyWriter.encode(projection.coordinates), at: report.coordinates)
        try transaction.stage(ReportEncoding.json(report), at: report.report)
        try transaction.commit()
        return report
    }

    /// The job's body for either precision: the points placed in the plane, and D.
    private struct Placement: PointsAnalysis {
        let job: ProjectJob

        func analyse<Scalar: NeighborScalar>(_ points: consuming Matrix<Scalar>) throws -> (Projection2D, d: Int) {
            do {
                return (try job.settings.project(points, method: job.method, seed: job.seed), points.columns)
            } catch let error as MindSpaceError where error.kind != .usage {
                throw error.located(in: job.dataPath)
            }
        }
    }

    /// The scatter plot with its title, axis labels, legend (one row per group) and footer.
    private func makeFigure(_ projection: Projection2D, labels: [String]?, title: String, d: Int) -> Figure {
        var plot = ScatterPlot(points: projection.coordinates,
                               coloring: labels.map { .groups($0) } ?? .uniform(Palette.okabeIto[0]),
                               xLabel: projection.xLabel, yLabel: projection.yLabel)
        plot.seed = seed
        plot.legendTitle = groupColumn
        // The seed is listed once, at the end (it also sets the drawing order).
        var footer = projection.methodDescription
        footer += " \u{00B7} N = \(projection.count) points, D = \(d)"
        if let labels, let groupsPath {
            footer += " \u{00B7} \(GroupColoring.groupCount(labels)) groups from \(URL(fileURLWithPath: groupsPath).lastPathComponent)"
        }
        footer += " \u{00B7} seed \(seed) \u{00B7} MindSpace \(MindSpaceVersion.string)"
        return Figure(plot, title: title, footer: footer, width: width, height: height,
                      style: PlotStyle(dotsPerInch: dotsPerInch))
    }
}

/// The JSON report of `mindspace project` (keys per shared/cli.md: `method`, `image`,
/// `coordinates`), plus the sizes, axes, parameters, the report's own path and provenance.
public struct ProjectReport: Codable, Equatable, Sendable {
    /// `pca`, `random`, `mds`, `isomap`, `umap` or `tsne`.
    public var method: String
    public var title: String
    public var n: Int
    public var d: Int
    /// The horizontal and vertical axis labels, as drawn.
    public var axes: [String]
    /// Fraction of the total variance along each axis (linear methods).
    public var axisVarianceRatio: [Double]?
    /// The method's parameters as text (`route` for PCA; `seed`, `entries` for random;
    /// `neighbors`, `min_dist`, `epochs`, … for the nonlinear methods).
    public var parameters: [String: String]
    /// The number of distinct groups when `--groups` was given.
    public var groups: Int?
    public var width: Int
    public var height: Int
    public var dpi: Double
    /// The PNG written.
    public var image: String
    /// The N×2 float64 `.npy` of the coordinates.
    public var coordinates: String
    /// The path of this report as written.
    public var report: String
    public var provenance: ReportEncoding.Provenance

    enum CodingKeys: String, CodingKey {
        case method, title, n, d, axes, parameters, groups, width, height, dpi, image, coordinates, report, provenance
        case axisVarianceRatio = "axis_variance_ratio"
    }

    /// The human-readable summary the CLI prints without `--json`.
    public func text() -> String {
        let input = provenance.inputs.first
        var text = "\(ProjectionMethod(rawValue: method)?.displayName ?? method) of \(input?.path ?? "data") "
            + "(\(input?.array ?? ""), \(n) × \(d), \(input?.dtype ?? ""))"
        if let groups, provenance.inputs.count > 1 { text += ", \(groups) groups from \(provenance.inputs[1].path)" }
        text += "\naxes: \(axes.joined(separator: ", "))\n"
        text += "wrote \(image), \(coordinates), \(report)\n"
        return text
    }
}

extension ProjectJob {
    /// 1e-9 inch: how far a figure may fall short of `minimumInches` and still pass. A side is
    /// pixels / dpi with a decimal dpi (1000 px at 333.3333333333333 dpi is 3 in), so a size
    /// meant to equal the minimum can round a few ulps below it; 1e-9 inch is far below one
    /// pixel at any accepted resolution (≥ 8e-4 inch at 1200 dpi).
    static let figureSizeSlack = 1e-9
}
