import CLinalg
import MindSpaceCore

// The only Swift file that imports CBLAS/LAPACKE (OpenBLAS + LAPACKE on Debian). Every other
// file calls these typed wrappers. All matrices are row-major, as MindSpace stores them; the
// wrappers pass `CblasRowMajor` / `LAPACK_ROW_MAJOR` so no caller thinks about layouts.
// Debian's OpenBLAS uses 32-bit integers (`blasint`, `lapack_int`): `lapackInt` checks sizes.

/// Thin, typed wrappers over CBLAS level-3 routines used by PCA and the neighbour engine.
public enum BLAS {
    /// OpenBLAS runs on one thread, always: how it splits a product depends on its thread count,
    /// and so would the last bits of every result. MindSpace spreads BLAS work over cores itself
    /// (`ParallelLoop` around single-threaded calls, `panelledSyrkUpper`, `panelledGemm`), in
    /// pieces fixed by the matrix sizes. Every wrapper below touches this once-only setting
    /// before its call, so no caller has to set or restore anything (a lazy `static let` is
    /// initialised exactly once, thread-safely).
    static let singleThreaded: Void = openblas_set_num_threads(1)

    /// The number of threads OpenBLAS uses for MindSpace's calls: 1.
    public static var threadCount: Int {
        _ = singleThreaded
        return Int(openblas_get_num_threads())
    }

    /// The kernel family OpenBLAS chose when it loaded (`SkylakeX`, `Cooperlake`, `Haswell`, or
    /// `Prescott` when it did not recognise the processor); see `OpenBLASCoreSelection`.
    public static var coreName: String {
        guard let name = openblas_get_corename() else { return "unknown" }
        return String(cString: name)
    }

    /// C ← α·op(A)·op(B) + β·C with row-major A (m×k, or k×m if `transposeA`), B (k×n, or n×k if
    /// `transposeB`) and C (m×n). Leading dimensions are row strides in elements.
    public static func gemm(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
                            alpha: Double, a: UnsafePointer<Double>, lda: Int,
                            b: UnsafePointer<Double>, ldb: Int,
                            beta: Double, c: UnsafeMutablePointer<Double>, ldc: Int) {
        _ = BLAS.singleThreaded
        cblas_dgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans,
                    transposeB ? CblasTrans : CblasNoTrans,
                    blasInt(m), blasInt(n), blasInt(k), alpha, a, blasInt(lda), b, blasInt(ldb),
                    beta, c, blasInt(ldc))
    }

    /// Single-precision `gemm` (same conventions as the `Double` overload).
    public static func gemm(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
                            alpha: Float, a: UnsafePointer<Float>, lda: Int,
                            b: UnsafePointer<Float>, ldb: Int,
                            beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) {
        _ = BLAS.singleThreaded
        cblas_sgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans,
                    transposeB ? CblasTrans : CblasNoTrans,
                    blasInt(m), blasInt(n), blasInt(k), alpha, a, blasInt(lda), b, blasInt(ldb),
                    beta, c, blasInt(ldc))
    }

    /// Symmetric rank-k update of the upper triangle of the row-major n×n matrix C:
    /// C ← α·AᵀA + β·C when `transpose` (A is k×n: rows are points, the D×D covariance path),
    /// C ← α·A·Aᵀ + β·C otherwise (A is n×k: the N×N Gram path). The lower triangle is not touched.
    public static func syrkUpper(transpose: Bool, n: Int, k: Int, alpha: Double,
                                 a: UnsafePointer<Double>, lda: Int,
                                 beta: Double, c: UnsafeMutablePointer<Double>, ldc: Int) {
        _ = BLAS.singleThreaded
        cblas_dsyrk(CblasRowMajor, CblasUpper, transpose ? CblasTrans : CblasNoTrans,
                    blasInt(n), blasInt(k), alpha, a, blasInt(lda), beta, c, blasInt(ldc))
    }

    /// Single-precision `syrkUpper`.
    public static func syrkUpper(transpose: Bool, n: Int, k: Int, alpha: Float,
                                 a: UnsafePointer<Float>, lda: Int,
                                 beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) {
        _ = BLAS.singleThreaded
        cblas_ssyrk(CblasRowMajor, CblasUpper, transpose ? CblasTrans : CblasNoTrans,
                    blasInt(n), blasInt(k), alpha, a, blasInt(lda), beta, c, blasInt(ldc))
    }

    private static func blasInt(_ value: Int) -> Int32 {
        precondition(value >= 0 && value <= Int(Int32.max), "dimension \(value) exceeds 32-bit BLAS")
        return Int32(value)
    }
}

