extension Matrix {
    /// The rows at `indices`, in that order (repeats allowed), as a new matrix: a group's points
    /// out of a labelled set. Each index must be in 0..<rows (a programmer error otherwise).
    /// - Complexity: O(indices.count · columns).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func selectingRows(_ indices: [Int]) -> Matrix {
        var values: [Scalar] = []
        values.reserveCapacity(indices.count * columns)
        for index in indices {
            precondition(index >= 0 && index < rows, "row \(index) outside 0..<\(rows)")
            values.append(contentsOf: storage[(index * columns)..<((index + 1) * columns)])
        }
        return Matrix(rows: indices.count, columns: columns, storage: values)
    }
}
