import MindSpaceCore
import MindSpaceNumerics

/// Method-of-moments local intrinsic dimensionality (Amsaleg, Chelly, Furon, Girard, Houle,
/// Kawarabayashi & Nett 2018, "Extreme-value-theoretic estimation of local intrinsic
/// dimensionality", Data Min. Knowl. Discov. 32:1768–1805), matching scikit-dimension 0.5.0's
/// `skdim.id.MOM` (adapted there from the MATLAB code of Amsaleg et al.).
///
/// **Local estimate.** Under the extreme-value model, the distances from a point to its
/// neighbours inside the radius w = r_k of its k-th neighbour are distributed as
/// F(r) = (r/w)^m on [0, w], whose first moment is μ₁ = w·m/(m + 1). Solving for m with the
/// sample moment μ̂₁ = (1/k) Σⱼ₌₁..k rⱼ (r_k included, as in scikit-dimension) gives
///   m̂ = μ̂₁ / (w − μ̂₁),
/// the per-point value (`pointwise`). The global estimate pools them (`pooling`, default the
/// mean, scikit-dimension's `comb="mean"`).
///
/// **Defaults** as scikit-dimension: k = 100 (`LocalEstimator`'s default `n_neighbors`, self
/// excluded). Where scikit-dimension silently lowers k to N − 1 for small sets, we refuse
/// (`.malformedData`) so that the reported k is the one used.
///
/// **Interval.** Seeded percentile bootstrap over points of the pooled value (`Bootstrap`).
///
/// **Known biases.** The moment estimator is less efficient than the MLE (Levina–Bickel) and,
/// averaged over points, biased up by the same Jensen effect; like every k-NN estimator it
/// reads low on bounded or curved sets in high dimension (large k reaches the boundary) and
/// high under noise. Points whose k neighbours are all equidistant (w = μ̂₁) have no finite
/// value and are left out (NaN).
///
/// **Duplicates.** Removed by default. With duplicates kept, zero distances simply lower μ̂₁
/// (biasing m̂ down); a point whose k neighbours are all twins (μ̂₁ = w = 0) is left out.
public struct MOMEstimator: NeighborDimensionEstimator {
    /// Neighbours per point (k ≥ 1; default 100).
    public let k: Int
    /// How local estimates are combined (default `.mean`).
    public let pooling: LocalEstimatePooling

    /// The method-of-moments estimator with `k` neighbours (default 100) pooled by `pooling`.
    public init(k: Int = 100, pooling: LocalEstimatePooling = .mean) {
        self.k = k
        self.pooling = pooling
    }

    public var name: String { "mom" }
    public var neighborCount: Int { k }
    public var parameters: [String: ParameterValue] { ["k": .int(k), "pooling": .string(pooling.rawValue)] }

    /// Local estimates m̂ᵢ = μ̂₁/(w − μ̂₁), their pool and a bootstrap interval (see the type).
    /// Throws `.usage` for k < 1 and `.malformedData` when fewer than two local values are finite.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func estimate<Scalar: NeighborScalar>(neighbors: NeighborTable<Scalar>,
                                                 options: EstimationOptions) throws -> DimensionEstimate {
        try options.validate()
        guard k >= 1 else { throw MindSpaceError(.usage, "mom: k must be at least 1, got \(k)") }
        precondition(neighbors.k >= k, "the neighbour table holds fewer than k neighbours")
        let local = neighbors.distances.withUnsafeBufferPointer { distances in
            Self.localEstimates(distances, pointCount: neighbors.pointCount, stride: neighbors.k, k: k)
        }
        return try LocalEstimateSummary.estimate(
            estimator: name, local: local, pooling: pooling, parameters: parameters, options: options,
            undefinedReason: "all k neighbours equidistant")
    }

    /// μ̂₁/(w − μ̂₁) per point from the first `k` of each row of `stride` distances
    /// (non-finite where w = μ̂₁).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    static func localEstimates<Scalar: BinaryFloatingPoint>(_ distances: UnsafeBufferPointer<Scalar>, pointCount: Int,
                                                            stride: Int, k: Int) -> [Double] {
        (0..<pointCount).map { point in
            let row = point * stride
            var sum = 0.0
            for rank in 0..<k { sum += Double(distances[row + rank]) }
            let firstMoment = sum / Double(k)
            let farthest = Double(distances[row + k - 1])
            return -firstMoment / (firstMoment - farthest)
        }
    }
}
