import MindSpaceCore

/// The variance spectrum of a PCA of n points: how their total variance splits over the
/// principal components, with scikit-learn's names and conventions (`explained_variance_`,
/// `explained_variance_ratio_`, `singular_values_`). Every PCA in MindSpace reports its spectrum
/// in this type, whichever matrix it decomposed: `PCA` (the D×D covariance or the N×N Gram
/// matrix of a data matrix) and the checkpoint streams' `GramPCA` (the centred Gram matrix of n
/// checkpoints). Both scatter matrices, Xcᵀ·Xc and Xc·Xcᵀ, have the same nonzero eigenvalues λₖ.
///
/// Conventions:
/// - variance divisor n − 1: the variance along component k is λₖ/(n − 1);
/// - ratios are against the total variance trace/(n − 1), taken from the scatter matrix's
///   diagonal before the eigensolver (equal to Σλₖ/(n − 1) in exact arithmetic);
/// - round-off negatives (of order ε·λ₁, on a positive semi-definite matrix) are clamped to 0;
/// - all points equal (total variance 0): every ratio is 0 and `componentsFor` is 0.
public struct PCASpectrum: Sendable, Equatable {
    /// λₖ, the eigenvalues of the scatter matrix (sums of squares, not divided by n − 1),
    /// descending, clamped to ≥ 0. Units: squared data units.
    public let eigenvalues: [Double]
    /// λₖ/(n − 1), the variance along each component, descending.
    public let explainedVariance: [Double]
    /// `explainedVariance[k] / totalVariance` (all 0 when the total is 0); sums to 1 up to
    /// round-off when every component is kept.
    public let explainedVarianceRatio: [Double]
    /// trace/(n − 1) = Σⱼ var(feature j), the variance of the data in all directions.
    public let totalVariance: Double

    /// The spectrum of n = `pointCount` points from the eigenvalues of their scatter matrix
    /// (`scatterEigenvalues`, descending, as many components as are reported; negatives are
    /// clamped to 0) and its trace `scatterTrace` (a negative trace is clamped to 0). Requires
    /// n ≥ 2.
    public init(scatterEigenvalues: [Double], scatterTrace: Double, pointCount: Int) {
        precondition(pointCount >= 2, "a spectrum needs at least 2 points")
        let divisor = Double(pointCount - 1)
        let total = max(0, scatterTrace) / divisor
        eigenvalues = scatterEigenvalues.map { max(0, $0) }
        explainedVariance = eigenvalues.map { $0 / divisor }
        explainedVarianceRatio = explainedVariance.map { total > 0 ? $0 / total : 0 }
        totalVariance = total
    }

    /// The number of components reported.
    public var componentCount: Int { eigenvalues.count }

    /// √λₖ, the singular values of the centred data, descending.
    public var singularValues: [Double] { eigenvalues.map { $0.squareRoot() } }

    /// The smallest number of components whose cumulative explained variance reaches `fraction`
    /// of the total (scikit-learn's `n_components=fraction`, but with ≥ where scikit-learn uses >).
    ///
    /// Float handling: the cumulative ratio is (Σ_{k<K} λₖ)/total, a sum of variances divided once
    /// (not a sum of rounded ratios), and K counts as reaching `fraction` when that value is
    /// ≥ fraction − 1e-12, so a cumulative ratio that equals `fraction` in exact arithmetic but
    /// falls a few ulps short (≈ 1e-16·K) after rounding still counts. `fraction` ≤ 0 gives 0;
    /// when the total variance is 0 (all points equal) every fraction gives 0, as there is
    /// nothing to explain; a fraction never reached (above 1 + 1e-12, or beyond the components
    /// reported) gives `componentCount`.
    public func componentsFor(fraction: Double) -> Int {
        guard fraction > 0, totalVariance > 0 else { return 0 }
        let target = (fraction - NumericTolerance.cumulativeFractionSlack) * totalVariance
        var cumulative = 0.0
        for (index, variance) in explainedVariance.enumerated() {
            cumulative += variance
            if cumulative >= target { return index + 1 }
        }
        return explainedVariance.count
    }

    /// The fractions every report gives `componentsFor` at, with their keys as reports spell them.
    public static let standardFractions: [(key: String, fraction: Double)] = [("0.5", 0.5), ("0.9", 0.9), ("0.99", 0.99)]

    /// `componentsFor` at 50 %, 90 % and 99 %, keyed "0.5", "0.9", "0.99" (the reports'
    /// `components_for`).
    public var componentsForStandardFractions: [String: Int] {
        Dictionary(uniqueKeysWithValues: Self.standardFractions.map { ($0.key, componentsFor(fraction: $0.fraction)) })
    }
}
