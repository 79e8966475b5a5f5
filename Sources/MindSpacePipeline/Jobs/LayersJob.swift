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
            let step = LayerStep(job: self, layer: layer, estimators: estimators, overlap: overlap, grouped: grouped)
            let state = try Self.values(of: layer).analyse(with: step)
            if let previous = previousOverlap, let previousCKA = ckaStates.last {
                let verdict = try RepresentationComparison.assess(overlap, previous, state.overlap, rows: n, settings: comparison,
                                                                  stream: UInt64(index))
                layers[index - 1].overlapNext = .init(value: verdict.value, ci: verdict.ci, method: "bootstrap over inputs",
                                                      null: overlapNull)
                let cka = grouped.estimate(previousCKA, state.cka, level: options.confidenceLevel)
                layers[index - 1].ckaNext = .init(value: cka.value, ci: cka.ci,
                                                  method: "delete-a-group jackknife, \(grouped.ranges.count) groups", null: nil)
                ckaStates[ckaStates.count - 1] = previousCKA.withoutGroups()
            }
            layers.append(state.layer)
            previousOverlap = state.overlap
            ckaStates.append(state.cka)
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

    /// One layer's values in the precision `id` would load them in (float32 for float32, float16
    /// and bfloat16 arrays, else float64), finite (the first NaN/Inf is refused naming the layer
    /// and its row).
    static func values(of layer: LayerActivations.Layer) throws -> AnalysisInput.Points {
        func finite<Scalar: NeighborScalar>(_ values: Matrix<Scalar>) throws -> Matrix<Scalar> {
            if let position = values.firstNonFinite() {
                throw MindSpaceError.malformed(layer.path,
                    "layer '\(TerminalText.escaped(layer.name))' has the non-finite value \(values[position.row, position.column]) "
                    + "at row \(position.row), column \(position.column) (counting from 0)")
            }
            return values
        }
        if AnalysisInput.loadsAsSingle(layer.tensor.dtype) { return .single(try finite(layer.tensor.matrix(as: Float.self))) }
        return .double(try finite(layer.tensor.matrix(as: Double.self)))
    }

    /// What one layer contributes: its report entry and the states its transitions need.
    struct LayerState {
        var layer: LayersReport.Layer
        var overlap: NeighborhoodOverlap.Prepared
        var cka: GroupedLinearCKA.Prepared
    }

    /// One layer, in the precision it was loaded in: the intrinsic dimension as `id` computes it
    /// (the same centred points, the same search), whose search also gives the overlap's
    /// neighbours (it is asked for at least k of them); the CKA state, whose scatter matrix also
    /// gives the PCA counts (its eigenvalues are N − 1 times the PCA variances) and their
    /// bootstrap intervals (`ComponentCountBootstrap`, `--bootstrap` resamples).
    struct LayerStep: PointsAnalysis {
        let job: LayersJob
        let layer: LayerActivations.Layer
        let estimators: [any DimensionEstimator]
        let overlap: NeighborhoodOverlap
        let grouped: GroupedLinearCKA

        func analyse<Scalar: NeighborScalar>(_ points: consuming Matrix<Scalar>) throws -> LayerState {
            let n = points.rows, d = points.columns
            points.centreColumns()
            let centred = points
            let idJob = IDJob(dataPath: layer.name, estimatorNames: job.estimatorNames, k: job.k, options: job.options,
                              outputFolder: job.outputFolder)
            do {
                let outcome = try idJob.estimate(centred, with: estimators, searchAtLeast: overlap.k)
                let overlapState = try outcome.neighborIndices.map {
                    overlap.prepared(neighbors: $0, searched: outcome.neighborCount, pointCount: n)
                } ?? overlap.prepare(searching: centred)
                let ckaState = try (centred as? Matrix<Float>).map(grouped.prepare)
                    ?? grouped.prepare(centred.converted(to: Double.self))
                let fractions = PCASpectrum.standardFractions
                let pca = try ComponentCountBootstrap.estimate(ckaState, fractions: fractions.map(\.fraction),
                                                               resamples: job.bootstrap, level: job.options.confidenceLevel,
                                                               seed: job.options.seed)
                var entry = LayersReport.Layer(name: layer.name, n: n, d: d, estimates: outcome.estimates, skipped: outcome.skipped,
                                               componentsFor: [:], overlapNext: nil, ckaNext: nil)
                for (index, fraction) in fractions.enumerated() {
                    entry.componentsFor[fraction.key] = pca.counts[index]
                    if index < pca.intervals.count { entry.componentsForCI[fraction.key] = pca.intervals[index] }
                }
                return LayerState(layer: entry, overlap: overlapState, cka: ckaState)
            } catch let error as MindSpaceError where error.kind == .malformedData {
                throw MindSpaceError.malformed(layer.path, "layer '\(TerminalText.escaped(layer.name))': \(error.reason)")
            }
        }
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
