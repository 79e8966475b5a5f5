import MindSpaceCore

/// The mean overlap of two representations' k-nearest-neighbour lists under a `RowPairing`:
/// the score shared by `MutualNeighbors` (cosine lists) and `NeighborhoodOverlap` (Euclidean
/// lists),
///
///     overlap = Σᵢ wᵢ·|N_A(i) ∩ π⁻¹(N_B(π(i)))| / (k·Σᵢ wᵢ),
///
/// with π the partner permutation (row i of A set against row π(i) of B) and wᵢ the
/// multiplicities. The lists are those of the full sample, searched once per representation:
/// under π the B neighbours of row i are π⁻¹(N_B(π(i))), so row i counts the j ∈ N_A(i) with
/// π(j) ∈ N_B(π(i)), and no new search is needed. Cost O(N·k) time, N integers of scratch.
enum NeighborListOverlap {
    /// The weighted mean overlap of `a` and `b`, row-major N × k neighbour rows (each row's
    /// neighbours distinct and never the row itself). `metric` names the caller in errors.
    /// - Throws: `MindSpaceError.malformed(nil, …)` when the lists have different shapes or the
    ///   multiplicities sum to 0.
    static func score(_ a: [Int], _ b: [Int], pointCount n: Int, k: Int, otherPointCount: Int, otherK: Int,
                      pairing: RowPairing, metric: String) throws -> Double {
        guard otherPointCount == n, otherK == k else {
            throw MindSpaceError.malformed(nil, "\(metric): the representations have \(n) and \(otherPointCount) rows")
        }
        precondition(a.count == n * k && b.count == n * k, "neighbour lists must be N × k")
        precondition(pairing.partner.map { $0.count == n } ?? true, "partner must have one entry per row")
        precondition(pairing.multiplicity.map { $0.count == n } ?? true, "multiplicity must have one entry per row")
        // stamp[r] == i marks row r of B as a neighbour of B's row partner(i).
        var stamp = [Int](repeating: -1, count: n)
        var overlap = 0, weightSum = 0
        for i in 0..<n {
            let weight = pairing.weightOf(i)
            guard weight > 0 else { continue }
            let partner = pairing.partnerOf(i)
            for rank in 0..<k { stamp[b[partner * k + rank]] = i }
            var shared = 0
            for rank in 0..<k where stamp[pairing.partnerOf(a[i * k + rank])] == i { shared += 1 }
            overlap += weight * shared
            weightSum += weight
        }
        guard weightSum > 0 else { throw MindSpaceError.malformed(nil, "\(metric): every multiplicity is 0") }
        return Double(overlap) / (Double(k) * Double(weightSum))
    }
}
