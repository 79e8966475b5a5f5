import Foundation
import MindSpaceCore
import MindSpaceIO
import MindSpaceNumerics
import MindSpaceProjection
import MindSpaceRender
import MindSpaceSimilarity

/// The `compare` command as a library call: how similar several representations of the same N
/// inputs are, by each metric, with a bootstrap interval and a permutation null per score; with
/// more than two, a matrix per metric (heatmap and MDS map); with factors, a PERMANOVA of the
/// distance √(1 − score) (see `distances`).
///
/// Every input is read whole (as `Double`) and checked before anything is computed: the same N
/// in all, finite values, not every column constant. Outputs go through one transaction, so a
/// failure writes nothing.
public struct CompareJob: Sendable {
    public var inputPaths: [String]
    /// The array (.npz) or tensor (.safetensors) to take from every input.
    public var arrayName: String?
    public var metrics: [RepresentationMetricName]
    public var metricSettings: RepresentationMetricSettings
    public var comparison: RepresentationComparison.Settings
    /// Order heatmap rows by average-linkage clustering of the first metric (`--order cluster`).
    public var clusterOrder: Bool
    /// `--factors FILE`: a table naming each input by its file stem, one factor per column.
    public var factorsPath: String?
    /// `--anchors FILE`: the anchor rows of `relative`, one 0-based row index per line.
    public var anchorsPath: String?
    public var outputFolder: String
    public var commandLine: [String]

    public init(inputPaths: [String], arrayName: String? = nil, metrics: [RepresentationMetricName] = RepresentationMetricName.defaults,
                metricSettings: RepresentationMetricSettings = .init(), comparison: RepresentationComparison.Settings = .init(),
                clusterOrder: Bool = false, factorsPath: String? = nil, anchorsPath: String? = nil,
                outputFolder: String, commandLine: [String] = []) {
        self.inputPaths = inputPaths
        self.arrayName = arrayName
        self.metrics = metrics
        self.metricSettings = metricSettings
        self.comparison = comparison
        self.clusterOrder = clusterOrder
        self.factorsPath = factorsPath
        self.anchorsPath = anchorsPath
        self.outputFolder = outputFolder
        self.commandLine = commandLine
    }

    /// One input, read and checked, in the precision it is stored in (float32 for float32,
    /// float16 and bfloat16 files: metrics that gain from it, linear CKA, keep it).
    struct Representation {
        var name: String
        var input: AnalysisInput
        var values: AnalysisInput.Points
    }

    /// One metric's state of one representation, in the precision it was read in.
    struct MetricPreparation<Metric: RepresentationMetric>: PointsAnalysis {
        let metric: Metric

        func analyse<Scalar: NeighborScalar>(_ points: consuming Matrix<Scalar>) throws -> Metric.Prepared {
            let values = points
            if let single = values as? Matrix<Float> { return try metric.prepare(single: single) }
            return try metric.prepare(values.converted(to: Double.self))
        }
    }

    /// Whether some column of the points takes two different values.
    struct VaryingColumnCheck: PointsAnalysis {
        func analyse<Scalar: NeighborScalar>(_ points: consuming Matrix<Scalar>) -> Bool {
            let values = points
            guard values.rows > 1 else { return false }
            for row in 1..<values.rows {
                for column in 0..<values.columns where values[row, column] != values[0, column] { return true }
            }
            return false
        }
    }

