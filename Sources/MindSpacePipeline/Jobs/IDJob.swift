import Foundation
import MindSpaceCore
import MindSpaceIO
import MindSpaceNumerics
import MindSpaceDimension
import MindSpaceRender

/// The `id` command as a library call: read one data file, run the requested intrinsic-dimension
/// estimators (one shared exact neighbour search for all neighbour-based ones), and write
/// `id.json`, the TwoNN fit plot (`twonn-fit.png`, when TwoNN ran) and, with `pointwise`, each
/// estimator's per-point values (`pointwise-<estimator>.npy`, N float64, one per original row).
/// All files are staged and committed together, so a failure leaves no file.
///
/// Failures: NaN/Inf (with the position), too few (distinct) points for the largest k, or every
/// estimator failing end the job with `.malformedData` (exit 65). When several estimators run and
/// only some fail (say, MLE with k = 20 on 15 points), the others are reported and each failure
/// is listed under `skipped` with its one-line reason: never a silent number.
public struct IDJob: Sendable {
    public var dataPath: String
    public var arrayName: String?
    /// Estimator names (`EstimatorCatalog`), `all` for every one.
    public var estimatorNames: [String]
    /// Neighbourhood size for the estimators that take one (`nil`: each one's default).
    public var k: Int?
    public var options: EstimationOptions
    /// Write per-point values where an estimator defines them.
    public var pointwise: Bool
    /// Also compute the ID-versus-scale curves (GRIDE over neighbour ranks, TwoNN on decimated
    /// subsets) and plot them (`id-scale.png`).
    public var scales = false
    public var outputFolder: String
    public var commandLine: [String]

    public init(dataPath: String, arrayName: String? = nil, estimatorNames: [String] = ["auto"], k: Int? = nil,
                options: EstimationOptions = EstimationOptions(), pointwise: Bool = false,
                outputFolder: String, commandLine: [String] = []) {
        self.dataPath = dataPath
        self.arrayName = arrayName
        self.estimatorNames = estimatorNames
        self.k = k
        self.options = options
        self.pointwise = pointwise
        self.outputFolder = outputFolder
        self.commandLine = commandLine
    }

