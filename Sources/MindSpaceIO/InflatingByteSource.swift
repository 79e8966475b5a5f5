import Foundation
import MindSpaceCore

/// The uncompressed bytes of a deflated zip member, inflated lazily.
///
/// - Reads that fall within the first `prefixLength` bytes of a member larger than that (the
///   `.npy` preamble and header) inflate only that prefix: describing a compressed `.npz` costs
///   at most 64 KiB per member, not its size.
/// - The first read beyond the prefix, or any read of a member no larger than it, inflates the
///   whole member once, verifies its size and CRC-32, and keeps it: from then on the source holds
///   the member's uncompressed size in memory, until the last reference to it goes away.
///
/// Consequently a corrupted large member (bad CRC or deflate data) is reported by the first read
/// of its data, not when the archive is opened. Thread-safe: a lock serialises inflation.
public final class InflatingByteSource: ByteSource, @unchecked Sendable {
    /// Bytes inflated for header reads of large members.
    public static let prefixLength = 1 << 16

    public let byteCount: Int
    public var path: String { compressed.path }
    private let compressed: ByteSource
    private let expectedCRC: UInt32
    private let label: String
    private let lock = NSLock()
    private var prefix: [UInt8]? = nil
    private var whole: [UInt8]? = nil

    /// A source over the raw deflate stream `compressed`, which must inflate to exactly
    /// `byteCount` bytes with CRC-32 `expectedCRC`; `label` names the member in error messages.
    init(compressed: ByteSource, byteCount: Int, expectedCRC: UInt32, label: String) {
        self.compressed = compressed
        self.byteCount = byteCount
        self.expectedCRC = expectedCRC
        self.label = label
    }

    public func read(at offset: Int, into buffer: UnsafeMutableRawBufferPointer) throws {
        guard offset >= 0, buffer.count <= byteCount - offset else {
            throw MindSpaceError.malformed(path,
                "\(label): truncated: needs \(buffer.count) bytes at offset \(offset) of its \(byteCount)")
        }
        guard buffer.count > 0 else { return }
        lock.lock()
        defer { lock.unlock() }
        let end = offset + buffer.count
        if whole == nil && byteCount > Self.prefixLength && end <= Self.prefixLength {
            if prefix == nil {
                prefix = try Inflater.inflatePrefix(compressed, count: Self.prefixLength, label: label)
            }
            if let prefix, end <= prefix.count {
                copy(prefix, offset, into: buffer)
                return
            }
        }
        if whole == nil {
            whole = try Inflater.inflate(compressed, uncompressedSize: byteCount, expectedCRC: expectedCRC, label: label)
            prefix = nil
        }
        if let whole { copy(whole, offset, into: buffer) }
    }

    private func copy(_ bytes: [UInt8], _ offset: Int, into buffer: UnsafeMutableRawBufferPointer) {
        bytes.withUnsafeBytes { source in
            buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: source[offset..<(offset + buffer.count)]))
        }
    }
}
