import MindSpaceIO

/// The last step of every command that writes files: this run becomes the owner of its output
/// folder (`OutputOwnership`), so the files an earlier run of the same command wrote there and
/// this run did not are removed, and the folder holds one run's results.
public enum OutputFolderClaim {
    /// Records every file this process wrote into `folder` (all `OutputTransaction` commits, and
    /// files kept from an earlier run) as `scope`'s, and removes the files `scope`'s previous run
    /// wrote there that this one did not, never an input. Call it once the command's work has
    /// succeeded, before it reports. Returns the removed paths, relative to `folder`.
    /// Throws `.outputFailed` if the folder's manifest cannot be written.
    @discardableResult
    public static func settle(folder: String, scope: String, inputs: [String]) throws -> [String] {
        try OutputOwnership.settle(folder: folder, scope: scope, written: OutputTransaction.committedPaths,
                                   protecting: inputs)
    }
}