    public func run() throws -> CompareReport {
        try validateSettings()
        let representations = try readInputs()
        let n = representations[0].values.rows
        var settings = metricSettings
        if let anchorsPath { settings.anchorRows = try Self.readAnchors(anchorsPath, rows: n) }
        // "At most N − 1" anchors: the default 300 would exceed small inputs.
        settings.anchorCount = min(settings.anchorCount, n - 1)
        let names = representations.map(\.name)
        let factors = try factorsPath.map { try Self.readFactors($0, names: names) }

        // Every metric's pair scores, in metric order, then pair order.
        var scores: [CompareReport.Score] = []
        var matrices: [(metric: RepresentationMetricName, values: [[Double]], nullMeans: [[Double?]]?)] = []
        for (metricIndex, name) in metrics.enumerated() {
            let metric = name.metric(settings: settings)
            let result = try Self.scorePairs(metric, representations, settings: comparison, metricIndex: metricIndex)
            scores += result.scores
            matrices.append((name, result.matrix, result.nullMeans))
        }

        let folder = URL(fileURLWithPath: outputFolder)
        func path(_ file: String) -> String { folder.appendingPathComponent(file).relativePath }
        let transaction = OutputTransaction()
        let inputs = representations.map(\.input.record)
        var reportMatrices: [CompareReport.ScoreMatrix]?
        if representations.count > 2 {
            reportMatrices = try matrices.map { entry in
                try matrixReport(entry.metric, values: entry.values, nullMeans: entry.nullMeans, names: names, n: n,
                                 factors: factors, transaction: transaction, path: path, inputs: inputs)
            }
        }
        var decomposition: Decomposition?
        if let factors, let first = matrices.first {
            do {
                decomposition = try Self.decompose(metric: first.metric, scores: first.values, names: names, factors: factors,
                                                   permutations: max(comparison.permutations, 999), seed: comparison.seed)
            } catch let error as MindSpaceError {
                throw error.located(in: factorsPath ?? "")
            }
        }
        let sideRecords = try [factorsPath, anchorsPath].compactMap { $0 }.map { try InputRecord.hashing($0, format: "table") }
        let report = CompareReport(
            n: n,
            inputs: representations.map { .init(name: $0.name, path: $0.input.path, n: $0.values.rows, d: $0.values.columns) },
            metrics: metrics.map(\.rawValue),
            settings: .init(k: settings.k, sigma: settings.rbfSigmaFraction, ccaDims: settings.ccaDimensions,
                            anchors: settings.anchorRows?.count ?? min(settings.anchorCount, n - 1),
                            bootstrap: comparison.bootstrap, level: comparison.level, permutations: comparison.permutations,
                            order: clusterOrder ? "cluster" : "input"),
            scores: scores, matrices: reportMatrices, decomposition: decomposition, report: path("compare.json"),
            provenance: ReportEncoding.Provenance(command: commandLine, seed: comparison.seed,
                                                  inputs: inputs + sideRecords))
        try transaction.stage(ReportEncoding.json(report), at: report.report)
        try transaction.commit()
        return report
    }

    /// Usage errors (exit 64) in the settings, before any file is read.
    func validateSettings() throws {
        guard inputPaths.count >= 2 else {
            throw MindSpaceError(.usage, "compare needs at least two representations, got \(inputPaths.count)")
        }
        guard !metrics.isEmpty else { throw MindSpaceError(.usage, "name at least one --metric") }
        guard Set(metrics).count == metrics.count else { throw MindSpaceError(.usage, "a --metric is named twice") }
        guard metricSettings.k >= 1 else { throw MindSpaceError(.usage, "--k must be at least 1, got \(metricSettings.k)") }
        guard comparison.bootstrap >= 0, comparison.permutations >= 0 else {
            throw MindSpaceError(.usage, "--bootstrap and --permutations must be 0 or more")
        }
        guard comparison.level > 0, comparison.level < 1 else {
            throw MindSpaceError(.usage, "--level must lie strictly between 0 and 1, got \(comparison.level)")
        }
        guard metricSettings.rbfSigmaFraction > 0, metricSettings.rbfSigmaFraction.isFinite else {
            throw MindSpaceError(.usage, "--sigma must be positive, got \(metricSettings.rbfSigmaFraction)")
        }
        guard metricSettings.ccaDimensions >= 1 else {
            throw MindSpaceError(.usage, "--cca-dims must be at least 1, got \(metricSettings.ccaDimensions)")
        }
        guard metricSettings.anchorCount >= 1 else {
            throw MindSpaceError(.usage, "--anchor-count must be at least 1, got \(metricSettings.anchorCount)")
        }
    }

