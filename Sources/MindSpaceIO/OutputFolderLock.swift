import Foundation
import MindSpaceCore

/// An exclusive claim on an output folder for one process, so two long commands (two `batch`
/// runs given the same `--out`) cannot interleave their files and caches: the second refuses at
/// once instead of waiting or mixing results.
///
/// The lock is `flock(LOCK_EX | LOCK_NB)` on the folder itself (an `O_DIRECTORY` descriptor), so
/// there is no lock file to leave behind, and the kernel drops it whenever the process ends,
/// however it ends (a crash, SIGKILL, a full disk): a rerun never finds a stale lock. It is
/// advisory: it binds only the processes that ask for it. On a network file system without
/// `flock` support it may not exclude processes on other machines.
///
/// A folder the lock had to create is removed again on `release` if the command left it empty.
public final class OutputFolderLock {
    public let folder: String
    private var descriptor: Int32
    /// Folders created to hold the lock, outermost first.
    private let createdFolders: [String]

    private init(folder: String, descriptor: Int32, createdFolders: [String]) {
        self.folder = folder
        self.descriptor = descriptor
        self.createdFolders = createdFolders
    }

    deinit { release() }

    /// Creates `folder` if needed and locks it for `command` (named in the refusal). Throws
    /// `.cannotCreateOutput` (exit 73) when the folder cannot be created or opened, or when
    /// another process holds the lock ("another 'mindspace batch' is writing into this folder").
    public static func acquire(folder: String, command: String) throws -> OutputFolderLock {
        let created = try OutputFolderCreation.create(folder)
        let descriptor = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else {
            let reason = OutputFileWriting.reason(errno)
            OutputFolderCreation.removeIfEmpty(created)
            throw MindSpaceError(.cannotCreateOutput, file: folder, "cannot open the output folder: \(reason)")
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let busy = errno == EWOULDBLOCK
            let reason = OutputFileWriting.reason(errno)
            close(descriptor)
            throw MindSpaceError(.cannotCreateOutput, file: folder, busy
                ? "another 'mindspace \(command)' is writing into this folder; wait for it to finish or choose another --out"
                : "cannot lock the output folder: \(reason)")
        }
        return OutputFolderLock(folder: folder, descriptor: descriptor, createdFolders: created)
    }

    /// Unlocks the folder (closing the descriptor does it) and removes the folders `acquire`
    /// created that are still empty. Idempotent.
    public func release() {
        guard descriptor >= 0 else { return }
        close(descriptor)
        descriptor = -1
        OutputFolderCreation.removeIfEmpty(createdFolders)
    }
}
