import MindSpaceCore
import MindSpaceNumerics

/// Centred rows in the precision their products run in: float64 (`CentredRows`, products by
/// BLAS) or float32 (`SingleCentredRows`, products by `SinglePrecisionProducts`, float32 partial
/// sums of 256 rows added in Double). `PairedProducts` and `PairedRows` are written once over it;
/// every product lands in a Double matrix.
protocol CentredRowValues: Sendable {
    associatedtype Scalar: BinaryFloatingPoint & Sendable
    /// N, the rows.
    var rows: Int { get }
    /// D, the columns.
    var columns: Int { get }
    /// Row-major centred values.
    var storage: [Scalar] { get }

    /// C += Aᵀ·B for row-major A (`rows` × D₁, stride d1) and B (`rows` × D₂, stride d2), C
    /// row-major D₁ × D₂.
    static func accumulateProduct(_ a: UnsafePointer<Scalar>, _ b: UnsafePointer<Scalar>, rows: Int, d1: Int, d2: Int,
                                  into c: UnsafeMutablePointer<Double>)

    /// The upper triangle of C += Aᵀ·A for row-major A (`rows` × D), C row-major D × D; the strict
    /// lower triangle may change (mirror the upper one afterwards).
    static func accumulateScatter(_ a: UnsafePointer<Scalar>, rows: Int, d: Int, into c: UnsafeMutablePointer<Double>)
}

extension CentredRows: CentredRowValues {
    static func accumulateProduct(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, rows: Int, d1: Int, d2: Int,
                                  into c: UnsafeMutablePointer<Double>) {
        guard rows > 0 else { return }
        BLAS.panelledGemm(transposeA: true, transposeB: false, m: d1, n: d2, k: rows, alpha: 1,
                          a: a, lda: d1, b: b, ldb: d2, beta: 1, c: c, ldc: d2)
    }

    static func accumulateScatter(_ a: UnsafePointer<Double>, rows: Int, d: Int, into c: UnsafeMutablePointer<Double>) {
        guard rows > 0 else { return }
        BLAS.panelledSyrkUpper(transpose: true, n: d, k: rows, alpha: 1, a: a, lda: d, beta: 1, c: c, ldc: d)
    }
}

extension SingleCentredRows: CentredRowValues {
    static func accumulateProduct(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, rows: Int, d1: Int, d2: Int,
                                  into c: UnsafeMutablePointer<Double>) {
        SinglePrecisionProducts.accumulateTransposedProduct(rows: rows, a: a, lda: d1, m: d1, b: b, ldb: d2, n: d2,
                                                            into: c, ldc: d2)
    }

    static func accumulateScatter(_ a: UnsafePointer<Float>, rows: Int, d: Int, into c: UnsafeMutablePointer<Double>) {
        SinglePrecisionProducts.accumulateTransposedProduct(rows: rows, a: a, lda: d, m: d, b: a, ldb: d, n: d,
                                                            into: c, ldc: d, symmetric: true)
    }
}
