import MindSpaceCore
import MindSpaceNumerics

/// UMAP, Uniform Manifold Approximation and Projection (McInnes, Healy & Melville 2018,
/// arXiv:1802.03426), to the plane, following umap-learn 0.5.12's defaults and conventions.
///
/// **Steps.**
/// 1. The `neighbors` − 1 nearest other points of each point (umap-learn's `n_neighbors`
///    counts the point itself), exactly, by `ExactNeighbors` (umap-learn uses exact search below
///    4096 points and NN-descent above).
/// 2. The fuzzy simplicial set (`FuzzySimplicialSet`): local memberships exp(−(d − ρ)/σ) and
///    their fuzzy union.
/// 3. Edges with weight below w_max/epochs are dropped; each remaining edge is sampled every
///    w_max/w epochs.
/// 4. (a, b) of the curve 1/(1 + a·d^{2b}) fitted to `minDistance` and `spread` (`UMAPCurve`).
/// 5. Spectral initialisation (`SpectralLayout`), scaled to a largest |coordinate| of 10, plus
///    Gaussian noise of standard deviation 10⁻⁴, then each axis mapped linearly onto [0, 10].
/// 6. `epochs` epochs of SGD with negative sampling (`UMAPLayout`): learning rate 1,
///    5 negative samples per positive one, repulsion 1, gradient components clipped at ±4.
///
/// Defaults: neighbors 15, min_dist 0.1, spread 1, epochs 500 for N ≤ 10000 else 200.
/// The coordinates have no units; only neighbourhoods are meaningful (distances between
/// clusters and cluster sizes are not).
///
/// **Determinism.** Every random draw (eigensolver start, initial noise, negative samples) comes
/// from one `SeededGenerator(seed:)` in a fixed order, and the SGD runs on one thread, so the
/// output depends only on the data and the parameters (not on the thread count, which only
/// speeds up the neighbour search). It differs from umap-learn's output for the same seed (other
/// random streams); quality is compared through trustworthiness instead.
///
/// Cost: the kNN search (N²·D/2 multiply-adds by `gemm`), the eigensolver (≤ 300 sparse
/// products), and ≈ 6·epochs·Σ w/w_max point updates in the SGD. Memory O(N·neighbors).
/// Errors: fewer than 2 points or features, NaN/±Inf (`.malformedData`); invalid parameters
/// (`.usage`). With N ≤ `neighbors`, all N − 1 other points are every point's neighbours.
public struct UMAP: Sendable {
    /// umap-learn's `n_neighbors`: the size of each local neighbourhood, the point included.
    public var neighbors: Int
    /// The smallest distance between points in the layout (umap-learn's `min_dist`).
    public var minDistance: Double
    /// The scale of the layout's similarity curve (umap-learn's `spread`).
    public var spread: Double
    /// SGD epochs; `nil` for umap-learn's default (500 for N ≤ 10000, else 200).
    public var epochs: Int?
    /// Negative samples per positive sample.
    public var negativeSampleRate: Int
    public var seed: UInt64

    public init(neighbors: Int = 15, minDistance: Double = 0.1, spread: Double = 1, epochs: Int? = nil,
                negativeSampleRate: Int = 5, seed: UInt64 = 0) {
        self.neighbors = neighbors
        self.minDistance = minDistance
        self.spread = spread
        self.epochs = epochs
        self.negativeSampleRate = negativeSampleRate
        self.seed = seed
    }

    /// The epochs used for N points: `epochs`, or 500 up to 10000 points and 200 above.
    public func epochCount(pointCount n: Int) -> Int {
        epochs ?? (n <= 10000 ? 500 : 200)
    }

    /// Refuses parameters umap-learn refuses: neighbors < 2, min_dist < 0 or > spread, spread ≤ 0,
    /// epochs < 1, negative sample rate < 0 (`.usage`).
    public func validate() throws {
        guard neighbors >= 2 else { throw MindSpaceError(.usage, "UMAP needs at least 2 neighbours (the point itself counts), got \(neighbors)") }
        guard spread.isFinite, spread > 0 else { throw MindSpaceError(.usage, "UMAP's spread must be positive, got \(spread)") }
        guard minDistance.isFinite, minDistance >= 0, minDistance <= spread else {
            throw MindSpaceError(.usage, "UMAP's min_dist must be in [0, spread = \(spread)], got \(minDistance)")
        }
        if let epochs, epochs < 1 { throw MindSpaceError(.usage, "UMAP needs at least 1 epoch, got \(epochs)") }
        guard negativeSampleRate >= 0 else { throw MindSpaceError(.usage, "the negative sample rate must be ≥ 0, got \(negativeSampleRate)") }
    }

