import MindSpaceCore

/// A `.safetensors` file, its header checked and its tensors described but not read.
///
/// The data stays on disk: each tensor's `source` is a slice of one shared `FileByteSource`
/// (one open descriptor per file, kept for as long as any of its tensors lives).
public struct SafetensorsFile: Sendable {
    /// The file, as the caller named it.
    public let path: String
    /// Every tensor in the header, sorted by data offset, that is, in the order their bytes lie
    /// in the file (ties, which only zero-size tensors can form, broken by name). Each is
    /// little-endian and row-major, as the format prescribes.
    public let tensors: [StoredTensor]
    /// The header's optional `__metadata__` object (string → string); empty when absent.
    public let metadata: [String: String]
    /// Offset in the file of the data buffer that `data_offsets` count from: 8 + header length.
    public let dataOffset: Int

    /// The tensor called `name`, if the file has one. O(tensors).
    public func tensor(named name: String) -> StoredTensor? {
        tensors.first(where: { $0.name == name })
    }
}

/// Reads the header of a `.safetensors` file (Hugging Face's format) and describes its tensors.
///
/// Layout: an 8-byte little-endian unsigned header length N; N bytes of UTF-8 JSON, an object
/// that maps each tensor name to `{"dtype": "F32", "shape": [2, 3], "data_offsets": [begin, end]}`
/// plus an optional `"__metadata__"` object of strings; then the data buffer, to which the
/// offsets are relative. Elements are little-endian, row-major.
///
/// Everything is checked before any element is touched, and each failure is a `.malformedData`
/// error naming the file (and the tensor):
/// - N ≤ file size − 8, and N ≤ `maximumHeaderByteCount` (100 MB, the reference
///   implementation's limit), so a corrupt length cannot make us allocate gigabytes;
/// - the header is strict JSON (see `JSONValue`: exact integers, no duplicate names), an object;
/// - each dtype is one MindSpace reads (F64, F32, F16, BF16, I64, I32, I16, I8, U64, U32, U16,
///   U8, BOOL); others such as `F8_E4M3` are refused, naming tensor and dtype;
/// - each shape is an array of non-negative integers whose byte count does not overflow;
/// - `begin ≤ end`, `end − begin` equals the shape's byte count, `end` lies within the data
///   buffer (otherwise the file is reported truncated);
/// - no two tensors' byte ranges overlap.
///
/// Deliberately more lenient than the reference implementation (the `safetensors` Rust crate),
/// which also demands that the ranges tile the data buffer exactly, from 0 to its end: gaps
/// between tensors and trailing bytes after the last one are accepted here, because the tensors
/// they frame are still unambiguous. Unknown extra keys in a tensor's entry are ignored.
///
/// Complexity: one read of the header (N bytes) and O(T log T) for T tensors; no element data
/// is read.
public enum SafetensorsReader {
    /// The largest header accepted, in bytes (the reference implementation's limit).
    public static let maximumHeaderByteCount = 100_000_000

    /// Opens and checks the file at `path`. Missing or unreadable files throw `.missingInput`;
    /// anything wrong with the contents throws `.malformedData`.
    public static func read(path: String) throws -> SafetensorsFile {
        try read(source: FileByteSource(path: path))
    }

