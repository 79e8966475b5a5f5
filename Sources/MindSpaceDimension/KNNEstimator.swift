import MindSpaceCore
import MindSpaceNumerics

/// The k-NN graph-length estimator (Carter, Raich & Hero 2010, "On local intrinsic dimension
/// estimation and its applications", IEEE Trans. Signal Process. 58:650–663, after Costa &
/// Hero 2004), as scikit-dimension 0.5.0's `skdim.id.KNN` implements it (a simplified version
/// without block bootstrap, from Johnsson's R package `intrinsicDimension`).
///
/// **Model.** The total γ-weighted length of the k-nearest-neighbour graph of p points drawn
/// from a density on an m-dimensional manifold grows as
///   L(p) = Σᵢ Σ_{j ∈ kNN(i)} ‖xᵢ − xⱼ‖^γ ≈ c·p^((m − γ)/m).
/// For each sample size p in `sampleSizes`, `replicates` random subsets of p points give graph
/// lengths L_pr. For every integer m = 1 … D (D the number of columns) the constant is fitted
/// by least squares, ĉ_m = Σ_p p^α Σ_r L_pr / (R Σ_p p^(2α)) with α = (m − γ)/m, and the
/// estimate is the m with the smallest residual ε_m = Σ_p Σ_r (L_pr − ĉ_m p^α)². The estimate is
/// an **integer** in 1 … D; the residual is reported in `diagnostics["residual"]`.
///
/// **Defaults and differences from scikit-dimension.** k = 2 and γ = 2 as scikit-dimension.
/// Its other defaults (sample sizes k + 1 … k + 4, one replicate) fit a power law to graphs of
/// 3 to 6 points, which returns 1 or 2 on any data; we use 8 sizes spaced geometrically from
/// N/16 to N (at least k + 1) and 4 replicates. scikit-dimension draws each subset **with
/// replacement**, which puts zero-length edges between repeated points (about a third of a
/// subset of size N is repeats) and drags the estimate down (≈ 4 instead of ≈ 8 on a uniform
/// 10-cube with N = 2000); we draw without replacement (`sampling`), and the subset of all N
/// points is then the same for every replicate and is computed once. `.withReplacement`
/// reproduces scikit-dimension's sampling, draws aside. Subsets are drawn from
/// `SeededGenerator(seed: options.seed)`; scikit-dimension draws from NumPy, so only the
/// deterministic part (graph lengths and fit for given subsets) can agree exactly.
///
/// **Interval.** A seeded two-stage percentile bootstrap: per resample, at each size the R
/// replicates are redrawn with replacement and, within each, the p points' contributions to
/// L (their k edge lengths^γ) are redrawn with replacement; the fit is redone. The bounds are
/// order statistics of the B integer estimates (no interpolation), so they are integers too.
///
/// **Known biases.** Boundaries shorten the edges of points near the edge of the support, more
/// so in high dimension: on uniform cubes the estimate is exact for d = 2, often d − 1 for
/// d = 5 and ≈ 8 for d = 10 with N = 2000–4000. The power law holds only asymptotically; small
/// subsets and large k bias it. Noise at the scale of the k-NN edges raises the estimate.
///
/// **Cost.** One exact k-NN search per subset: ≈ Σ_p R·p²·D, about four full searches with the
/// defaults; the bootstrap adds O(B·R·Σ p).
///
/// **Duplicates.** Removed by default before sampling. With duplicates kept, twins in a subset
/// are at distance 0 and contribute zero-length edges (as with replacement sampling), biasing
/// the estimate down.
public struct KNNEstimator: DimensionEstimator {
    /// How the points of a subset are drawn.
    public enum Sampling: String, Sendable, Codable {
        /// p distinct points (default).
        case withoutReplacement = "without-replacement"
        /// p independent uniform draws, as scikit-dimension (repeats possible).
        case withReplacement = "with-replacement"
    }

    /// Neighbours per point in the graph (k ≥ 1; default 2).
    public let k: Int
    /// Edge-length exponent γ (> 0; default 2).
    public let gamma: Double
    /// Subset sizes p (each > k and ≤ N, at least two distinct); `nil`: `defaultSampleSizes`.
    public let sampleSizes: [Int]?
    /// Subsets per size (≥ 1; default 4).
    public let replicates: Int
    /// Without (default) or with replacement.
    public let sampling: Sampling

    /// The graph-length estimator; see the type for the defaults.
    public init(k: Int = 2, gamma: Double = 2, sampleSizes: [Int]? = nil, replicates: Int = 4,
                sampling: Sampling = .withoutReplacement) {
        self.k = k
        self.gamma = gamma
        self.sampleSizes = sampleSizes
        self.replicates = replicates
        self.sampling = sampling
    }

