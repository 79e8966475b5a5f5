import Foundation
import MindSpaceCore

/// Writes a command's output files all-or-nothing: each file goes to a hidden temporary name
/// beside its destination, and only `commit()` renames them into place (rename is atomic on one
/// file system). If anything fails before `commit`, `rollback()` (also run on deinit) deletes the
/// temporaries, so a failed or interrupted command never leaves a partial or half-written file.
///
/// Never writes outside the destinations it is given and never touches input files.
///
/// Folders: `stage` creates missing folders one by one and remembers them; `rollback` removes
/// those it created that are still empty, so a failed command leaves no empty output folder.
///
/// Faults: errors carry the system's reason ("no space left on device", "read-only file
/// system", "not a directory" for an output path that is a file); `FaultInjection`'s test hooks
/// act here (a kill half-way through a file and after each rename, a simulated full disk).
///
/// Interruption: every temporary is registered with `InterruptCleanup` while it exists, so
/// SIGINT or SIGTERM during any command removes it before the process exits (130 or 143). Each
/// committed destination is added to the process-wide `committedPaths`.
public final class OutputTransaction {
    private var staged: [(temporary: URL, destination: URL)] = []
    /// Folders `stage` created, outermost first.
    private var createdFolders: [String] = []
    private var committed = false

    public init() {}

    deinit { rollback() }

    /// Stages `data` for `path`, creating the parent folder if needed.
    /// Throws `.cannotCreateOutput` (exit 73) if the folder or file cannot be created and
    /// `.outputFailed` (exit 74) if writing fails.
    public func stage(_ data: Data, at path: String) throws {
        let destination = URL(fileURLWithPath: path)
        let folder = destination.deletingLastPathComponent()
        createdFolders += try OutputFolderCreation.create(folder.path)
        let temporary = folder.appendingPathComponent(".\(destination.lastPathComponent).partial-\(getpid())")
        guard InterruptCleanup.createRegistered(temporary.path) else {
            throw MindSpaceError(.cannotCreateOutput, file: path, "cannot create the output file: \(OutputFileWriting.reason(errno))")
        }
        staged.append((temporary, destination))
        let descriptor = open(temporary.path, O_WRONLY | O_TRUNC | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw MindSpaceError(.cannotCreateOutput, file: path, "cannot create the output file: \(OutputFileWriting.reason(errno))")
        }
        defer { close(descriptor) }
        try data.withUnsafeBytes { bytes in
            // Half, a kill point for the fault tests, then the rest.
            let half = bytes.count / 2
            try OutputFileWriting.write(UnsafeRawBufferPointer(rebasing: bytes[0..<half]), to: descriptor, at: 0, path: path)
            FaultInjection.outputStep()
            try OutputFileWriting.write(UnsafeRawBufferPointer(rebasing: bytes[half...]), to: descriptor, at: half, path: path)
        }
        guard fsync(descriptor) == 0 else { throw OutputFileWriting.failure(path, errno) }
    }

    /// Renames every staged file into place, in staging order.
    public func commit() throws {
        for (temporary, destination) in staged {
            guard rename(temporary.path, destination.path) == 0 else {
                let reason = String(cString: strerror(errno)).lowercased()
                throw MindSpaceError(.outputFailed, file: destination.path, "cannot move the finished file into place: \(reason)")
            }
            InterruptCleanup.unregister(temporary.path)
            CommittedOutputs.shared.record(destination.path)
            FaultInjection.outputStep()
        }
        staged.removeAll()
        createdFolders.removeAll()
        committed = true
    }

    /// Deletes every staged temporary that has not been committed, then the folders `stage`
    /// created that are now empty.
    public func rollback() {
        for (temporary, _) in staged {
            unlink(temporary.path)
            InterruptCleanup.unregister(temporary.path)
        }
        staged.removeAll()
        OutputFolderCreation.removeIfEmpty(createdFolders)
        createdFolders.removeAll()
    }
}

extension OutputTransaction {
    /// Stages a file too large to hold in memory: creates the hidden temporary for `path` (and
    /// its folder), then calls `write` with the temporary's path to fill it (for example with
    /// `NpyMatrixFileWriter`). The file is committed or rolled back with the others.
    /// Throws `.cannotCreateOutput` if the folder or file cannot be created, and whatever `write`
    /// throws.
    public func stageFile(at path: String, writing write: (String) throws -> Void) throws {
        try stage(Data(), at: path)
        guard let temporary = staged.last?.temporary else { return }
        try write(temporary.path)
    }
}
