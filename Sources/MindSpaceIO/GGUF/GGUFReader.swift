import MindSpaceCore

/// One tensor info of a GGUF file, checked.
public struct GGUFTensorInfo: Sendable, Equatable {
    public let name: String
    /// ggml's `ne`: dimensions, innermost (fastest-varying) first. The NumPy shape is reversed.
    public let dimensions: [Int]
    public let type: GGUFTensorType
    /// Offset of the tensor's bytes from the start of the data section (a multiple of the
    /// alignment).
    public let offset: Int
    /// Bytes the tensor occupies: elements / block size · bytes per block.
    public let byteCount: Int
}

/// A GGUF file with its header, metadata and tensor infos checked and its tensors described but
/// not read (`GGUFReader`).
public struct GGUFFile: Sendable {
    public let path: String
    /// 2 or 3.
    public let version: UInt32
    /// `general.alignment`, or 32 (`GGUF_DEFAULT_ALIGNMENT`) when the key is absent.
    public let alignment: Int
    /// Every key-value pair, in file order.
    public let metadata: [GGUFMetadataEntry]
    /// Every tensor info, in file order.
    public let tensorInfos: [GGUFTensorInfo]
    /// Offset in the file where the data section starts (after the tensor infos, aligned).
    public let dataOffset: Int
    /// The tensors in file order (see `GGUFReader` for how each type is presented).
    public let tensors: [StoredTensor]
}

/// Reads a GGUF file (ggml's format for llama.cpp models; spec: ggml docs/gguf.md, reference
/// reader: ggml/src/gguf.cpp), versions 2 and 3, little-endian.
///
/// Layout: magic `GGUF`, `uint32` version, `uint64` tensor count, `uint64` metadata count; the
/// metadata key-values (`gguf_string` key, `uint32` value type, value); the tensor infos (name,
/// `uint32` n_dims ≤ 4, `uint64` ne[n_dims] innermost first, `uint32` ggml type, `uint64`
/// offset); padding to `general.alignment` (default 32); the data section, in which each tensor
/// starts at its offset. Version 1 (32-bit counts) and big-endian files are refused.
///
/// Tensors come out as `StoredTensor`s with the NumPy shape (ne reversed), row-major:
/// - F32, F16, BF16, F64, I8, I16, I32, I64: plain little-endian elements of that dtype;
/// - Q4_0, Q4_1, Q5_0, Q5_1, Q8_0, Q2_K … Q6_K: dtype `.float32` over a
///   `DequantizingByteSource` (ggml's reference dequantization, block by block, on read), with
///   `quantization` set to the ggml type name;
/// - every other ggml type (IQ*, TQ*, MXFP4, Q8_K, …): listed with dtype `.float32` and its
///   `quantization`, and refused by name (`.malformedData`) when its values are read.
///
/// Checked before any value is read, each failure a `.malformedData` error naming the file (and
/// the key or tensor): the magic and version; every count, length and dimension against the bytes
/// that remain (so a crafted file cannot make the reader allocate or loop beyond its size);
/// known value and tensor types; unique keys and tensor names; `general.alignment` a `uint32`
/// power of two; ne[0] a multiple of the type's block size; each offset a multiple of the
/// alignment; each tensor's bytes inside the file. Names from the file are escaped in messages.
///
/// Complexity: one sequential pass over the header (buffered); no tensor data is read.
public enum GGUFReader {
    /// `GGUF_DEFAULT_ALIGNMENT`.
    public static let defaultAlignment = 32
    /// `GGML_MAX_DIMS`.
    public static let maximumDimensions = 4
    /// The fewest bytes a key-value pair and a tensor info can occupy, which bound the counts.
    static let minimumEntryBytes = (metadata: 8 + 4 + 1, tensorInfo: 8 + 4 + 4 + 8)

    /// Opens and checks the file at `path`. A missing file throws `.missingInput`; anything
    /// wrong with its contents, `.malformedData`.
    public static func read(path: String) throws -> GGUFFile {
        try read(source: FileByteSource(path: path))
    }

