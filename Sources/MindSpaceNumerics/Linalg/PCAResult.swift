import MindSpaceCore

/// What `PCA.fit` found: the spectrum of the sample covariance, the leading principal axes and the
/// mean, with scikit-learn's names and conventions (`explained_variance_`,
/// `explained_variance_ratio_` and `singular_values_` in `spectrum`; `components_`, `mean_`).
public struct PCAResult: Sendable, Equatable {
    /// N, the number of points the PCA was fitted on.
    public let n: Int
    /// D, the number of features.
    public let d: Int
    /// The route that was taken (`.covariance` or `.gram`, never `.automatic`).
    public let method: PCA.Method
    /// x̄, the column means (length D), in the data's units.
    public let mean: [Double]
    /// The variances along the components (divisor N − 1), their ratios to the total variance
    /// and `componentsFor(fraction:)`. Always the whole spectrum, min(N, D) components like
    /// scikit-learn's `n_components_` default, whatever K is, so ratios and `componentsFor` are
    /// right for any K. When N ≤ D the trailing ones are 0 up to round-off (centring removes one
    /// dimension), and they are included, as scikit-learn includes them. The total variance is
    /// trace(C) = Σⱼ var(column j), from the diagonal of the covariance or Gram matrix.
    public let spectrum: PCASpectrum
    /// The K leading principal axes, K×D row-major, orthonormal rows, in the order of
    /// `spectrum`, signs fixed by `ComponentSigns` (largest-|loading| entry positive).
    public let components: Matrix<Double>

    /// K, the number of principal axes returned.
    public var componentCount: Int { components.rows }

    /// The scores (X − x̄)·Vᵀ, N×K (row i = point i's coordinates on the K axes), computed over
    /// blocks of rows (a centred copy of one block at a time, then `dgemm`), in `Double`.
    /// Throws `.malformedData` if `data` does not have D columns. NaN/Inf in `data` propagate.
    /// `Float` data are widened to `Double` block by block. Compiled for `Float` and `Double`, so
    /// generic callers reach specialised code.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func scores<Scalar: BinaryFloatingPoint>(of data: Matrix<Scalar>) throws -> Matrix<Double> {
        try data.storage.withUnsafeBufferPointer { try projectRows($0, rows: data.rows, columns: data.columns) }
    }

    /// scikit-learn's name for `scores(of:)`.
    public func transform<Scalar: BinaryFloatingPoint>(_ data: Matrix<Scalar>) throws -> Matrix<Double> {
        try scores(of: data)
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    package func projectRows<Scalar: BinaryFloatingPoint>(
        _ data: UnsafeBufferPointer<Scalar>, rows n: Int, columns: Int
    ) throws -> Matrix<Double> {
        guard columns == d else {
            throw MindSpaceError.malformed(nil, "has \(columns) columns but the PCA was fitted on \(d)")
        }
        let k = componentCount
        var result = Matrix<Double>(rows: n, columns: k)
        guard n > 0, k > 0 else { return result }
        let blockRows = CovarianceAccumulator.defaultBlockRows(dimension: d)
        var block = [Double](repeating: 0, count: min(blockRows, n) * d)
        mean.withUnsafeBufferPointer { centre in
            components.storage.withUnsafeBufferPointer { axes in
                result.storage.withUnsafeMutableBufferPointer { out in
                    var first = 0
                    while first < n {
                        let height = min(blockRows, n - first)
                        block.withUnsafeMutableBufferPointer { target in
                            CentredBlocks.copyRows(data, columns: d, firstRow: first, rowCount: height,
                                                   centre: centre, into: target)
                        }
                        block.withUnsafeBufferPointer { a in
                            guard let aBase = a.baseAddress, let bBase = axes.baseAddress,
                                  let cBase = out.baseAddress else { return }
                            BLAS.panelledGemm(transposeA: false, transposeB: true, m: height, n: k, k: d,
                                      alpha: 1, a: aBase, lda: d, b: bBase, ldb: d,
                                      beta: 0, c: cBase + first * k, ldc: k)
                        }
                        first += height
                    }
                }
            }
        }
        return result
    }
}
