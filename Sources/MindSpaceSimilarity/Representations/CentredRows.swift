import MindSpaceCore

/// One representation with its column means subtracted (X − 1·x̄ᵀ, row-major N × D, Double): what
/// the row-based metrics (CKA, CCA, Procrustes) keep of their input.
///
/// The mean is the plain mean of the N rows. A bootstrap resample re-centres with its own
/// weighted mean (`PairedProducts.weightedMean`); as centring is a translation, centring the
/// centred rows again gives the same result as centring the raw rows, with smaller numbers.
struct CentredRows: Sendable {
    let rows: Int
    let columns: Int
    /// Row-major centred values.
    let storage: [Double]
    /// Σᵢ ‖xᵢ − x̄‖²: the total sum of squares (N − 1 times the total variance).
    let totalSquares: Double

    /// Centres `matrix`; throws `MindSpaceError.malformed(nil, …)` naming `metric` when every
    /// column is constant (no variance: every row-based similarity is 0/0).
    init(_ matrix: Matrix<Double>, metric: RepresentationMetricName) throws {
        let n = matrix.rows, d = matrix.columns
        guard n >= 2, d >= 1 else {
            throw MindSpaceError.malformed(nil, "\(metric.rawValue) needs at least 2 rows and 1 column, got \(n) × \(d)")
        }
        var mean = [Double](repeating: 0, count: d)
        var centred = [Double](repeating: 0, count: n * d)
        var squares = 0.0
        matrix.storage.withUnsafeBufferPointer { x in
            mean.withUnsafeMutableBufferPointer { m in
                for i in 0..<n { for j in 0..<d { m[j] += x[i * d + j] } }
                for j in 0..<d { m[j] /= Double(n) }
                centred.withUnsafeMutableBufferPointer { c in
                    for i in 0..<n {
                        for j in 0..<d {
                            let value = x[i * d + j] - m[j]
                            c[i * d + j] = value
                            squares += value * value
                        }
                    }
                }
            }
        }
        guard squares > 0 else {
            throw MindSpaceError.malformed(nil, "every column is constant (zero variance): \(metric.rawValue) is undefined")
        }
        self.rows = n
        self.columns = d
        self.storage = centred
        self.totalSquares = squares
    }

    /// Rows already centred (tests, reduced coordinates).
    init(rows: Int, columns: Int, centred: [Double]) {
        precondition(centred.count == rows * columns)
        self.rows = rows
        self.columns = columns
        self.storage = centred
        self.totalSquares = centred.reduce(0) { $0 + $1 * $1 }
    }
}
