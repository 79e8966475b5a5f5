import Foundation
import MindSpaceCore

/// The one way output bytes reach a file descriptor: `write`/`pwrite` until done, retrying on
/// `EINTR`, with the system's reason in the error ("no space left on device", "read-only file
/// system") and the simulated full disk of `FaultInjection`. Used by `OutputTransaction` and
/// `NpyMatrixFileWriter`.
enum OutputFileWriting {
    /// Writes all of `bytes` to `descriptor` at `offset` (`pwrite`). Throws `.outputFailed`
    /// (exit 74) naming `path` when the system refuses a write or the disk is full.
    static func write(_ bytes: UnsafeRawBufferPointer, to descriptor: Int32, at offset: Int, path: String) throws {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        let allowed = FaultInjection.writableBytes(bytes.count)
        var done = 0
        while done < allowed {
            let wrote = pwrite(descriptor, base + done, allowed - done, off_t(offset + done))
            if wrote < 0 {
                if errno == EINTR { continue }
                throw failure(path, errno)
            }
            done += wrote
        }
        if allowed < bytes.count { throw failure(path, ENOSPC) }
    }

    /// The error for a failed write: "writing failed: <the system's reason>".
    static func failure(_ path: String, _ code: Int32) -> MindSpaceError {
        MindSpaceError(.outputFailed, file: path, "writing failed: \(reason(code))")
    }

    /// `strerror(code)` in lower case ("no space left on device").
    static func reason(_ code: Int32) -> String {
        String(cString: strerror(code)).lowercased()
    }
}
