import Foundation

/// Random-access, read-only bytes: a region of a file read with `pread` (so a 10 GB file costs
/// only the buffer the caller passes, never the file's size in memory), or bytes held in memory
/// (an inflated `.npz` entry). Readers build these; nothing ever writes through one.
public protocol ByteSource: Sendable {
    /// Number of readable bytes.
    var byteCount: Int { get }
    /// The file these bytes come from, as the user named it, for error messages.
    var path: String { get }
    /// Fills `buffer` with the bytes at `offset ..< offset + buffer.count`. Throws a
    /// `.malformedData` error ("truncated") if the range runs past the end, `.missingInput` if the
    /// file cannot be read.
    func read(at offset: Int, into buffer: UnsafeMutableRawBufferPointer) throws
}

extension ByteSource {
    /// `count` bytes at `offset` as an array (headers and other small reads).
    public func bytes(at offset: Int, count: Int) throws -> [UInt8] {
        var result = [UInt8](repeating: 0, count: count)
        try result.withUnsafeMutableBytes { try read(at: offset, into: $0) }
        return result
    }

    /// A sub-range of these bytes as a source of its own.
    public func slice(offset: Int, count: Int) throws -> ByteSource {
        guard offset >= 0, count >= 0, offset <= byteCount, count <= byteCount - offset else {
            throw MindSpaceError.malformed(path, offset: offset,
                "truncated: needs \(count) bytes at offset \(offset), the file has \(byteCount)")
        }
        return SlicedByteSource(base: self, start: offset, byteCount: count)
    }
}

/// An open file read with `pread`. The descriptor is opened read-only and closed on deinit.
public final class FileByteSource: ByteSource, @unchecked Sendable {
    public let path: String
    public let byteCount: Int
    private let descriptor: Int32

    /// Opens `path` read-only. Missing or unreadable files and directories throw `.missingInput`.
    public init(path: String) throws {
        self.path = path
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            let reason = String(cString: strerror(errno)).lowercased()
            throw MindSpaceError(.missingInput, file: path, "cannot open: \(reason)")
        }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            close(fd)
            throw MindSpaceError(.missingInput, file: path, "cannot stat the file")
        }
        if (info.st_mode & S_IFMT) == S_IFDIR {
            close(fd)
            throw MindSpaceError(.missingInput, file: path, "is a directory, expected a file")
        }
        descriptor = fd
        byteCount = Int(info.st_size)
    }

    deinit { close(descriptor) }

    public func read(at offset: Int, into buffer: UnsafeMutableRawBufferPointer) throws {
        guard offset >= 0, buffer.count <= byteCount - offset else {
            throw MindSpaceError.malformed(path, offset: offset,
                "truncated: needs \(buffer.count) bytes at offset \(offset), the file has \(byteCount)")
        }
        var done = 0
        while done < buffer.count {
            let got = pread(descriptor, buffer.baseAddress! + done, buffer.count - done, off_t(offset + done))
            if got < 0 {
                if errno == EINTR { continue }
                throw MindSpaceError(.missingInput, file: path, offset: offset + done,
                                     "read failed: \(String(cString: strerror(errno)).lowercased())")
            }
            if got == 0 {
                throw MindSpaceError.malformed(path, offset: offset + done, "truncated: the file ended early")
            }
            done += got
        }
    }
}

/// Bytes held in memory (for example a decompressed archive entry), labelled with their file.
public struct MemoryByteSource: ByteSource {
    public let path: String
    public let storage: [UInt8]
    public var byteCount: Int { storage.count }

    public init(path: String, bytes: [UInt8]) {
        self.path = path
        self.storage = bytes
    }

    public func read(at offset: Int, into buffer: UnsafeMutableRawBufferPointer) throws {
        guard offset >= 0, buffer.count <= storage.count - offset else {
            throw MindSpaceError.malformed(path, offset: offset,
                "truncated: needs \(buffer.count) bytes at offset \(offset), has \(storage.count)")
        }
        guard buffer.count > 0 else { return }
        storage.withUnsafeBytes { source in
            buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: source[offset..<(offset + buffer.count)]))
        }
    }
}

/// A window onto another source; offsets are relative to `start`.
public struct SlicedByteSource: ByteSource {
    public let base: ByteSource
    public let start: Int
    public let byteCount: Int
    public var path: String { base.path }

    public func read(at offset: Int, into buffer: UnsafeMutableRawBufferPointer) throws {
        guard offset >= 0, buffer.count <= byteCount - offset else {
            throw MindSpaceError.malformed(path, offset: start + offset,
                "truncated: needs \(buffer.count) bytes at offset \(start + offset)")
        }
        try base.read(at: start + offset, into: buffer)
    }
}
