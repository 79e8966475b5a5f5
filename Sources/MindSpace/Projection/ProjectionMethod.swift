/// The 2-D projection methods `mindspace project --method` offers. Nonlinear methods (MDS,
/// Isomap, UMAP, t-SNE; see shared/cli.md) will join this list as they are implemented.
public enum ProjectionMethod: String, CaseIterable, Codable, Sendable {
    /// The first two principal components (`PCAProjection`): the linear view that shows the most
    /// variance. Deterministic.
    case pca
    /// A seeded Gaussian random projection onto an orthonormal pair of directions
    /// (`RandomProjection`): a "typical" linear view, the baseline that PCA's view is compared to.
    case random

    /// The name used in titles, footers and reports ("PCA", "random projection").
    public var displayName: String {
        switch self {
        case .pca: return "PCA"
        case .random: return "random projection"
        }
    }
}
