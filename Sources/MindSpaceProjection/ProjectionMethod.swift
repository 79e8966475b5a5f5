/// The 2-D projection methods `mindspace project --method` offers (shared/cli.md).
public enum ProjectionMethod: String, CaseIterable, Codable, Sendable {
    /// The first two principal components (`PCAProjection`): the linear view that shows the most
    /// variance. Deterministic.
    case pca
    /// A seeded Gaussian random projection onto an orthonormal pair of directions
    /// (`RandomProjection`): a "typical" linear view, the baseline that PCA's view is compared to.
    case random
    /// Classical (Torgerson) multidimensional scaling of the Euclidean distances
    /// (`ClassicalMDS`); equal to the PCA view up to sign, landmark MDS for large N.
    case mds
    /// Classical MDS of geodesic distances in the k-nearest-neighbour graph (`Isomap`): unrolls
    /// curved manifolds.
    case isomap
    /// Uniform Manifold Approximation and Projection (`UMAP`): preserves neighbourhoods.
    case umap
    /// t-distributed stochastic neighbour embedding (`TSNE`): preserves neighbourhoods.
    case tsne

    /// The name used in titles, footers and reports ("PCA", "random projection", …).
    public var displayName: String {
        switch self {
        case .pca: return "PCA"
        case .random: return "random projection"
        case .mds: return "classical MDS"
        case .isomap: return "Isomap"
        case .umap: return "UMAP"
        case .tsne: return "t-SNE"
        }
    }
}
