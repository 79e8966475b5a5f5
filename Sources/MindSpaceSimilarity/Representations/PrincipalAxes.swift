import MindSpaceCore
import MindSpaceNumerics

/// The principal axes of a scatter matrix C = Σᵣ wᵣ(xᵣ − μ)(xᵣ − μ)ᵀ (D × D): its eigenpairs in
/// descending order, keeping those above the rank tolerance λ > λ_max·D·ε (the tolerance of
/// `numpy.linalg.matrix_rank`): directions below it carry only round-off, and whitening them
/// would amplify noise (the CCA metrics' "low-variance directions").
struct PrincipalAxes: Sendable {
    let dimension: Int
    /// Eigenvalues, descending, all above the tolerance.
    let values: [Double]
    /// Row-major D × r: column l is the unit axis of `values[l]`.
    let axes: [Double]

    var rank: Int { values.count }

    /// The axes of the full symmetric `scatter` (D × D), at most `limit` of them.
    init(scatter: [Double], dimension d: Int, limit: Int? = nil) throws {
        var matrix = scatter
        let (ascending, vectors) = try LAPACK.symmetricEigen(&matrix, n: d, vectors: true)
        let largest = ascending.last ?? 0
        let tolerance = largest * Double(d) * Double.ulpOfOne
        var kept = 0
        while kept < ascending.count, ascending[ascending.count - 1 - kept] > tolerance { kept += 1 }
        if let limit { kept = min(kept, limit) }
        var axes = [Double](repeating: 0, count: d * kept)
        var values: [Double] = []
        for l in 0..<kept {
            let source = ascending.count - 1 - l
            values.append(ascending[source])
            for i in 0..<d { axes[i * kept + l] = vectors[i * d + source] }
        }
        self.dimension = d
        self.values = values
        self.axes = axes
    }

    /// The whitening map W = V·Λ^(−½) (D × r, row-major), times `columnScale[i]` on row i
    /// (a standardisation applied before the scatter was taken): X·W has orthonormal columns.
    func whitening(columnScale: [Double]? = nil) -> [Double] {
        let r = rank
        var w = axes
        for i in 0..<dimension {
            let scale = columnScale?[i] ?? 1
            for l in 0..<r { w[i * r + l] *= scale / values[l].squareRoot() }
        }
        return w
    }
}

/// Small dense products for the CCA metrics (sizes D × r, a few hundred at most).
enum SmallProducts {
    /// C = Aᵀ·B·C′: the r₁ × r₂ matrix W₁ᵀ·M·W₂ for row-major W₁ (D₁ × r₁), M (D₁ × D₂), W₂ (D₂ × r₂).
    static func sandwich(_ w1: [Double], _ m: [Double], _ w2: [Double], d1: Int, d2: Int, r1: Int, r2: Int) -> [Double] {
        var mw = [Double](repeating: 0, count: d1 * r2)  // M·W₂
        var result = [Double](repeating: 0, count: r1 * r2)
        guard d1 > 0, d2 > 0, r1 > 0, r2 > 0 else { return result }
        m.withUnsafeBufferPointer { mb in
            w2.withUnsafeBufferPointer { wb in
                mw.withUnsafeMutableBufferPointer { c in
                    BLAS.gemm(transposeA: false, transposeB: false, m: d1, n: r2, k: d2, alpha: 1,
                              a: mb.baseAddress!, lda: d2, b: wb.baseAddress!, ldb: r2, beta: 0, c: c.baseAddress!, ldc: r2)
                }
            }
        }
        w1.withUnsafeBufferPointer { wa in
            mw.withUnsafeBufferPointer { mb in
                result.withUnsafeMutableBufferPointer { c in
                    BLAS.gemm(transposeA: true, transposeB: false, m: r1, n: r2, k: d1, alpha: 1,
                              a: wa.baseAddress!, lda: r1, b: mb.baseAddress!, ldb: r2, beta: 0, c: c.baseAddress!, ldc: r2)
                }
            }
        }
        return result
    }

    /// X·W (N × r) for the centred rows X (N × D) and W (D × r), as centred rows.
    static func project(_ x: CentredRows, _ w: [Double], r: Int) -> CentredRows {
        var result = [Double](repeating: 0, count: x.rows * r)
        if r > 0 {
            x.storage.withUnsafeBufferPointer { xb in
                w.withUnsafeBufferPointer { wb in
                    result.withUnsafeMutableBufferPointer { c in
                        BLAS.panelledGemm(transposeA: false, transposeB: false, m: x.rows, n: r, k: x.columns, alpha: 1,
                                          a: xb.baseAddress!, lda: x.columns, b: wb.baseAddress!, ldb: r,
                                          beta: 0, c: c.baseAddress!, ldc: r)
                    }
                }
            }
        }
        return CentredRows(rows: x.rows, columns: r, centred: result)
    }
}
