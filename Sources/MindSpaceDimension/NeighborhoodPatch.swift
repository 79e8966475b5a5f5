import MindSpaceNumerics

/// Gathering one point's neighbourhood for the estimators that analyse its shape (local PCA,
/// ESS).
enum NeighborhoodPatch {
    /// Copies the first `k` neighbours of `point` (rows of `rows`, `columns` wide) into `patch`
    /// (k×D, row-major, as Double) and subtracts their mean. The point itself is not included,
    /// as in scikit-dimension's `fit_pw`/`LocalEstimator` neighbourhoods.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    static func gatherCentred<Scalar: NeighborScalar>(_ rows: UnsafeBufferPointer<Scalar>, columns d: Int,
                                                      neighbors: NeighborTable<Scalar>, point: Int, k: Int,
                                                      into patch: UnsafeMutableBufferPointer<Double>) {
        var mean = [Double](repeating: 0, count: d)
        for rank in 0..<k {
            let source = neighbors.neighbor(point, rank: rank) * d
            for column in 0..<d {
                let value = Double(rows[source + column])
                patch[rank * d + column] = value
                mean[column] += value
            }
        }
        for column in 0..<d { mean[column] /= Double(k) }
        for rank in 0..<k {
            for column in 0..<d { patch[rank * d + column] -= mean[column] }
        }
    }
}
