import MindSpaceCore
import MindSpaceNumerics

/// One float32 representation with its column means subtracted, kept in float32, for linear CKA's
/// products by `SinglePrecisionProducts` (float32 products summed in Double over blocks of 256
/// rows; `PairedProducts` through `CentredRowValues`): half the memory of `CentredRows` and,
/// where the AVX-512 kernels run, several times the speed of OpenBLAS's float64 products.
///
/// The means are computed in Double (`Matrix.columnSums`) and each centred value is rounded once
/// to float32, so a product differs from the float64 one on the widened input by a relative
/// ≈ 2⁻²⁴ per value and the products' own block bound (see `SinglePrecisionProducts`): CKA
/// values agree with the float64 ones to about 1e−6.
struct SingleCentredRows: Sendable {
    let rows: Int
    let columns: Int
    /// Row-major centred values.
    let storage: [Float]
    /// ‖xᵢ − x̄‖² of each float32 centred row, in Double.
    let rowSquares: [Double]
    /// Σᵢ ‖xᵢ − x̄‖², in Double.
    let totalSquares: Double

    /// Centres `matrix`; throws `MindSpaceError.malformed(nil, …)` naming `metric` for fewer than
    /// 2 rows or when every column is constant.
    init(_ matrix: Matrix<Float>, metric: RepresentationMetricName) throws {
        let n = matrix.rows, d = matrix.columns
        guard n >= 2, d >= 1 else {
            throw MindSpaceError.malformed(nil, "\(metric.rawValue) needs at least 2 rows and 1 column, got \(n) × \(d)")
        }
        let means = matrix.columnSums().map { $0 / Double(n) }
        let centred = OwnedBuffer<Float>(repeating: 0, count: n * d)
        let rowSquares = OwnedBuffer<Double>(repeating: 0, count: n)
        let ranges = 16
        let partial = OwnedBuffer<Double>(repeating: 0, count: ranges)
        matrix.storage.withUnsafeBufferPointer { x in
            means.withUnsafeBufferPointer { mean in
                // 16 row ranges fixed by N, their sums added in order: the same bits on any thread count.
                ParallelLoop.forEachRange(n, ranges: ranges) { range, rows in
                    var total = 0.0
                    for i in rows {
                        var row = 0.0
                        for j in 0..<d {
                            let value = Float(Double(x[i * d + j]) - mean[j])
                            centred[i * d + j] = value
                            row += Double(value) * Double(value)
                        }
                        rowSquares[i] = row
                        total += row
                    }
                    partial[range] = total
                }
            }
        }
        var squares = 0.0
        for range in 0..<ranges { squares += partial[range] }
        guard squares > 0 else {
            throw MindSpaceError.malformed(nil, "every column is constant (zero variance): \(metric.rawValue) is undefined")
        }
        rows = n
        columns = d
        storage = centred.array
        self.rowSquares = rowSquares.array
        totalSquares = squares
    }

    /// Every row widened to a `CentredRows` (for a product with a float64 representation).
    func widened() -> CentredRows {
        CentredRows(rows: rows, columns: columns, centred: storage.map(Double.init))
    }
}
