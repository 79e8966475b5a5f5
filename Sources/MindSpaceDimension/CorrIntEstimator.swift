import MindSpaceCore
import MindSpaceNumerics

/// Correlation dimension (Grassberger & Procaccia 1983, "Measuring the strangeness of strange
/// attractors", Physica D 9:189–208), between two neighbour scales as scikit-dimension 0.5.0's
/// `skdim.id.CorrInt` does (adapted there from Hino's R package `ider`).
///
/// **Estimate.** The correlation integral C(r) = #{ordered pairs i ≠ j : ‖xᵢ − xⱼ‖ < r} / N²
/// grows as r^d at small r. With the two radii r₁ = median over points of the distance to the
/// k₁-th neighbour and r₂ = the same for k₂ (> k₁),
///   d̂ = (log C(r₂) − log C(r₁)) / log(r₂/r₁),
/// the slope of log C against log r between the two scales. Global only: no per-point values.
/// Pairs are counted exactly (`RadiusNeighborCounts`: every pair, O(N²·D)), with scikit-
/// dimension's strict `<` and N² (not N(N − 1)) in the denominator (which cancels in the slope).
///
/// **Defaults** as scikit-dimension: k₁ = 10, k₂ = 20. Where scikit-dimension lowers k₂ to
/// N − 1 (and k₁ below it) for small sets, we refuse (`.malformedData`); k₁ ≥ k₂ is a usage
/// error rather than silently corrected.
///
/// **Interval.** Seeded percentile bootstrap over points: a resample reweights each point's
/// counts of neighbours within r₁ and r₂ (the radii held fixed) and recomputes the slope.
///
/// **Known biases.** Reads low, increasingly with d: the slope between two finite radii is
/// depressed by boundaries (pairs near an edge lose partners) and needs exponentially many
/// points in d (Eckmann & Ruelle 1992: d̂ ≤ 2 log₁₀ N); noise raises it at small radii.
///
/// **Duplicates.** Removed by default. With duplicates kept, twin pairs (distance 0) count as
/// pairs within every radius, raising C(r₁) relatively more than C(r₂) and biasing d̂ down;
/// if r₁ is 0 (most points have ≥ k₁ twins) the estimate is refused.
public struct CorrIntEstimator: CoordinateNeighborDimensionEstimator {
    /// Rank whose median distance is the smaller radius (default 10).
    public let k1: Int
    /// Rank whose median distance is the larger radius (default 20; > k1).
    public let k2: Int

    /// The correlation dimension between the median k1-th and k2-th neighbour distances.
    public init(k1: Int = 10, k2: Int = 20) {
        self.k1 = k1
        self.k2 = k2
    }

    public var name: String { "corrint" }
    public var neighborCount: Int { max(k2, 1) }
    public var parameters: [String: ParameterValue] { ["k1": .int(k1), "k2": .int(k2)] }

    /// The slope between the two radii and its bootstrap interval (see the type).
    /// Throws `.usage` unless 1 ≤ k1 < k2, `.malformedData` when r₁ = 0, r₂ = r₁ or no pair
    /// lies within r₁.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func estimate<Scalar: NeighborScalar>(neighbors: NeighborTable<Scalar>, points: Matrix<Scalar>,
                                                 options: EstimationOptions) throws -> DimensionEstimate {
        try options.validate()
        guard k1 >= 1 && k2 > k1 else {
            throw MindSpaceError(.usage, "corrint: ranks must satisfy 1 <= k1 < k2, got k1 = \(k1), k2 = \(k2)")
        }
        precondition(neighbors.k >= k2 && neighbors.pointCount == points.rows, "neighbour table does not fit the points")
        let n = neighbors.pointCount
        let r1 = Self.median((0..<n).map { Double(neighbors.distance($0, rank: k1 - 1)) })
        let r2 = Self.median((0..<n).map { Double(neighbors.distance($0, rank: k2 - 1)) })
        guard r1 > 0 else {
            throw MindSpaceError(.malformedData, "corrint: the median distance to the \(k1)-th neighbour is 0 (most points have that many duplicates)")
        }
        guard r2 > r1 else {
            throw MindSpaceError(.malformedData, "corrint: the median \(k1)-th and \(k2)-th neighbour distances are equal (\(r1)); the slope is undefined")
        }
        let counts = RadiusNeighborCounts.count(points, radii: [r1, r2])
        let inner = counts[0].reduce(0, +), outer = counts[1].reduce(0, +)
        guard inner > 0 else {
            throw MindSpaceError(.malformedData, "corrint: no pair of points lies within r1 = \(r1)")
        }
        let pairs = Double(n) * Double(n)
        let logRatio = log(r2 / r1)
        let dimension = (log(Double(outer) / pairs) - log(Double(inner) / pairs)) / logRatio

        var diagnostics: [String: ParameterValue] = [
            "points_used": .int(n), "r1": .double(r1), "r2": .double(r2),
            "ordered_pairs_within_r1": .int(inner), "ordered_pairs_within_r2": .int(outer),
        ]
        let interval = options.percentileBootstrapInterval(
            estimator: name, around: dimension, itemCount: n,
            description: "percentile bootstrap over points of their pair counts (radii fixed)",
            diagnostics: &diagnostics) { weights in
                var innerTotal = 0.0, outerTotal = 0.0
                for point in 0..<n where weights[point] > 0 {
                    innerTotal += Double(weights[point] * counts[0][point])
                    outerTotal += Double(weights[point] * counts[1][point])
                }
                return log(outerTotal / innerTotal) / logRatio
            }
        return DimensionEstimate(estimator: name, dimension: dimension, ci: interval, pointwise: nil,
                                 parameters: parameters, diagnostics: diagnostics, notes: [])
    }

    /// NumPy's median: the middle value, or the mean of the two middle values.
    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        return (sorted[(sorted.count - 1) / 2] + sorted[sorted.count / 2]) / 2
    }
}
