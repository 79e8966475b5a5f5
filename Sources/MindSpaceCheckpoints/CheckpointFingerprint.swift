import Foundation
import MindSpaceCore

/// A cheap identity of a checkpoint's files for result caches (`BatchJob`): for every file, its
/// path, size in bytes, modification time (nanoseconds) and the XXH64 of its header bytes. The
/// header is what a reader parses before any tensor data: for `.safetensors` the 8-byte length
/// and the JSON header (names, dtypes, shapes, offsets); for any other file (`.npy` with its
/// dictionary, `.npz`, a sharded index) its first 64 KiB (the whole file when smaller).
///
/// The fingerprint does not hash tensor data (that would cost a full read, the thing a cache
/// avoids): a file rewritten in place with the same size, the same header and a forged
/// modification time would go unnoticed. Touching or rewriting a file normally changes its
/// modification time, which invalidates the cached results. Cost: one `stat` and one small read
/// per file.
public struct CheckpointFingerprint: Sendable, Equatable, Codable {
    /// One file of the checkpoint.
    public struct File: Sendable, Equatable, Codable {
        public let path: String
        public let bytes: Int
        /// Modification time in nanoseconds since 1970.
        public let modified: Int64
        public let headerXXH64: String
    }

    public let files: [File]

    /// Bytes hashed from files that are not `.safetensors`.
    public static let genericHeaderBytes = 1 << 16
    /// The largest safetensors header hashed whole; larger length fields hash the first
    /// `genericHeaderBytes` (the reader itself refuses such headers).
    static let largestSafetensorsHeader = 100 << 20

    /// The fingerprint of `checkpoint`'s files. Throws `.missingInput` when a file cannot be read.
    public init(_ checkpoint: Checkpoint) throws {
        files = try checkpoint.files.map(Self.fingerprint)
    }

    /// One line per file, `path<TAB>bytes<TAB>modified<TAB>hash`: the text cache keys are made of.
    public var canonicalText: String {
        files.map { "\($0.path)\t\($0.bytes)\t\($0.modified)\t\($0.headerXXH64)\n" }.joined()
    }

    static func fingerprint(_ path: String) throws -> File {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw MindSpaceError(.missingInput, file: path, "cannot read the file's size and date")
        }
        let size = Int(info.st_size)
        let modified = Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
        let source = try FileByteSource(path: path)
        var headerLength = min(size, genericHeaderBytes)
        if path.lowercased().hasSuffix(".safetensors"), size >= 8 {
            let prefix = try source.bytes(at: 0, count: 8)
            var length: UInt64 = 0
            for (index, byte) in prefix.enumerated() { length |= UInt64(byte) << (8 * UInt64(index)) }
            if length <= UInt64(min(largestSafetensorsHeader, size - 8)) { headerLength = 8 + Int(length) }
        }
        var hash = ContentHash()
        hash.update(try source.bytes(at: 0, count: headerLength))
        return File(path: path, bytes: size, modified: modified, headerXXH64: hash.hexDigest())
    }
}