    /// The UMAP layout of the rows of `data` (points × features).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func project<Scalar: NeighborScalar>(_ data: Matrix<Scalar>) throws -> Projection2D {
        try validate()
        try Projection2D.checkShape(rows: data.rows, columns: data.columns)
        let n = data.rows
        let k = min(neighbors, n)  // the point itself included
        let table = try ExactNeighbors.search(data, k: k - 1)
        let epochCount = epochCount(pointCount: n)
        let graph = Self.pruned(FuzzySimplicialSet.graph(neighbours: table, neighbourCount: k), epochs: epochCount)
        let (a, b) = UMAPCurve.fit(spread: spread, minDistance: minDistance)

        var generator = SeededGenerator(seed: seed)
        var embedding = try SpectralLayout.coordinates(graph: graph, data: data, generator: &generator)
        Self.scaleWithNoise(&embedding, generator: &generator)

        var head = [Int32](repeating: 0, count: graph.entryCount)
        for i in 0..<n { for e in graph.rowStart[i]..<graph.rowStart[i + 1] { head[e] = Int32(i) } }
        let largest = graph.weights.max() ?? 1
        let epochsPerSample = graph.weights.map { largest / $0 }
        UMAPLayout(a: a, b: b, negativeSampleRate: Double(negativeSampleRate), epochs: epochCount)
            .optimise(&embedding, head: head, tail: graph.columns, epochsPerSample: epochsPerSample, generator: &generator)

        return Projection2D(
            coordinates: Matrix(rows: n, columns: 2, storage: embedding), method: .umap,
            xLabel: "UMAP 1", yLabel: "UMAP 2", axisVarianceRatio: nil,
            parameters: [.init("neighbors", String(neighbors)), .init("min_dist", TextTable.number(minDistance)),
                         .init("spread", TextTable.number(spread)), .init("epochs", String(epochCount)),
                         .init("init", "spectral"), .init("seed", String(seed))])
    }

    /// The graph without edges lighter than w_max/epochs (they would be sampled less than once;
    /// umap-learn uses w_max/200 instead when epochs ≤ 10).
    static func pruned(_ graph: WeightedGraph, epochs: Int) -> WeightedGraph {
        guard let largest = graph.weights.max() else { return graph }
        let threshold = largest / Double(epochs > 10 ? epochs : 200)
        var rowStart = [0], columns: [Int32] = [], weights: [Double] = []
        columns.reserveCapacity(graph.entryCount)
        weights.reserveCapacity(graph.entryCount)
        for i in 0..<graph.vertexCount {
            for e in graph.rowStart[i]..<graph.rowStart[i + 1] where graph.weights[e] >= threshold {
                columns.append(graph.columns[e])
                weights.append(graph.weights[e])
            }
            rowStart.append(columns.count)
        }
        return WeightedGraph(vertexCount: graph.vertexCount, rowStart: rowStart, columns: columns, weights: weights)
    }

    /// umap-learn's `noisy_scale_coords` (largest |coordinate| → 10, plus N(0, 10⁻⁴) noise) and
    /// then each axis mapped linearly onto [0, 10].
    static func scaleWithNoise(_ embedding: inout [Double], generator: inout SeededGenerator) {
        let largest = embedding.reduce(0) { max($0, abs($1)) }
        let expansion = largest > 0 ? 10 / largest : 1
        for i in embedding.indices { embedding[i] = embedding[i] * expansion + 1e-4 * generator.nextGaussian() }
        let n = embedding.count / 2
        for axis in 0..<2 {
            var low = Double.infinity, high = -Double.infinity
            for i in 0..<n { low = min(low, embedding[2 * i + axis]); high = max(high, embedding[2 * i + axis]) }
            let width = high - low
            for i in 0..<n { embedding[2 * i + axis] = width > 0 ? 10 * (embedding[2 * i + axis] - low) / width : 5 }
        }
    }
}
