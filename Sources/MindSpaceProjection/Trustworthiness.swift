import Foundation
import MindSpaceCore
import MindSpaceNumerics

/// Trustworthiness of an embedding: how far its k nearest neighbours are also near in the
/// original space (Venna & Kaski 2001, "Neighborhood preservation in nonlinear projection
/// methods: an experimental study"; the same definition as scikit-learn's
/// `sklearn.manifold.trustworthiness`):
///
///   T(k) = 1 − 2/(N·k·(2N − 3k − 1)) · Σᵢ Σ_{j ∈ Uₖ(i)} (r(i, j) − k),
///
/// where Uₖ(i) are the embedded k nearest neighbours of i that are not among its k nearest in
/// the original space, and r(i, j) is the rank of j among i's original neighbours (1 = nearest).
/// T = 1 when every embedded neighbourhood is a true one; a random embedding scores ≈ 0.5.
///
/// **Ranks.** Original distances are computed in `Double` from the column-centred data as
/// ‖x‖² + ‖y‖² − 2x·y (row blocks by `gemm`), and r(i, j) = 1 + #{l ≠ i : dᵢₗ < dᵢⱼ, or
/// dᵢₗ = dᵢⱼ and l < j}: ties are ranked by index, a strict order (NumPy's argsort, which
/// scikit-learn uses, orders exact ties arbitrarily). The embedded neighbours come from
/// `ExactNeighbors`. Only neighbours tied to round-off can be ranked differently from
/// scikit-learn, so on data without such ties the value is identical.
///
/// Cost: N²·D multiply-adds for the distances plus N²·k comparisons; memory N·k plus, per
/// thread, one block of 256×N distances. Rows are spread over threads; the sum of integer
/// penalties does not depend on the thread count.
public enum Trustworthiness {
    /// T(k) of `embedded` (N×E, usually E = 2) as a view of `original` (N×D).
    /// - Throws: `.usage` when k < 1 or k ≥ N/2 (scikit-learn's limit: the normalisation assumes
    ///   it), `.malformedData` when the row counts differ or a value is not finite.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public static func score<Scalar: BinaryFloatingPoint & Sendable>(
        original: Matrix<Scalar>, embedded: Matrix<Double>, k: Int
    ) throws -> Double {
        let n = original.rows, d = original.columns
        guard embedded.rows == n else {
            throw MindSpaceError.malformed(nil, "trustworthiness needs one embedded point per original point: \(embedded.rows) vs \(n)")
        }
        guard k >= 1, 2 * k < n else {
            throw MindSpaceError(.usage, "trustworthiness needs 1 ≤ k < N/2 = \(TextTable.number(Double(n) / 2)), got k = \(k)")
        }
        guard d > 0, original.firstNonFinite() == nil else {
            throw MindSpaceError.malformed(nil, "trustworthiness needs finite original points with at least one feature")
        }
        let neighbours = try ExactNeighbors.search(embedded, k: k)

        var centred = original.storage.map { Double($0) }
        for j in 0..<d {
            var mean = 0.0
            for i in 0..<n { mean += centred[i * d + j] }
            mean /= Double(n)
            for i in 0..<n { centred[i * d + j] -= mean }
        }
        let norms = (0..<n).map { i in (0..<d).reduce(0.0) { $0 + centred[i * d + $1] * centred[i * d + $1] } }

        let blockRows = 256
        let blockCount = (n + blockRows - 1) / blockRows
        let workers = max(1, min(blockCount, ParallelLoop.threadLimit))
        var penalties = [Int](repeating: 0, count: blockCount)
        centred.withUnsafeBufferPointer { points in
            norms.withUnsafeBufferPointer { norms in
                neighbours.indices.withUnsafeBufferPointer { embeddedNeighbours in
                    penalties.withUnsafeMutableBufferPointer { penalties in
                        guard let pointBase = points.baseAddress, let penaltyBase = penalties.baseAddress else { return }
                        let runWorker = { (worker: Int) in
                            var distances = [Double](repeating: 0, count: min(blockRows, n) * n)
                            for block in stride(from: worker, to: blockCount, by: workers) {
                                let first = block * blockRows, height = min(blockRows, n - first)
                                distances.withUnsafeMutableBufferPointer { buffer in
                                    guard let c = buffer.baseAddress else { return }
                                    BLAS.gemm(transposeA: false, transposeB: true, m: height, n: n, k: d, alpha: -2,
                                              a: pointBase + first * d, lda: d, b: pointBase, ldb: d, beta: 0, c: c, ldc: n)
                                    penaltyBase[block] = rankPenalties(buffer, firstRow: first, rows: height, pointCount: n,
                                                                       norms: norms, neighbours: embeddedNeighbours, k: k)
                                }
                            }
                        }
                        ParallelLoop.forEach(workers, runWorker)
                    }
                }
            }
        }
        let total = Double(penalties.reduce(0, +))
        let nk = Double(n) * Double(k)
        return 1 - total * 2 / (nk * (2 * Double(n) - 3 * Double(k) - 1))
    }

    /// Σ max(0, r(i, j) − k) over the rows of one block, whose −2·x·y products are in `block`
    /// (overwritten with squared distances).
    private static func rankPenalties(_ block: UnsafeMutableBufferPointer<Double>, firstRow: Int, rows: Int, pointCount n: Int,
                                      norms: UnsafeBufferPointer<Double>, neighbours: UnsafeBufferPointer<Int32>, k: Int) -> Int {
        var penalty = 0
        for r in 0..<rows {
            let i = firstRow + r
            let row = UnsafeMutableBufferPointer(rebasing: block[(r * n)..<((r + 1) * n)])
            for l in 0..<n { row[l] += norms[i] + norms[l] }
            row[i] = .infinity  // a point is not its own neighbour
            for rank in 0..<k {
                let j = Int(neighbours[i * k + rank])
                let threshold = row[j]
                var closer = 0
                for l in 0..<j where row[l] <= threshold { closer += 1 }
                for l in (j + 1)..<n where row[l] < threshold { closer += 1 }
                penalty += max(0, closer + 1 - k)
            }
        }
        return penalty
    }
}
