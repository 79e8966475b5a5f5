import MindSpaceCore

/// A Hugging Face sharded checkpoint, its index checked against its shards.
public struct ShardedCheckpoint: Sendable {
    /// The index file, as the caller named it.
    public let indexPath: String
    /// The shard files, in the order their tensors are listed: sorted by file name (Hugging
    /// Face's zero-padded `model-00001-of-00003.safetensors` names sort numerically).
    public let shardPaths: [String]
    /// Every tensor of the weight map: shard by shard (in `shardPaths` order), and within a
    /// shard by data offset, that is, file order (reading them in this order is sequential I/O).
    public let tensors: [StoredTensor]
    /// Tensors stored in some shard but not mapped to that shard by the weight map. Loaders that
    /// follow the index (Transformers) never see them, so they are left out of `tensors`; they are
    /// kept here so that a caller can warn about them.
    public let unlisted: [StoredTensor]
    /// The index's `metadata` object, string and integer values as text (Hugging Face writes
    /// `{"total_size": N}`); other values are left out.
    public let metadata: [String: String]
}

/// Reads a sharded safetensors checkpoint through its `model.safetensors.index.json`:
/// `{"metadata": {...}, "weight_map": {"tensor.name": "model-00001-of-00002.safetensors", ...}}`,
/// and a sharded PyTorch checkpoint through its `pytorch_model.bin.index.json` (the same
/// layout, `.bin` shards read by `PyTorchReader`), with exactly the same checks.
///
/// Each shard named in the weight map is opened once (relative to the index's folder) and read
/// with `SafetensorsReader`, so every check listed there applies to every shard. On top of that:
/// - a shard name that is empty, absolute, or has a `..` component is refused (`.malformedData`
///   in the index): an index must not make us read outside its folder;
/// - every tensor named in the weight map must exist in the shard it names (`.malformedData`);
/// - a missing shard file is `.missingInput`, naming the shard and the index;
/// - tensors present in a shard but not mapped to it are not returned in `tensors` but listed in
///   `unlisted` (see `ShardedCheckpoint`).
/// The index's `metadata.total_size` is not checked: it is informational, and checkpoints in the
/// wild often round it or count it differently.
///
/// Complexity: reads the index and every shard header; no element data.
public enum ShardedCheckpointReader {
    /// The largest index file accepted, in bytes (indexes of 100-billion-parameter models are a
    /// few MB).
    public static let maximumIndexByteCount = 100_000_000

    /// The weight-map tensors of the checkpoint whose index is `indexPath`, shard by shard and
    /// in file order within each shard. See `open(indexPath:)` for everything else.
    public static func read(indexPath: String) throws -> [StoredTensor] {
        try open(indexPath: indexPath).tensors
    }

    /// Reads and checks the index at `indexPath` and the headers of all its shards.
    public static func open(indexPath: String) throws -> ShardedCheckpoint {
        let indexFile = try FileByteSource(path: indexPath)
        guard indexFile.byteCount <= maximumIndexByteCount else {
            throw MindSpaceError.malformed(indexPath,
                "index file of \(indexFile.byteCount) bytes exceeds the limit of \(maximumIndexByteCount)")
        }
        var bytes = try indexFile.bytes(at: 0, count: indexFile.byteCount)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        let index: JSONValue
        do {
            index = try JSONValue.parse(bytes)
        } catch let error as JSONSyntaxError {
            throw MindSpaceError.malformed(indexPath, offset: error.offset, "index is not valid JSON: \(error.reason)")
        }
        guard case .object = index else {
            throw MindSpaceError.malformed(indexPath, "index must be a JSON object, found \(index.kindDescription)")
        }
        guard case .object(let mapEntries)? = index["weight_map"] else {
            throw MindSpaceError.malformed(indexPath, "index has no 'weight_map' object")
        }
        guard !mapEntries.isEmpty else {
            throw MindSpaceError.malformed(indexPath, "index 'weight_map' is empty")
        }

        var shardOfTensor: [String: String] = [:]
        for (tensorName, value) in mapEntries {
            guard case .string(let shardName) = value else {
                throw MindSpaceError.malformed(indexPath,
                    "weight_map entry '\(TerminalText.escaped(tensorName))' must name a shard file, found \(value.kindDescription)")
            }
            try checkShardName(shardName, tensor: tensorName, indexPath: indexPath)
            shardOfTensor[tensorName] = shardName
        }

        let folder = parentFolder(of: indexPath)
        let shardNames = Set(shardOfTensor.values).sorted()
        var tensors: [StoredTensor] = []
        var unlisted: [StoredTensor] = []
        var shardPaths: [String] = []
        for shardName in shardNames {
            let shardPath = folder.isEmpty ? shardName : (folder.hasSuffix("/") ? folder : folder + "/") + shardName
            shardPaths.append(shardPath)
            let shardTensors: [StoredTensor]
            do {
                shardTensors = try readShard(shardPath)
            } catch var error as MindSpaceError where error.kind == .missingInput {
                error.reason += " (shard named by \(indexPath))"
                throw error
            }
            var found = Set<String>()
            for tensor in shardTensors {
                if shardOfTensor[tensor.name] == shardName {
                    tensors.append(tensor)
                    found.insert(tensor.name)
                } else {
                    unlisted.append(tensor)
                }
            }
            // Weight-map order, so the first missing tensor reported is the first in the index.
            for (tensorName, _) in mapEntries where shardOfTensor[tensorName] == shardName && !found.contains(tensorName) {
                throw MindSpaceError.malformed(indexPath,
                    "weight_map maps tensor '\(TerminalText.escaped(tensorName))' to shard '\(TerminalText.escaped(shardName))', which has no such tensor")
            }
        }
        return ShardedCheckpoint(indexPath: indexPath, shardPaths: shardPaths, tensors: tensors,
                                 unlisted: unlisted, metadata: metadataStrings(index["metadata"]))
    }

    /// The tensors of one shard: a `.safetensors` file in data-offset order, any other (a
    /// `pytorch_model-00001-of-00002.bin`) through `PyTorchReader`, in pickle order.
    private static func readShard(_ path: String) throws -> [StoredTensor] {
        if path.lowercased().hasSuffix(".safetensors") { return try SafetensorsReader.read(path: path).tensors }
        return try PyTorchReader.read(path: path).tensors
    }

    /// Refuses shard names that could leave the index's folder or name nothing.
    private static func checkShardName(_ name: String, tensor: String, indexPath: String) throws {
        let components = name.split(separator: "/", omittingEmptySubsequences: false)
        let escapes = name.isEmpty || name.hasPrefix("/") || name.contains("\0")
            || components.contains("..") || name.contains("\\")
        if escapes {
            throw MindSpaceError.malformed(indexPath,
                "weight_map entry '\(TerminalText.escaped(tensor))' names shard '\(TerminalText.escaped(name))', which is not a plain path inside the index's folder")
        }
    }

    /// The folder part of `path` ("" for a bare file name, "/" for a file in the root).
    private static func parentFolder(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "" }
        let folder = String(path[..<slash])
        return folder.isEmpty ? "/" : folder
    }

    private static func metadataStrings(_ value: JSONValue?) -> [String: String] {
        guard case .object(let members)? = value else { return [:] }
        var result: [String: String] = [:]
        for (key, item) in members {
            switch item {
            case .string(let text): result[key] = text
            case .number(let text): result[key] = text
            default: continue
            }
        }
        return result
    }
}
