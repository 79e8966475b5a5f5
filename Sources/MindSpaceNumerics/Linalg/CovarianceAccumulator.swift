import MindSpaceCore

/// Accumulates the D×D scatter matrix Σᵢ (xᵢ − x̄)(xᵢ − x̄)ᵀ of points that arrive in blocks of
/// rows, in `Double`, with bounded memory: the D×D result, one D-vector of sums and one scratch
/// block of at most `blockRows` × D doubles. The input is never copied whole.
///
/// Method: the shifted-data algorithm (Chan, Golub & LeVeque 1983, "Algorithms for computing the
/// sample variance"). Every row is copied into the scratch block minus a fixed shift `s`, the
/// block's column sums are added to Σ(x − s), and `dsyrk` adds Bᵀ·B (β = 1) to the upper triangle of
/// S = Σ(x − s)(x − s)ᵀ. At the end, with δ = Σ(x − s)/n, the scatter is S − n·δδᵀ and the mean is
/// s + δ. When `s` is the exact mean (PCA's two-pass path) δ is round-off and this is the plain
/// centred product; when the mean is unknown (streaming) `s` is the first row seen, which keeps
/// |δ| of the order of the data's spread, so no catastrophic cancellation occurs (unlike
/// XᵀX − n·x̄x̄ᵀ on raw data).
///
/// Cost: n·D² flops in `dsyrk` plus one copy of each row. `Float` rows are widened to `Double`
/// when copied, so the accumulation is always in double precision.
public struct CovarianceAccumulator: Sendable {
    /// D, the number of features (columns) of every row.
    public let dimension: Int
    /// Rows per `dsyrk` call (the scratch block's height).
    public let blockRows: Int
    /// The number of rows accumulated so far.
    public private(set) var count: Int = 0
    /// The shift s; `nil` until the first row arrives when none was given.
    private var shift: [Double]?
    /// Σ(x − s), length D.
    private var shiftedSums: [Double]
    /// Upper triangle (row-major) of S = Σ(x − s)(x − s)ᵀ; the strict lower triangle stays 0.
    private var shiftedScatter: [Double]
    private var block: [Double]

    /// A row block of about 8 MB of doubles (between 64 and 4096 rows): large enough for `dsyrk`
    /// to run near its peak, small beside the input.
    public static func defaultBlockRows(dimension: Int) -> Int {
        min(4096, max(64, (1 << 20) / max(1, dimension)))
    }

    /// - Parameters:
    ///   - dimension: D, the row length (≥ 1).
    ///   - shift: the shift s (length D); pass the exact mean when it is known (two passes over
    ///     the data). `nil` uses the first row added.
    ///   - blockRows: rows per `dsyrk` call; `nil` chooses `defaultBlockRows(dimension:)`.
    public init(dimension: Int, shift: [Double]? = nil, blockRows: Int? = nil) {
        precondition(dimension >= 1, "dimension must be positive")
        precondition(shift == nil || shift?.count == dimension, "shift length must equal dimension")
        precondition(blockRows.map { $0 >= 1 } ?? true, "blockRows must be positive")
        self.dimension = dimension
        self.blockRows = blockRows ?? Self.defaultBlockRows(dimension: dimension)
        self.shift = shift
        self.shiftedSums = [Double](repeating: 0, count: dimension)
        self.shiftedScatter = [Double](repeating: 0, count: dimension * dimension)
        self.block = []
    }

    /// Adds every row of `rows` (its `columns` must equal `dimension`).
    public mutating func add(_ rows: Matrix<Double>) {
        precondition(rows.columns == dimension, "row length \(rows.columns) ≠ dimension \(dimension)")
        rows.storage.withUnsafeBufferPointer { addRows($0, count: rows.rows) }
    }

    /// Adds every row of `rows`, widened to `Double` (its `columns` must equal `dimension`).
    public mutating func add(_ rows: Matrix<Float>) {
        precondition(rows.columns == dimension, "row length \(rows.columns) ≠ dimension \(dimension)")
        rows.storage.withUnsafeBufferPointer { addRows($0, count: rows.rows) }
    }

