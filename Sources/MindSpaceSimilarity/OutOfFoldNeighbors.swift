import MindSpaceCore
import MindSpaceNumerics

/// For a partition of the points into folds, each point's k nearest neighbours among the points
/// of the *other* folds (exact): the neighbours a k-NN classifier trained without the point's
/// fold consults when it predicts the point (k-fold cross-validation).
///
/// Read from a deeper neighbour table of the whole set: if at least k of a point's K nearest
/// neighbours lie outside its fold, its k nearest out-of-fold points are exactly those (every
/// out-of-fold point beyond the K is farther). A point with fewer than k there is searched
/// directly against every out-of-fold point (`NeighborScalar.directSquaredDistances`, ranked by
/// (distance, index)), so the lists are exact either way.
struct OutOfFoldNeighbors: Sendable, Equatable {
    let k: Int
    /// Row-major n × k neighbour indices, nearest first.
    var indices: [Int32]
    /// Points that needed the direct search (the table was too shallow for them).
    var directSearches: Int

    /// Fold of each point for `folds` folds: a seeded random permutation of the points dealt out
    /// in turn, so fold sizes differ by at most one.
    static func assignFolds(count: Int, folds: Int, generator: inout SeededGenerator) -> [Int] {
        var order = Array(0..<count)
        generator.shuffle(&order)
        var fold = [Int](repeating: 0, count: count)
        for (position, point) in order.enumerated() { fold[point] = position % folds }
        return fold
    }

    /// The lists for `points` (n × D), `fold` per point and the whole set's `table` (K ≥ k).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    init<Scalar: NeighborScalar>(points: Matrix<Scalar>, table: NeighborTable<Scalar>, fold: [Int], k: Int) {
        precondition(table.pointCount == points.rows && fold.count == points.rows && k <= table.k)
        self.k = k
        let n = points.rows, depth = table.k
        var indices = [Int32](repeating: 0, count: n * k)
        var shallow: [Int] = []
        for i in 0..<n {
            var found = 0
            for rank in 0..<depth where found < k {
                let j = table.neighbor(i, rank: rank)
                if fold[j] != fold[i] { indices[i * k + found] = Int32(j); found += 1 }
            }
            if found < k { shallow.append(i) }
        }
        directSearches = shallow.count
        for i in shallow {
            let others = (0..<n).filter { fold[$0] != fold[i] }.map(Int32.init)
            let nearest = Self.directNearest(points, from: i, among: others, k: k)
            for (rank, j) in nearest.enumerated() { indices[i * k + rank] = j }
        }
        self.indices = indices
    }

    /// The k of `candidates` nearest to row `i`, by (squared distance, index).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    static func directNearest<Scalar: NeighborScalar>(_ points: Matrix<Scalar>, from i: Int, among candidates: [Int32],
                                                      k: Int) -> [Int32] {
        var squared = [Scalar](repeating: 0, count: candidates.count)
        points.storage.withUnsafeBufferPointer { rows in
            candidates.withUnsafeBufferPointer { chosen in
                squared.withUnsafeMutableBufferPointer { out in
                    guard let base = rows.baseAddress, let list = chosen.baseAddress, let target = out.baseAddress else { return }
                    Scalar.directSquaredDistances(from: base + i * points.columns, to: base, columns: points.columns,
                                                  indices: list, count: candidates.count, into: target)
                }
            }
        }
        let order = candidates.indices.sorted { squared[$0] != squared[$1] ? squared[$0] < squared[$1] : candidates[$0] < candidates[$1] }
        return order.prefix(k).map { candidates[$0] }
    }
}
