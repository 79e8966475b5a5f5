import CZlib
import MindSpaceCore

/// Raw DEFLATE decompression (RFC 1951) and CRC-32 through zlib: the only Swift file that imports
/// `CZlib`. Zip archives store members as raw deflate streams without a zlib header, so the
/// stream is opened with `inflateInit2(-MAX_WBITS)`.
///
/// Compressed bytes are read from a `ByteSource` in 64 KiB chunks; the output goes straight into
/// the caller's buffer. Memory: the output plus 64 KiB.
enum Inflater {
    /// Compressed bytes read per `pread`.
    static let inputChunk = 1 << 16

    /// Inflates the whole stream in `compressed`, which must produce exactly `uncompressedSize`
    /// bytes whose CRC-32 is `expectedCRC`. Errors are `.malformedData` in `compressed.path`,
    /// their reasons prefixed by `label` (e.g. "member 'a.npy'").
    /// Memory: `uncompressedSize` bytes (the result). Time: linear in both sizes.
    static func inflate(_ compressed: ByteSource, uncompressedSize: Int, expectedCRC: UInt32,
                        label: String) throws -> [UInt8] {
        // The size comes from the archive's header: refuse one that cannot fit before allocating.
        try MemoryBudget.check(uncompressedSize, bytesPerValue: 1, for: "\(label) inflated", file: compressed.path)
        var output = [UInt8](repeating: 0, count: uncompressedSize)
        let outcome = try output.withUnsafeMutableBytes { buffer in
            try run(compressed, into: buffer, stopWhenFull: false, label: label)
        }
        guard outcome.streamEnded else {
            throw MindSpaceError.malformed(compressed.path,
                "\(label): the compressed data ended before the deflate stream did")
        }
        guard !outcome.overflowed else {
            throw MindSpaceError.malformed(compressed.path,
                "\(label): inflates to more than the \(uncompressedSize) bytes the archive records")
        }
        guard outcome.produced == uncompressedSize else {
            throw MindSpaceError.malformed(compressed.path,
                "\(label): inflates to \(outcome.produced) bytes, the archive records \(uncompressedSize)")
        }
        let actualCRC = output.withUnsafeBytes { crc32(of: $0) }
        guard actualCRC == expectedCRC else {
            throw MindSpaceError.malformed(compressed.path,
                "\(label): CRC-32 mismatch (archive records \(hex(expectedCRC)), data gives \(hex(actualCRC))): the member is corrupted")
        }
        return output
    }

    /// The first `count` bytes of the stream in `compressed` (fewer if the stream is shorter).
    /// Nothing is verified beyond the deflate format itself; callers that need the whole member
    /// use `inflate`, which checks the size and CRC. Memory: `count` bytes.
    static func inflatePrefix(_ compressed: ByteSource, count: Int, label: String) throws -> [UInt8] {
        var output = [UInt8](repeating: 0, count: count)
        let outcome = try output.withUnsafeMutableBytes { buffer in
            try run(compressed, into: buffer, stopWhenFull: true, label: label)
        }
        if outcome.produced < count {
            guard outcome.streamEnded else {
                throw MindSpaceError.malformed(compressed.path,
                    "\(label): the compressed data ended before the deflate stream did")
            }
            output.removeLast(count - outcome.produced)
        }
        return output
    }

    /// The CRC-32 (ISO-HDLC, as zip uses) of `bytes`.
    static func crc32(of bytes: UnsafeRawBufferPointer) -> UInt32 {
        var crc: UInt = CZlib.crc32(0, nil, 0)
        var offset = 0
        while offset < bytes.count {
            let length = min(bytes.count - offset, 1 << 30)
            let start = bytes.baseAddress.map { $0 + offset }?.assumingMemoryBound(to: UInt8.self)
            crc = CZlib.crc32(crc, start, uInt(length))
            offset += length
        }
        return UInt32(truncatingIfNeeded: crc)
    }

    private static func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16)
        return "0x" + String(repeating: "0", count: 8 - digits.count) + digits
    }

    private struct Outcome {
        var produced: Int
        var streamEnded: Bool
        var overflowed: Bool
    }

    /// Drives `inflate()` over `compressed` into `output`. With `stopWhenFull` it returns as soon
    /// as `output` is full; otherwise it keeps inflating into a one-byte scratch buffer to detect a
    /// stream that is longer than `output` (`overflowed`).
    private static func run(_ compressed: ByteSource, into output: UnsafeMutableRawBufferPointer,
                            stopWhenFull: Bool, label: String) throws -> Outcome {
        let path = compressed.path
        var stream = z_stream()
        let initStatus = inflateInit2_(&stream, -MAX_WBITS, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        guard initStatus == Z_OK else {
            throw MindSpaceError.malformed(path, "\(label): zlib could not start inflating (status \(initStatus))")
        }
        defer { inflateEnd(&stream) }

        let input = UnsafeMutableRawBufferPointer.allocate(byteCount: inputChunk, alignment: 16)
        defer { input.deallocate() }
        var scratch: UInt8 = 0
        var consumed = 0
        var produced = 0
        var overflowed = false

        while true {
            if stream.avail_in == 0 && consumed < compressed.byteCount {
                let length = min(inputChunk, compressed.byteCount - consumed)
                try compressed.read(at: consumed, into: UnsafeMutableRawBufferPointer(rebasing: input[0..<length]))
                consumed += length
                stream.next_in = input.baseAddress?.assumingMemoryBound(to: UInt8.self)
                stream.avail_in = uInt(length)
            }
            let room = output.count - produced
            if room == 0 && stopWhenFull {
                return Outcome(produced: produced, streamEnded: false, overflowed: false)
            }
            let status: Int32
            if room > 0, let base = output.baseAddress {
                let window = min(room, 1 << 30)
                stream.next_out = (base + produced).assumingMemoryBound(to: UInt8.self)
                stream.avail_out = uInt(window)
                status = CZlib.inflate(&stream, Z_NO_FLUSH)
                produced += window - Int(stream.avail_out)
            } else {
                status = withUnsafeMutablePointer(to: &scratch) { pointer -> Int32 in
                    stream.next_out = pointer
                    stream.avail_out = 1
                    let result = CZlib.inflate(&stream, Z_NO_FLUSH)
                    if stream.avail_out == 0 { overflowed = true }
                    return result
                }
                if overflowed { return Outcome(produced: produced, streamEnded: false, overflowed: true) }
            }
            switch status {
            case Z_STREAM_END:
                return Outcome(produced: produced, streamEnded: true, overflowed: false)
            case Z_OK:
                continue
            case Z_BUF_ERROR:
                // No progress was possible: out of input (output room is never zero here).
                if stream.avail_in == 0 && consumed >= compressed.byteCount {
                    return Outcome(produced: produced, streamEnded: false, overflowed: false)
                }
                continue
            case Z_DATA_ERROR, Z_NEED_DICT:
                let message = stream.msg.map { String(cString: $0) } ?? "invalid data"
                throw MindSpaceError.malformed(path, "\(label): corrupt deflate data (\(message))")
            default:
                throw MindSpaceError.malformed(path, "\(label): zlib inflate failed with status \(status)")
            }
        }
    }
}
