import MindSpaceCore

/// A strided tensor view over a storage, presented as its elements in row-major order: what
/// `storage.as_strided(shape, strides, offset).contiguous()` would hold, read without copying
/// the storage. A transposed or sliced tensor saved by `torch.save` (which saves the whole
/// storage and the view's geometry) thereby reads as the values it shows, through the same
/// `ByteSource` interface as every other tensor, so every consumer of `StoredTensor` works.
///
/// Element `i` (row-major multi-index `(i₀, …, iₖ)`) is the storage element
/// `offset + Σ iⱼ·strideⱼ` (PyTorch's `as_strided`). The caller has checked that the largest
/// such index lies inside the storage.
///
/// Cost of a read: the elements requested are enumerated as runs along the last dimension. When
/// the storage span they touch is at most `spanLimit` bytes it is read with one `pread` and the
/// elements are gathered from memory; otherwise each run (or, for a last-dimension stride other
/// than 1, each element) is read on its own, which is slow but bounded in memory.
struct StridedByteSource: ByteSource {
    let storage: ByteSource
    let elementSize: Int
    let offset: Int
    let shape: [Int]
    let strides: [Int]
    let byteCount: Int
    var path: String { storage.path }

    /// The largest storage span gathered from one read.
    static let spanLimit = 64 << 20

    init(storage: ByteSource, elementSize: Int, offset: Int, shape: [Int], strides: [Int]) {
        self.storage = storage
        self.elementSize = elementSize
        self.offset = offset
        self.shape = shape.isEmpty ? [1] : shape
        self.strides = strides.isEmpty ? [1] : strides
        byteCount = shape.reduce(1, *) * elementSize
    }

    /// Whether `strides` are the row-major strides of `shape` (dimensions of size 1 may have
    /// any stride): the view is then one contiguous run of the storage.
    static func isRowMajor(shape: [Int], strides: [Int]) -> Bool {
        var expected = 1
        for dimension in stride(from: shape.count - 1, through: 0, by: -1) {
            if shape[dimension] != 1 && strides[dimension] != expected { return false }
            expected *= shape[dimension]
        }
        return true
    }

    func read(at byteOffset: Int, into buffer: UnsafeMutableRawBufferPointer) throws {
        guard byteOffset >= 0, buffer.count <= byteCount - byteOffset else {
            throw MindSpaceError.malformed(path, "truncated: needs \(buffer.count) bytes at offset \(byteOffset) of a \(byteCount)-byte tensor view")
        }
        guard buffer.count > 0 else { return }
        let first = byteOffset / elementSize
        let last = (byteOffset + buffer.count - 1) / elementSize
        if byteOffset % elementSize == 0 && buffer.count % elementSize == 0 {
            try gather(first, count: last - first + 1, into: buffer)
            return
        }
        let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: (last - first + 1) * elementSize, alignment: 16)
        defer { scratch.deallocate() }
        try gather(first, count: last - first + 1, into: scratch)
        let skip = byteOffset - first * elementSize
        buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: scratch[skip..<(skip + buffer.count)]))
    }

    /// Calls `body(storageIndex, length, position)` for each run of consecutive view elements
    /// along the last dimension among `count` elements from view element `start`.
    private func forEachRun(_ start: Int, count: Int, _ body: (Int, Int, Int) throws -> Void) rethrows {
        let rank = shape.count
        var index = [Int](repeating: 0, count: rank)
        var rest = start
        for dimension in stride(from: rank - 1, through: 0, by: -1) {
            index[dimension] = rest % shape[dimension]
            rest /= shape[dimension]
        }
        var produced = 0
        while produced < count {
            let length = min(shape[rank - 1] - index[rank - 1], count - produced)
            var base = offset
            for dimension in 0..<rank { base += index[dimension] * strides[dimension] }
            try body(base, length, produced)
            produced += length
            index[rank - 1] += length
            var dimension = rank - 1
            while dimension > 0 && index[dimension] >= shape[dimension] {
                index[dimension] = 0
                index[dimension - 1] += 1
                dimension -= 1
            }
        }
    }

    private func gather(_ start: Int, count: Int, into target: UnsafeMutableRawBufferPointer) throws {
        let size = elementSize
        let step = strides[strides.count - 1]
        var low = Int.max, high = Int.min
        forEachRun(start, count: count) { base, length, _ in
            low = min(low, base)
            high = max(high, base + (length - 1) * step)
        }
        let spanBytes = (high - low + 1) * size
        if spanBytes <= Self.spanLimit {
            let span = UnsafeMutableRawBufferPointer.allocate(byteCount: spanBytes, alignment: 16)
            defer { span.deallocate() }
            try storage.read(at: low * size, into: span)
            forEachRun(start, count: count) { base, length, position in
                for element in 0..<length {
                    let from = (base - low + element * step) * size
                    let to = (position + element) * size
                    (target.baseAddress! + to).copyMemory(from: span.baseAddress! + from, byteCount: size)
                }
            }
            return
        }
        try forEachRun(start, count: count) { base, length, position in
            if step == 1 {
                let to = position * size
                try storage.read(at: base * size,
                                 into: UnsafeMutableRawBufferPointer(rebasing: target[to..<(to + length * size)]))
            } else {
                for element in 0..<length {
                    let to = (position + element) * size
                    try storage.read(at: (base + element * step) * size,
                                     into: UnsafeMutableRawBufferPointer(rebasing: target[to..<(to + size)]))
                }
            }
        }
    }
}
