import MindSpaceCore
import MindSpaceNumerics

/// MADA, manifold-adaptive dimension estimation (Farahmand, Szepesvári & Audibert 2007,
/// "Manifold-adaptive dimension estimation", ICML), matching scikit-dimension 0.5.0's
/// `skdim.id.MADA` (adapted there from Hino's R package `ider`).
///
/// **Local estimate.** The probability mass of a small ball grows as η·r^d, so the distance to
/// the k-th neighbour scales as r_k ∝ k^(1/d), and comparing two ranks k and j = ⌊k/2⌋ gives
///   d̂ᵢ = log(k/j) / log(r_k / r_j),
/// which for even k is Farahmand et al.'s log 2 / log(r_k / r_(k/2)). These are the per-point
/// values (`pointwise`); the global estimate pools them (`pooling`, default the mean, as
/// scikit-dimension's `comb="mean"`).
///
/// **Defaults** as scikit-dimension: k = 20 (its `_N_NEIGHBORS`), j = ⌊k/2⌋ = 10. For odd k
/// scikit-dimension still uses log 2 in the numerator, which biases d̂ by log 2/log(k/⌊k/2⌋)
/// (−7 % at k = 21); we use log(k/⌊k/2⌋), identical for even k. Where scikit-dimension lowers k
/// to N − 1 for small sets, we refuse (`.malformedData`).
///
/// **Interval.** Seeded percentile bootstrap over points of the pooled value (`Bootstrap`).
///
/// **Known biases.** Only two distances per point enter, so local values are noisy
/// (sd ≈ d/√(k/2) under the model) and their mean is pulled up by the Jensen effect of 1/log;
/// boundaries and curvature pull it down in high dimension. Points with r_j = r_k have no finite
/// value and are left out (NaN).
///
/// **Duplicates.** Removed by default. scikit-dimension replaces zero distances by the largest
/// distance before ranking, i.e. ignores twins as neighbours; with duplicates kept we instead
/// leave out the points whose j-th neighbour is at distance 0 (their value is undefined), and
/// twins that are nearer neighbours shift the ranks.
public struct MADAEstimator: NeighborDimensionEstimator {
    /// Rank of the outer neighbour (k ≥ 2; default 20); the inner rank is ⌊k/2⌋.
    public let k: Int
    /// How local estimates are combined (default `.mean`).
    public let pooling: LocalEstimatePooling

    /// MADA with ranks k (default 20) and ⌊k/2⌋, pooled by `pooling`.
    public init(k: Int = 20, pooling: LocalEstimatePooling = .mean) {
        self.k = k
        self.pooling = pooling
    }

    public var name: String { "mada" }
    public var neighborCount: Int { k }
    public var parameters: [String: ParameterValue] { ["k": .int(k), "pooling": .string(pooling.rawValue)] }

    /// Local estimates log(k/j)/log(r_k/r_j), their pool and a bootstrap interval (see the
    /// type). Throws `.usage` for k < 2 and `.malformedData` when fewer than two local values
    /// are finite.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func estimate<Scalar: NeighborScalar>(neighbors: NeighborTable<Scalar>,
                                                 options: EstimationOptions) throws -> DimensionEstimate {
        try options.validate()
        guard k >= 2 else { throw MindSpaceError(.usage, "mada: k must be at least 2, got \(k)") }
        precondition(neighbors.k >= k, "the neighbour table holds fewer than k neighbours")
        let inner = k / 2
        let numerator = log(Double(k) / Double(inner))
        var local = [Double](repeating: .nan, count: neighbors.pointCount)
        for point in 0..<neighbors.pointCount {
            let near = Double(neighbors.distance(point, rank: inner - 1))
            guard near > 0 else { continue }
            local[point] = numerator / log(Double(neighbors.distance(point, rank: k - 1)) / near)
        }
        return try LocalEstimateSummary.estimate(
            estimator: name, local: local, pooling: pooling, parameters: parameters, options: options,
            diagnostics: ["inner_rank": .int(inner)],
            undefinedReason: "equal distances to the k-th and floor(k/2)-th neighbours, or a zero distance")
    }
}
