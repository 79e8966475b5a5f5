import MindSpaceCore
import MindSpaceNumerics

/// TwoNN across scales by decimation (Facco, d'Errico, Rodriguez & Laio 2017, Sci. Rep.
/// 7:12140, Fig. 3): estimating on random subsets of N, N/2, N/4, … points moves the first two
/// neighbours farther away, so each level probes a larger length scale. A plateau of the curve
/// is the intrinsic dimension at that range of scales; a rise at the smallest scales signals
/// noise, a fall at the largest curvature or the finite extent of the data.
///
/// **Levels** (DADApy 0.3.4 `return_id_scaling_2NN`): with N the number of (distinct) points
/// and L = ⌊log₂ N⌋ − 1, the subset sizes are nᵢ = round(N/2ⁱ) for i = 0 … L − 1 (round half
/// to even, as NumPy), keeping those > `minimumSize`. Level 0 is the whole set, estimated once.
/// Level i > 0 averages R = round(N/nᵢ) estimates, each on nᵢ points drawn without replacement
/// (a fresh draw per repetition) from `SeededGenerator(seed: options.seed)`. Because the subsets
/// are random, values differ from DADApy's (which draws from NumPy's generator) within the
/// repetition noise; the level sizes and repetition counts are the same.
///
/// **Values per level** (`ScalePoint`): `dimension` = mean of the R estimates; `scale` = mean
/// distance to the first and second neighbours over the subset's points, averaged over the
/// repetitions (DADApy's `rs`); `size` = nᵢ; `standardError` = DADApy's error, the population
/// standard deviation of the R estimates / √R (0 at level 0).
///
/// **Interval.** At level 0 the estimator's own interval (a seeded bootstrap for the
/// least-squares fit, the exact Gamma interval for maximum likelihood), so it equals
/// `TwoNNEstimator.estimate(points, options:)`. At averaged levels each repetition's interval
/// gives a standard error sᵣ = (high − low)/(2z), and the level's interval is
/// mean ± z·√(Σ sᵣ²)/R, treating repetitions as independent (their subsets overlap only at
/// random). DADApy's empirical error from R = 2 or 4 estimates is too noisy to build an interval
/// on; it is reported as `standardError`. The band is part of the curve: it is computed this way
/// whatever `options.intervalMethod` asks of single estimates.
///
/// **Duplicates.** Removed before decimating by default (a subset then never holds two equal
/// rows). With duplicates kept, the TwoNN estimator drops points whose first neighbour is a
/// twin, per subset.
///
/// **Cost.** One 2-NN search per subset: Σ levels N²·D/R ≈ 2·N²·D in total, plus the
/// estimator's bootstrap per subset.
public struct TwoNNScaleCurve: Sendable {
    /// The TwoNN variant run on every subset (default: least squares, 10 % discarded, as
    /// DADApy's `algorithm="base"`, `mu_fraction=0.9`).
    public let estimator: TwoNNEstimator
    /// Levels keep subsets strictly larger than this (default 20; DADApy's `n_min`
    /// defaults to 10, which leaves 9 ratios in the smallest fits).
    public let minimumSize: Int

    /// A decimation curve with `estimator` on subsets larger than `minimumSize` points.
    public init(estimator: TwoNNEstimator = TwoNNEstimator(), minimumSize: Int = 20) {
        self.estimator = estimator
        self.minimumSize = minimumSize
    }

    /// The levels for N points: (subset size nᵢ, repetitions R), largest subset first.
    public static func levels(pointCount n: Int, minimumSize: Int) -> [(size: Int, repetitions: Int)] {
        guard n >= 2 else { return [] }
        let levelCount = (Int.bitWidth - 1 - n.leadingZeroBitCount) - 1   // ⌊log₂ N⌋ − 1
        guard levelCount > 0 else { return [] }
        var result: [(size: Int, repetitions: Int)] = []
        for level in 0..<levelCount {
            let size = Int((Double(n) / Double(1 << level)).rounded(.toNearestOrEven))
            guard size > minimumSize else { continue }
            if size == n {
                result.append((n, 1))
            } else {
                // DADApy: data_fraction = size/N, n_subset = rint(N·fraction), n_iter = rint(1/fraction).
                let fraction = Double(size) / Double(n)
                result.append((Int((Double(n) * fraction).rounded(.toNearestOrEven)),
                               Int((1 / fraction).rounded(.toNearestOrEven))))
            }
        }
        return result
    }

