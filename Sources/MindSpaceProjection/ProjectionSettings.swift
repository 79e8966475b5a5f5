import MindSpaceCore
import MindSpaceNumerics

/// The tunable parameters of the nonlinear projections as `mindspace project` exposes them,
/// and the one entry point that runs any `ProjectionMethod` with them. A `nil` field keeps the
/// method's default (umap-learn's for UMAP, scikit-learn's for t-SNE).
public struct ProjectionSettings: Sendable, Equatable {
    /// Neighbours per point: Isomap's k (default 10) or UMAP's n_neighbors (default 15, the
    /// point itself included).
    public var neighbors: Int?
    /// UMAP's min_dist (default 0.1).
    public var minDistance: Double?
    /// t-SNE's perplexity (default 30).
    public var perplexity: Double?
    /// UMAP's epochs (default 500 up to 10000 points, 200 above) or t-SNE's total iterations
    /// (default 1000).
    public var epochs: Int?

    public init(neighbors: Int? = nil, minDistance: Double? = nil, perplexity: Double? = nil, epochs: Int? = nil) {
        self.neighbors = neighbors
        self.minDistance = minDistance
        self.perplexity = perplexity
        self.epochs = epochs
    }

    /// Refuses a setting the method does not use, or a value out of range (`.usage`, naming the
    /// command-line option).
    public func validate(for method: ProjectionMethod) throws {
        func refuse(_ option: String, _ users: String) throws {
            throw MindSpaceError(.usage, "\(option) applies to --method \(users), not \(method.rawValue)")
        }
        if neighbors != nil && method != .isomap && method != .umap { try refuse("--neighbors", "isomap or umap") }
        if minDistance != nil && method != .umap { try refuse("--min-dist", "umap") }
        if perplexity != nil && method != .tsne { try refuse("--perplexity", "tsne") }
        if epochs != nil && method != .umap && method != .tsne { try refuse("--epochs", "umap or tsne") }
        if let neighbors, neighbors < (method == .umap ? 2 : 1) {
            throw MindSpaceError(.usage, "--neighbors must be at least \(method == .umap ? 2 : 1), got \(neighbors)")
        }
        if let epochs, epochs < 1 { throw MindSpaceError(.usage, "--epochs must be at least 1, got \(epochs)") }
        if let minDistance, !(minDistance.isFinite && minDistance >= 0 && minDistance <= 1) {
            throw MindSpaceError(.usage, "--min-dist must be in [0, 1] (the spread), got \(minDistance)")
        }
        if let perplexity, !(perplexity.isFinite && perplexity > 0) {
            throw MindSpaceError(.usage, "--perplexity must be positive, got \(perplexity)")
        }
    }

    /// `data` projected to the plane by `method`; `seed` seeds every random choice.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func project<Scalar: NeighborScalar>(_ data: Matrix<Scalar>, method: ProjectionMethod, seed: UInt64) throws -> Projection2D {
        try validate(for: method)
        switch method {
        case .pca: return try PCAProjection().project(data)
        case .random: return try RandomProjection(seed: seed).project(data)
        case .mds: return try ClassicalMDS(seed: seed).project(data)
        case .isomap: return try Isomap(neighbors: neighbors ?? 10, seed: seed).project(data)
        case .umap:
            return try UMAP(neighbors: neighbors ?? 15, minDistance: minDistance ?? 0.1, epochs: epochs, seed: seed).project(data)
        case .tsne: return try TSNE(perplexity: perplexity ?? 30, iterations: epochs ?? 1000, seed: seed).project(data)
        }
    }
}
