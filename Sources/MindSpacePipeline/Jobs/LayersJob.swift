import Foundation
import MindSpaceCore
import MindSpaceIO
import MindSpaceNumerics
import MindSpaceDimension
import MindSpaceRender
import MindSpaceSimilarity

/// The `layers` command as a library call: the geometry profile of a model's activations, layer by
/// layer (Ansuini et al. 2019; Doimo et al. 2020; Valeriani et al. 2023).
///
/// Per layer (one N × D array each, the same N inputs): the intrinsic dimension by each estimator
/// (as `id` runs them, with their intervals), the principal components for 50/90/99 % of the
/// variance, and with the next layer the neighbourhood overlap (Doimo et al.'s χ: the share of
/// each input's k nearest neighbours kept, with a bootstrap interval over inputs) and linear CKA
/// (with a delete-a-group jackknife interval, `GroupedLinearCKA`). Also the layer × layer CKA
/// matrix. Layers are read one at a time; each keeps its centred rows for the matrix.
public struct LayersJob: Sendable {
    public var activationsPath: String
    /// `--layers` patterns (names or globs), in the order wanted; `nil` for every 2-D array.
    public var layerPatterns: [String]?
    public var estimatorNames: [String]
    /// `--k`: the estimators' neighbourhood (default: each one's own) and the overlap's k (default 10).
    public var k: Int?
    public var options: EstimationOptions
    /// Bootstrap resamples of the overlap's interval.
    public var bootstrap: Int
    public var outputFolder: String
    public var commandLine: [String]

    /// The overlap's k when `--k` is not given (Doimo et al. 2020 use k = 10 … 30).
    public static let defaultOverlapK = 10
    /// Row groups of the CKA jackknife.
    public static let jackknifeGroups = 20

    public init(activationsPath: String, layerPatterns: [String]? = nil, estimatorNames: [String] = ["auto"], k: Int? = nil,
                options: EstimationOptions = EstimationOptions(), bootstrap: Int = 200, outputFolder: String,
                commandLine: [String] = []) {
        self.activationsPath = activationsPath
        self.layerPatterns = layerPatterns
        self.estimatorNames = estimatorNames
        self.k = k
        self.options = options
        self.bootstrap = bootstrap
        self.outputFolder = outputFolder
        self.commandLine = commandLine
    }

    public func run() throws -> LayersReport {
        if let k, k < 1 { throw MindSpaceError(.usage, "--k must be at least 1, got \(k)") }
        try options.validate()
        let estimators = try EstimatorCatalog.estimators(named: estimatorNames, k: k)
        guard !estimators.isEmpty else { throw MindSpaceError(.usage, "name at least one estimator") }
        let source = try LayerActivations.open(activationsPath, select: layerPatterns)
        let n = source.rowCount
        let overlapK = k ?? Self.defaultOverlapK
        guard overlapK < n else {
            throw MindSpaceError.malformed(activationsPath, "the overlap's k = \(overlapK) needs more than \(overlapK) inputs, the layers have \(n)")
        }
        let overlap = NeighborhoodOverlap(k: overlapK)
        let grouped = GroupedLinearCKA(rows: n, groups: Self.jackknifeGroups, seed: options.seed)
        let comparison = RepresentationComparison.Settings(bootstrap: bootstrap, level: options.confidenceLevel,
                                                           permutations: 0, seed: options.seed)
        let overlapNull = NeighborhoodOverlap.expectedUnderIndependence(n: n, k: overlapK)

        var layers: [LayersReport.Layer] = []
        var ckaStates: [GroupedLinearCKA.Prepared] = []
        var previousOverlap: NeighborhoodOverlap.Prepared?
        for (index, layer) in source.layers.enumerated() {
            let values = try Self.values(of: layer)
            var measured = try measure(values, name: layer.name, estimators: estimators)
            let overlapState: NeighborhoodOverlap.Prepared
            let ckaState: GroupedLinearCKA.Prepared
            do {
                overlapState = try overlap.prepare(values)
                ckaState = try grouped.prepare(values)
            } catch let error as MindSpaceError {
                throw MindSpaceError.malformed(layer.path, "layer '\(TerminalText.escaped(layer.name))': \(error.reason)")
            }
            if let previous = previousOverlap, let previousCKA = ckaStates.last {
                let verdict = try RepresentationComparison.assess(overlap, previous, overlapState, rows: n, settings: comparison,
                                                                  stream: UInt64(index))
                layers[index - 1].overlapNext = .init(value: verdict.value, ci: verdict.ci, method: "bootstrap over inputs",
                                                      null: overlapNull)
                let cka = grouped.estimate(previousCKA, ckaState, level: options.confidenceLevel)
                layers[index - 1].ckaNext = .init(value: cka.value, ci: cka.ci,
                                                  method: "delete-a-group jackknife, \(grouped.ranges.count) groups", null: nil)
                ckaStates[ckaStates.count - 1] = previousCKA.withoutGroups()
            }
            measured.name = layer.name
            layers.append(measured)
            previousOverlap = overlapState
            ckaStates.append(ckaState)
        }
        let matrix = Self.ckaMatrix(ckaStates, grouped: grouped)

        let folder = URL(fileURLWithPath: outputFolder)
        func path(_ file: String) -> String { folder.appendingPathComponent(file).relativePath }
        let images = [path("layers-profile.png"), path("layers-transitions.png"), path("layers-cka.png")]
        let inputs = try Self.records(source)
        let report = LayersReport(
            source: activationsPath, layers: layers, skippedArrays: source.skipped, ckaMatrix: matrix,
            settings: .init(estimators: estimators.map(\.name), k: overlapK, bootstrap: bootstrap,
                            level: options.confidenceLevel, jackknifeGroups: grouped.ranges.count),
            images: images, report: path("layers.json"),
            provenance: ReportEncoding.Provenance(command: commandLine, seed: options.seed, inputs: inputs))
        let provenance = ImageProvenance(
            commandLine: commandLine.isEmpty ? nil : commandLine.joined(separator: " "),
            inputs: inputs.map(ImageProvenance.InputFile.init), seed: options.seed, method: "layers",
            parameters: ["estimators=\(estimators.map(\.name).joined(separator: ","))", "k=\(overlapK)"])
        let figures = LayersFigures(report: report)
        let transaction = OutputTransaction()
        try transaction.stage(figures.profile().pngData(provenance: provenance), at: images[0])
        try transaction.stage(figures.transitions().pngData(provenance: provenance), at: images[1])
        try transaction.stage(figures.matrix().pngData(provenance: provenance), at: images[2])
        try transaction.stage(ReportEncoding.json(report), at: report.report)
        try transaction.commit()
        return report
    }

