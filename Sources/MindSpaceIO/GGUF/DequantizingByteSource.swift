import MindSpaceCore

/// A block-quantized GGUF tensor presented as its dequantized values: `4 · elementCount` bytes of
/// native-endian float32, so a `StoredTensor` of dtype `.float32` over it reads (and streams) like
/// any other tensor.
///
/// A read of any byte range dequantizes exactly the blocks that cover it, a bounded run of
/// blocks at a time (`blocksPerChunk`), from `blocks`, the tensor's raw bytes. Memory per read:
/// one chunk of raw blocks and its floats (≈ 64 KiB of values), whatever the tensor's size. Reads
/// share no mutable state, so concurrent reads from several threads are safe.
public struct DequantizingByteSource: ByteSource {
    /// The tensor's quantized blocks: exactly `elementCount / blockSize · blockByteCount` bytes.
    public let blocks: ByteSource
    public let quantization: GGUFQuantization
    /// The number of values (a multiple of `quantization.blockSize`).
    public let elementCount: Int

    public var byteCount: Int { elementCount * MemoryLayout<Float>.size }
    public var path: String { blocks.path }

    /// Values dequantized per step of a read (rounded to whole blocks).
    static let chunkValues = 1 << 14

    /// A source over `blocks`, which must hold `elementCount / blockSize` whole blocks (the
    /// reader checks this against the file before building one).
    public init(blocks: ByteSource, quantization: GGUFQuantization, elementCount: Int) {
        precondition(elementCount % quantization.blockSize == 0
                     && blocks.byteCount == elementCount / quantization.blockSize * quantization.blockByteCount)
        self.blocks = blocks
        self.quantization = quantization
        self.elementCount = elementCount
    }

    public func read(at offset: Int, into buffer: UnsafeMutableRawBufferPointer) throws {
        guard offset >= 0, buffer.count <= byteCount - offset else {
            throw MindSpaceError.malformed(path, offset: offset,
                "truncated: needs \(buffer.count) bytes at offset \(offset) of the dequantized values, they have \(byteCount)")
        }
        guard buffer.count > 0 else { return }
        let valueBytes = MemoryLayout<Float>.size
        let blockSize = quantization.blockSize, blockBytes = quantization.blockByteCount
        let firstBlock = offset / valueBytes / blockSize
        let endBlock = ((offset + buffer.count + valueBytes - 1) / valueBytes + blockSize - 1) / blockSize
        let blocksPerChunk = max(1, Self.chunkValues / blockSize)
        let raw = UnsafeMutableRawBufferPointer.allocate(byteCount: blocksPerChunk * blockBytes, alignment: 16)
        defer { raw.deallocate() }
        let values = UnsafeMutableBufferPointer<Float>.allocate(capacity: blocksPerChunk * blockSize)
        defer { values.deallocate() }
        var block = firstBlock
        while block < endBlock {
            let count = min(blocksPerChunk, endBlock - block)
            let rawChunk = UnsafeMutableRawBufferPointer(rebasing: raw[0..<(count * blockBytes)])
            try blocks.read(at: block * blockBytes, into: rawChunk)
            quantization.dequantize(UnsafeRawBufferPointer(rawChunk), blocks: count, into: values)
            // The chunk's values are bytes [chunkStart, chunkEnd) of the dequantized tensor.
            let chunkStart = block * blockSize * valueBytes
            let chunkEnd = chunkStart + count * blockSize * valueBytes
            let from = max(offset, chunkStart), to = min(offset + buffer.count, chunkEnd)
            let produced = UnsafeRawBufferPointer(values)
            UnsafeMutableRawBufferPointer(rebasing: buffer[(from - offset)..<(to - offset)])
                .copyMemory(from: UnsafeRawBufferPointer(rebasing: produced[(from - chunkStart)..<(to - chunkStart)]))
            block += count
        }
    }
}
