import Foundation
import MindSpaceCore

/// `mkdir -p` for output folders that remembers what it made, so a failed command can take its
/// empty folders back (`OutputTransaction.rollback`, `OutputFolderLock.release`), and that says
/// why it failed: "it is a file" when a file stands where a folder is needed, else the system's
/// reason ("read-only file system", "permission denied").
enum OutputFolderCreation {
    /// Creates `folder` and its missing parents; returns the folders created, outermost first.
    /// Throws `.cannotCreateOutput` (exit 73) naming the folder that could not be made; folders
    /// made before the failure are removed again.
    static func create(_ folder: String) throws -> [String] {
        var missing: [String] = []
        var current = URL(fileURLWithPath: folder).standardizedFileURL
        var status = stat()
        while stat(current.path, &status) != 0 {
            missing.append(current.path)
            let parent = current.deletingLastPathComponent()
            guard parent.path != current.path else { break }
            current = parent
        }
        // `current` is now the nearest path that exists, and `status` its metadata.
        if (status.st_mode & S_IFMT) != S_IFDIR {
            throw MindSpaceError(.cannotCreateOutput, file: current.path, "cannot create the output folder: it is a file")
        }
        var created: [String] = []
        for path in missing.reversed() {
            if mkdir(path, 0o777) == 0 {
                created.append(path)
            } else if errno != EEXIST {
                let reason = OutputFileWriting.reason(errno)
                removeIfEmpty(created)
                throw MindSpaceError(.cannotCreateOutput, file: path, "cannot create the output folder: \(reason)")
            }
        }
        return created
    }

    /// Removes the folders of `created` (outermost first, as `create` returns them) that are
    /// empty, innermost first; a folder that holds anything stays.
    static func removeIfEmpty(_ created: [String]) {
        for folder in created.reversed() { rmdir(folder) }
    }
}
