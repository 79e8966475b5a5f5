/// Copies of small blocks of a row-major matrix with a per-column value subtracted, widened to
/// `Double`: the one place where centring happens, so no caller ever builds a centred copy of a
/// whole matrix. Hot loops over unsafe buffers; the callers own the buffers and their sizes.
package enum CentredBlocks {
    /// target[r·columns + j] = source[(firstRow + r)·columns + j] − centre[j] for r < rowCount:
    /// `rowCount` whole rows, row-major, the same layout as the source.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    @inline(__always)
    package static func copyRows<Scalar: BinaryFloatingPoint>(
        _ source: UnsafeBufferPointer<Scalar>, columns: Int, firstRow: Int, rowCount: Int,
        centre: UnsafeBufferPointer<Double>, into target: UnsafeMutableBufferPointer<Double>
    ) {
        precondition(centre.count >= columns && target.count >= rowCount * columns)
        precondition(source.count >= (firstRow + rowCount) * columns)
        for r in 0..<rowCount {
            let from = (firstRow + r) * columns, to = r * columns
            for j in 0..<columns { target[to + j] = Double(source[from + j]) - centre[j] }
        }
    }

    /// target[r·width + c] = source[r·columns + firstColumn + c] − centre[firstColumn + c] for all
    /// `rows` rows and c < width: a vertical strip of the matrix, row-major `rows`×`width`.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    @inline(__always)
    static func copyColumns<Scalar: BinaryFloatingPoint>(
        _ source: UnsafeBufferPointer<Scalar>, rows: Int, columns: Int, firstColumn: Int, width: Int,
        centre: UnsafeBufferPointer<Double>, into target: UnsafeMutableBufferPointer<Double>
    ) {
        precondition(firstColumn + width <= columns && centre.count >= columns)
        precondition(target.count >= rows * width && source.count >= rows * columns)
        for r in 0..<rows {
            let from = r * columns + firstColumn, to = r * width
            for c in 0..<width { target[to + c] = Double(source[from + c]) - centre[firstColumn + c] }
        }
    }
}
