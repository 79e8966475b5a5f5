import MindSpaceCore
import MindSpaceNumerics

/// How much of a trajectory's net displacement d = x_last − x_first lies in its top-k principal
/// components, for every k: the reading of DLDR (Li et al. 2022, "Low dimensional trajectory
/// hypothesis is true: DNNs can be trained in tiny subspaces"), where training is found to fit
/// in the span of a few dozen trajectory directions.
///
/// Computed from the Gram matrix alone. With Gc = U·Λ·Uᵀ and the unit directions
/// vₖ = Xcᵀ·uₖ/√λₖ (`GramPCA`), the projection of d = xc_last − xc_first (centring does not change
/// differences) on vₖ is (Gc_last,· − Gc_first,·)·uₖ/√λₖ = √λₖ·(u_last,k − u_first,k): the
/// difference of the two checkpoints' scores on component k. The share of the first k components
/// is Σ_{j ≤ k} (d·vⱼ)² / ‖d‖², with ‖d‖² = Gc_ll + Gc_ff − 2·Gc_lf from the same matrix. As d
/// lies in the span of the centred checkpoints, all components together hold all of it (1 up to
/// round-off; values are clamped to [0, 1]).
///
/// Edges: a displacement of 0 (a still trajectory, or one that returns exactly to its start) has
/// no direction: every share is 0 and `componentsFor` gives 0, as `PCASpectrum` does for zero
/// variance. Cost O(n·r).
public struct DisplacementSubspace: Sendable, Equatable {
    /// ‖x_last − x_first‖ in weight units.
    public let length: Double
    /// d·vₖ, the displacement's signed component along each principal direction (weight units).
    public let projections: [Double]
    /// Σ_{j ≤ k} (d·vⱼ)² / ‖d‖² for k = 1 … r, non-decreasing, in [0, 1]; all 0 when d = 0.
    public let cumulativeShare: [Double]

    /// The displacement from point `first` to point `last` (default: 0 to n − 1) of the points
    /// whose centred Gram matrix is `centredGram`, on the components of `pca` (made from it).
    public init(pca: GramPCA, centredGram: Matrix<Double>, first: Int = 0, last: Int? = nil) {
        let n = pca.pointCount
        let end = last ?? n - 1
        precondition(centredGram.rows == n && (0..<n).contains(first) && (0..<n).contains(end))
        let squared = max(0, centredGram[end, end] + centredGram[first, first] - 2 * centredGram[end, first])
        let r = pca.spectrum.componentCount
        projections = (0..<r).map { k in
            pca.spectrum.eigenvalues[k].squareRoot() * (pca.vectors[k, end] - pca.vectors[k, first])
        }
        var running = 0.0
        cumulativeShare = projections.map { value in
            running += value * value
            return squared > 0 ? min(1, running / squared) : 0
        }
        length = squared.squareRoot()
    }

    /// The smallest k whose top-k components hold at least `fraction` of ‖d‖² (reached within
    /// `NumericTolerance.cumulativeFractionSlack`); 0 when d = 0 or `fraction` ≤ 0, and the
    /// number of components when never reached.
    public func componentsFor(fraction: Double) -> Int {
        guard fraction > 0, length > 0 else { return 0 }
        let target = fraction - NumericTolerance.cumulativeFractionSlack
        if let index = cumulativeShare.firstIndex(where: { $0 >= target }) { return index + 1 }
        return cumulativeShare.count
    }

    /// `componentsFor` at 50 %, 90 % and 99 %, keyed "0.5", "0.9", "0.99".
    public var componentsForStandardFractions: [String: Int] {
        Dictionary(uniqueKeysWithValues: PCASpectrum.standardFractions.map { ($0.key, componentsFor(fraction: $0.fraction)) })
    }
}