    /// Checks and describes safetensors bytes from any source (a file, or bytes in memory);
    /// tensors are slices of `source`.
    public static func read(source: ByteSource) throws -> SafetensorsFile {
        let path = source.path
        guard source.byteCount >= 8 else {
            throw MindSpaceError.malformed(path,
                "not a safetensors file: \(source.byteCount) bytes, too short for the 8-byte header length")
        }
        let lengthBytes = try source.bytes(at: 0, count: 8)
        let headerLength = lengthBytes.reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        guard headerLength <= UInt64(maximumHeaderByteCount) else {
            throw MindSpaceError.malformed(path, offset: 0,
                "safetensors header length \(headerLength) exceeds the limit of \(maximumHeaderByteCount) bytes")
        }
        guard headerLength <= UInt64(source.byteCount - 8) else {
            throw MindSpaceError.malformed(path, offset: 0,
                "safetensors header length \(headerLength) runs past the end of the file (\(source.byteCount) bytes)")
        }
        let headerByteCount = Int(headerLength)
        let dataOffset = 8 + headerByteCount
        let headerBytes = try source.bytes(at: 8, count: headerByteCount)
        let header: JSONValue
        do {
            header = try JSONValue.parse(headerBytes)
        } catch let error as JSONSyntaxError {
            throw MindSpaceError.malformed(path, offset: 8 + error.offset,
                                           "safetensors header is not valid JSON: \(error.reason)")
        }
        guard case .object(let members) = header else {
            throw MindSpaceError.malformed(path, offset: 8,
                "safetensors header must be a JSON object, found \(header.kindDescription)")
        }

        let dataByteCount = source.byteCount - dataOffset
        var metadata: [String: String] = [:]
        var entries: [TensorEntry] = []
        entries.reserveCapacity(members.count)
        for (name, value) in members {
            if name == "__metadata__" {
                metadata = try parseMetadata(value, path: path)
            } else {
                entries.append(try parseEntry(name: name, value: value, dataByteCount: dataByteCount, path: path))
            }
        }

        entries.sort { ($0.begin, $0.end, $0.name) < ($1.begin, $1.end, $1.name) }
        for (previous, next) in zip(entries, entries.dropFirst()) where next.begin < previous.end {
            throw MindSpaceError.malformed(path,
                "tensors '\(TerminalText.escaped(previous.name))' (data_offsets [\(previous.begin), \(previous.end)]) and "
                + "'\(TerminalText.escaped(next.name))' (data_offsets [\(next.begin), \(next.end)]) overlap")
        }

        let tensors = try entries.map { entry in
            StoredTensor(name: entry.name, dtype: entry.dtype, shape: entry.shape, byteOrder: .little,
                         storageOrder: .rowMajor,
                         source: try source.slice(offset: dataOffset + entry.begin, count: entry.end - entry.begin))
        }
        return SafetensorsFile(path: path, tensors: tensors, metadata: metadata, dataOffset: dataOffset)
    }

    /// One header entry, checked.
    private struct TensorEntry {
        let name: String
        let dtype: DType
        let shape: [Int]
        let begin: Int
        let end: Int
    }

    private static func parseMetadata(_ value: JSONValue, path: String) throws -> [String: String] {
        guard case .object(let pairs) = value else {
            throw MindSpaceError.malformed(path,
                "safetensors '__metadata__' must be an object of strings, found \(value.kindDescription)")
        }
        var metadata: [String: String] = [:]
        for (key, item) in pairs {
            guard case .string(let text) = item else {
                throw MindSpaceError.malformed(path,
                    "safetensors '__metadata__' value for '\(TerminalText.escaped(key))' must be a string, found \(item.kindDescription)")
            }
            metadata[key] = text
        }
        return metadata
    }

    private static func parseEntry(name: String, value: JSONValue, dataByteCount: Int,
                                   path: String) throws -> TensorEntry {
        func fail(_ reason: String) -> MindSpaceError {
            MindSpaceError.malformed(path, "tensor '\(TerminalText.escaped(name))': \(reason)")
        }
        guard case .object = value else {
            throw fail("header entry must be an object with dtype, shape and data_offsets, found \(value.kindDescription)")
        }
        guard case .string(let dtypeName)? = value["dtype"] else {
            throw fail("missing or non-string 'dtype'")
        }
        guard let dtype = DType(safetensorsName: dtypeName) else {
            let supported = DType.allCases.map(\.safetensorsName).joined(separator: ", ")
            throw fail("dtype '\(TerminalText.escaped(dtypeName))' is not supported (MindSpace reads \(supported))")
        }
        guard case .array(let shapeValues)? = value["shape"] else {
            throw fail("missing 'shape' array")
        }
        var shape: [Int] = []
        for item in shapeValues {
            guard let dimension = item.exactInteger, dimension >= 0 else {
                throw fail("shape entries must be non-negative integers, found \(item.kindDescription)")
            }
            shape.append(dimension)
        }
        guard let byteCount = StoredTensor.checkedByteCount(shape: shape, dtype: dtype) else {
            throw fail("shape \(shape) of \(dtypeName) is too large to address")
        }
        guard case .array(let offsetValues)? = value["data_offsets"], offsetValues.count == 2,
              let begin = offsetValues[0].exactInteger, let end = offsetValues[1].exactInteger else {
            throw fail("'data_offsets' must be an array of two integers [begin, end]")
        }
        guard begin >= 0, begin <= end else {
            throw fail("data_offsets [\(begin), \(end)] must satisfy 0 ≤ begin ≤ end")
        }
        guard end - begin == byteCount else {
            throw fail("data_offsets [\(begin), \(end)] span \(end - begin) bytes, "
                       + "but shape \(shape) of \(dtypeName) needs \(byteCount)")
        }
        guard end <= dataByteCount else {
            throw fail("truncated: data_offsets [\(begin), \(end)] run past the end of the data buffer "
                       + "(\(dataByteCount) bytes)")
        }
        return TensorEntry(name: name, dtype: dtype, shape: shape, begin: begin, end: end)
    }
}