    /// Opens, reads and checks every input: 2-D, the same N as the first, finite, not all constant.
    func readInputs() throws -> [Representation] {
        let names = Self.shortNames(inputPaths)
        var representations: [Representation] = []
        for (path, name) in zip(inputPaths, names) {
            let input = try AnalysisInput.open(path, arrayName: arrayName)
            guard input.tensor.shape.count == 2 else {
                throw MindSpaceError.malformed(path, "compare needs an inputs × features array, got shape \(input.tensor.shape)")
            }
            if let first = representations.first, input.tensor.shape[0] != first.values.rows {
                throw MindSpaceError.malformed(path,
                    "has \(input.tensor.shape[0]) rows but \(first.input.path) has \(first.values.rows): compare needs "
                    + "representations of the same inputs, in the same order")
            }
            guard input.tensor.shape[0] >= 4 else {
                throw MindSpaceError.malformed(path, "compare needs at least 4 inputs (rows), got \(input.tensor.shape[0])")
            }
            let values = try input.points(purpose: "compare needs finite values")
            guard try values.analyse(with: VaryingColumnCheck()) else {
                throw MindSpaceError.malformed(path, "every column is constant: the representation carries no information to compare")
            }
            representations.append(Representation(name: name, input: input, values: values))
        }
        return representations
    }

    /// The file stems, made unique by adding parent folders where two stems agree.
    static func shortNames(_ paths: [String]) -> [String] {
        let components = paths.map { path -> [String] in
            let url = URL(fileURLWithPath: path)
            return url.deletingPathExtension().pathComponents.filter { $0 != "/" }
        }
        var depth = Array(repeating: 1, count: paths.count)
        func name(_ index: Int) -> String { components[index].suffix(depth[index]).joined(separator: "/") }
        var changed = true
        while changed {
            changed = false
            let current = paths.indices.map(name)
            for index in paths.indices where current.filter({ $0 == current[index] }).count > 1
                && depth[index] < components[index].count {
                depth[index] += 1
                changed = true
            }
        }
        // Two inputs naming the same file keep their full paths, numbered.
        var names = paths.indices.map(name)
        for index in names.indices where names.filter({ $0 == names[index] }).count > 1 {
            names[index] += " #\(index + 1)"
        }
        return names
    }

    /// Every pair's verdict by one metric, and its m × m matrix (diagonal 1; symmetric metrics
    /// mirrored, asymmetric ones computed both ways) with the null means.
    static func scorePairs<Metric: RepresentationMetric>(
        _ metric: Metric, _ representations: [Representation], settings: RepresentationComparison.Settings, metricIndex: Int
    ) throws -> (scores: [CompareReport.Score], matrix: [[Double]], nullMeans: [[Double?]]?) {
        let m = representations.count
        var prepared: [Metric.Prepared] = []
        for representation in representations {
            do {
                prepared.append(try representation.values.analyse(with: MetricPreparation(metric: metric)))
            } catch let error as MindSpaceError {
                throw error.located(in: representation.input.path)
            }
        }
        var matrix = (0..<m).map { i in (0..<m).map { j in i == j ? 1.0 : .nan } }
        var nullMeans: [[Double?]] = Array(repeating: Array(repeating: nil, count: m), count: m)
        var scores: [CompareReport.Score] = []
        let n = representations[0].values.rows
        for i in 0..<m {
            for j in 0..<m where j != i && (j > i || !metric.name.isSymmetric) {
                let stream = UInt64(metricIndex) &* 1_000_003 &+ UInt64(i * m + j)
                let verdict = try RepresentationComparison.assess(metric, prepared[i], prepared[j], rows: n,
                                                                  settings: settings, stream: stream)
                scores.append(CompareReport.Score(a: representations[i].name, b: representations[j].name,
                                                  metric: metric.name.rawValue, value: verdict.value, ci: verdict.ci,
                                                  null: verdict.null))
                matrix[i][j] = verdict.value
                nullMeans[i][j] = verdict.null?.mean
                if metric.name.isSymmetric {
                    matrix[j][i] = verdict.value
                    nullMeans[j][i] = verdict.null?.mean
                }
            }
        }
        return (scores, matrix, settings.permutations > 0 ? nullMeans : nil)
    }

