import MindSpaceCore

extension CheckpointSet {
    /// Throws if any file of any checkpoint is no longer the file that was opened (issue 17):
    /// removed (`.missingInput`), replaced by another file, truncated or grown, or modified
    /// (`.malformedData`), naming the file and the change. `CheckpointStreamer` calls it before
    /// and after every pass, so a result is never computed from a checkpoint that changed while
    /// it was read, and the command fails before writing anything. One `stat` per file.
    public func verifyUnchanged(during what: String = "the pass over the checkpoints") throws {
        for checkpoint in checkpoints {
            for (path, identity) in zip(checkpoint.files, checkpoint.fileIdentities) {
                try identity.verifyUnchanged(path: path, during: what)
            }
        }
    }
}
