import MindSpaceCore
import MindSpaceNumerics

/// Levina–Bickel maximum-likelihood intrinsic dimension from k-nearest-neighbour distances
/// (Levina & Bickel 2004, "Maximum likelihood estimation of intrinsic dimension", NIPS 17),
/// pooled over points as MacKay & Ghahramani (2005, "Comments on 'Maximum likelihood estimation
/// of intrinsic dimension' by E. Levina and P. Bickel") recommend.
///
/// **Local estimate.** Treating the neighbours of point i as a Poisson process of constant
/// rate in a ball, the distances T₁ ≤ … ≤ T_k to its k nearest neighbours give
///   m̂ᵢ = (k − 1) / Σⱼ₌₁^(k−1) log(T_k / T_j)
/// (with `unbiased`, k − 2 replaces k − 1 in the numerator, making m̂ᵢ itself unbiased under
/// the model). These are the per-point values (`pointwise`).
///
/// **Pooling** (`pooling`):
/// - `.inverseMean` (default): d̂ = 1 / mean(1/m̂ᵢ) = (k − 1)·N / Σᵢ Σⱼ log(T_k/T_j). Under the
///   model Σⱼ log(T_k/T_j) ~ Gamma(k − 1, rate m), so 1/m̂ᵢ is unbiased for 1/m and this pool is
///   nearly unbiased, while averaging m̂ᵢ themselves is biased up by (k − 1)/(k − 2) (≈ +5.6 %
///   at k = 20) — MacKay and Ghahramani's point.
/// - `.mean`: Levina and Bickel's original average of m̂ᵢ. `.median`: their robust variant.
/// These match `skdim.id.MLE()` (0.5.0) with its defaults: `n_neighbors=20` (self excluded),
/// `comb="mle"` (our `.inverseMean`), `unbiased=False`, no noise model (`dnoise=None`,
/// `sigma=0`), neighbourhood-based; `comb="mean"`/`"median"` are our `.mean`/`.median`.
///
/// **Interval.** No closed form once points share neighbours: a seeded percentile bootstrap
/// over points of the pooled statistic, holding the neighbour graph fixed (`Bootstrap`).
///
/// **Known biases.** Strongly negative in high dimension on bounded or curved data: boundary
/// points see fewer neighbours, and k neighbours reach far when d is large (uniform 10-cube,
/// N = 4000, k = 20: ≈ 8.3); noise pushes it up towards the embedding dimension; results move
/// with k (small k: high variance; large k: the constant-density assumption fails).
///
/// **Duplicates.** With the default removal no distance is 0. With duplicates kept, a point
/// whose nearest neighbour is at distance 0 has log(T_k/0) = ∞ (local estimate 0): such points
/// are dropped from the pool, their per-point value is NaN, and the count is reported in
/// `diagnostics["zero_distance_points_dropped"]`.
public struct MLEEstimator: NeighborDimensionEstimator {
    /// How the local estimates m̂ᵢ are combined.
    public enum Pooling: String, Sendable, Codable {
        /// 1 / mean(1/m̂ᵢ) (MacKay & Ghahramani 2005).
        case inverseMean = "inverse-mean"
        /// mean(m̂ᵢ) (Levina & Bickel 2004).
        case mean
        /// median(m̂ᵢ).
        case median
    }

    /// Neighbours per point (k ≥ 2; default 20).
    public let k: Int
    /// How local estimates are combined (default `.inverseMean`).
    public let pooling: Pooling
    /// Use k − 2 instead of k − 1 in the local estimate.
    public let unbiased: Bool

    /// Levina–Bickel with `k` neighbours (default 20, scikit-dimension's default), pooled by
    /// `pooling` (default `.inverseMean`); `unbiased` uses k − 2 in the local estimate.
    public init(k: Int = 20, pooling: Pooling = .inverseMean, unbiased: Bool = false) {
        self.k = k
        self.pooling = pooling
        self.unbiased = unbiased
    }

    public var name: String { "mle" }
    public var neighborCount: Int { k }
    public var parameters: [String: ParameterValue] {
        ["k": .int(k), "pooling": .string(pooling.rawValue), "unbiased": .bool(unbiased)]
    }