/// Thin wrappers over the LAPACKE eigen- and singular-value drivers.
public enum LAPACK {
    /// Largest dimension the 32-bit LAPACK interface accepts.
    public static let maximumDimension = Int(Int32.max)

    /// Eigenvalues (ascending) and, if requested, eigenvectors of the symmetric row-major n×n
    /// matrix whose **upper** triangle is in `matrix` (destroyed), by `dsyevr` (MRRR;
    /// Dhillon & Parlett 2004). `indices` selects eigenvalues by ascending 1-based rank
    /// (`il...iu`); `nil` computes all. Eigenvectors come back row-major n×m: column j is the
    /// eigenvector of eigenvalue j. Throws if LAPACK reports a failure (`info ≠ 0`).
    public static func symmetricEigen(
        _ matrix: inout [Double], n: Int, indices: ClosedRange<Int>? = nil, vectors: Bool
    ) throws -> (values: [Double], vectors: [Double]) {
        _ = BLAS.singleThreaded
        precondition(matrix.count == n * n)
        guard n > 0 else { return ([], []) }
        let count = indices.map { $0.count } ?? n
        var values = [Double](repeating: 0, count: n)
        var z = [Double](repeating: 0, count: vectors ? n * max(count, 1) : 1)
        var support = [Int32](repeating: 0, count: 2 * max(1, n))
        var found: Int32 = 0
        let il = Int32(indices?.lowerBound ?? 1), iu = Int32(indices?.upperBound ?? n)
        let info = matrix.withUnsafeMutableBufferPointer { a in
            LAPACKE_dsyevr(LAPACK_ROW_MAJOR, vectors ? 86 /* V */ : 78 /* N */,
                           indices == nil ? 65 /* A */ : 73 /* I */, 85 /* U */,
                           Int32(n), a.baseAddress, Int32(n), 0, 0, il, iu, 0,
                           &found, &values, &z, Int32(vectors ? max(count, 1) : 1), &support)
        }
        guard info == 0 else {
            throw MindSpaceError(.malformedData, "the symmetric eigensolver (dsyevr) failed with info \(info)")
        }
        return (Array(values.prefix(Int(found))), vectors ? z : [])
    }

    /// Thin SVD A = U·diag(s)·Vᵀ of the row-major m×n matrix `matrix` (destroyed) by `dgesdd`
    /// (divide and conquer). Returns s descending, U row-major m×r and Vᵀ row-major r×n,
    /// r = min(m, n).
    public static func singularValueDecomposition(
        _ matrix: inout [Double], m: Int, n: Int
    ) throws -> (u: [Double], s: [Double], vt: [Double]) {
        _ = BLAS.singleThreaded
        precondition(matrix.count == m * n)
        let r = min(m, n)
        guard r > 0 else { return ([], [], []) }
        var s = [Double](repeating: 0, count: r)
        var u = [Double](repeating: 0, count: m * r)
        var vt = [Double](repeating: 0, count: r * n)
        let info = matrix.withUnsafeMutableBufferPointer { a in
            LAPACKE_dgesdd(LAPACK_ROW_MAJOR, 83 /* S */, Int32(m), Int32(n), a.baseAddress, Int32(n),
                           &s, &u, Int32(r), &vt, Int32(n))
        }
        guard info == 0 else {
            throw MindSpaceError(.malformedData, "the SVD (dgesdd) failed with info \(info)")
        }
        return (u, s, vt)
    }
}

