/// XXH64 (Yann Collet's xxHash, 64-bit variant, seed 0): a fast content fingerprint for report
/// provenance ("which bytes produced this figure"). Not cryptographic: it detects changed or
/// different inputs, it does not defend against forgery. Chosen over SHA-256 because hashing a
/// multi-gigabyte checkpoint set must cost a small fraction of the analysis (XXH64 runs at
/// memory speed; SHA-256 in portable Swift would roughly double the time of a PCA).
///
/// Feed bytes in any chunking with `update`; `finalize` gives the same value as hashing the
/// concatenation at once.
public struct ContentHash: Sendable {
    private static let prime1: UInt64 = 0x9E37_79B1_85EB_CA87
    private static let prime2: UInt64 = 0xC2B2_AE3D_27D4_EB4F
    private static let prime3: UInt64 = 0x1656_67B1_9E37_79F9
    private static let prime4: UInt64 = 0x85EB_CA77_C2B2_AE63
    private static let prime5: UInt64 = 0x27D4_EB2F_1656_67C5

    private var lanes: (UInt64, UInt64, UInt64, UInt64)
    private var pending: [UInt8] = []   // fewer than 32 bytes not yet consumed
    private var length: UInt64 = 0
    private let seed: UInt64

    public init(seed: UInt64 = 0) {
        self.seed = seed
        lanes = (seed &+ Self.prime1 &+ Self.prime2, seed &+ Self.prime2, seed, seed &- Self.prime1)
    }

    /// Adds `bytes` to the hashed stream.
    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        length &+= UInt64(bytes.count)
        var start = 0
        if !pending.isEmpty {
            let take = min(32 - pending.count, bytes.count)
            pending.append(contentsOf: bytes[0..<take])
            start = take
            if pending.count == 32 {
                let stripe = pending
                pending.removeAll(keepingCapacity: true)
                stripe.withUnsafeBytes { consumeStripes($0) }
            }
        }
        let remaining = bytes.count - start
        let whole = remaining / 32 * 32
        if whole > 0 { consumeStripes(UnsafeRawBufferPointer(rebasing: bytes[start..<(start + whole)])) }
        if whole < remaining { pending.append(contentsOf: bytes[(start + whole)...]) }
    }

    /// Adds the bytes of `array`.
    public mutating func update(_ array: [UInt8]) {
        array.withUnsafeBytes { update($0) }
    }

    /// The 64-bit digest of everything added so far.
    public func finalize() -> UInt64 {
        var hash: UInt64
        if length >= 32 {
            hash = rotate(lanes.0, 1) &+ rotate(lanes.1, 7) &+ rotate(lanes.2, 12) &+ rotate(lanes.3, 18)
            hash = merge(hash, lanes.0)
            hash = merge(hash, lanes.1)
            hash = merge(hash, lanes.2)
            hash = merge(hash, lanes.3)
        } else {
            hash = seed &+ Self.prime5
        }
        hash &+= length
        pending.withUnsafeBytes { tail in
            var offset = 0
            while offset + 8 <= tail.count {
                let lane = UInt64(littleEndian: tail.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
                hash ^= round(0, lane)
                hash = rotate(hash, 27) &* Self.prime1 &+ Self.prime4
                offset += 8
            }
            if offset + 4 <= tail.count {
                let word = UInt64(UInt32(littleEndian: tail.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
                hash ^= word &* Self.prime1
                hash = rotate(hash, 23) &* Self.prime2 &+ Self.prime3
                offset += 4
            }
            while offset < tail.count {
                hash ^= UInt64(tail[offset]) &* Self.prime5
                hash = rotate(hash, 11) &* Self.prime1
                offset += 1
            }
        }
        hash ^= hash >> 33
        hash &*= Self.prime2
        hash ^= hash >> 29
        hash &*= Self.prime3
        hash ^= hash >> 32
        return hash
    }

    /// The digest as 16 lower-case hex digits.
    public func hexDigest() -> String {
        let value = String(finalize(), radix: 16)
        return String(repeating: "0", count: 16 - value.count) + value
    }

    /// XXH64 of a whole byte source, read in 4 MiB chunks.
    public static func of(_ source: ByteSource) throws -> String {
        var hasher = ContentHash()
        let chunk = 4 << 20
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunk, alignment: 64)
        defer { buffer.deallocate() }
        var offset = 0
        while offset < source.byteCount {
            let count = min(chunk, source.byteCount - offset)
            let part = UnsafeMutableRawBufferPointer(rebasing: buffer[0..<count])
            try source.read(at: offset, into: part)
            hasher.update(UnsafeRawBufferPointer(part))
            offset += count
        }
        return hasher.hexDigest()
    }

    private mutating func consumeStripes(_ bytes: UnsafeRawBufferPointer) {
        var (a, b, c, d) = lanes
        var offset = 0
        while offset < bytes.count {
            a = round(a, UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self)))
            b = round(b, UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset + 8, as: UInt64.self)))
            c = round(c, UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset + 16, as: UInt64.self)))
            d = round(d, UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset + 24, as: UInt64.self)))
            offset += 32
        }
        lanes = (a, b, c, d)
    }

    @inline(__always) private func round(_ accumulator: UInt64, _ input: UInt64) -> UInt64 {
        rotate(accumulator &+ input &* Self.prime2, 31) &* Self.prime1
    }

    @inline(__always) private func merge(_ hash: UInt64, _ lane: UInt64) -> UInt64 {
        (hash ^ round(0, lane)) &* Self.prime1 &+ Self.prime4
    }

    @inline(__always) private func rotate(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }
}
