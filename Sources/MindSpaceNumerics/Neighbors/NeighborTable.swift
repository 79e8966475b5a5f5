/// The k nearest neighbours of every point of a set among the other points of the same set.
///
/// Row `i` holds point i's neighbours sorted by ascending **Euclidean** distance (not squared),
/// ties broken by ascending neighbour index; a point is never its own neighbour, but an exact
/// duplicate of it is (at distance 0). Memory: N·k distances plus N·k 32-bit indices.
public struct NeighborTable<Scalar: BinaryFloatingPoint & Sendable>: Sendable, Equatable {
    /// N, the number of points searched.
    public let pointCount: Int
    /// Neighbours kept per point.
    public let k: Int
    /// Row-major N×k neighbour indices (rows of the searched matrix).
    public internal(set) var indices: [Int32]
    /// Row-major N×k Euclidean distances, ascending along each row.
    public internal(set) var distances: [Scalar]

    /// A table over existing row-major N×k arrays (already sorted as described above).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public init(pointCount: Int, k: Int, indices: [Int32], distances: [Scalar]) {
        precondition(pointCount >= 0 && k >= 0 && indices.count == pointCount * k
                     && distances.count == pointCount * k, "neighbour table shape mismatch")
        self.pointCount = pointCount
        self.k = k
        self.indices = indices
        self.distances = distances
    }

    /// The index of point `point`'s neighbour of rank `rank` (0 = nearest).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    @inlinable public func neighbor(_ point: Int, rank: Int) -> Int {
        Int(indices[point * k + rank])
    }

    /// The distance from point `point` to its neighbour of rank `rank` (0 = nearest).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    @inlinable public func distance(_ point: Int, rank: Int) -> Scalar {
        distances[point * k + rank]
    }

    /// The same neighbours truncated to the first `count` ranks (`count ≤ k`): estimators that
    /// need fewer neighbours than were searched share one search.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func truncated(to count: Int) -> NeighborTable {
        precondition(count >= 0 && count <= k, "cannot truncate \(k) neighbours to \(count)")
        if count == k { return self }
        var newIndices: [Int32] = []
        var newDistances: [Scalar] = []
        newIndices.reserveCapacity(pointCount * count)
        newDistances.reserveCapacity(pointCount * count)
        for point in 0..<pointCount {
            newIndices.append(contentsOf: indices[(point * k)..<(point * k + count)])
            newDistances.append(contentsOf: distances[(point * k)..<(point * k + count)])
        }
        return NeighborTable(pointCount: pointCount, k: count, indices: newIndices, distances: newDistances)
    }

    /// Points whose nearest neighbour is at distance exactly 0, i.e. that have an exact
    /// duplicate in the set (the engine recomputes the final distances directly, so identical
    /// rows give 0, not GEMM round-off). Ascending.
    public var pointsWithZeroDistanceNeighbor: [Int] {
        guard k > 0 else { return [] }
        return (0..<pointCount).filter { distances[$0 * k] == 0 }
    }
}
