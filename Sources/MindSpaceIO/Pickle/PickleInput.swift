import MindSpaceCore

/// The bytes of one pickle, read forwards through a 64 KiB window of a `ByteSource`, so a
/// pickle embedded in a large file (the legacy torch format) costs the window, not the file.
///
/// Every length a pickle states is checked against the bytes that remain before anything is
/// allocated for it. `offset` is where the next byte lies in the file (`base` plus the position
/// in `source`), for messages.
struct PickleInput {
    let source: ByteSource
    /// The file offset of `source`'s byte 0 (a zip member's data offset; 0 for a whole file).
    let base: Int
    /// The position in `source` of the next byte.
    private(set) var position: Int
    private var window: [UInt8] = []
    private var windowStart = 0
    private static let windowSize = 1 << 16

    init(source: ByteSource, base: Int = 0, position: Int = 0) {
        self.source = source
        self.base = base
        self.position = position
    }

    /// File offset of the next byte.
    var offset: Int { base + position }
    var remaining: Int { source.byteCount - position }

    private func truncated(_ count: Int) -> MindSpaceError {
        MindSpaceError.malformed(source.path, offset: offset,
            "pickle truncated: needs \(count) more bytes, \(remaining) remain (no STOP opcode)")
    }

    mutating func byte() throws -> UInt8 {
        if position >= windowStart, position < windowStart + window.count {
            defer { position += 1 }
            return window[position - windowStart]
        }
        guard remaining >= 1 else { throw truncated(1) }
        windowStart = position
        window = try source.bytes(at: position, count: min(Self.windowSize, remaining))
        position += 1
        return window[0]
    }

    /// `count` bytes, refused before allocation if fewer remain.
    mutating func bytes(_ count: Int) throws -> [UInt8] {
        guard count >= 0, count <= remaining else { throw truncated(count) }
        if position >= windowStart, position + count <= windowStart + window.count {
            let start = position - windowStart
            position += count
            return Array(window[start..<(start + count)])
        }
        let result = try source.bytes(at: position, count: count)
        position += count
        return result
    }

    /// An unsigned little-endian integer of `width` bytes (1, 2, 4 or 8).
    mutating func unsigned(_ width: Int) throws -> UInt64 {
        var value: UInt64 = 0
        for shift in 0..<width { value |= UInt64(try byte()) << (8 * UInt64(shift)) }
        return value
    }

    /// A length of `width` bytes as `Int`, refused if it exceeds what remains (so a corrupt
    /// length never allocates).
    mutating func length(_ width: Int) throws -> Int {
        let value = try unsigned(width)
        guard value <= UInt64(remaining) else { throw truncated(Int(clamping: value)) }
        return Int(value)
    }

    /// A text line ending in `\n` (the `GLOBAL` opcode's module and name), at most `limit` bytes.
    mutating func line(limit: Int = 4096) throws -> [UInt8] {
        var result: [UInt8] = []
        while true {
            let next = try byte()
            if next == 0x0A { return result }
            result.append(next)
            guard result.count <= limit else {
                throw MindSpaceError.malformed(source.path, offset: offset,
                    "pickle text argument longer than \(limit) bytes")
            }
        }
    }
}
