import Foundation
import MindSpaceCore

/// The container formats MindSpace reads.
public enum DataFormat: String, Codable, Sendable {
    case npy, npz, safetensors
    /// A sharded Hugging Face checkpoint: `model.safetensors.index.json` and its shards.
    case shardedSafetensors = "safetensors-sharded"
    case tsv, csv
    /// A `torch.save` file (`.pt`, `.pth`, `.bin`, `.ckpt`; zip or legacy layout).
    case pytorch
    /// A sharded Hugging Face checkpoint: `pytorch_model.bin.index.json` and its `.bin` shards.
    case shardedPytorch = "pytorch-sharded"
    /// A GGUF model file (llama.cpp's format).
    case gguf
}

/// A file opened for reading: its format and the tensors it holds (described, not yet read).
/// This is the one place that maps a path to a reader; commands and pipelines call it.
public struct DataFile: Sendable {
    public let path: String
    public let format: DataFormat
    /// Tensors in file order.
    public let tensors: [StoredTensor]
    /// The file's size in bytes (for sharded checkpoints: the index file's).
    public let byteCount: Int
    /// A GGUF file's metadata key-values, in file order; `nil` for other formats.
    public var ggufMetadata: [GGUFMetadataEntry]? = nil
    /// A PyTorch file's non-tensor values (hyper-parameters, epoch, …); `nil` for other formats.
    public var pickleValues: [PyTorchFile.NamedValue]? = nil

    /// Opens `path`, choosing the reader by extension (`.npy`, `.npz`, `.safetensors`,
    /// `*.index.json` (a sharded safetensors index; `*.bin.index.json` a sharded PyTorch one),
    /// `.pt`/`.pth`/`.bin`/`.ckpt` (PyTorch), `.gguf`, `.tsv`, `.csv`, `.txt` as TSV) and, for an
    /// unknown extension, by the first bytes (NumPy magic, PyTorch zip or legacy magic, ZIP
    /// signature, GGUF magic, safetensors header).
    /// Throws `.missingInput` for a missing file and `.malformedData` for unreadable content.
    public static func open(_ path: String) throws -> DataFile {
        let source = try FileByteSource(path: path)
        let format = try detectFormat(path: path, source: source)
        let tensors: [StoredTensor]
        var ggufMetadata: [GGUFMetadataEntry]?
        var pickleValues: [PyTorchFile.NamedValue]?
        switch format {
        case .npy: tensors = [try NpyReader.read(path: path)]
        case .npz: tensors = try NpzReader.read(path: path)
        case .safetensors: tensors = try SafetensorsReader.read(path: path).tensors
        case .shardedSafetensors: tensors = try ShardedCheckpointReader.read(indexPath: path)
        case .tsv: tensors = [try DelimitedTextReader.read(path: path, separator: "\t")]
        case .csv: tensors = [try DelimitedTextReader.read(path: path, separator: ",")]
        case .pytorch:
            let file = try PyTorchReader.read(source: source)
            tensors = file.tensors
            pickleValues = file.values
        case .shardedPytorch: tensors = try ShardedCheckpointReader.read(indexPath: path)
        case .gguf:
            let file = try GGUFReader.read(source: source)
            tensors = file.tensors
            ggufMetadata = file.metadata
        }
        return DataFile(path: path, format: format, tensors: tensors, byteCount: source.byteCount,
                        ggufMetadata: ggufMetadata, pickleValues: pickleValues)
    }

    /// The format of `path`: by extension first, else by content.
    static func detectFormat(path: String, source: ByteSource) throws -> DataFormat {
        let lower = path.lowercased()
        if lower.hasSuffix(".bin.index.json") { return .shardedPytorch }
        if lower.hasSuffix(".index.json") { return .shardedSafetensors }
        switch URL(fileURLWithPath: lower).pathExtension {
        case "npy": return .npy
        case "npz": return .npz
        case "safetensors": return .safetensors
        case "tsv", "tab", "txt": return .tsv
        case "csv": return .csv
        case "pt", "pth", "ckpt": return .pytorch
        case "bin":
            // Hugging Face's `.bin` is torch.save's, but other tools use the extension too (a GGUF
            // model saved as `.bin`): the GGUF magic decides, anything else is read as PyTorch.
            let magic = try source.bytes(at: 0, count: min(4, source.byteCount))
            return magic == Array("GGUF".utf8) ? .gguf : .pytorch
        case "gguf": return .gguf
        default: break
        }
        let head = try source.bytes(at: 0, count: min(8, source.byteCount))
        if head.starts(with: [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]) { return .npy }
        if PyTorchReader.looksLikePyTorch(source) { return .pytorch }
        if head.starts(with: [0x50, 0x4B, 0x03, 0x04]) { return .npz }
        if head.starts(with: Array("GGUF".utf8)) { return .gguf }
        if head.count == 8 {
            let headerLength = head.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }
            if headerLength > 1, headerLength < UInt64(source.byteCount),
               let brace = try? source.bytes(at: 8, count: 1), brace == [0x7B] {
                return .safetensors
            }
        }
        throw MindSpaceError.malformed(path,
            "unknown data format: expected .npy, .npz, .safetensors, .safetensors.index.json, .pt/.pth/.bin/.ckpt, .gguf, .tsv or .csv")
    }

    /// The array to analyse as points × features: the one named `name` if given (else a usage
    /// error listing what the file holds), otherwise the only 2-D numeric array (else a usage error
    /// listing the candidates, or a data error when there is none). `option` names the flag
    /// (`--array`, `--tensor`) in messages.
    public func dataArray(named name: String?, option: String = "--array") throws -> StoredTensor {
        if let name {
            guard let match = tensors.first(where: { $0.name == name }) else {
                throw MindSpaceError(.usage, file: path,
                    "no array named '\(TerminalText.escaped(name))'; it has: \(Self.listing(tensors))")
            }
            return match
        }
        let candidates = tensors.filter { $0.shape.count == 2 }
        if candidates.count == 1 { return candidates[0] }
        if candidates.isEmpty {
            throw MindSpaceError.malformed(path,
                "no 2-D array of points × features; it has: \(Self.listing(tensors))")
        }
        throw MindSpaceError(.usage, file: path,
            "\(candidates.count) 2-D arrays; choose one with \(option): \(Self.listing(candidates))")
    }

    /// "name (dtype 3×4), …", at most 12 entries.
    package static func listing(_ tensors: [StoredTensor]) -> String {
        if tensors.isEmpty { return "nothing" }
        let shown = tensors.prefix(12).map { tensor in
            "\(TerminalText.escaped(tensor.name)) (\(tensor.dtype.rawValue) \(tensor.shape.map(String.init).joined(separator: "×")))"
        }
        let more = tensors.count > 12 ? ", and \(tensors.count - 12) more" : ""
        return shown.joined(separator: ", ") + more
    }
}