    /// Runs the estimators and writes the files; returns the report (also written as `id.json`).
    public func run() throws -> IDReport {
        if let k, k < 1 { throw MindSpaceError(.usage, "--k must be at least 1, got \(k)") }
        try options.validate()
        let estimators = try EstimatorCatalog.estimators(named: estimatorNames, k: k, pointwise: pointwise)
        guard !estimators.isEmpty else { throw MindSpaceError(.usage, "name at least one estimator") }
        let input = try AnalysisInput.open(dataPath, arrayName: arrayName)
        let outcome: Outcome
        do {
            // No estimate depends on where the points sit: centre them once, in place, before
            // anything else (duplicates are then found among the centred rows), so no product
            // of float32 rows loses digits to a common offset and the neighbour search needs no
            // centred copies.
            outcome = try input.points(purpose: "intrinsic dimension needs finite values")
                .analyse(with: Estimation(job: self, estimators: estimators))
        } catch let error as MindSpaceError {
            throw error.located(in: dataPath)
        }
        guard !outcome.estimates.isEmpty else {
            let reasons = outcome.skipped.map { "\($0.estimator): \($0.reason)" }.joined(separator: "; ")
            throw MindSpaceError.malformed(dataPath, "no estimator could run: \(reasons)")
        }

        let folder = URL(fileURLWithPath: outputFolder)
        func path(_ name: String) -> String { folder.appendingPathComponent(name).relativePath }
        var pointwiseFiles: [String: String] = [:]
        if pointwise {
            for estimate in outcome.estimates where estimate.pointwise != nil {
                pointwiseFiles[estimate.estimator] = path("pointwise-\(estimate.estimator).npy")
            }
        }
        let report = IDReport(
            n: outcome.n, d: outcome.d, distinctPoints: outcome.distinctPoints, ciRequested: options.intervalMethod,
            estimates: outcome.estimates, skipped: outcome.skipped, pointwise: pointwiseFiles,
            scaleCurves: outcome.scaleCurves,
            image: outcome.fitCurve == nil ? nil : path("twonn-fit.png"),
            scaleImage: outcome.scaleCurves.isEmpty ? nil : path("id-scale.png"), report: path("id.json"),
            provenance: ReportEncoding.Provenance(command: commandLine, seed: options.seed, inputs: [input.record]))

        let transaction = OutputTransaction()
        for estimate in outcome.estimates {
            if let file = pointwiseFiles[estimate.estimator], let values = estimate.pointwise {
                try transaction.stage(NpyWriter.encode(vector: values), at: file)
            }
        }
        if let curve = outcome.fitCurve, let image = report.image,
           let twoNN = outcome.estimates.first(where: { $0.estimator == "twonn" }) {
            let figure = fitFigure(curve, estimate: twoNN, n: outcome.n, d: outcome.d)
            try transaction.stage(figure.pngData(provenance: ImageProvenance(
                commandLine: commandLine.isEmpty ? nil : commandLine.joined(separator: " "),
                inputs: [ImageProvenance.InputFile(input.record)], seed: options.seed, method: "twonn",
                parameters: twoNN.parameters.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" })), at: image)
        }
        if let scaleImage = report.scaleImage {
            try transaction.stage(scaleFigure(outcome.scaleCurves, n: outcome.n, d: outcome.d).pngData(provenance: ImageProvenance(
                commandLine: commandLine.isEmpty ? nil : commandLine.joined(separator: " "),
                inputs: [ImageProvenance.InputFile(input.record)], seed: options.seed, method: "scale curves",
                parameters: outcome.scaleCurves.map(\.method))), at: scaleImage)
        }
        try transaction.stage(ReportEncoding.json(report), at: report.report)
        try transaction.commit()
        return report
    }

    /// What the estimators produced, before anything is written.
    struct Outcome {
        var n: Int
        var d: Int
        var distinctPoints: Int?
        var estimates: [DimensionEstimate] = []
        var skipped: [IDReport.Skipped] = []
        var fitCurve: TwoNNFitCurve?
        var scaleCurves: [ScaleCurve] = []
        /// The shared search's neighbours of every row (row-major N × `neighborCount`) when it
        /// searched all N rows (no duplicate was removed); else nil.
        var neighborIndices: [Int32]?
        var neighborCount = 0
    }

    /// The job's body for either precision: centres the points in place, then `estimate`.
    private struct Estimation: PointsAnalysis {
        let job: IDJob
        let estimators: [any DimensionEstimator]

        func analyse<Scalar: NeighborScalar>(_ points: consuming Matrix<Scalar>) throws -> Outcome {
            points.centreColumns()
            return try job.estimate(points, with: estimators)
        }
    }

    /// Runs every estimator on `points` (centred); neighbour-based ones share one search with the
    /// largest k. `layers` reuses it per layer, asking the search for at least `searchAtLeast`
    /// neighbours (its overlap's k) so that one search serves both (the estimators take their
    /// first ranks).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func estimate<Scalar: NeighborScalar>(_ points: Matrix<Scalar>, with estimators: [any DimensionEstimator],
                                          searchAtLeast: Int = 0) throws -> Outcome {
        var outcome = Outcome(n: points.rows, d: points.columns)
        var neighborCounts = estimators.compactMap { estimator -> Int? in
            if let neighborBased = estimator as? any NeighborDimensionEstimator { return neighborBased.neighborCount }
            if let coordinateBased = estimator as? any CoordinateNeighborDimensionEstimator { return coordinateBased.neighborCount }
            return nil
        }
        if searchAtLeast > 0, !neighborCounts.isEmpty { neighborCounts.append(searchAtLeast) }
        var context: NeighborContext<Scalar>?
        if let largest = neighborCounts.max() {
            // One duplicate analysis, shared with the search (no second pass, no second copy).
            let deduplication = options.duplicates == .remove ? DeduplicatedPoints(points) : nil
            let usable = deduplication?.unique.rows ?? points.rows
            // Search as many neighbours as the data allow; estimators needing more are skipped
            // with a reason (or, alone, fail with it).
            let k = min(largest, usable - 1)
            guard k >= 2 else {
                throw MindSpaceError(.malformedData,
                    usable <= 1 ? "all \(points.rows) points are identical; no dimension can be estimated"
                                : "too few distinct points: \(usable) of \(points.rows) rows; neighbour-based estimators need at least 3")
            }
            let shared = try NeighborContext(points, deduplication: deduplication, k: k, options: options)
            outcome.distinctPoints = shared.deduplication?.unique.rows
            if shared.table.pointCount == points.rows {
                outcome.neighborIndices = shared.table.indices
                outcome.neighborCount = shared.table.k
            }
            context = shared
        }
        for estimator in estimators {
            do {
                let result: DimensionEstimate
                if let neighborEstimator = estimator as? any NeighborDimensionEstimator, let context {
                    try Self.requireNeighbors(neighborEstimator.neighborCount, in: context)
                    result = try neighborEstimator.estimate(from: context, options: options)
                } else if let coordinateEstimator = estimator as? any CoordinateNeighborDimensionEstimator, let context {
                    try Self.requireNeighbors(coordinateEstimator.neighborCount, in: context)
                    result = try coordinateEstimator.estimate(from: context, points: points, options: options)
                } else {
                    result = try estimator.estimate(points, options: options)
                }
                outcome.estimates.append(result)
            } catch let error as MindSpaceError {
                if error.kind == .usage { throw error }
                outcome.skipped.append(IDReport.Skipped(estimator: estimator.name, reason: error.reason))
            }
        }
        if estimators.count == 1, let only = outcome.skipped.first {
            throw MindSpaceError.malformed(dataPath, "\(only.estimator): \(only.reason)")
        }
        if let context, outcome.estimates.contains(where: { $0.estimator == "twonn" }) {
            outcome.fitCurve = TwoNNFitCurve(neighbors: context.table)
        }
        if scales {
            let distinct = context?.table.pointCount ?? points.rows
            let maximumRank = min(64, distinct - 1)
            if maximumRank >= 2 {
                outcome.scaleCurves.append(try GRIDEEstimator.scaleCurve(points, maximumRank: maximumRank, options: options))
            }
            outcome.scaleCurves.append(try TwoNNScaleCurve().curve(points, options: options))
        }
        return outcome
    }

    /// Throws the one-line reason an estimator cannot use `context`.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    private static func requireNeighbors<Scalar: NeighborScalar>(_ count: Int, in context: NeighborContext<Scalar>) throws {
        guard context.table.k >= count else {
            throw MindSpaceError(.malformedData,
                "needs \(count) neighbours per point but only \(context.table.pointCount) distinct points exist")
        }
    }

    /// ID against scale: each curve's estimates with their confidence band, scale on a log axis.
    func scaleFigure(_ curves: [ScaleCurve], n: Int, d: Int) -> Figure {
        let name = URL(fileURLWithPath: dataPath).lastPathComponent
        let dimensionCurves = curves.map { curve in
            DimensionCurve(label: curve.method, scales: curve.points.map(\.scale), estimates: curve.points.map(\.dimension),
                           lower: curve.points.map(\.ciLow), upper: curve.points.map(\.ciHigh))
        }
        // A log axis only pays when the scales span a decade; within one it shows a single tick.
        let allScales = curves.flatMap { $0.points.map(\.scale) }.filter { $0 > 0 }
        let spansDecade = (allScales.max() ?? 1) / (allScales.min() ?? 1) >= 10
        let chart = LineChart.dimensionVersusScale(dimensionCurves, scaleLabel: "length scale (mean neighbour distance)",
                                                   logarithmicScale: spansDecade, title: nil)
        let level = Int(((curves.first?.ciLevel ?? options.confidenceLevel) * 100).rounded())
        let footer = "GRIDE over neighbour ranks n1 = 1, 2, 4, … and TwoNN on decimated subsets; bands: \(level)% CI "
            + "\u{00B7} N = \(n) points, D = \(d) \u{00B7} seed \(options.seed) \u{00B7} MindSpace \(MindSpaceVersion.string)"
        return Figure(chart, title: "\(name) \u{2014} intrinsic dimension across scales", footer: footer)
    }

    /// The TwoNN fit: −log(1 − F) against log μ with the fitted line through the origin.
    func fitFigure(_ curve: TwoNNFitCurve, estimate: DimensionEstimate, n: Int, d: Int) -> Figure {
        let name = URL(fileURLWithPath: dataPath).lastPathComponent
        let chart = LineChart.twoNNFit(
            logMu: curve.keptLogRatios, minusLogOneMinusF: curve.keptTargets, slope: estimate.dimension,
            discardedLogMu: curve.discardedLogRatios, discardedMinusLogOneMinusF: curve.discardedTargets, title: nil)
        let level = Int((estimate.ci.level * 100).rounded())
        let interval = estimate.ci.hasBounds
            ? "\(level)% CI [\(TextTable.number(estimate.ci.low)), \(TextTable.number(estimate.ci.high))]"
            : "no interval"
        let footer = "TwoNN (least squares through the origin, 10% largest ratios discarded) \u{00B7} "
            + "ID = \(TextTable.number(estimate.dimension)), \(interval) \u{00B7} N = \(n) points, D = \(d) \u{00B7} seed \(options.seed) "
            + "\u{00B7} MindSpace \(MindSpaceVersion.string)"
        return Figure(chart, title: "\(name) \u{2014} TwoNN fit (slope = intrinsic dimension)", footer: footer)
    }
}

/// The JSON report of `mindspace id` (keys per shared/cli.md: `n`, `d`, `estimates[].estimator`,
/// `.dimension`, `.ci` ([low, high]), `.parameters`), plus what was skipped and why, the files
/// written and provenance.
public struct IDReport: Codable, Equatable, Sendable {
    /// An estimator that could not run on these data, with the reason.
    public struct Skipped: Codable, Equatable, Sendable {
        public var estimator: String
        public var reason: String
    }