    /// The distances between models that MDS maps, PERMANOVA decomposes and clustering orders:
    /// d_ij = √(1 − s̄_ij), s̄_ij = (s_ij + s_ji)/2, row-major m × m, diagonal 0.
    ///
    /// Why the square root: CKA (linear, debiased or RBF) is the cosine between two centred
    /// kernel matrices, and mutual-kNN overlap the cosine between two neighbour-indicator
    /// vectors, so √(2(1 − s)) is the chordal distance between unit vectors: a Euclidean
    /// distance. PERMANOVA's partition of squared distances (Anderson 2001) and classical MDS are
    /// exact for it. 1 − s itself is not Euclidean: on the shipped digit runs its sequential
    /// PERMANOVA leaves a residual "sum of squares" below zero (R² −0.19). The constant √2 changes
    /// neither R², F nor the map's shape, so it is left out.
    static func distances(_ scores: [[Double]]) -> [Double] {
        let m = scores.count
        var result = [Double](repeating: 0, count: m * m)
        for i in 0..<m {
            for j in 0..<m where i != j { result[i * m + j] = max(1 - (scores[i][j] + scores[j][i]) / 2, 0).squareRoot() }
        }
        return result
    }

    /// One metric's matrix in the chosen order, its heatmap and MDS map (staged), for the report.
    private func matrixReport(_ metric: RepresentationMetricName, values: [[Double]], nullMeans: [[Double?]]?, names: [String],
                              n: Int, factors: FactorTable?, transaction: OutputTransaction, path: (String) -> String,
                              inputs: [InputRecord]) throws -> CompareReport.ScoreMatrix {
        let m = names.count
        let distance = Self.distances(values)
        let order = clusterOrder ? AverageLinkageOrder.order(distances: distance, count: m) : Array(0..<m)
        let orderedNames = order.map { names[$0] }
        let ordered = order.map { i in order.map { j in values[i][j] } }
        let orderedNulls = nullMeans.map { means in order.map { i in order.map { j in means[i][j] } } }

        var squared = [Double](repeating: 0, count: m * m)
        for i in 0..<m { for j in 0..<m { let d = max(distance[order[i] * m + order[j]], 0); squared[i * m + j] = d * d } }
        let embedding = try ClassicalMDS.embed(squaredDistances: squared, landmarks: Array(0..<m), pointCount: m,
                                               seed: comparison.seed)
        let coordinates = (0..<m).map { [embedding.coordinates[$0, 0], embedding.coordinates[$0, 1]] }

        let heatmapPath = path("compare-\(metric.rawValue).png")
        let mdsPath = path("compare-\(metric.rawValue)-mds.png")
        // The colours span the scores between models (down to the next 0.05), not 0…1: pairs
        // that all score above 0.9 would otherwise share one colour. The cells carry the values,
        // the colour bar the range, and the footer the null.
        let offDiagonal = (0..<m).flatMap { i in (0..<m).filter { $0 != i }.map { ordered[i][$0] } }.filter(\.isFinite)
        let low = min(((offDiagonal.min() ?? 0) * 20).rounded(.down) / 20, 0.95)
        let heatmap = Heatmap(values: ordered, rowNames: orderedNames, columnNames: orderedNames,
                              title: "\(metric.displayName) between \(m) representations of \(n) inputs",
                              valueLabel: metric.displayName, range: low...1, showsValues: m <= 16)
        let provenance = ImageProvenance(
            commandLine: commandLine.isEmpty ? nil : commandLine.joined(separator: " "),
            inputs: inputs.map(ImageProvenance.InputFile.init), seed: comparison.seed, method: "compare",
            parameters: ["metric=\(metric.rawValue)", "order=\(clusterOrder ? "cluster" : "input")"])
        let footer = comparison.permutations > 0
            ? "Null (B's rows shuffled, \(comparison.permutations) draws): mean off-diagonal "
                + String(format: "%.3f", Self.meanOffDiagonal(orderedNulls)) + "; order: \(clusterOrder ? "average-linkage clusters" : "as given")"
            : nil
        try transaction.stage(Figure(heatmap, footer: footer, width: 1600, height: 1300).pngData(provenance: provenance),
                              at: heatmapPath)
        let total = embedding.trace
        func axis(_ k: Int) -> String {
            total > 0 ? String(format: "MDS %d (%.0f%% of the spread)", k + 1, 100 * embedding.eigenvalues[k] / total) : "MDS \(k + 1)"
        }
        let firstFactor = factors.flatMap { table in table.factors.first.map { factor in (factor, order.map { table.levels[names[$0]]?[0] ?? "" }) } }
        let map = LabelledPointsPlot(x: coordinates.map { $0[0] }, y: coordinates.map { $0[1] }, names: orderedNames,
                                     groups: firstFactor?.1, groupTitle: firstFactor?.0,
                                     title: "Models by \(metric.displayName): classical MDS of √(1 − score)",
                                     xLabel: axis(0), yLabel: axis(1))
        try transaction.stage(Figure(map, width: 1600, height: 1400).pngData(provenance: provenance), at: mdsPath)
        return CompareReport.ScoreMatrix(metric: metric.rawValue, names: orderedNames, values: ordered, nullMeans: orderedNulls,
                                         mds: coordinates, images: [heatmapPath, mdsPath])
    }

