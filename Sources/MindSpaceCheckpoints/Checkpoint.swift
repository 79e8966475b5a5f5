import Foundation
import MindSpaceCore
import MindSpaceIO

/// One checkpoint of a `CheckpointSet`, opened: the files it is made of and the tensors it holds
/// (described, not read). A checkpoint is a `.safetensors` file, a `.npy` or `.npz` file, a
/// PyTorch `.pt`/`.pth`/`.bin`/`.ckpt` file (its `state_dict` when it has one, as Lightning's
/// `.ckpt` does), a `.gguf` file, or a sharded Hugging Face checkpoint named by its
/// `*.safetensors.index.json` or `pytorch_model.bin.index.json`.
public struct Checkpoint: Sendable {
    /// The path as discovered (the index file for a sharded checkpoint).
    public let path: String
    public let format: DataFormat
    /// Every file the checkpoint is made of: the file itself, or the index followed by its shards.
    public let files: [String]
    /// The sum of the sizes of `files`, in bytes.
    public let byteCount: Int
    /// Every tensor, in file order (shard by shard for a sharded checkpoint). A `.npy` file's one
    /// array is named `array` (`npyTensorName`) by its reader, so that folders of `.npy`
    /// checkpoints, whose file names all differ, hold the same tensor.
    public let tensors: [StoredTensor]
    /// The identity of each of `files` when it was opened (same order), checked again after
    /// every streaming pass (`CheckpointSet.verifyUnchanged`); empty for a checkpoint made in
    /// memory.
    public var fileIdentities: [FileIdentity] = []

    /// The tensor name of the array of a `.npy` checkpoint (`NpyReader.arrayName`, the name every
    /// command uses).
    public static let npyTensorName = NpyReader.arrayName

    /// Opens the checkpoint at `path` (a file; see `CheckpointDiscovery` for folders and globs).
    /// Throws `.missingInput` for missing files or shards and `.malformedData` for unreadable
    /// content or a format that is not a checkpoint format (`.tsv`, `.csv`).
    public static func open(_ path: String) throws -> Checkpoint {
        // Taken before the headers are read, so a file replaced afterwards is always noticed.
        let identity = try FileIdentity(path: path)
        var checkpoint = try openContents(path)
        checkpoint.fileIdentities = [identity] + (try checkpoint.files.dropFirst().map { try FileIdentity(path: $0) })
        return checkpoint
    }

    /// `open` without the file identities.
    private static func openContents(_ path: String) throws -> Checkpoint {
        let lower = path.lowercased()
        if lower.hasSuffix(CheckpointDiscovery.indexSuffix) || lower.hasSuffix(CheckpointDiscovery.pytorchIndexSuffix) {
            let sharded = try ShardedCheckpointReader.open(indexPath: path)
            let files = [path] + sharded.shardPaths
            let pytorch = lower.hasSuffix(CheckpointDiscovery.pytorchIndexSuffix)
            return Checkpoint(path: path, format: pytorch ? .shardedPytorch : .shardedSafetensors, files: files,
                              byteCount: try files.reduce(0) { $0 + (try FileByteSource(path: $1).byteCount) },
                              tensors: pytorch ? PyTorchReader.modelTensors(sharded.tensors) : sharded.tensors)
        }
        let file = try DataFile.open(path)
        switch file.format {
        case .safetensors, .npz, .shardedSafetensors, .npy, .gguf:
            break
        case .pytorch, .shardedPytorch:
            // A Lightning checkpoint's `state_dict` is the model; optimizer state is not analysed.
            return Checkpoint(path: path, format: file.format, files: [path], byteCount: file.byteCount,
                              tensors: PyTorchReader.modelTensors(file.tensors))
        case .tsv, .csv:
            throw MindSpaceError.malformed(path,
                "is a \(file.format.rawValue.uppercased()) table, not a checkpoint (.safetensors, \(CheckpointDiscovery.indexSuffix), .npy or .npz)")
        }
        return Checkpoint(path: path, format: file.format, files: [path], byteCount: file.byteCount, tensors: file.tensors)
    }

    /// "float32, shape 32×64" (or "int64, scalar"): how messages describe a tensor.
    public static func describe(_ tensor: StoredTensor) -> String {
        "\(tensor.dtype.rawValue), \(describe(shape: tensor.shape))"
    }

    /// "shape 32×64", "shape 10" or "scalar".
    public static func describe(shape: [Int]) -> String {
        shape.isEmpty ? "scalar" : "shape " + shape.map(String.init).joined(separator: "×")
    }
}
