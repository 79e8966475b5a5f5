extension Matrix {
    /// Subtracts from every column its mean, in place, and returns the means.
    ///
    /// For analyses that do not depend on where the points sit (distances, covariances, every
    /// intrinsic-dimension estimator): a common offset much larger than the spread of the points
    /// makes products of float32 rows (‖x‖² + ‖y‖² − 2x·y) cancel, and centring once here spares
    /// every later product that loss, without a copy of the data. Means are accumulated in
    /// `Double` over the rows in order and rounded to `Scalar` before subtracting, so identical
    /// rows stay identical; rows closer than the working precision of the centred values can
    /// become identical (find duplicates after centring, not before). Cost: two passes, N·D each.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    @discardableResult
    public mutating func centreColumns() -> [Scalar] {
        let d = columns, n = rows
        guard n > 0, d > 0 else { return [Scalar](repeating: 0, count: d) }
        var sums = [Double](repeating: 0, count: d)
        storage.withUnsafeBufferPointer { values in
            sums.withUnsafeMutableBufferPointer { total in
                for row in 0..<n {
                    let base = row * d
                    for column in 0..<d { total[column] += Double(values[base + column]) }
                }
            }
        }
        let means = sums.map { Scalar($0 / Double(n)) }
        storage.withUnsafeMutableBufferPointer { values in
            means.withUnsafeBufferPointer { mean in
                for row in 0..<n {
                    let base = row * d
                    for column in 0..<d { values[base + column] -= mean[column] }
                }
            }
        }
        return means
    }
}