    /// Checks and describes GGUF bytes from any source; tensors are slices of `source`.
    public static func read(source: ByteSource) throws -> GGUFFile {
        let path = source.path
        func fail(_ reason: String, at offset: Int? = nil) -> MindSpaceError {
            MindSpaceError.malformed(path, offset: offset, reason)
        }
        guard source.byteCount >= 4, try source.bytes(at: 0, count: 4) == Array("GGUF".utf8) else {
            throw fail("not a GGUF file: it does not start with the magic bytes 'GGUF'", at: 0)
        }
        var cursor = GGUFByteCursor(source: source)
        _ = try cursor.integer(UInt32.self, "the magic")
        let version = try cursor.integer(UInt32.self, "the GGUF version")
        guard version == 2 || version == 3 else {
            if version.byteSwapped == 2 || version.byteSwapped == 3 {
                throw fail("big-endian GGUF (version \(version.byteSwapped)) is not supported; MindSpace reads little-endian files", at: 4)
            }
            throw fail("GGUF version \(version) is not supported (MindSpace reads versions 2 and 3)", at: 4)
        }
        let tensorCount = try boundedCount(&cursor, "tensor count", each: minimumEntryBytes.tensorInfo)
        let metadataCount = try boundedCount(&cursor, "metadata key-value count", each: minimumEntryBytes.metadata)

        var metadata: [GGUFMetadataEntry] = []
        metadata.reserveCapacity(metadataCount)
        var keys = Set<String>()
        var alignment = defaultAlignment
        for index in 0..<metadataCount {
            let at = cursor.offset
            let key = try cursor.string("metadata key \(index)")
            let context = "metadata key '\(TerminalText.escaped(key))'"
            guard keys.insert(key).inserted else { throw fail("\(context) appears twice", at: at) }
            let type = try cursor.valueType(context)
            let value = try cursor.value(of: type, context)
            if key == "general.alignment" {
                guard case .uint32(let raw) = value, raw > 0, raw & (raw - 1) == 0 else {
                    throw fail("general.alignment must be a uint32 power of two, found \(describe(value))", at: at)
                }
                alignment = Int(raw)
            }
            metadata.append(GGUFMetadataEntry(key: key, value: value))
        }

        var infos: [GGUFTensorInfo] = []
        infos.reserveCapacity(tensorCount)
        var names = Set<String>()
        for index in 0..<tensorCount {
            let info = try tensorInfo(&cursor, index: index, alignment: alignment)
            guard names.insert(info.name).inserted else {
                throw fail("tensor '\(TerminalText.escaped(info.name))' appears twice")
            }
            infos.append(info)
        }
        cursor.align(to: alignment)
        let dataOffset = cursor.offset
        let tensors = try infos.map { try storedTensor($0, source: source, dataOffset: dataOffset) }
        return GGUFFile(path: path, version: version, alignment: alignment, metadata: metadata,
                        tensorInfos: infos, dataOffset: dataOffset, tensors: tensors)
    }

    /// A `uint64` count, refused when `count · each` bytes cannot fit in what remains.
    private static func boundedCount(_ cursor: inout GGUFByteCursor, _ what: String, each: Int) throws -> Int {
        let at = cursor.offset
        let count = try cursor.integer(UInt64.self, "the \(what)")
        guard count <= UInt64(cursor.remaining / each) else {
            throw MindSpaceError.malformed(cursor.source.path, offset: at,
                "\(what) \(count) cannot fit in the file (\(cursor.source.byteCount) bytes): truncated or corrupt")
        }
        return Int(count)
    }

