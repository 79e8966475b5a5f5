import MindSpaceCore
import MindSpaceNumerics

/// Isomap: classical MDS of geodesic distances, which unrolls a curved manifold such as the
/// Swiss roll into the plane (Tenenbaum, de Silva & Langford 2000, "A global geometric
/// framework for nonlinear dimensionality reduction").
///
/// **Method.** (1) The k nearest neighbours of every point (`ExactNeighbors`, Euclidean);
/// (2) the neighbourhood graph: an edge i–j of length ‖xᵢ − xⱼ‖ when either point is among the
/// other's k nearest (symmetrised, as scikit-learn's `Isomap`); (3) geodesic distances as
/// shortest paths in that graph (`ShortestPaths`, Dijkstra); (4) `ClassicalMDS` of the squared
/// geodesic distances. Geodesic distances are not Euclidean, so B may have negative
/// eigenvalues; only the two largest are used.
///
/// **Large N: landmark Isomap** (de Silva & Tenenbaum 2003). Up to `exactLimit` points,
/// shortest paths run from every point (N Dijkstra runs, 8·N² bytes). Above it, `landmarks`
/// seeded random points are the only sources and the others are placed by landmark MDS's
/// triangulation (8·L·N bytes, L Dijkstra runs).
///
/// **Disconnected graphs.** Geodesic distances between components are infinite, so a graph in
/// several pieces is refused with `.malformedData` naming the number of components and the size
/// of the largest: raise `neighbors` (or remove the outlying points). scikit-learn instead
/// joins components by their closest pairs of points, which invents geodesics; we prefer to say so.
///
/// Cost: the kNN search (N²·D) + N·(N + N·k) log(N·k) for the paths + the MDS (~N² per Lanczos
/// step). Duplicated points are joined by zero-length edges.
public struct Isomap: Sendable {
    /// k, the neighbours per point in the graph (scikit-learn's default is 5; 10 joins the
    /// graph more reliably on noisy samples).
    public var neighbors: Int
    /// Up to this many points, shortest paths from every point; above, landmark Isomap.
    public var exactLimit: Int
    /// Landmarks used above `exactLimit`.
    public var landmarks: Int
    /// Seeds the landmark draw and the eigensolver's start vector.
    public var seed: UInt64

    public init(neighbors: Int = 10, exactLimit: Int = 2000, landmarks: Int = 1000, seed: UInt64 = 0) {
        precondition(landmarks >= 3 && exactLimit >= 2)
        self.neighbors = neighbors
        self.exactLimit = exactLimit
        self.landmarks = landmarks
        self.seed = seed
    }

    /// The Isomap coordinates of the rows of `data` (points × features).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func project<Scalar: NeighborScalar>(_ data: Matrix<Scalar>) throws -> Projection2D {
        try Projection2D.checkShape(rows: data.rows, columns: data.columns)
        let n = data.rows
        guard neighbors >= 1 else {
            throw MindSpaceError(.usage, "Isomap needs at least 1 neighbour per point, got \(neighbors)")
        }
        guard n > neighbors else {
            throw MindSpaceError.malformed(nil, "Isomap with \(neighbors) neighbours needs at least \(neighbors + 1) points, got \(n)")
        }
        let graph = try neighbourhoodGraph(data)
        let sources = n <= exactLimit ? Array(0..<n) : ClassicalMDS.drawLandmarks(count: min(landmarks, n), from: n, seed: seed)
        let squared = ShortestPaths.squaredDistances(in: graph, from: sources)
        let embedding = try ClassicalMDS.embed(squaredDistances: squared, landmarks: sources, pointCount: n, seed: seed)
        var parameters: [Projection2D.Parameter] = [
            .init("neighbors", String(neighbors)),
            .init("points used", sources.count == n ? "all" : "\(sources.count) landmarks"),
        ]
        if sources.count != n { parameters.append(.init("seed", String(seed))) }
        return Projection2D(coordinates: embedding.coordinates, method: .isomap, xLabel: "Isomap 1", yLabel: "Isomap 2",
                            axisVarianceRatio: nil, parameters: parameters)
    }

    /// The symmetrised k-nearest-neighbour graph with Euclidean edge lengths; throws when it is
    /// not connected.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func neighbourhoodGraph<Scalar: NeighborScalar>(_ data: Matrix<Scalar>) throws -> WeightedGraph {
        let table = try ExactNeighbors.search(data, k: neighbors)
        let n = data.rows, k = neighbors
        var rows = [Int32](repeating: 0, count: n * k)
        for i in 0..<n { for r in 0..<k { rows[i * k + r] = Int32(i) } }
        let graph = WeightedGraph.symmetrised(vertexCount: n, rows: rows, columns: table.indices,
                                              weights: table.distances.map { Double($0) }) { forward, backward in
            max(forward ?? 0, backward ?? 0)
        }
        let components = graph.connectedComponents()
        if components.count > 1 {
            var sizes = [Int](repeating: 0, count: components.count)
            for label in components.labels { sizes[label] += 1 }
            throw MindSpaceError.malformed(nil,
                "the \(k)-nearest-neighbour graph has \(components.count) connected components (the largest holds "
                + "\(sizes.max() ?? 0) of \(n) points), so geodesic distances between them are undefined; "
                + "raise --neighbors or remove the separated points")
        }
        return graph
    }
}