    /// The pooled estimate, per-point local estimates and a bootstrap interval from the first
    /// k neighbours of each point (see the type's documentation for formulas and edge cases).
    /// Throws `.usage` for k < 2 (< 3 with `unbiased`) and `.malformedData` when fewer than two
    /// points are usable or the pooled value is not finite.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func estimate<Scalar: NeighborScalar>(neighbors: NeighborTable<Scalar>,
                                                 options: EstimationOptions) throws -> DimensionEstimate {
        try options.validate()
        guard k >= 3 || (k == 2 && !unbiased) else {
            throw MindSpaceError(.usage, "mle: k must be at least \(unbiased ? 3 : 2), got \(k)")
        }
        precondition(neighbors.k >= k, "the neighbour table holds fewer than k neighbours")
        let numerator = Double(unbiased ? k - 2 : k - 1)

        // logSums[i] = Σⱼ log(T_k/T_j) for the points that can be used (T₁ > 0).
        var pointwise = [Double](repeating: .nan, count: neighbors.pointCount)
        var logSums: [Double] = []
        logSums.reserveCapacity(neighbors.pointCount)
        for point in 0..<neighbors.pointCount {
            let farthest = Double(neighbors.distance(point, rank: k - 1))
            guard neighbors.distance(point, rank: 0) > 0 else { continue }
            var sum = 0.0
            for rank in 0..<(k - 1) { sum += log(farthest / Double(neighbors.distance(point, rank: rank))) }
            logSums.append(sum)
            pointwise[point] = numerator / sum
        }
        let dropped = neighbors.pointCount - logSums.count
        guard logSums.count >= 2 else {
            throw MindSpaceError(.malformedData, "mle: too few points with a nonzero nearest-neighbour distance: \(logSums.count)")
        }

        let localEstimates = logSums.map { numerator / $0 }
        let sortedLocal = localEstimates.sorted()
        let dimension = pooled(logSums: logSums, local: localEstimates, sortedLocal: sortedLocal,
                               numerator: numerator, counts: nil)
        guard dimension.isFinite else {
            throw MindSpaceError(.malformedData,
                                 "mle: the \(pooling.rawValue) of the local estimates is not finite (points whose k neighbours are all equidistant)")
        }

        var diagnostics: [String: ParameterValue] = ["points_used": .int(logSums.count)]
        var notes: [String] = []
        if dropped > 0 {
            diagnostics["zero_distance_points_dropped"] = .int(dropped)
            notes.append("\(dropped) points with a duplicate (nearest-neighbour distance 0) dropped: their local estimate is undefined")
        }
        // For the median, resample the sorted local values so a resample stays sorted.
        let interval = options.percentileBootstrapInterval(estimator: name, around: dimension, itemCount: logSums.count,
                                                           diagnostics: &diagnostics) { counts in
            pooled(logSums: logSums, local: localEstimates, sortedLocal: sortedLocal, numerator: numerator, counts: counts)
        }
        return DimensionEstimate(estimator: name, dimension: dimension, ci: interval, pointwise: pointwise,
                                 parameters: parameters, diagnostics: diagnostics, notes: notes)
    }

    /// The pooled estimate over all used points (`counts == nil`) or over a bootstrap
    /// resample given as multiplicities (indexed like `logSums`/`local`, or like `sortedLocal`
    /// for the median).
    private func pooled(logSums: [Double], local: [Double], sortedLocal: [Double], numerator: Double,
                        counts: UnsafeBufferPointer<Int>?) -> Double {
        let n = Double(logSums.count)
        func weight(_ index: Int) -> Double { counts.map { Double($0[index]) } ?? 1 }
        switch pooling {
        case .inverseMean:
            var total = 0.0
            for index in logSums.indices { total += weight(index) * logSums[index] }
            return numerator * n / total
        case .mean:
            var total = 0.0
            for index in local.indices where weight(index) > 0 { total += weight(index) * local[index] }
            return total / n
        case .median:
            // The average of the values at sorted positions ⌊(n−1)/2⌋ and ⌈(n−1)/2⌉.
            let total = logSums.count
            let lowerRank = (total - 1) / 2, upperRank = total / 2
            var seen = 0
            var lower = Double.nan
            for index in sortedLocal.indices {
                seen += Int(weight(index))
                if lower.isNaN && seen > lowerRank { lower = sortedLocal[index] }
                if seen > upperRank { return (lower + sortedLocal[index]) / 2 }
            }
            return .nan
        }
    }
}
