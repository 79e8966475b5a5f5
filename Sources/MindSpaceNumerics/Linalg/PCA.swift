import MindSpaceCore

/// Principal component analysis of N points in D dimensions (a row-major N×D `Matrix`), exact,
/// in double precision: the eigen-decomposition of the sample covariance
/// C = Xcᵀ·Xc / (N − 1), Xc = X − 1·x̄ᵀ (Pearson 1901; Hotelling 1933), with scikit-learn's
/// conventions (`PCA(svd_solver="covariance_eigh")` or `"full"`): variance divisor N − 1, at most
/// min(N, D) components, explained-variance ratios against the total variance trace(C).
///
/// Two routes give the same result; `.automatic` picks the cheaper one:
/// - **covariance** (N ≥ D): the D×D scatter Xcᵀ·Xc by `dsyrk` over blocks of rows, each block
///   copied and centred in `Double` (`CovarianceAccumulator`); memory = input + D×D + one block.
///   Cost N·D² + (4/3)·D³ flops. ONE pass over the data: rows are centred on the mean s of 256
///   evenly spaced rows, and the exact mean s + δ and the scatter S − n·δδᵀ follow from the
///   accumulated Σ(x − s) (shifted-data algorithm, Chan, Golub & LeVeque 1983). As |δ| ≈ σ/16,
///   this is as accurate as subtracting the exact mean first, and saves a full pass (≈ 10 % of
///   the time at 20000 × 1024).
/// - **Gram** (D > N): the N×N matrix Xc·Xcᵀ by `dsyrk` over strips of columns, then the axes
///   Xcᵀ·u/√λ (`CentredGram`); memory = input + N×N + one strip. Cost N²·D + (4/3)·N³ + 2·K·N·D.
///
/// Either way ONE tridiagonalisation yields every eigenvalue (`dsterf`) and the K leading
/// eigenvectors (`dstemr` index range + `dormtr`): see
/// `LAPACK.symmetricSpectrumAndLeadingVectors`. The whole spectrum (`PCASpectrum`) is always
/// reported, so ratios and `componentsFor` are right whatever K is. `Float` input is widened to
/// `Double` block by block.
///
/// Conventions and edge cases:
/// - Eigenvalues below 0 (round-off on a positive semi-definite matrix, of order ε·‖C‖) are
///   clamped to 0; tiny positive round-off values are kept as computed.
/// - Components: K = `components` (default min(N, D)); a K above min(N, D) is clamped to
///   min(N, D) (the result's `components.rows` says how many were returned; a CLI can report the
///   clamp); a negative K is a `.usage` error.
/// - Signs: `ComponentSigns` (largest-|loading| entry positive, first index on ties).
/// - Axes with zero variance (D > N leaves at most N − 1 nonzero eigenvalues) are completed to an
///   orthonormal set deterministically (`CentredGram.completeOrthonormally`); the covariance route
///   gets orthonormal eigenvectors from LAPACK directly.
/// - Errors (`.malformedData`): fewer than 2 points, no columns, a NaN/±Inf (reported with its row
///   and column, counting from 0), or finite values so large that a sum or a sum of squares
///   overflows `Double`.
///   The file is not known here: callers add it with `MindSpaceError.located(in:)`.
public struct PCA: Sendable {
    /// Which eigenproblem to solve.
    public enum Method: String, Sendable, Equatable, Codable {
        /// Covariance when N ≥ D, Gram when D > N.
        case automatic
        /// Eigen-decompose the D×D covariance.
        case covariance
        /// Eigen-decompose the N×N centred Gram matrix.
        case gram
    }

    /// K, the number of principal axes to compute; `nil` for min(N, D). Clamped to min(N, D).
    public var components: Int?
    /// The route; `.automatic` unless a test or a memory budget asks for one.
    public var method: Method
    /// Rows per `dsyrk` block (covariance) or columns per strip (Gram); `nil` picks ≈ 8 MB blocks.
    public var blockSize: Int?

    public init(components: Int? = nil, method: Method = .automatic, blockSize: Int? = nil) {
        self.components = components
        self.method = method
        self.blockSize = blockSize
    }

