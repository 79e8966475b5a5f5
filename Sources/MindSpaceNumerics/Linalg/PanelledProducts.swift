import MindSpaceCore

/// Level-3 products spread over cores by MindSpace rather than by OpenBLAS, so that their bits
/// never depend on the thread count.
///
/// Multi-threaded OpenBLAS splits a product by the number of threads it runs, and the split
/// changes how each entry's sum is blocked: `mindspace pca --threads 1` and `--threads 2` gave
/// scores that differed in the last bits. MindSpace therefore keeps OpenBLAS on one thread for
/// good (`ParallelLoop.setThreadLimit`) and parallelises here instead: the result is cut into
/// panels fixed by the matrix sizes alone (`panelWidth` columns, or rows), each panel is one
/// single-threaded BLAS call, and the panels run on `ParallelLoop`'s threads. A panel's entries
/// are computed by the same call whatever the thread count, so the result is the same to the bit
/// for any `--threads`.
extension BLAS {
    /// Columns (or rows) per panel: wide enough for OpenBLAS's kernels to run at full speed, narrow
    /// enough to give two cores balanced work from D ≈ 256 on.
    static let panelWidth = 64

    /// The upper triangle of C ← α·AᵀA + β·C (`transpose`: A is k×n, rows are points) or
    /// C ← α·A·Aᵀ + β·C (A is n×k), as `syrkUpper`, in column panels of C: panel [j₀, j₁) is its
    /// diagonal block (one `syrk`) and the rectangle above it, rows 0..<j₀ (one `gemm`).
    public static func panelledSyrkUpper(transpose: Bool, n: Int, k: Int, alpha: Double,
                                         a: UnsafePointer<Double>, lda: Int,
                                         beta: Double, c: UnsafeMutablePointer<Double>, ldc: Int) {
        let panels = (n + panelWidth - 1) / panelWidth
        // The last panels hold the most work (they reach the top rows): hand them out first.
        ParallelLoop.forEach(panels) { order in
            let panel = panels - 1 - order
            let first = panel * panelWidth
            let width = min(panelWidth, n - first)
            // Row `first` of A (or column `first` when transposed): where this panel's vectors start.
            let own = transpose ? a + first : a + first * lda
            syrkUpper(transpose: transpose, n: width, k: k, alpha: alpha, a: own, lda: lda,
                      beta: beta, c: c + first * ldc + first, ldc: ldc)
            guard first > 0 else { return }
            gemm(transposeA: transpose, transposeB: !transpose, m: first, n: width, k: k,
                 alpha: alpha, a: a, lda: lda, b: own, ldb: lda, beta: beta, c: c + first, ldc: ldc)
        }
    }

    /// C ← α·op(A)·op(B) + β·C as `gemm`, in row panels of C (`panelWidth` rows of op(A) each).
    public static func panelledGemm(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
                                    alpha: Double, a: UnsafePointer<Double>, lda: Int,
                                    b: UnsafePointer<Double>, ldb: Int,
                                    beta: Double, c: UnsafeMutablePointer<Double>, ldc: Int) {
        let panels = (m + panelWidth - 1) / panelWidth
        ParallelLoop.forEach(panels) { panel in
            let first = panel * panelWidth
            let height = min(panelWidth, m - first)
            // Rows `first…` of op(A): rows of A, or columns of A when it is transposed.
            let rows = transposeA ? a + first : a + first * lda
            gemm(transposeA: transposeA, transposeB: transposeB, m: height, n: n, k: k,
                 alpha: alpha, a: rows, lda: lda, b: b, ldb: ldb, beta: beta, c: c + first * ldc, ldc: ldc)
        }
    }

    /// Single-precision `panelledGemm`, in row panels of `panelRows` rows of op(A) each (64, `panelWidth`, by default). The
    /// caller fixes `panelRows` from the sizes (never from the thread count), so the bits do not
    /// depend on `--threads`. Each panel call packs all of op(B) again, so panels several times
    /// `panelWidth` tall waste less of the product on packing when n and k are large.
    public static func panelledGemm(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
                                    alpha: Float, a: UnsafePointer<Float>, lda: Int,
                                    b: UnsafePointer<Float>, ldb: Int,
                                    beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int,
                                    panelRows: Int = 64) {
        precondition(panelRows >= 1)
        let panels = (m + panelRows - 1) / panelRows
        ParallelLoop.forEach(panels) { panel in
            let first = panel * panelRows
            let height = min(panelRows, m - first)
            let rows = transposeA ? a + first : a + first * lda
            gemm(transposeA: transposeA, transposeB: transposeB, m: height, n: n, k: k,
                 alpha: alpha, a: rows, lda: lda, b: b, ldb: ldb, beta: beta, c: c + first * ldc, ldc: ldc)
        }
    }
}