    /// Adds `count` row-major rows of length `dimension` starting at `rows.baseAddress`.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    mutating func addRows<Scalar: BinaryFloatingPoint>(_ rows: UnsafeBufferPointer<Scalar>, count rowCount: Int) {
        guard rowCount > 0 else { return }
        precondition(rows.count >= rowCount * dimension)
        let d = dimension
        if shift == nil { shift = (0..<d).map { Double(rows[$0]) } }
        let shiftValues = shift ?? []
        let needed = min(blockRows, rowCount) * d
        if block.count < needed { block = [Double](repeating: 0, count: needed) }
        var start = 0
        while start < rowCount {
            let height = min(blockRows, rowCount - start)
            let source = UnsafeBufferPointer(rebasing: rows[(start * d)..<((start + height) * d)])
            block.withUnsafeMutableBufferPointer { target in
                shiftedSums.withUnsafeMutableBufferPointer { sums in
                    shiftValues.withUnsafeBufferPointer { s in
                        Self.copyShifted(source, rows: height, columns: d, shift: s, into: target, columnSums: sums)
                    }
                }
            }
            block.withUnsafeBufferPointer { b in
                shiftedScatter.withUnsafeMutableBufferPointer { c in
                    guard let a = b.baseAddress, let out = c.baseAddress else { return }
                    BLAS.panelledSyrkUpper(transpose: true, n: d, k: height, alpha: 1, a: a, lda: d,
                                   beta: 1, c: out, ldc: d)
                }
            }
            start += height
        }
        count += rowCount
    }

    /// target[r, j] = source[r, j] − shift[j] (widened to Double); columnSums[j] += Σ_r target[r, j].
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    @inline(__always)
    static func copyShifted<Scalar: BinaryFloatingPoint>(
        _ source: UnsafeBufferPointer<Scalar>, rows: Int, columns: Int,
        shift: UnsafeBufferPointer<Double>, into target: UnsafeMutableBufferPointer<Double>,
        columnSums: UnsafeMutableBufferPointer<Double>
    ) {
        for r in 0..<rows {
            let base = r * columns
            for j in 0..<columns {
                let value = Double(source[base + j]) - shift[j]
                target[base + j] = value
                columnSums[j] += value
            }
        }
    }

    /// False when a NaN/±Inf reached the sums (a non-finite input value, or an overflow).
    public var sumsAreFinite: Bool { shiftedSums.allSatisfy { $0.isFinite } }

    /// The mean x̄ = s + Σ(x − s)/n (length D); zeros before any row was added.
    public var mean: [Double] {
        guard count > 0, let s = shift else { return [Double](repeating: 0, count: dimension) }
        return (0..<dimension).map { s[$0] + shiftedSums[$0] / Double(count) }
    }

    /// The scatter matrix Σ(x − x̄)(x − x̄)ᵀ = S − n·δδᵀ, δ = Σ(x − s)/n: its upper triangle
    /// row-major in a D×D array (the strict lower triangle is 0; LAPACK reads the upper one).
    /// Divide by n − 1 for the sample covariance (`covarianceUpper()`).
    public func scatterUpper() -> [Double] {
        var copy = self
        return copy.takeScatterUpper()
    }

    /// The sample covariance (divisor n − 1, as NumPy's `cov` and scikit-learn's PCA), upper
    /// triangle row-major. With fewer than 2 rows the divisor is taken as 1 (the result is 0).
    public func covarianceUpper() -> [Double] {
        let divisor = Double(max(1, count - 1))
        return scatterUpper().map { $0 / divisor }
    }

    /// Consumes the accumulator's storage and returns the scatter's upper triangle (no copy of the
    /// D×D matrix: PCA hands it straight to the eigensolver, which destroys it).
    mutating func takeScatterUpper() -> [Double] {
        let n = Double(count), d = dimension
        var result: [Double] = []
        swap(&result, &shiftedScatter)
        block = []
        guard count > 0 else { return result }
        let delta = shiftedSums.map { $0 / n }
        result.withUnsafeMutableBufferPointer { c in
            for i in 0..<d {
                let scaled = n * delta[i]
                guard scaled != 0 else { continue }
                for j in i..<d { c[i * d + j] -= scaled * delta[j] }
            }
        }
        return result
    }
}