    /// The mean of the off-diagonal entries that are present.
    static func meanOffDiagonal(_ matrix: [[Double?]]?) -> Double {
        guard let matrix else { return .nan }
        var sum = 0.0, count = 0
        for (i, row) in matrix.enumerated() { for (j, value) in row.enumerated() where i != j { if let value { sum += value; count += 1 } } }
        return count > 0 ? sum / Double(count) : .nan
    }

    /// Anchor rows from a file of 0-based row indices, one per line (blank lines ignored), checked
    /// here so that an error names this file rather than a representation.
    static func readAnchors(_ path: String, rows: Int) throws -> [Int] {
        // The metadata reader's line rules (byte-order mark, CRLF, trailing blank lines).
        var anchors: [Int] = []
        for (number, line) in try GroupLabelsReader.read(path: path).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { continue }
            guard let row = Int(trimmed), row >= 0, row < rows else {
                throw MindSpaceError.malformed(path, "line \(number + 1): '\(TerminalText.escaped(trimmed))' is not a row index in 0..<\(rows)")
            }
            anchors.append(row)
        }
        guard !anchors.isEmpty else { throw MindSpaceError.malformed(path, "no anchor rows in the file") }
        guard Set(anchors).count == anchors.count else { throw MindSpaceError.malformed(path, "an anchor row is listed twice") }
        return anchors
    }

    /// The factors table, checked against the inputs' names.
    static func readFactors(_ path: String, names: [String]) throws -> FactorTable {
        let table = try FactorTable.read(path: path)
        for name in names where table.levels[name] == nil {
            throw MindSpaceError.malformed(path, "names no input '\(TerminalText.escaped(name))' (its first column must name every input by file stem; "
                + "it names " + table.names.prefix(8).map { "'\(TerminalText.escaped($0))'" }.joined(separator: ", ") + ")")
        }
        for name in table.names where !names.contains(name) {
            throw MindSpaceError.malformed(path, "names '\(TerminalText.escaped(name))', which is not one of the inputs ("
                + names.map { "'\($0)'" }.joined(separator: ", ") + ")")
        }
        for (index, factor) in table.factors.enumerated() {
            let levels = Set(names.map { table.levels[$0]?[index] ?? "" })
            if levels.count == names.count {
                throw MindSpaceError.malformed(path, "factor '\(TerminalText.escaped(factor))' has one level per model: nothing is left to compare within a level")
            }
            if levels.count < 2 {
                throw MindSpaceError.malformed(path, "factor '\(TerminalText.escaped(factor))' has a single level: it cannot explain any difference")
            }
        }
        return table
    }
}