    /// The curve for `points` (rows are points), ascending in scale.
    /// - Throws: `.usage` for a negative `minimumSize` or bad options; `.malformedData` for
    ///   non-finite values or too few (distinct) points for any level, and the estimator's
    ///   errors on a subset (e.g. lattice-like data).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func curve<Scalar: NeighborScalar>(_ points: Matrix<Scalar>, options: EstimationOptions) throws -> ScaleCurve {
        try options.validate()
        guard minimumSize >= 2 else {
            throw MindSpaceError(.usage, "twonn scale curve: the minimum subset size must be at least 2, got \(minimumSize)")
        }
        if let (row, column) = points.firstNonFinite() {
            throw MindSpaceError(.malformedData, "non-finite value (NaN or Inf) at row \(row), column \(column)")
        }
        let deduplication = options.duplicates == .remove ? DeduplicatedPoints(points) : nil
        let rows = deduplication?.unique ?? points
        let levels = Self.levels(pointCount: rows.rows, minimumSize: minimumSize)
        guard !levels.isEmpty else {
            throw MindSpaceError(.malformedData,
                                 "twonn scale curve: too few points to decimate: \(rows.rows) distinct points, subsets must hold more than \(minimumSize)")
        }
        let z = StandardNormal.twoSidedCritical(level: options.confidenceLevel)
        var generator = SeededGenerator(seed: options.seed)
        var curvePoints: [ScalePoint] = []
        var notes: [String] = []
        if let deduplication, deduplication.hasDuplicates {
            notes.append("\(deduplication.removedCount) duplicate rows removed before decimating")
        }
        for level in levels {
            var estimates: [DimensionEstimate] = []
            var scales: [Double] = []
            for _ in 0..<level.repetitions {
                var subsetOptions = options
                subsetOptions.intervalMethod = .auto   // the curve's band needs every subset's interval
                let subset: Matrix<Scalar>
                if level.size == rows.rows {
                    subset = rows
                } else {
                    subsetOptions.seed = generator.next()
                    subset = Self.randomSubset(of: rows, size: level.size, generator: &generator)
                }
                let table = try ExactNeighbors.search(subset, k: 2)
                estimates.append(try estimator.estimate(neighbors: table, options: subsetOptions))
                scales.append(table.distances.reduce(0.0) { $0 + Double($1) } / Double(table.distances.count))
            }
            let values = estimates.map(\.dimension)
            let count = Double(values.count)
            let mean = values.reduce(0, +) / count
            let spread = (values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / count).squareRoot()
            let low: Double, high: Double
            if let only = estimates.first, estimates.count == 1 {
                (low, high) = (only.ci.low, only.ci.high)
            } else {
                let variance = estimates.map { pow(($0.ci.high - $0.ci.low) / (2 * z), 2) }.reduce(0, +)
                let halfWidth = z * variance.squareRoot() / count
                (low, high) = (max(0, mean - halfWidth), mean + halfWidth)
            }
            let dropped = estimates.compactMap { estimate -> Int? in
                if case .int(let value)? = estimate.diagnostics["zero_distance_points_dropped"] { return value }
                return nil
            }.reduce(0, +)
            if dropped > 0 {
                notes.append("subsets of \(level.size): \(dropped) points with a duplicate first neighbour dropped over \(level.repetitions) repetitions")
            }
            curvePoints.append(ScalePoint(scale: scales.reduce(0, +) / count, dimension: mean, ciLow: low, ciHigh: high,
                                          size: level.size, repetitions: level.repetitions, neighborRank: nil,
                                          standardError: spread / count.squareRoot()))
        }
        var parameters = estimator.parameters
        parameters["minimum_size"] = .int(minimumSize)
        parameters["duplicates"] = .string(deduplication == nil ? "keep" : "remove")
        parameters["points"] = .int(points.rows)
        parameters["distinct_points"] = .int(rows.rows)
        return ScaleCurve(method: "twonn-decimation", points: curvePoints, ciLevel: options.confidenceLevel,
                          ciMethod: "whole set: \(estimator.name)'s own interval; averaged levels: mean +- z * sqrt(sum of replicate variances) / R, replicate variances from their intervals",
                          parameters: parameters, notes: notes)
    }

    /// `size` distinct rows of `rows` chosen uniformly without replacement (partial
    /// Fisher–Yates), kept in their original order.
    static func randomSubset<Scalar>(of rows: Matrix<Scalar>, size: Int, generator: inout SeededGenerator) -> Matrix<Scalar> {
        precondition(size >= 1 && size <= rows.rows)
        var storage: [Scalar] = []
        storage.reserveCapacity(size * rows.columns)
        for row in generator.sample(size, from: rows.rows).sorted() { storage.append(contentsOf: rows.row(row)) }
        return Matrix(rows: size, columns: rows.columns, storage: storage)
    }
}
