import MindSpaceCore

/// A split of N rows into equal-sized, disjoint random subsamples, so a statistic whose
/// calibration is only affordable at a few thousand points can still use (up to a limit) all
/// the data: computed on each subsample and pooled.
///
/// **Sizes.** With a target size s and at most c subsamples: count = min(c, max(1, ⌊N/s⌋)) and
/// size = ⌊N/count⌋, so every subsample has between s and 2s − 1 points when N ≥ s (all N rows
/// form one subsample when N < 2s), and at most count − 1 rows (or, when the count limit
/// binds, the rows beyond count·size) are left out.
///
/// **Randomness.** With one subsample of all rows nothing is drawn and the rows keep their
/// order. Otherwise a Fisher–Yates permutation from `generator` assigns rows to subsamples, and
/// each subsample lists its rows in ascending order (the order does not matter to a neighbour
/// search, only the membership).
public struct DisjointSubsamples: Sendable, Equatable {
    /// The rows of each subsample (ascending), all of length `size`.
    public let rows: [[Int]]
    /// Points per subsample.
    public let size: Int
    /// N, the rows split.
    public let pointCount: Int

    /// Splits `pointCount` rows (≥ 1) into subsamples of about `targetSize` (≥ 1) rows, at most
    /// `maximumCount` (≥ 1) of them. Cost O(N).
    public init(pointCount: Int, targetSize: Int, maximumCount: Int, generator: inout SeededGenerator) {
        precondition(pointCount >= 1 && targetSize >= 1 && maximumCount >= 1, "sizes must be positive")
        let count = min(maximumCount, max(1, pointCount / targetSize))
        let size = pointCount / count
        self.pointCount = pointCount
        self.size = size
        if count == 1 && size == pointCount {
            rows = [Array(0..<pointCount)]
            return
        }
        var order = Array(0..<pointCount)
        generator.shuffle(&order)
        rows = (0..<count).map { part in order[(part * size)..<((part + 1) * size)].sorted() }
    }

    /// The number of subsamples.
    public var count: Int { rows.count }

    /// Rows used in all subsamples together.
    public var pointsUsed: Int { count * size }

    /// The rows of subsample `part` of `points` as a matrix (a copy).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func matrix<Scalar: BinaryFloatingPoint & Sendable>(_ points: Matrix<Scalar>, part: Int) -> Matrix<Scalar> {
        precondition(points.rows == pointCount, "the split was made for \(pointCount) rows")
        if rows.count == 1 && size == pointCount { return points }
        let d = points.columns
        var storage: [Scalar] = []
        storage.reserveCapacity(size * d)
        points.storage.withUnsafeBufferPointer { source in
            for row in rows[part] { storage.append(contentsOf: source[(row * d)..<((row + 1) * d)]) }
        }
        return Matrix(rows: size, columns: d, storage: storage)
    }
}
