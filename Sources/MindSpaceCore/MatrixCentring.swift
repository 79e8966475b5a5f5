import Foundation

extension Matrix {
    /// Σ over the rows of each column, in `Double`. The rows are cut into 16 fixed ranges
    /// (`ParallelLoop.forEachRange`), each summed in row order on whichever core is free, and the
    /// 16 partial sums are added in range order: the result depends on the matrix only.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func columnSums() -> [Double] {
        let d = columns, n = rows, ranges = 16
        guard n > 0, d > 0 else { return [Double](repeating: 0, count: d) }
        var partial = [Double](repeating: 0, count: ranges * d)
        storage.withUnsafeBufferPointer { values in
            partial.withUnsafeMutableBufferPointer { sums in
                guard let valueBase = values.baseAddress, let sumBase = sums.baseAddress else { return }
                ParallelLoop.forEachRange(n, ranges: ranges) { range, span in
                    let total = sumBase + range * d
                    for row in span {
                        let source = valueBase + row * d
                        for column in 0..<d { total[column] += Double(source[column]) }
                    }
                }
            }
        }
        var sums = [Double](repeating: 0, count: d)
        for range in 0..<ranges {
            for column in 0..<d { sums[column] += partial[range * d + column] }
        }
        return sums
    }

    /// The column means: `columnSums()`/N, rounded to `Scalar`.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func columnMeans() -> [Scalar] {
        columnSums().map { Scalar($0 / Double(Swift.max(1, rows))) }
    }

    /// Subtracts from every column its mean, in place, and returns the means.
    ///
    /// For analyses that do not depend on where the points sit (distances, covariances, every
    /// intrinsic-dimension estimator): a common offset much larger than the spread of the points
    /// makes products of float32 rows (‖x‖² + ‖y‖² − 2x·y) cancel, and centring once here spares
    /// every later product that loss, without a copy of the data. Means are `columnMeans()`
    /// (rounded to `Scalar` before subtracting), so identical rows stay identical; rows closer
    /// than the working precision of the centred values can become identical (find duplicates
    /// after centring, not before). Cost: two passes, N·D each, on all cores.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    @discardableResult
    public mutating func centreColumns() -> [Scalar] {
        let d = columns, n = rows
        guard n > 0, d > 0 else { return [Scalar](repeating: 0, count: d) }
        let means = columnMeans()
        storage.withUnsafeMutableBufferPointer { values in
            means.withUnsafeBufferPointer { mean in
                guard let valueBase = values.baseAddress, let meanBase = mean.baseAddress else { return }
                ParallelLoop.forEachRange(n) { _, span in
                    for row in span {
                        let target = valueBase + row * d
                        for column in 0..<d { target[column] -= meanBase[column] }
                    }
                }
            }
        }
        return means
    }
}
