import MindSpaceCore
import MindSpaceNumerics

/// The PCA view: every point's scores on the first two principal axes,
/// (x − x̄)·v₁ and (x − x̄)·v₂ (`PCA(components: 2)` then `PCAResult.scores(of:)`), the linear
/// 2-D view that keeps the most variance (Pearson 1901). Deterministic; axis signs follow
/// `ComponentSigns` (largest-|loading| entry positive), so the picture never flips between runs.
///
/// Axes are labelled "PC1 (14.9%)", "PC2 (13.6%)" with their explained-variance ratios.
/// Parameters reported: the eigenproblem route (`covariance` when N ≥ D, else `gram`).
///
/// Cost: that of `PCA` with K = 2 (N·D² + D³ for the covariance route, N²·D + N³ for Gram) plus
/// 4·N·D for the scores. Errors (`.malformedData`, no file; callers locate it): fewer than 2
/// points or features, NaN/±Inf (with row and column), sums that overflow `Double`.
public struct PCAProjection: Sendable {
    public init() {}

    /// The first two principal-component scores of `data` (points × features).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func project<Scalar: BinaryFloatingPoint & Sendable>(_ data: Matrix<Scalar>) throws -> Projection2D {
        try Projection2D.checkShape(rows: data.rows, columns: data.columns)
        let (result, scores) = try data.storage.withUnsafeBufferPointer { buffer in
            let result = try PCA(components: 2).fitRows(buffer, rows: data.rows, columns: data.columns)
            return (result, try result.projectRows(buffer, rows: data.rows, columns: data.columns))
        }
        let ratios = Array(result.spectrum.explainedVarianceRatio.prefix(2))
        let hasVariance = result.spectrum.totalVariance > 0
        return Projection2D(
            coordinates: scores, method: .pca,
            xLabel: Projection2D.axisLabel("PC1", ratio: hasVariance ? ratios[0] : nil),
            yLabel: Projection2D.axisLabel("PC2", ratio: hasVariance ? ratios[1] : nil),
            axisVarianceRatio: hasVariance ? ratios : nil,
            parameters: [.init("route", result.method.rawValue)])
    }
}
