import MindSpace

/// Reads the values of tensors a reader returned, as a command would, so that a harness covers
/// element decoding (byte order, dtypes, strides, inflation, dequantization) and not only the
/// header: the first and last `window` elements of each tensor as `Double`, and for a small 2-D
/// tensor the whole matrix (the column-major path included). Reading stops at the first error of
/// a tensor (a `MindSpaceError` is an accepted outcome: a refused GGUF type, a CRC mismatch)
/// and goes on with the next one.
///
/// Memory: at most `window` elements at a time, plus a matrix of at most `window` elements.
public enum TensorExercise {
    /// Elements read at each end of a tensor.
    public static let window = 1 << 14

    public static func read(_ tensors: [StoredTensor]) {
        for tensor in tensors {
            ReaderContract.check { try read(tensor) }
        }
    }

    static func read(_ tensor: StoredTensor) throws {
        let count = tensor.elementCount
        guard count > 0 else { return }
        let head = 0..<min(count, window)
        let tail = max(0, count - window)..<count
        let buffer = UnsafeMutableBufferPointer<Double>.allocate(capacity: head.count)
        defer { buffer.deallocate() }
        try tensor.readElements(head, into: buffer)
        try tensor.readElements(tail, into: UnsafeMutableBufferPointer(rebasing: buffer[0..<tail.count]))
        if tensor.shape.count == 2, count <= window {
            let matrix: Matrix<Float> = try tensor.matrix()
            ReaderContract.expect(matrix.rows * matrix.columns == count,
                                  "matrix of \(matrix.rows)×\(matrix.columns) from \(count) elements")
        }
    }
}
