import Foundation
import MindSpaceCore

/// Turns the `CKPT...` arguments of `trajectory` (and the run folders of `batch`, and the folders
/// given to `inspect`) into an ordered list of checkpoint files. A checkpoint is one `.safetensors` file, one `.npy`, `.npz` or `.gguf` file,
/// one PyTorch `.pt`/`.pth`/`.bin`/`.ckpt` file, or a sharded Hugging Face checkpoint, named by
/// its `*.safetensors.index.json` or `pytorch_model.bin.index.json`.
///
/// Each argument, in the order given, contributes:
/// - an existing **file**: itself (its format is checked when it is opened);
/// - an existing **directory**: if it holds exactly one index (`*.safetensors.index.json` or
///   `*.bin.index.json`), that index
///   (the folder is one sharded checkpoint, e.g. Hugging Face's `checkpoint-500/`); otherwise its
///   checkpoint files (`.safetensors`, `.npy`, `.npz`, `.gguf`, `.pt`, `.pth`, `.bin`, `.ckpt`) and its
///   checkpoint sub-folders (a folder holding exactly one index, or exactly one `.safetensors`
///   file, like `checkpoint-500/` with `model.safetensors`, or else a `pytorch_model.bin`), all in `NaturalOrder` of their names. Hidden entries (`.name`) and
///   other files (configs, logs) are ignored; sub-folders are not searched any deeper;
/// - a **glob** pattern (`*`, `?`, `[…]`) that names no existing path (a shell passes it through
///   when quoted): its matches in natural order, each treated as above.
///
/// Symbolic links are followed; a sub-folder is never searched deeper, so a link loop (`loop ->
/// .`) cannot make discovery run forever, and a checkpoint-named link that cannot be followed
/// (a loop, a missing target) is an error naming it, not a checkpoint silently left out.
///
/// Errors: a path that does not exist and a glob without matches are `.missingInput` (exit 66);
/// a directory without checkpoints is `.missingInput`, with a hint when its sub-folders hold
/// several checkpoints each (a folder of runs, which `batch` takes); two index files in one
/// folder are `.malformedData`.
public enum CheckpointDiscovery {
    /// File extensions (lower case) of single-file checkpoints.
    public static let checkpointExtensions: Set<String> = ["safetensors", "npy", "npz", "gguf", "pt", "pth", "bin", "ckpt"]
    /// The suffix of a sharded checkpoint's index file.
    public static let indexSuffix = ".safetensors.index.json"
    /// The suffix of a sharded PyTorch checkpoint's index file (`pytorch_model.bin.index.json`).
    public static let pytorchIndexSuffix = ".bin.index.json"

    /// The checkpoint files named by `arguments`, in order (see the type's documentation).
    /// Paths keep the spelling of the argument they came from (`runs/a/` + `epoch_1.safetensors`
    /// gives `runs/a/epoch_1.safetensors`).
    public static func checkpointPaths(_ arguments: [String]) throws -> [String] {
        var paths: [String] = []
        for argument in arguments {
            paths += try expand(argument)
        }
        return paths
    }

    /// The checkpoints of one argument: the file itself, a folder's checkpoints, or a glob's
    /// matches (see the type's documentation). Throws for that argument alone, so a caller that
    /// reports each argument separately (`inspect`) can go on with the next.
    package static func expand(_ argument: String) throws -> [String] {
        switch kind(of: argument) {
        case .file:
            return [argument]
        case .directory:
            return try checkpoints(inDirectory: argument)
        case .missing:
            guard argument.contains(where: { "*?[".contains($0) }) else {
                throw MindSpaceError(.missingInput, file: argument, "no such file or directory")
            }
            let matches = glob(argument)
            guard !matches.isEmpty else {
                throw MindSpaceError(.missingInput, file: argument, "no file matches this pattern")
            }
            var paths: [String] = []
            for match in NaturalOrder.sorted(matches) {
                switch kind(of: match) {
                case .file: paths.append(match)
                case .directory: paths += try checkpoints(inDirectory: match)
                case .missing: continue
                }
            }
            return paths
        }
    }

