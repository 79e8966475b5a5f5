import MindSpaceCore
import MindSpaceNumerics

/// Neighbourhood overlap χ (Doimo, Glielmo, Ansuini & Laio 2020, "Hierarchical nucleation in
/// deep neural networks", NeurIPS, eq. 1): the mean fraction of each input's k nearest
/// neighbours in A that are also among its k nearest neighbours in B,
///
///     χ = (1/N) Σᵢ |N_k^A(i) ∩ N_k^B(i)| / k,
///
/// where N_k^X(i) holds the k rows of X nearest to row i by **Euclidean** distance, i excluded
/// (`ExactNeighbors.search`, ties by ascending row index). Doimo et al. compare consecutive
/// layers of one network (and a layer with the one-hot labels) on the same inputs to follow
/// how neighbourhoods form and dissolve with depth.
///
/// The formula is the one of mutual k-NN (`MutualNeighbors`, Huh et al. 2024); only the
/// neighbours differ. Euclidean lists are invariant under rotations, uniform scalings and
/// translations of a representation (up to exact ties, and to rankings within rounding of a
/// tie), but not under rescaling single rows, which cosine lists ignore: on data whose row
/// norms vary the two metrics disagree.
///
/// χ = 1 when every neighbour set agrees; for independent representations each of A's k
/// neighbours of row i falls in B's set of k among the N − 1 other rows with probability
/// k/(N − 1) (`expectedUnderIndependence`).
///
/// **Pairings.** As `MutualNeighbors`: lists are searched once per representation in
/// `prepare`; a partner permutation π maps B's lists through π⁻¹ (O(N·k) per pairing), and
/// bootstrap multiplicities wᵢ weight the per-row overlaps of the full-sample lists,
/// Σ wᵢ·overlapᵢ / (k·Σ wᵢ) (a resample's repeated rows would be each other's neighbours at
/// distance 0). See `NeighborListOverlap`.
///
/// Edge cases: 1 ≤ k ≤ N − 1; exact duplicate rows are neighbours at distance 0 and tie with
/// each other, so with duplicates the score can depend on row order. Cost: one exact search per
/// representation (N²·D/2 multiply-adds), N·k indices kept.
public struct NeighborhoodOverlap: RepresentationMetric {
    /// k, the neighbours compared per row.
    public let k: Int

    public init(k: Int) { self.k = k }

    public var name: RepresentationMetricName { .neighborhoodOverlap }

    /// The Euclidean k-NN lists of one representation.
    public struct Prepared: Sendable, Equatable {
        /// N, the rows.
        let pointCount: Int
        /// Neighbours per row.
        let k: Int
        /// Row-major N × k neighbour rows by ascending distance (ties by ascending index).
        let neighbors: [Int]

        /// The neighbour of row `i` at `rank` (0 = nearest).
        func neighbor(_ i: Int, rank: Int) -> Int { neighbors[i * k + rank] }
    }

    /// Searches the k Euclidean neighbours of every row (N·k memory).
    /// - Throws: `MindSpaceError.malformed(nil, …)` for k < 1 or k ≥ N; the search's errors
    ///   for no columns or non-finite values.
    public func prepare(_ representation: Matrix<Double>) throws -> Prepared {
        try prepare(searching: representation)
    }

    /// `prepare` in the precision of the matrix (float32 rows are searched in float32, as
    /// `mindspace id` searches them).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func prepare<Scalar: NeighborScalar>(searching representation: Matrix<Scalar>) throws -> Prepared {
        let n = representation.rows
        guard k >= 1 else { throw MindSpaceError.malformed(nil, "overlap: k must be at least 1, got \(k)") }
        guard k < n else { throw MindSpaceError.malformed(nil, "overlap: k = \(k) needs more than \(k) rows, got \(n)") }
        let table = try ExactNeighbors.search(representation, k: k)
        return Prepared(pointCount: n, k: k, neighbors: table.indices.map { Int($0) })
    }

    /// The state from a search already made with at least k neighbours per row (row-major
    /// `pointCount` × `searched` indices by ascending distance, ties by index, as
    /// `ExactNeighbors.search` returns them): its first k ranks. For callers that search once for
    /// several purposes (`layers`: the intrinsic dimension's neighbours and the overlap's).
    public func prepared(neighbors: [Int32], searched: Int, pointCount: Int) -> Prepared {
        precondition(searched >= k && neighbors.count == pointCount * searched, "a search of \(searched) < k = \(k) neighbours")
        var kept: [Int] = []
        kept.reserveCapacity(pointCount * k)
        for row in 0..<pointCount {
            for rank in 0..<k { kept.append(Int(neighbors[row * searched + rank])) }
        }
        return Prepared(pointCount: pointCount, k: k, neighbors: kept)
    }

    /// The weighted mean overlap of the neighbour lists of A's row i and B's row partner(i).
    /// - Throws: `MindSpaceError.malformed(nil, …)` when the representations have different
    ///   numbers of rows or the multiplicities sum to 0.
    public func score(_ a: Prepared, _ b: Prepared, pairing: RowPairing) throws -> Double {
        try NeighborListOverlap.score(a.neighbors, b.neighbors, pointCount: a.pointCount, k: a.k,
                                      otherPointCount: b.pointCount, otherK: b.k, pairing: pairing, metric: "overlap")
    }

    /// E[χ] = k/(N − 1) for representations independent of each other (Doimo et al. 2020's
    /// baseline): given A's list of row i, B's list is a uniform k-subset of the N − 1 other
    /// rows, so the shared count is hypergeometric (population N − 1, k marked, k drawn), with
    /// mean k·p and variance k·p·(1 − p)·(N − 1 − k)/(N − 2), p = k/(N − 1). One row's
    /// overlap therefore has variance p·(1 − p)·(N − 1 − k)/(k·(N − 2)); the mean χ over N rows
    /// would have that divided by N if the rows were independent, and has somewhat more (rows
    /// share neighbour relations).
    /// - Returns: k/(N − 1), or NaN unless 1 ≤ k ≤ N − 1.
    public static func expectedUnderIndependence(n: Int, k: Int) -> Double {
        guard k >= 1, k < n else { return .nan }
        return Double(k) / Double(n - 1)
    }
}