    public var n: Int
    public var d: Int
    /// Distinct rows when duplicates were removed (`nil` when kept or no neighbour search ran).
    public var distinctPoints: Int?
    /// The interval method asked for (`--ci`); each estimate's `ci_method` says which it used.
    public var ciRequested: IntervalMethod
    public var estimates: [DimensionEstimate]
    public var skipped: [Skipped]
    /// Per-point value files by estimator name.
    public var pointwise: [String: String]
    /// ID-versus-scale curves (with `scales`).
    public var scaleCurves: [ScaleCurve]
    /// The TwoNN fit plot, when TwoNN ran.
    public var image: String?
    /// The ID-versus-scale plot (with `scales`).
    public var scaleImage: String?
    public var report: String
    public var provenance: ReportEncoding.Provenance

    enum CodingKeys: String, CodingKey {
        case n, d, estimates, skipped, pointwise, image, report, provenance
        case distinctPoints = "distinct_points"
        case ciRequested = "ci_requested"
        case scaleCurves = "scale_curves"
        case scaleImage = "scale_image"
    }

    /// The width the text table fits: a terminal's classic 80 columns.
    static let textWidth = 80

    /// The human-readable table the CLI prints without `--json`; its parameters column wraps
    /// so the table fits `textWidth` columns.
    public func text() -> String {
        let input = provenance.inputs.first
        var text = "Intrinsic dimension of \(input?.path ?? "data") (\(input?.array ?? ""), \(n) × \(d), \(input?.dtype ?? ""))"
        if let distinctPoints, distinctPoints < n { text += "; \(n - distinctPoints) duplicate rows removed" }
        text += "\n"
        var rows: [[String]] = [["estimator", "dimension", "CI", "interval", "parameters"]]
        for estimate in estimates {
            let level = Int((estimate.ci.level * 100).rounded())
            let parameters = estimate.parameters.filter { $0.key != "duplicates" }
                .sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            rows.append([estimate.estimator, String(format: "%.3f", estimate.dimension),
                         estimate.ci.hasBounds ? String(format: "[%.3f, %.3f]", estimate.ci.low, estimate.ci.high) : "-",
                         estimate.ci.hasBounds ? "\(level)% \(estimate.ci.method.rawValue)" : "none", parameters])
        }
        // The parameters wrap under their column so the table fits 80 columns (the auto
        // estimator's alone ran to 230); --json and id.json keep them whole.
        text += TextTable.render(rows, indent: "  ", columns: [.init(), .init(), .init(.leading), .init(.leading),
                                                               .init(.leading, wraps: true)], width: Self.textWidth)
        if ciRequested == .none {
            text += "  no intervals computed (--ci none)\n"
        } else {
            for estimate in estimates where !estimate.ci.hasBounds {
                text += "  \(estimate.estimator): \(estimate.ci.detail)\n"
            }
        }
        for skipped in self.skipped { text += "  skipped \(skipped.estimator): \(skipped.reason)\n" }
        for curve in scaleCurves {
            text += "  \(curve.method) across scales: " + curve.points.map {
                String(format: "%.3g → %.2f", $0.scale, $0.dimension)
            }.joined(separator: ", ") + "\n"
        }
        let written = [image, scaleImage].compactMap { $0 } + pointwise.keys.sorted().compactMap { pointwise[$0] } + [report]
        text += "wrote " + written.joined(separator: ", ") + "\n"
        return text
    }
}
