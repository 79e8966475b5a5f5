import MindSpaceCore

/// Sequential little-endian reads from the front of a GGUF file (header, metadata, tensor
/// infos) through a 64 KiB window, so that a header of a million small fields costs a few
/// hundred `pread`s, not a million, and never the file's size in memory.
///
/// Every read checks that the bytes exist; running past the end throws `.malformedData`
/// ("truncated: … needs N bytes at offset X, the file has Y"), naming what was being read.
struct GGUFByteCursor {
    let source: ByteSource
    /// The offset of the next byte to read.
    private(set) var offset: Int = 0
    private var window: [UInt8] = []
    private var windowStart = 0

    static let windowByteCount = 1 << 16

    init(source: ByteSource) {
        self.source = source
    }

    /// Bytes between the cursor and the end of the file.
    var remaining: Int { source.byteCount - offset }

    /// Calls `body` with the next `count` bytes and moves past them.
    private mutating func take<R>(_ count: Int, _ what: @autoclosure () -> String,
                                  _ body: (UnsafeRawBufferPointer) -> R) throws -> R {
        guard count >= 0, count <= remaining else {
            throw MindSpaceError.malformed(source.path, offset: offset,
                "truncated: \(what()) needs \(count) bytes at offset \(offset), the file has \(source.byteCount)")
        }
        if offset < windowStart || offset + count > windowStart + window.count {
            let length = min(max(count, Self.windowByteCount), remaining)
            window = try source.bytes(at: offset, count: length)
            windowStart = offset
        }
        let start = offset - windowStart
        defer { offset += count }
        return window.withUnsafeBytes { body(UnsafeRawBufferPointer(rebasing: $0[start..<(start + count)])) }
    }

    /// The next fixed-width little-endian integer.
    mutating func integer<I: FixedWidthInteger>(_ type: I.Type, _ what: @autoclosure () -> String) throws -> I {
        try take(MemoryLayout<I>.size, what()) { I(littleEndian: $0.loadUnaligned(as: I.self)) }
    }

    /// The next `uint64` as an `Int`, or an error if it exceeds `Int.max`.
    mutating func count(_ what: @autoclosure () -> String) throws -> Int {
        let at = offset
        let value = try integer(UInt64.self, what())
        guard let result = Int(exactly: value) else {
            throw MindSpaceError.malformed(source.path, offset: at, "\(what()) \(value) is too large")
        }
        return result
    }

    /// A `gguf_string`: a `uint64` byte length, then that many UTF-8 bytes (no terminator).
    mutating func string(_ what: @autoclosure () -> String) throws -> String {
        let at = offset
        let length = try integer(UInt64.self, "the length of \(what())")
        guard length <= UInt64(remaining) else {
            throw MindSpaceError.malformed(source.path, offset: at,
                "truncated: \(what()) (\(length) bytes) runs past the end of the file (\(source.byteCount) bytes)")
        }
        return try take(Int(length), what()) { TerminalText.decoded($0) }
    }

    /// Moves the cursor forward to the next multiple of `alignment` (a power of two).
    mutating func align(to alignment: Int) {
        offset = (offset + alignment - 1) / alignment * alignment
    }
}