    /// One layer's values, finite (the first NaN/Inf is refused naming the layer and its row).
    static func values(of layer: LayerActivations.Layer) throws -> Matrix<Double> {
        let values: Matrix<Double> = try layer.tensor.matrix(as: Double.self)
        if let position = values.firstNonFinite() {
            throw MindSpaceError.malformed(layer.path,
                "layer '\(TerminalText.escaped(layer.name))' has the non-finite value \(values[position.row, position.column]) "
                + "at row \(position.row), column \(position.column) (counting from 0)")
        }
        return values
    }

    /// One layer's intrinsic dimension and PCA dimensions (its transitions are filled in later).
    func measure(_ values: Matrix<Double>, name: String, estimators: [any DimensionEstimator]) throws -> LayersReport.Layer {
        var centred = values
        centred.centreColumns()
        let job = IDJob(dataPath: name, estimatorNames: estimatorNames, k: k, options: options, outputFolder: outputFolder)
        let outcome: IDJob.Outcome
        do {
            outcome = try job.estimate(centred, with: estimators)
        } catch let error as MindSpaceError where error.kind == .malformedData {
            throw MindSpaceError.malformed(activationsPath, "layer '\(TerminalText.escaped(name))': \(error.reason)")
        }
        let pca = try PCA(components: 1).fit(centred)
        var counts: [String: Int] = [:]
        for fraction in [0.5, 0.9, 0.99] { counts[String(fraction)] = pca.spectrum.componentsFor(fraction: fraction) }
        return LayersReport.Layer(name: name, n: values.rows, d: values.columns, estimates: outcome.estimates,
                                  skipped: outcome.skipped, componentsFor: counts, overlapNext: nil, ckaNext: nil)
    }

    /// CKA between every two layers (one product per pair), symmetric, 1 on the diagonal.
    static func ckaMatrix(_ states: [GroupedLinearCKA.Prepared], grouped: GroupedLinearCKA) -> [[Double]] {
        let m = states.count
        var matrix = (0..<m).map { i in (0..<m).map { j in i == j ? 1.0 : 0 } }
        for i in 0..<m {
            for j in (i + 1)..<m where j < m {
                let value = grouped.value(states[i], states[j])
                matrix[i][j] = value
                matrix[j][i] = value
            }
        }
        return matrix
    }

    /// One provenance record per distinct file the layers come from (the dump, its shards, or
    /// each `.npy` of a folder), in the order first used, with the layers it holds.
    static func records(_ source: LayerActivations) throws -> [InputRecord] {
        var paths: [String] = []
        for layer in source.layers where !paths.contains(layer.path) { paths.append(layer.path) }
        return try paths.map { path in
            let held = source.layers.filter { $0.path == path }
            return try .hashing(path, format: "layers", array: held.map(\.name).joined(separator: ","),
                                dtype: held.first?.tensor.dtype.rawValue, shape: [held.count, source.rowCount])
        }
    }
}