extension LAPACK {
    /// All eigenvalues and the eigenvectors of the `vectorCount` largest eigenvalues of a
    /// symmetric n×n matrix, with ONE Householder tridiagonalisation: `dsytrd` (A = Q·T·Qᵀ),
    /// `dsterf` on a copy of T (all eigenvalues, root-free QL/QR, O(n²)), `dstemr` on T for the
    /// top index range (MRRR; Dhillon & Parlett 2004) and `dormtr` (back-transform, 2·n²·k flops).
    /// This is what `dsyevr` does inside, but `dsyevr` cannot return all eigenvalues together with a
    /// subset of vectors, so calling it twice would tridiagonalise twice (the dominant 4n³/3 cost).
    ///
    /// `matrix` holds the symmetric matrix in its **upper** triangle, row-major (the same memory is
    /// the lower triangle column-major, which is what is passed: no transposed copy); it is
    /// destroyed. Returns `values`: all n eigenvalues ascending; `vectors`: row-major
    /// `vectorCount`×n, row j the unit eigenvector of `values[n − vectorCount + j]` (ascending, like
    /// the values). Throws if LAPACK reports a failure (`info ≠ 0`).
    public static func symmetricSpectrumAndLeadingVectors(
        _ matrix: inout [Double], n: Int, vectorCount: Int
    ) throws -> (values: [Double], vectors: [Double]) {
        _ = BLAS.singleThreaded
        precondition(matrix.count == n * n && vectorCount >= 0 && vectorCount <= n)
        guard n > 0 else { return ([], []) }
        precondition(n <= maximumDimension)
        let size = Int32(n)
        var diagonal = [Double](repeating: 0, count: n)
        var offDiagonal = [Double](repeating: 0, count: n)  // n−1 used; dstemr wants n
        var reflectors = [Double](repeating: 0, count: max(1, n - 1))
        let reduced = matrix.withUnsafeMutableBufferPointer { a in
            LAPACKE_dsytrd(LAPACK_COL_MAJOR, 76 /* L */, size, a.baseAddress, size,
                           &diagonal, &offDiagonal, &reflectors)
        }
        guard reduced == 0 else {
            throw MindSpaceError(.malformedData, "the tridiagonal reduction (dsytrd) failed with info \(reduced)")
        }
        var values = diagonal, scratch = offDiagonal
        let solved = LAPACKE_dsterf(size, &values, &scratch)
        guard solved == 0 else {
            throw MindSpaceError(.malformedData, "the eigenvalue solver (dsterf) failed with info \(solved)")
        }
        guard vectorCount > 0 else { return (values, []) }
        var found: Int32 = 0
        var selectedValues = [Double](repeating: 0, count: n)
        var vectors = [Double](repeating: 0, count: n * vectorCount)
        var support = [Int32](repeating: 0, count: 2 * vectorCount)
        var tryRelativeAccuracy: Int32 = 1
        let computed = LAPACKE_dstemr(LAPACK_COL_MAJOR, 86 /* V */, 73 /* I */, size,
                                      &diagonal, &offDiagonal, 0, 0,
                                      Int32(n - vectorCount + 1), size, &found, &selectedValues,
                                      &vectors, size, Int32(vectorCount), &support,
                                      &tryRelativeAccuracy)
        guard computed == 0, Int(found) == vectorCount else {
            throw MindSpaceError(.malformedData,
                                 "the eigenvector solver (dstemr) failed with info \(computed), found \(found) of \(vectorCount)")
        }
        let transformed = matrix.withUnsafeBufferPointer { a in
            vectors.withUnsafeMutableBufferPointer { z in
                LAPACKE_dormtr(LAPACK_COL_MAJOR, 76 /* L: Q·Z */, 76 /* L */, 78 /* N */, size,
                               Int32(vectorCount), a.baseAddress, size, reflectors, z.baseAddress, size)
            }
        }
        guard transformed == 0 else {
            throw MindSpaceError(.malformedData, "the back-transformation (dormtr) failed with info \(transformed)")
        }
        return (values, vectors)
    }
}
