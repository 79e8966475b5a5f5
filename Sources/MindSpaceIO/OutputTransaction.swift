import Foundation
import MindSpaceCore

/// Writes a command's output files all-or-nothing: each file goes to a hidden temporary name
/// beside its destination, and only `commit()` renames them into place (rename is atomic on one
/// file system). If anything fails before `commit`, `rollback()` (also run on deinit) deletes the
/// temporaries, so a failed or interrupted command never leaves a partial or half-written file.
///
/// Never writes outside the destinations it is given and never touches input files.
///
/// Interruption: every temporary is registered with `InterruptCleanup` while it exists, so
/// SIGINT or SIGTERM during any command removes it before the process exits (130 or 143). Each
/// committed destination is added to the process-wide `committedPaths`.
public final class OutputTransaction {
    private var staged: [(temporary: URL, destination: URL)] = []
    private var committed = false

    public init() {}

    deinit { rollback() }

    /// Stages `data` for `path`, creating the parent folder if needed.
    /// Throws `.cannotCreateOutput` (exit 73) if the folder or file cannot be created and
    /// `.outputFailed` (exit 74) if writing fails.
    public func stage(_ data: Data, at path: String) throws {
        let destination = URL(fileURLWithPath: path)
        let folder = destination.deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw MindSpaceError(.cannotCreateOutput, file: folder.path, "cannot create the output folder")
        }
        let temporary = folder.appendingPathComponent(".\(destination.lastPathComponent).partial-\(getpid())")
        guard InterruptCleanup.createRegistered(temporary.path) else {
            throw MindSpaceError(.cannotCreateOutput, file: path, "cannot create the output file")
        }
        staged.append((temporary, destination))
        do {
            let handle = try FileHandle(forWritingTo: temporary)
            defer { try? handle.close() }
            try handle.write(contentsOf: data)
            try handle.synchronize()
        } catch {
            throw MindSpaceError(.outputFailed, file: path, "writing failed: \(error.localizedDescription)")
        }
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
        }
        staged.removeAll()
        committed = true
    }

    /// Deletes every staged temporary that has not been committed.
    public func rollback() {
        for (temporary, _) in staged {
            unlink(temporary.path)
            InterruptCleanup.unregister(temporary.path)
        }
        staged.removeAll()
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
