import MindSpaceCore
import MindSpaceNumerics

/// The points of the TwoNN fit for a plot: x = log μ₍ᵢ₎ (sorted), y = −log(1 − i/N), split into
/// the fraction kept by the least-squares fit and the discarded tail (Facco et al. 2017, Fig. 1;
/// see `TwoNNEstimator`). Points whose first-neighbour distance is 0 have no ratio and are left out.
public struct TwoNNFitCurve: Sendable {
    public var keptLogRatios: [Double] = []
    public var keptTargets: [Double] = []
    public var discardedLogRatios: [Double] = []
    public var discardedTargets: [Double] = []

    /// The curve from a neighbour table with k ≥ 2, with `discardFraction` (default 0.1) of the
    /// largest ratios marked as discarded. The last ratio (F = 1, y = ∞) is not plotted.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public init<Scalar: NeighborScalar>(neighbors: NeighborTable<Scalar>, discardFraction: Double = 0.1) {
        precondition(neighbors.k >= 2, "TwoNN needs two neighbours per point")
        var logRatios: [Double] = []
        for point in 0..<neighbors.pointCount {
            let r1 = Double(neighbors.distance(point, rank: 0)), r2 = Double(neighbors.distance(point, rank: 1))
            if r1 > 0 { logRatios.append(log(r2 / r1)) }
        }
        logRatios.sort()
        let n = logRatios.count
        let kept = Int(Double(n) * (1 - discardFraction))
        for (index, x) in logRatios.enumerated() where index + 1 < n {
            let y = -log1p(-Double(index + 1) / Double(n))
            if index < kept {
                keptLogRatios.append(x)
                keptTargets.append(y)
            } else {
                discardedLogRatios.append(x)
                discardedTargets.append(y)
            }
        }
    }
}
