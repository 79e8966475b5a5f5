import MindSpaceCore
import MindSpaceNumerics

/// The k nearest neighbours of every row of a representation by **cosine similarity**, with the
/// cosines to them: what `MutualNeighbors` and `CKNNA` keep of one representation.
///
/// The reference implementation (Huh et al. 2024, platonic-rep `measure_alignment.py`) scales
/// every row to unit length (`F.normalize(x, dim=-1)`) and ranks the other rows by inner
/// product, which on unit rows is the cosine. For unit rows ‖uᵢ − uⱼ‖² = 2 − 2·cos(xᵢ, xⱼ), so
/// the k largest cosines are the k nearest Euclidean neighbours of the unit rows; those come
/// from our exact engine (`ExactNeighbors.search`, self excluded, ties by ascending index where
/// the reference's `argsort` leaves ties unordered). The cosines to the chosen neighbours are
/// then computed directly as uᵢ·uⱼ. The rows are not centred (the reference does not centre):
/// the lists are invariant under rotations and positive scalings of the representation, not
/// under translations.
///
/// Memory: N·k indices and N·k cosines; cost: one exact search on the unit rows plus N·k·D.
struct CosineNeighborLists: Sendable, Equatable {
    /// N, the rows.
    let pointCount: Int
    /// Neighbours per row.
    let k: Int
    /// Row-major N×k neighbour rows, by descending cosine (ties by ascending index).
    let neighbors: [Int]
    /// Row-major N×k cosines to those neighbours.
    let cosines: [Double]

    /// Searches `representation`'s rows; `metric` names the caller in error messages.
    /// - Throws: `MindSpaceError.malformed(nil, …)` when k < 1, k ≥ N or a row is zero (its
    ///   cosines are undefined).
    init(_ representation: Matrix<Double>, k: Int, metric: String) throws {
        let n = representation.rows, d = representation.columns
        guard k >= 1 else { throw MindSpaceError.malformed(nil, "\(metric): k must be at least 1, got \(k)") }
        guard k < n else {
            throw MindSpaceError.malformed(nil, "\(metric): k = \(k) needs more than \(k) rows, got \(n)")
        }
        let unit = try Self.unitRows(representation, metric: metric)
        let table = try ExactNeighbors.search(unit, k: k)
        var cosines = [Double](repeating: 0, count: n * k)
        unit.storage.withUnsafeBufferPointer { rows in
            for i in 0..<n {
                for rank in 0..<k {
                    let j = table.neighbor(i, rank: rank)
                    var dot = 0.0
                    for c in 0..<d { dot += rows[i * d + c] * rows[j * d + c] }
                    cosines[i * k + rank] = dot
                }
            }
        }
        pointCount = n
        self.k = k
        neighbors = table.indices.map { Int($0) }
        self.cosines = cosines
    }

    /// The rows of `representation` divided by their Euclidean norms.
    /// - Throws: `MindSpaceError.malformed(nil, …)` for no columns, or a row of zeros (or one
    ///   whose norm overflows).
    static func unitRows(_ representation: Matrix<Double>, metric: String) throws -> Matrix<Double> {
        let n = representation.rows, d = representation.columns
        guard d > 0 else { throw MindSpaceError.malformed(nil, "\(metric): the representation has no columns") }
        var storage = representation.storage
        for i in 0..<n {
            var sum = 0.0
            for c in 0..<d { sum += storage[i * d + c] * storage[i * d + c] }
            let norm = sum.squareRoot()
            guard norm > 0, norm.isFinite else {
                throw MindSpaceError.malformed(nil, "\(metric): row \(i) has norm \(norm), so its cosines are undefined")
            }
            for c in 0..<d { storage[i * d + c] /= norm }
        }
        return Matrix(rows: n, columns: d, storage: storage)
    }

    /// The neighbour of row `i` at `rank`.
    @inline(__always) func neighbor(_ i: Int, rank: Int) -> Int { neighbors[i * k + rank] }
}
