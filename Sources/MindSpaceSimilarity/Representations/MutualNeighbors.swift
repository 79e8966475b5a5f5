import MindSpaceCore

/// Mutual k-nearest-neighbour alignment (Huh, Cheung, Wang & Isola 2024, "The Platonic
/// Representation Hypothesis", ICML; reference `metrics.py` `mutual_knn` of platonic-rep): the
/// mean fraction of each input's k nearest neighbours in A that are also among its k nearest
/// neighbours in B,
///
///     mKNN = (1/N) Σᵢ |N_A(i) ∩ N_B(i)| / k,
///
/// where N_X(i) holds the k rows of X with the largest cosine similarity to row i, i excluded
/// (the reference ranks inner products of rows scaled to unit length: `CosineNeighborLists`).
/// 1 when every neighbour set agrees (identical inputs, or B a rotation or positive scaling of
/// A), about k/(N − 1) for unrelated representations (each of A's k neighbours of row i falls
/// in B's set of k among the N − 1 other rows with probability k/(N − 1)). The reference drops
/// nothing else: there is no centring, so a translation of one representation changes its
/// cosines and hence the score.
///
/// **Pairings.** Neighbour lists are searched once per representation in `prepare` (one exact
/// search each). Under a partner permutation π (row i of A set against row π(i) of B) the B
/// neighbours of row i are π⁻¹(N_B(π(i))), so the overlap of row i counts the j ∈ N_A(i) with
/// π(j) ∈ N_B(π(i)): O(N·k) per pairing, no new search. Under bootstrap multiplicities wᵢ the
/// full-sample lists are kept and the per-row overlaps are averaged with weights wᵢ,
/// Σ wᵢ·overlapᵢ / (k·Σ wᵢ): recomputing neighbours on a resample would make the copies of a
/// row each other's nearest neighbours at distance 0 in both representations, inflating the
/// overlap by an amount that depends on the draw, not on the representations.
///
/// Edge cases: k must satisfy 1 ≤ k ≤ N − 1; a row of zeros has no cosines and is refused; ties
/// in cosine are broken by ascending row index (the reference's `argsort` leaves them unordered),
/// so exact duplicate rows can make the score depend on row order.
public struct MutualNeighbors: RepresentationMetric {
    /// k, the neighbours compared per row.
    public let k: Int

    public init(k: Int) { self.k = k }

    public var name: RepresentationMetricName { .mutualKNN }

    /// The cosine k-NN lists of one representation.
    public struct Prepared: Sendable, Equatable {
        let lists: CosineNeighborLists
    }

    /// Searches the k cosine neighbours of every row (N·k memory).
    /// - Throws: `MindSpaceError.malformed(nil, …)` for k < 1, k ≥ N or a zero row.
    public func prepare(_ representation: Matrix<Double>) throws -> Prepared {
        Prepared(lists: try CosineNeighborLists(representation, k: k, metric: "mutual-knn"))
    }

    /// The weighted mean overlap of the neighbour lists of A's row i and B's row partner(i).
    /// - Throws: `MindSpaceError.malformed(nil, …)` when the representations have different
    ///   numbers of rows or the multiplicities sum to 0.
    public func score(_ a: Prepared, _ b: Prepared, pairing: RowPairing) throws -> Double {
        try NeighborListOverlap.score(a.lists.neighbors, b.lists.neighbors, pointCount: a.lists.pointCount, k: a.lists.k,
                                      otherPointCount: b.lists.pointCount, otherK: b.lists.k, pairing: pairing,
                                      metric: "mutual-knn")
    }
}