    /// One tensor info, checked (see the type's documentation).
    private static func tensorInfo(_ cursor: inout GGUFByteCursor, index: Int, alignment: Int) throws -> GGUFTensorInfo {
        let path = cursor.source.path
        let name = try cursor.string("the name of tensor \(index)")
        let label = "tensor '\(TerminalText.escaped(name))'"
        func fail(_ reason: String, at offset: Int) -> MindSpaceError {
            MindSpaceError.malformed(path, offset: offset, "\(label): \(reason)")
        }
        var at = cursor.offset
        let rank = try cursor.integer(UInt32.self, "the dimension count of \(label)")
        guard rank <= UInt32(maximumDimensions) else {
            throw fail("\(rank) dimensions; GGUF allows at most \(maximumDimensions)", at: at)
        }
        var dimensions: [Int] = []
        for _ in 0..<Int(rank) {
            at = cursor.offset
            let size = try cursor.integer(UInt64.self, "the dimensions of \(label)")
            guard let dimension = Int(exactly: size) else { throw fail("dimension \(size) is too large", at: at) }
            dimensions.append(dimension)
        }
        at = cursor.offset
        let typeID = try cursor.integer(UInt32.self, "the type of \(label)")
        guard let type = GGUFTensorType(id: typeID) else {
            throw fail("unknown ggml tensor type \(typeID)", at: at)
        }
        at = cursor.offset
        let rawOffset = try cursor.integer(UInt64.self, "the data offset of \(label)")
        guard let offset = Int(exactly: rawOffset), offset % alignment == 0 else {
            throw fail("data offset \(rawOffset) is not a multiple of the alignment \(alignment)", at: at)
        }
        var elements = 1
        for dimension in dimensions {
            let (product, overflow) = elements.multipliedReportingOverflow(by: dimension)
            guard !overflow else { throw fail("shape \(dimensions) is too large to address", at: at) }
            elements = product
        }
        if let first = dimensions.first, first % type.blockSize != 0 {
            throw fail("its innermost dimension \(first) is not a multiple of the \(type.name) block size \(type.blockSize)", at: at)
        }
        guard elements % type.blockSize == 0 else {
            throw fail("\(elements) values do not fill whole \(type.name) blocks of \(type.blockSize)", at: at)
        }
        let (byteCount, overflow) = (elements / type.blockSize).multipliedReportingOverflow(by: type.typeSize)
        let (_, valuesOverflow) = elements.multipliedReportingOverflow(by: 8)
        guard !overflow, !valuesOverflow else { throw fail("shape \(dimensions) is too large to address", at: at) }
        return GGUFTensorInfo(name: name, dimensions: dimensions, type: type, offset: offset, byteCount: byteCount)
    }

    /// The `StoredTensor` for a checked tensor info; its bytes must lie inside the file.
    private static func storedTensor(_ info: GGUFTensorInfo, source: ByteSource, dataOffset: Int) throws -> StoredTensor {
        let label = "tensor '\(TerminalText.escaped(info.name))'"
        let (start, overflow) = dataOffset.addingReportingOverflow(info.offset)
        guard !overflow, start <= source.byteCount, info.byteCount <= source.byteCount - start else {
            throw MindSpaceError.malformed(source.path,
                "\(label): its data (\(info.byteCount) bytes at offset \(info.offset) of the data section, "
                + "which starts at byte \(dataOffset)) runs past the end of the file (\(source.byteCount) bytes)")
        }
        let bytes = try source.slice(offset: start, count: info.byteCount)
        let shape = Array(info.dimensions.reversed())
        let elements = shape.reduce(1, *)
        switch info.type.reading {
        case .plain(let dtype):
            return StoredTensor(name: info.name, dtype: dtype, shape: shape, byteOrder: .little,
                                storageOrder: .rowMajor, source: bytes)
        case .quantized(let quantization):
            return StoredTensor(name: info.name, dtype: .float32, shape: shape, byteOrder: .native,
                                storageOrder: .rowMajor,
                                source: DequantizingByteSource(blocks: bytes, quantization: quantization,
                                                               elementCount: elements),
                                quantization: info.type.name)
        case .refused:
            let reason = "\(label) is stored as \(info.type.name), which MindSpace does not dequantize "
                + "(it reads \(GGUFTensorType.readableNames.joined(separator: ", ")))"
            return StoredTensor(name: info.name, dtype: .float32, shape: shape, byteOrder: .native,
                                storageOrder: .rowMajor,
                                source: RefusedTensorByteSource(path: source.path, byteCount: elements * 4, reason: reason),
                                quantization: info.type.name)
        }
    }

    /// A metadata value's type and, for a scalar, its value (for messages).
    static func describe(_ value: GGUFValue) -> String {
        switch value {
        case .array(let type, let elements): return "an array of \(elements.count) \(type.name)"
        case .string: return "a string"
        case .uint32(let raw): return "\(raw)"
        default: return "a \(value.type.name)"
        }
    }
}
