/// Bounded "k smallest so far" lists, one per point, stored as rows of two flat arrays
/// (squared distance, neighbour index) and kept sorted ascending.
///
/// Order: candidates compare by (distance, index) lexicographically, a strict total order, so
/// the k survivors are the same whatever order candidates arrive in. That is what makes the
/// engine's output independent of the thread count and of the block schedule.
///
/// Insertion into a sorted list costs O(k) in the worst case, but almost every candidate is
/// rejected by one comparison with the current worst entry (the last slot), which is the hot
/// path. For the k used by intrinsic-dimension estimators (2 to ~100) this beats a heap, whose
/// constant per accepted candidate is larger and whose output needs sorting anyway.
enum TopKSelection {
    /// Whether (distance, index) comes strictly before (otherDistance, otherIndex).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    @inline(__always)
    static func precedes<Scalar: BinaryFloatingPoint>(_ distance: Scalar, _ index: Int32,
                                                      _ otherDistance: Scalar, _ otherIndex: Int32) -> Bool {
        distance < otherDistance || (distance == otherDistance && index < otherIndex)
    }

    /// Offers a candidate to one sorted list of `k` slots (`distances`, `indices` point at the
    /// list's first slot). Returns the list's new worst distance (slot k − 1), so callers can
    /// keep it in a register for the next comparison.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    @inline(__always)
    @discardableResult
    static func offer<Scalar: BinaryFloatingPoint>(_ distance: Scalar, _ index: Int32,
                                                   distances: UnsafeMutablePointer<Scalar>,
                                                   indices: UnsafeMutablePointer<Int32>, k: Int) -> Scalar {
        let last = k - 1
        guard precedes(distance, index, distances[last], indices[last]) else { return distances[last] }
        var slot = last
        while slot > 0 && precedes(distance, index, distances[slot - 1], indices[slot - 1]) {
            distances[slot] = distances[slot - 1]
            indices[slot] = indices[slot - 1]
            slot -= 1
        }
        distances[slot] = distance
        indices[slot] = index
        return distances[last]
    }

    /// Sorts one list of `k` slots ascending by (distance, index): insertion sort, as the list
    /// is short and, after refinement of distances, nearly sorted already.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    static func sortList<Scalar: BinaryFloatingPoint>(distances: UnsafeMutablePointer<Scalar>,
                                                      indices: UnsafeMutablePointer<Int32>, k: Int) {
        guard k > 1 else { return }
        for start in 1..<k {
            let distance = distances[start], index = indices[start]
            var slot = start
            while slot > 0 && precedes(distance, index, distances[slot - 1], indices[slot - 1]) {
                distances[slot] = distances[slot - 1]
                indices[slot] = indices[slot - 1]
                slot -= 1
            }
            distances[slot] = distance
            indices[slot] = index
        }
    }
}