    public var name: String { "knn" }
    public var parameters: [String: ParameterValue] {
        var result: [String: ParameterValue] = ["k": .int(k), "gamma": .double(gamma), "replicates": .int(replicates),
                                                "sampling": .string(sampling.rawValue)]
        if let sampleSizes { result["sample_sizes"] = .string(sampleSizes.map(String.init).joined(separator: ",")) }
        return result
    }

    /// 8 sizes round(a·(N/a)^(q/7)), q = 0 … 7, with a = max(k + 1, round(N/16)), duplicates
    /// merged (fewer sizes for small N).
    public static func defaultSampleSizes(pointCount n: Int, k: Int) -> [Int] {
        let smallest = max(k + 1, Int((Double(n) / 16).rounded()))
        guard n > smallest else { return [n] }
        let ratio = Double(n) / Double(smallest)
        var sizes: [Int] = []
        for step in 0...7 {
            let size = min(n, Int((Double(smallest) * pow(ratio, Double(step) / 7)).rounded()))
            if sizes.last != size { sizes.append(size) }
        }
        return sizes
    }

    /// The estimate (see the type). Throws `.usage` for invalid settings and `.malformedData`
    /// for non-finite values or too few (distinct) points for two sample sizes above k.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func estimate<Scalar: NeighborScalar>(_ points: Matrix<Scalar>,
                                                 options: EstimationOptions) throws -> DimensionEstimate {
        try options.validate()
        guard k >= 1 else { throw MindSpaceError(.usage, "knn: k must be at least 1, got \(k)") }
        guard gamma > 0 && gamma.isFinite else { throw MindSpaceError(.usage, "knn: gamma must be positive, got \(gamma)") }
        guard replicates >= 1 else { throw MindSpaceError(.usage, "knn: replicates must be at least 1, got \(replicates)") }
        if let (row, column) = points.firstNonFinite() {
            throw MindSpaceError(.malformedData, "non-finite value (NaN or Inf) at row \(row), column \(column)")
        }
        let deduplication = options.duplicates == .remove ? DeduplicatedPoints(points) : nil
        let rows = deduplication?.unique ?? points
        let n = rows.rows
        let sizes = sampleSizes ?? Self.defaultSampleSizes(pointCount: n, k: k)
        guard n >= k + 2, Set(sizes).count >= 2 else {
            throw MindSpaceError(.malformedData,
                                 "knn: too few points: \(n) distinct points give no two sample sizes above k = \(k)")
        }
        if let bad = sizes.first(where: { $0 <= k || $0 > n }) {
            throw MindSpaceError(sampleSizes == nil ? .malformedData : .usage,
                                 "knn: sample sizes must satisfy k < p <= N = \(n), got \(bad)")
        }

        var generator = SeededGenerator(seed: options.seed)
        var samples: [[[Int]]] = []
        for size in sizes {
            var perSize: [[Int]] = []
            for _ in 0..<replicates {
                switch sampling {
                case .withReplacement:
                    perSize.append((0..<size).map { _ in generator.nextIndex(below: n) })
                case .withoutReplacement where size == n:
                    perSize.append(Array(0..<n))
                case .withoutReplacement:
                    perSize.append(Self.sampleWithoutReplacement(size, from: n, generator: &generator))
                }
            }
            samples.append(perSize)
        }
        let contributions = try Self.graphLengthContributions(rows, samples: samples, k: k, gamma: gamma)
        let lengths = contributions.map { $0.map { $0.reduce(0, +) } }
        let fit = Self.fit(lengths: lengths, sizes: sizes, gamma: gamma, maximumDimension: rows.columns)

        let interval = options.confidenceInterval(estimator: name) { bootstrap in
            // The resamples continue the sampling generator (not a fresh one from the seed).
            let bounds = Self.bootstrapInterval(contributions: contributions, sizes: sizes, gamma: gamma,
                                                maximumDimension: rows.columns, options: options, generator: &generator)
            return ConfidenceInterval(low: bounds.low, high: bounds.high, level: bootstrap.level, method: .bootstrap,
                                      detail: bootstrap.detail("two-stage percentile bootstrap (replicates, then points within each) of the integer estimate, order statistics"))
        }
        var result = DimensionEstimate(
            estimator: name, dimension: Double(fit.dimension), ci: interval,
            pointwise: nil, parameters: parameters,
            diagnostics: ["residual": .double(fit.residual), "points_used": .int(n)],
            notes: [])
        result.parameters["sample_sizes"] = .string(sizes.map(String.init).joined(separator: ","))
        result.parameters["duplicates"] = .string(deduplication == nil ? "keep" : "remove")
        result.diagnostics["points"] = .int(points.rows)
        if let deduplication {
            result.diagnostics["distinct_points"] = .int(deduplication.unique.rows)
            result.diagnostics["duplicates_removed"] = .int(deduplication.removedCount)
            if deduplication.hasDuplicates {
                result.notes.append("\(deduplication.removedCount) duplicate rows removed before sampling")
            }
        }
        return result
    }

    /// `count` distinct indices below `n`, uniformly (partial Fisher–Yates), ascending.
    static func sampleWithoutReplacement(_ count: Int, from n: Int, generator: inout SeededGenerator) -> [Int] {
        generator.sample(count, from: n).sorted()
    }

    /// For each size and replicate, each sampled point's Σ over its k nearest other sampled
    /// points of distance^γ (a point drawn twice sees its copy at distance 0, as in
    /// scikit-dimension). Identical index lists (the whole set, without replacement) are
    /// searched once.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    static func graphLengthContributions<Scalar: NeighborScalar>(_ rows: Matrix<Scalar>, samples: [[[Int]]], k: Int,
                                                                 gamma: Double) throws -> [[[Double]]] {
        var cache: [[Int]: [Double]] = [:]
        return try samples.map { perSize in
            try perSize.map { indices in
                if let known = cache[indices] { return known }
                var storage: [Scalar] = []
                storage.reserveCapacity(indices.count * rows.columns)
                for index in indices { storage.append(contentsOf: rows.row(index)) }
                let table = try ExactNeighbors.search(Matrix(rows: indices.count, columns: rows.columns, storage: storage), k: k)
                let contributions = (0..<table.pointCount).map { point in
                    var sum = 0.0
                    for rank in 0..<k {
                        let distance = Double(table.distance(point, rank: rank))
                        sum += gamma == 2 ? distance * distance : pow(distance, gamma)
                    }
                    return sum
                }
                if indices.count == rows.rows { cache[indices] = contributions }
                return contributions
            }
        }
    }

    /// The least-squares choice of m ∈ 1 … `maximumDimension` for graph lengths
    /// `lengths[size][replicate]` (see the type); the first minimum wins, non-finite residuals
    /// are skipped.
    static func fit(lengths: [[Double]], sizes: [Int], gamma: Double, maximumDimension: Int) -> (dimension: Int, residual: Double) {
        var best = (dimension: 1, residual: Double.infinity)
        let replicates = Double(lengths.first?.count ?? 1)
        for m in 1...max(1, maximumDimension) {
            let alpha = (Double(m) - gamma) / Double(m)
            let scaled = sizes.map { pow(Double($0), alpha) }
            var numerator = 0.0, denominator = 0.0
            for (index, lengthsAtSize) in lengths.enumerated() {
                numerator += scaled[index] * lengthsAtSize.reduce(0, +)
                denominator += scaled[index] * scaled[index]
            }
            let constant = numerator / (denominator * replicates)
            var residual = 0.0
            for (index, lengthsAtSize) in lengths.enumerated() {
                for length in lengthsAtSize {
                    let difference = length - constant * scaled[index]
                    residual += difference * difference
                }
            }
            if residual.isFinite && residual < best.residual { best = (m, residual) }
        }
        return best
    }

    /// Order-statistic bounds of the two-stage bootstrap of the integer estimate.
    private static func bootstrapInterval(contributions: [[[Double]]], sizes: [Int], gamma: Double, maximumDimension: Int,
                                          options: EstimationOptions, generator: inout SeededGenerator) -> (low: Double, high: Double) {
        var estimates: [Double] = []
        estimates.reserveCapacity(options.bootstrapResamples)
        for _ in 0..<options.bootstrapResamples {
            let lengths = contributions.map { perSize in
                perSize.indices.map { _ -> Double in
                    let replicate = perSize[generator.nextIndex(below: perSize.count)]
                    var total = 0.0
                    for _ in 0..<replicate.count { total += replicate[generator.nextIndex(below: replicate.count)] }
                    return total
                }
            }
            estimates.append(Double(fit(lengths: lengths, sizes: sizes, gamma: gamma, maximumDimension: maximumDimension).dimension))
        }
        estimates.sort()
        let last = Double(estimates.count - 1)
        let lowIndex = Int((last * (1 - options.confidenceLevel) / 2).rounded(.down))
        let highIndex = Int((last * (1 + options.confidenceLevel) / 2).rounded(.up))
        return (estimates[lowIndex], estimates[min(highIndex, estimates.count - 1)])
    }
}