    /// Fits the PCA to `data` (points × features; `Float` input is widened block by block, every
    /// sum and product is accumulated in `Double`). See the type's documentation for the method,
    /// conventions and errors. Compiled for `Float` and `Double`, so a caller that is itself
    /// generic (a job's body written once for both precisions) reaches specialised code.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func fit<Scalar: BinaryFloatingPoint>(_ data: Matrix<Scalar>) throws -> PCAResult {
        try data.storage.withUnsafeBufferPointer { try fitRows($0, rows: data.rows, columns: data.columns) }
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    package func fitRows<Scalar: BinaryFloatingPoint>(
        _ data: UnsafeBufferPointer<Scalar>, rows n: Int, columns d: Int
    ) throws -> PCAResult {
        guard n >= 2 else {
            throw MindSpaceError.malformed(nil, "PCA needs at least 2 points (rows), got \(n)")
        }
        guard d >= 1 else {
            throw MindSpaceError.malformed(nil, "PCA needs at least 1 feature (column), got 0")
        }
        if let requested = components, requested < 0 {
            throw MindSpaceError(.usage, "the number of components must be 0 or more, got \(requested)")
        }
        let rank = min(n, d)
        let k = min(components ?? rank, rank)
        let route: Method = method == .automatic ? (n >= d ? .covariance : .gram) : method
        let size = route == .covariance ? d : n
        precondition(size <= LAPACK.maximumDimension, "matrix too large for 32-bit LAPACK")

        let mean: [Double]
        var matrix: [Double]
        switch route {
        case .covariance, .automatic:
            // One pass: shift by the mean of a sample of rows, accumulate, correct exactly.
            let shift = Self.sampledMean(data, rows: n, columns: d)
            var accumulator = CovarianceAccumulator(dimension: d, shift: shift, blockRows: blockSize)
            accumulator.addRows(data, count: n)
            guard accumulator.sumsAreFinite else { throw Self.nonFiniteError(data, rows: n, columns: d) }
            mean = accumulator.mean
            matrix = accumulator.takeScatterUpper()
        case .gram:
            mean = try Self.columnMeans(data, rows: n, columns: d)
            matrix = CentredGram.gramUpper(data, rows: n, columns: d, mean: mean,
                                           blockColumns: blockSize ?? CentredGram.defaultBlockColumns(rows: n))
        }
        var trace = 0.0
        for i in 0..<size { trace += matrix[i * size + i] }
        guard trace.isFinite else {
            throw MindSpaceError.malformed(nil, "values too large for PCA: the sum of squares overflows Double")
        }

        let eigen = try LAPACK.symmetricSpectrumAndLeadingVectors(&matrix, n: size, vectorCount: k)
        matrix = []
        // Descending order: LAPACK returns both the values and the selected vectors ascending.
        let scatterSpectrum = Array(eigen.values.reversed().prefix(rank))
        var leading = [Double](repeating: 0, count: k * size)
        for i in 0..<k {
            let from = (k - 1 - i) * size
            for j in 0..<size { leading[i * size + j] = eigen.vectors[from + j] }
        }

        var axes: [Double]
        switch route {
        case .covariance, .automatic:
            axes = leading
        case .gram:
            let largest = max(0, scatterSpectrum.first ?? 0)
            let threshold = Double.ulpOfOne * Double(max(n, d)) * largest
            axes = CentredGram.axes(data, rows: n, columns: d, mean: mean, leading: leading,
                                    values: Array(scatterSpectrum.prefix(k)), zeroThreshold: threshold,
                                    blockColumns: blockSize ?? CentredGram.defaultBlockColumns(rows: n))
        }
        ComponentSigns.makeLargestLoadingPositive(&axes, count: k, length: d)

        return PCAResult(
            n: n, d: d, method: route, mean: mean,
            spectrum: PCASpectrum(scatterEigenvalues: scatterSpectrum, scatterTrace: trace, pointCount: n),
            components: Matrix(rows: k, columns: d, storage: axes))
    }

    /// Column means in `Double` (blocks of 256 rows summed separately, then added: error grows
    /// with log-ish depth rather than N). Any NaN/±Inf makes its column's sum non-finite; only
    /// then is the data scanned for the first such value, so valid data costs one pass.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    package static func columnMeans<Scalar: BinaryFloatingPoint>(
        _ data: UnsafeBufferPointer<Scalar>, rows n: Int, columns d: Int
    ) throws -> [Double] {
        var total = [Double](repeating: 0, count: d)
        var partial = [Double](repeating: 0, count: d)
        total.withUnsafeMutableBufferPointer { sums in
            partial.withUnsafeMutableBufferPointer { block in
                var first = 0
                while first < n {
                    let last = min(n, first + 256)
                    for j in 0..<d { block[j] = 0 }
                    for r in first..<last {
                        let base = r * d
                        for j in 0..<d { block[j] += Double(data[base + j]) }
                    }
                    for j in 0..<d { sums[j] += block[j] }
                    first = last
                }
            }
        }
        guard total.allSatisfy({ $0.isFinite }) else { throw nonFiniteError(data, rows: n, columns: d) }
        return total.map { $0 / Double(n) }
    }

    /// The mean of at most 256 rows spread evenly through the data (rows ⌊i·N/m⌋, i < m): the shift
    /// of the one-pass covariance. It is within about σ/√m of the true mean, so the shifted-data
    /// correction n·δδᵀ is a fraction ~1/m of the scatter and costs no accuracy; the row choice
    /// is fixed, so results are deterministic.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    static func sampledMean<Scalar: BinaryFloatingPoint>(
        _ data: UnsafeBufferPointer<Scalar>, rows n: Int, columns d: Int
    ) -> [Double] {
        let m = min(n, 256)
        var sums = [Double](repeating: 0, count: d)
        for i in 0..<m {
            let base = (i * n / m) * d
            for j in 0..<d { sums[j] += Double(data[base + j]) }
        }
        return sums.map { $0 / Double(m) }
    }

    /// The error for data whose sums are not finite: the first NaN/±Inf with its row and column
    /// (counting from 0), or, if every value is finite, an overflow of the sums.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    static func nonFiniteError<Scalar: BinaryFloatingPoint>(
        _ data: UnsafeBufferPointer<Scalar>, rows n: Int, columns d: Int
    ) -> MindSpaceError {
        for index in 0..<(n * d) where !data[index].isFinite {
            let value = Double(data[index])
            let name = value.isNaN ? "NaN" : (value > 0 ? "+Inf" : "-Inf")
            return MindSpaceError.malformed(
                nil, "PCA needs finite values: \(name) at row \(index / d), column \(index % d) (counting from 0)")
        }
        return MindSpaceError.malformed(nil, "values too large for PCA: a column sum overflows Double")
    }
}
