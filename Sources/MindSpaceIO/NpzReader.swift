import MindSpaceCore

/// Reads NumPy `.npz` archives (`np.savez`, `np.savez_compressed`): a zip archive whose members
/// are `.npy` files. Each `.npy` member becomes one `StoredTensor` named like NumPy's `NpzFile`
/// keys: the member's path without `.npy` (`weights.npy` → `weights`, `a/b.npy` → `a/b`).
///
/// Memory and cost:
/// - stored members (`np.savez`) are slices of the archive: nothing is copied or read until the
///   tensor's elements are requested, then they are read with `pread` like a plain `.npy`;
/// - deflated members (`np.savez_compressed`) are inflated lazily (see `InflatingByteSource`):
///   opening inflates at most 64 KiB of each member for its header; the first element read
///   inflates the whole member and keeps it, which costs the member's *uncompressed* size in
///   memory for as long as the tensor is alive. Their CRC-32 is verified then, so corruption in
///   a large compressed member surfaces at that first read rather than here.
///
/// Members that are not `.npy` files (and directory entries) are skipped, as they cannot be
/// arrays; an archive with members but none of them `.npy` is refused. Encrypted members,
/// compression methods other than stored and deflated, split archives, duplicate member names
/// and every inconsistency between the zip structures and the file's size are `.malformedData`;
/// errors inside a member name the member. A missing file is `.missingInput`.
public enum NpzReader {
    /// The arrays of the `.npz` archive at `path`, in archive order.
    public static func read(path: String) throws -> [StoredTensor] {
        let file = try FileByteSource(path: path)
        let archive = try ZipArchive(source: file)
        var tensors: [StoredTensor] = []
        var seen = Set<String>()
        var skipped: [String] = []
        for entry in archive.entries {
            guard entry.name.hasSuffix(".npy") else {
                if !entry.isDirectory { skipped.append(entry.name) }
                continue
            }
            guard seen.insert(entry.name).inserted else {
                throw MindSpaceError.malformed(path, offset: entry.localHeaderOffset,
                    "member '\(TerminalText.escaped(entry.name))' appears twice in the archive")
            }
            let name = String(entry.name.dropLast(4))
            let member = try archive.contents(of: entry)
            do {
                tensors.append(try NpyReader.parse(member, name: name))
            } catch var error as MindSpaceError {
                let prefix = "member '\(TerminalText.escaped(entry.name))'"
                if !error.reason.hasPrefix(prefix) { error.reason = "\(prefix): \(error.reason)" }
                // The .npy parser reports offsets within the member: map them into the archive
                // for stored members; inside an inflated member they have no archive position.
                if entry.method != 0 { error.offset = nil } else if let offset = error.offset, offset <= entry.uncompressedSize {
                    error.offset = entry.dataOffset + offset
                }
                throw error
            }
        }
        if tensors.isEmpty && !skipped.isEmpty {
            let listed = skipped.prefix(5).map { "'\(TerminalText.escaped($0))'" }.joined(separator: ", ")
            throw MindSpaceError.malformed(path, "no .npy members in the archive (it holds \(listed)\(skipped.count > 5 ? ", …" : ""))")
        }
        return tensors
    }
}
