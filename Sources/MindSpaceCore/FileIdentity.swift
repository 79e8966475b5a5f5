import Foundation

/// Which file a path named, and in what state, at one moment: its device and inode (the file
/// itself, whatever its name), size and modification time (nanoseconds), from `stat`. Taken
/// when a file is opened and compared again after a long read (a checkpoint pass), it tells a
/// file that was truncated, rewritten or replaced (a new file renamed over the name) while it
/// was read from one that was left alone, so results are never computed from a mix of two
/// files' bytes.
///
/// Limits: a file rewritten in place with the same size and its modification time forged back
/// goes unnoticed (that needs a hash of all bytes); the check costs one `stat` per file.
public struct FileIdentity: Sendable, Equatable, Codable {
    public let device: UInt64
    public let inode: UInt64
    public let size: Int
    /// Modification time in nanoseconds since 1970.
    public let modified: Int64

    /// The identity of the file at `path` now. Throws `.missingInput` when it cannot be `stat`ed.
    public init(path: String) throws {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw MindSpaceError(.missingInput, file: path, "cannot read the file's size and date: \(String(cString: strerror(errno)).lowercased())")
        }
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
        size = Int(info.st_size)
        modified = Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
    }

    /// Throws if the file at `path` is no longer the one this identity describes: removed
    /// (`.missingInput`), replaced by another file, truncated or grown, or modified
    /// (`.malformedData`); `during` names what was going on ("the pass over the checkpoints").
    public func verifyUnchanged(path: String, during what: String) throws {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw MindSpaceError(.missingInput, file: path, "was removed during \(what); nothing was written")
        }
        let now = try FileIdentity(path: path)
        let change: String
        if now.device != device || now.inode != inode {
            change = "was replaced by another file"
        } else if now.size != size {
            change = "changed size from \(size) to \(now.size) bytes"
        } else if now.modified != modified {
            change = "was modified"
        } else {
            return
        }
        throw MindSpaceError.malformed(path, "\(change) during \(what); nothing was written (rerun once the file is complete)")
    }
}
