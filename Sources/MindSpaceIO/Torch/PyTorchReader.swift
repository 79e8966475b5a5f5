import MindSpaceCore

/// A PyTorch checkpoint (`torch.save`), its pickle interpreted without executing anything and
/// its tensors described but not read.
public struct PyTorchFile: Sendable {
    /// The two layouts `torch.save` writes.
    public enum Layout: String, Sendable {
        /// A zip archive (`torch.save` since PyTorch 1.6).
        case zip
        /// `_use_new_zipfile_serialization=False`: pickles followed by raw storages.
        case legacy
    }

    public let path: String
    public let layout: Layout
    /// The byte order of the file's storages (FP8 tensors, widened to float32, are native).
    public let byteOrder: ByteOrder
    /// Every tensor in pickle order, named by its path in the saved object
    /// (`state_dict.encoder.weight`; `tensor` for a lone tensor).
    public let tensors: [StoredTensor]
    /// The non-tensor values (numbers, strings, `None`: hyper-parameters, epoch, optimizer
    /// settings) the object holds besides, named like tensors by their path, in pickle order.
    public let values: [NamedValue]

    /// How many non-tensor values the object holds.
    public var otherValueCount: Int { values.count }

    /// One non-tensor value and its dotted path (`hyper_parameters.lr`).
    public struct NamedValue: Sendable {
        public let name: String
        public let value: PickleValue
    }
}

/// Reads `.pt`, `.pth`, `.bin` and `.ckpt` files written by `torch.save`, in either layout
/// (`TorchZipReader`, `TorchLegacyReader`). The pickle is run by `PickleMachine`, which executes
/// nothing: globals resolve only from `TorchGlobals`' allow-list, and any other global is
/// refused (`.malformedData`, exit 65) naming the file and the global.
///
/// Tensors keep torch's layout: storage offset, shape and strides (views read as the values they
/// show), shared storages (tied weights), byte order. dtypes: float64/32/16, bfloat16, int64/32/
/// 16/8, uint8, bool, and FP8 e4m3fn/e5m2 (widened exactly to float32).
///
/// Complexity: reads the pickle (small: no tensor data) and the zip directory or the legacy
/// storage headers; no element data until a tensor is read.
public enum PyTorchReader {
    /// Opens and checks the file at `path`. Missing files throw `.missingInput`; anything wrong
    /// inside it `.malformedData`.
    public static func read(path: String) throws -> PyTorchFile {
        try read(source: FileByteSource(path: path))
    }

    /// Reads a PyTorch file from `source`, choosing the layout by its first bytes.
    public static func read(source: ByteSource) throws -> PyTorchFile {
        let head = try source.bytes(at: 0, count: min(4, source.byteCount))
        if head == [0x50, 0x4B, 0x03, 0x04] { return try TorchZipReader.read(source: source) }
        if source.byteCount > 262, try source.bytes(at: 257, count: 5) == Array("ustar".utf8) {
            throw MindSpaceError.malformed(source.path, "a tar archive: the format of torch.save before PyTorch 0.4, which MindSpace does not read")
        }
        return try TorchLegacyReader.read(source: source)
    }

    /// Whether `source` starts like a PyTorch file: the legacy magic number, or a zip archive
    /// whose first member is a `<root>/…` path of `torch.save` (`data.pkl` comes first).
    public static func looksLikePyTorch(_ source: ByteSource) -> Bool {
        guard let head = try? source.bytes(at: 0, count: min(64, source.byteCount)) else { return false }
        if head.starts(with: TorchLegacyReader.signature) { return true }
        guard head.count >= 30, head.starts(with: [0x50, 0x4B, 0x03, 0x04]) else { return false }
        let nameLength = Int(head[26]) | Int(head[27]) << 8
        guard let name = try? source.bytes(at: 30, count: min(nameLength, 1024)) else { return false }
        return String(decoding: name, as: UTF8.self).hasSuffix("/data.pkl")
    }

    /// The tensors a checkpoint set analyses: a Lightning checkpoint's (or any dict's)
    /// `state_dict`, its names without the `state_dict.` prefix, so that they match the same
    /// model saved as a plain state dict or as safetensors; every tensor when there is no
    /// `state_dict` entry. Optimizer state and other entries are left out.
    public static func modelTensors(_ tensors: [StoredTensor]) -> [StoredTensor] {
        let prefix = "state_dict."
        let inner = tensors.filter { $0.name.hasPrefix(prefix) }
        guard !inner.isEmpty else { return tensors }
        return inner.map { $0.renamed(String($0.name.dropFirst(prefix.count))) }
    }
}