    /// The checkpoints in `directory` (see the type's documentation).
    public static func checkpoints(inDirectory directory: String) throws -> [String] {
        if let index = try singleIndex(in: directory) { return [index] }
        let names = try visibleEntries(of: directory)
        var found: [String] = []
        var foldersWithSeveral = 0
        for name in NaturalOrder.sorted(names) {
            let path = join(directory, name)
            switch kind(of: path) {
            case .file:
                if isCheckpointFile(name) { found.append(path) }
            case .directory:
                if let inner = try checkpoint(inFolder: path) {
                    found.append(inner)
                } else if (try? visibleEntries(of: path).filter(isCheckpointFile).count) ?? 0 > 1 {
                    foldersWithSeveral += 1
                }
            case .missing:
                // A checkpoint-named link that leads nowhere (a loop, a missing target) would
                // otherwise drop out of the trajectory unnoticed.
                if isCheckpointFile(name), let reason = brokenLinkReason(path) {
                    throw MindSpaceError(.missingInput, file: path, "is a symbolic link that cannot be followed: \(reason)")
                }
                continue
            }
        }
        if found.isEmpty {
            var reason = "no checkpoints here (.safetensors, .npy, .npz, .gguf, .pt, .pth, .bin, .ckpt files or sharded \(indexSuffix) folders)"
            if foldersWithSeveral > 0 {
                reason += "; \(foldersWithSeveral) sub-folder\(foldersWithSeveral == 1 ? " holds" : "s hold") several checkpoints each: pass one of them, or the whole tree to 'batch'"
            }
            throw MindSpaceError(.missingInput, file: directory, reason)
        }
        return found
    }

    /// The checkpoint a sub-folder stands for: its one index file, else its one `.safetensors`
    /// file, else `nil` (not a checkpoint folder).
    static func checkpoint(inFolder folder: String) throws -> String? {
        if let index = try singleIndex(in: folder) { return index }
        let entries = try visibleEntries(of: folder)
        let tensors = entries.filter {
            $0.lowercased().hasSuffix(".safetensors") && kind(of: join(folder, $0)) == .file
        }
        if tensors.count == 1 { return join(folder, tensors[0]) }
        // Hugging Face's unsharded PyTorch weights (beside training_args.bin, optimizer.pt, …).
        if tensors.isEmpty, entries.contains("pytorch_model.bin") { return join(folder, "pytorch_model.bin") }
        return nil
    }

    /// The folder's `*.safetensors.index.json` if it has exactly one; an error if several.
    static func singleIndex(in folder: String) throws -> String? {
        let indexes = try visibleEntries(of: folder).filter {
            $0.lowercased().hasSuffix(indexSuffix) || $0.lowercased().hasSuffix(pytorchIndexSuffix)
        }
        if indexes.count > 1 {
            throw MindSpaceError.malformed(folder,
                "holds \(indexes.count) sharded-checkpoint index files (\(NaturalOrder.sorted(indexes).joined(separator: ", "))); name the one to use")
        }
        return indexes.first.map { join(folder, $0) }
    }

    /// Whether a file name has a checkpoint extension.
    package static func isCheckpointFile(_ name: String) -> Bool {
        let lower = name.lowercased()
        guard let dot = lower.lastIndex(of: ".") else { return false }
        return checkpointExtensions.contains(String(lower[lower.index(after: dot)...]))
    }

    package enum Kind { case file, directory, missing }

    package static func kind(of path: String) -> Kind {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return .missing }
        return isDirectory.boolValue ? .directory : .file
    }

    /// Why the symbolic link at `path` cannot be followed ("too many levels of symbolic links"
    /// for a loop, "no such file or directory" for a missing target), or `nil` when `path` is
    /// not such a link.
    static func brokenLinkReason(_ path: String) -> String? {
        var info = stat()
        guard lstat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFLNK, stat(path, &info) != 0 else { return nil }
        return String(cString: strerror(errno)).lowercased()
    }

    private static func visibleEntries(of directory: String) throws -> [String] {
        do {
            return try FileManager.default.contentsOfDirectory(atPath: directory).filter { !$0.hasPrefix(".") }
        } catch {
            throw MindSpaceError(.missingInput, file: directory, "cannot list the folder")
        }
    }

    package static func join(_ folder: String, _ name: String) -> String {
        folder.hasSuffix("/") ? folder + name : folder + "/" + name
    }

    /// POSIX `glob(3)` matches of `pattern` (unsorted here; callers sort naturally).
    private static func glob(_ pattern: String) -> [String] {
        var result = glob_t()
        defer { globfree(&result) }
        guard Glibc.glob(pattern, 0, nil, &result) == 0 else { return [] }
        var matches: [String] = []
        for index in 0..<Int(result.gl_pathc) {
            if let entry = result.gl_pathv[index] { matches.append(String(cString: entry)) }
        }
        return matches
    }
}
