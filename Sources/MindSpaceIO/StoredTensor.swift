import MindSpaceCore

/// An n-dimensional array as a file stores it, described but not yet read: what every reader
/// (`.npy`, `.npz`, safetensors, TSV/CSV) produces. Reading happens on request, in chunks, so
/// statistics and checkpoint streaming never hold more than a chunk of a large tensor.
public struct StoredTensor: Sendable {
    /// The array's name: the `.npz` member (without `.npy`), the safetensors key, or the file's
    /// base name for single-array files.
    public let name: String
    public let dtype: DType
    /// Dimensions, outermost first (NumPy's `shape`); `[]` is a scalar.
    public let shape: [Int]
    public let byteOrder: ByteOrder
    public let storageOrder: StorageOrder
    /// Exactly `elementCount * dtype.byteSize` bytes of element data.
    public let source: ByteSource
    /// How the file encodes the values when that is not `dtype` itself: a GGUF block
    /// quantization such as `"Q4_K"` (its `source` then presents the dequantized values as
    /// `dtype`), `nil` for tensors stored as plain elements.
    public var quantization: String?

    /// A tensor over `source`. Readers must have checked that `source.byteCount` equals
    /// `elementCount * dtype.byteSize` (use `StoredTensor.validated`).
    public init(name: String, dtype: DType, shape: [Int], byteOrder: ByteOrder = .little,
                storageOrder: StorageOrder = .rowMajor, source: ByteSource, quantization: String? = nil) {
        self.name = name
        self.dtype = dtype
        self.shape = shape
        self.byteOrder = byteOrder
        self.storageOrder = storageOrder
        self.source = source
        self.quantization = quantization
    }

    /// The same tensor under another name (every other property kept, its label included).
    public func renamed(_ name: String) -> StoredTensor {
        StoredTensor(name: name, dtype: dtype, shape: shape, byteOrder: byteOrder, storageOrder: storageOrder,
                     source: source, quantization: quantization)
    }

    /// The file the tensor lives in.
    public var path: String { source.path }

    /// Product of the shape (1 for a scalar).
    public var elementCount: Int { shape.reduce(1, *) }

    /// The number of elements a shape holds, or `nil` if a dimension is negative or the product
    /// (times `byteSize`) overflows `Int`: readers call this before trusting a header.
    public static func checkedByteCount(shape: [Int], dtype: DType) -> Int? {
        var count = dtype.byteSize
        for dimension in shape {
            guard dimension >= 0 else { return nil }
            let (product, overflow) = count.multipliedReportingOverflow(by: dimension)
            if overflow { return nil }
            count = product
        }
        return count
    }

    /// Reads the elements `range` (in storage order: row-major or column-major as stored),
    /// converted to `T`, into `target` (`target.count == range.count`).
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    public func readElements<T: BinaryFloatingPoint>(_ range: Range<Int>,
                                                     into target: UnsafeMutableBufferPointer<T>) throws {
        precondition(target.count == range.count && range.lowerBound >= 0 && range.upperBound <= elementCount)
        let byteSize = dtype.byteSize
        if (dtype == .float64 && T.self == Double.self || dtype == .float32 && T.self == Float.self)
            && byteOrder == .native {
            try source.read(at: range.lowerBound * byteSize, into: UnsafeMutableRawBufferPointer(target))
            return
        }
        let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: range.count * byteSize,
                                                            alignment: 16)
        defer { scratch.deallocate() }
        try source.read(at: range.lowerBound * byteSize, into: scratch)
        ElementDecoding.decode(UnsafeRawBufferPointer(scratch), dtype: dtype, byteOrder: byteOrder,
                               into: target)
    }

    /// Calls `body` with consecutive chunks of at most `chunkElements` elements (storage order),
    /// converted to `T`, and the index of each chunk's first element. Memory: one chunk.
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    public func forEachChunk<T: BinaryFloatingPoint>(
        as type: T.Type, chunkElements: Int = 1 << 18,
        _ body: (UnsafeBufferPointer<T>, Int) throws -> Void
    ) throws {
        let total = elementCount
        let chunk = max(1, min(chunkElements, total))
        let buffer = UnsafeMutableBufferPointer<T>.allocate(capacity: chunk)
        defer { buffer.deallocate() }
        var start = 0
        while start < total {
            let count = min(chunk, total - start)
            let part = UnsafeMutableBufferPointer(rebasing: buffer[0..<count])
            try readElements(start..<(start + count), into: part)
            try body(UnsafeBufferPointer(part), start)
            start += count
        }
    }

    /// Throws `.malformedData`, naming the size, when the tensor's values as `bytesPerValue`-byte
    /// numbers (4 for `Float`, 8 for `Double`) need more memory than `MemoryBudget` allows. A
    /// declared shape costs nothing to write into a header; this refuses it before allocating.
    public func checkMemory(bytesPerValue: Int) throws {
        var count = 1
        for extent in shape {
            let (product, overflow) = count.multipliedReportingOverflow(by: max(0, extent))
            count = overflow ? Int.max : product
        }
        let shown = shape.map(String.init).joined(separator: " × ")
        try MemoryBudget.check(count, bytesPerValue: bytesPerValue,
                               for: "array '\(TerminalText.escaped(name))' (\(shown)) loaded as \(bytesPerValue == 4 ? "float32" : "float64")",
                               file: path)
    }

    /// The whole tensor as a points × features matrix. A 2-D tensor maps directly (column-major
    /// storage is transposed on the fly); any other rank is refused with `.malformedData`.
    /// Memory: the result plus one chunk; a matrix larger than `MemoryBudget` is refused with
    /// `.malformedData`, naming its size, before anything is allocated.
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    public func matrix<T: BinaryFloatingPoint & Sendable>(as type: T.Type = T.self) throws -> Matrix<T> {
        guard shape.count == 2 else {
            let described = shape.isEmpty ? "a scalar" : "\(shape.count)-D (\(shape.map(String.init).joined(separator: "×")))"
            throw MindSpaceError.malformed(path,
                "array '\(TerminalText.escaped(name))' is \(described); expected a 2-D array of points × features")
        }
        let rows = shape[0], columns = shape[1]
        try checkMemory(bytesPerValue: MemoryLayout<T>.size)
        var result = Matrix<T>(rows: rows, columns: columns)
        if storageOrder == .rowMajor || rows <= 1 || columns <= 1 {
            try result.storage.withUnsafeMutableBufferPointer { target in
                let chunk = 1 << 20
                var start = 0
                while start < target.count {
                    let count = min(chunk, target.count - start)
                    try readElements(start..<(start + count),
                                     into: UnsafeMutableBufferPointer(rebasing: target[start..<(start + count)]))
                    start += count
                }
            }
            return result
        }
        // Column-major: storage element k is (row k % rows, column k / rows).
        try result.storage.withUnsafeMutableBufferPointer { target in
            try forEachChunk(as: T.self) { values, first in
                for offset in 0..<values.count {
                    let k = first + offset
                    target[(k % rows) * columns + k / rows] = values[offset]
                }
            }
        }
        return result
    }
}
