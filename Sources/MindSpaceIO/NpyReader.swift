import Foundation
import MindSpaceCore

/// Reads NumPy `.npy` files (format versions 1.0, 2.0 and 3.0) into `StoredTensor`s without
/// reading their data: the reader parses the preamble and header and checks that the data's size
/// matches the shape exactly; elements are read later, on request, with `pread`.
///
/// Layout (NumPy's `numpy/lib/format.py` specification):
/// - bytes 0–5: magic `\x93NUMPY`; byte 6–7: major and minor version;
/// - header length: little-endian `UInt16` (1.0) or `UInt32` (2.0, 3.0);
/// - the header (latin-1 for 1.0/2.0, UTF-8 for 3.0): a Python dict literal, see `NpyHeader`;
/// - the array data, `product(shape) × itemsize` bytes, in C or Fortran order.
///
/// Refused with `.malformedData` naming the file: bad magic, an unknown version, a truncated or
/// malformed header, unsupported dtypes (object, string, complex, datetime, structured), shapes
/// whose size overflows, data shorter than the shape needs, and data *longer* than it needs.
/// NumPy's own `np.load` silently ignores trailing bytes (it reads `count` items); MindSpace
/// refuses them instead, because they usually mean a corrupted file or several arrays written
/// one after another into one file, and reading only the first would silently drop data.
/// A missing or unreadable file is `.missingInput`.
public enum NpyReader {
    /// The `.npy` magic string `\x93NUMPY`.
    static let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]
    /// Headers longer than this are refused (NumPy's own default limit is 10 000 bytes).
    static let maximumHeaderLength = 1 << 20

    /// The name of a `.npy` file's one array: `array`, whatever the file is called. NumPy gives
    /// that array no name (`np.load` returns it bare); a fixed name is what every command shows
    /// and accepts (`inspect`, `--array`, `trajectory --tensors`), and it lets a folder of `.npy`
    /// checkpoints (`step_1.npy`, `step_2.npy`, …) hold the same tensor in each file.
    public static let arrayName = "array"

    /// Opens the `.npy` file at `path` and describes its array, named `arrayName`. Cost: two small
    /// reads, whatever the file's size.
    public static func read(path: String) throws -> StoredTensor {
        let source = try FileByteSource(path: path)
        return try parse(source, name: arrayName)
    }

    /// Parses a `.npy` image held in `source` (a file, a slice of an archive, or memory) and
    /// returns a tensor over the slice of `source` that holds its data.
    public static func parse(_ source: ByteSource, name: String) throws -> StoredTensor {
        let file = source.path
        let total = source.byteCount
        guard total >= 10 else {
            throw MindSpaceError.malformed(file, "not a .npy file: only \(total) bytes, too short for the magic and header length")
        }
        let preamble = try source.bytes(at: 0, count: 8)
        guard Array(preamble[0..<6]) == magic else {
            throw MindSpaceError.malformed(file, offset: 0, "not a .npy file: bad magic bytes (expected \\x93NUMPY)")
        }
        let major = preamble[6], minor = preamble[7]
        let lengthFieldSize: Int
        let encoding: NpyHeader.TextEncoding
        switch (major, minor) {
        case (1, 0): lengthFieldSize = 2; encoding = .latin1
        case (2, 0): lengthFieldSize = 4; encoding = .latin1
        case (3, 0): lengthFieldSize = 4; encoding = .utf8
        default:
            throw MindSpaceError.malformed(file, offset: 6, "unsupported .npy format version \(major).\(minor) (MindSpace reads 1.0, 2.0 and 3.0)")
        }
        guard total >= 8 + lengthFieldSize else {
            throw MindSpaceError.malformed(file, "truncated header: the file ends inside the header length field")
        }
        let lengthBytes = try source.bytes(at: 8, count: lengthFieldSize)
        let headerLength = lengthBytes.enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        let headerStart = 8 + lengthFieldSize
        guard headerLength <= maximumHeaderLength else {
            throw MindSpaceError.malformed(file, offset: 8, "header length \(headerLength) bytes exceeds the \(maximumHeaderLength)-byte limit")
        }
        guard headerLength <= total - headerStart else {
            throw MindSpaceError.malformed(file, offset: 8,
                "truncated header: it claims \(headerLength) bytes but the file has \(total - headerStart) after the preamble")
        }
        let headerBytes = try source.bytes(at: headerStart, count: headerLength)
        let header = try NpyHeader.parse(headerBytes, encoding: encoding, file: file, baseOffset: headerStart)

        let shapeText = describe(shape: header.shape)
        guard let dataByteCount = StoredTensor.checkedByteCount(shape: header.shape, dtype: header.dtype) else {
            throw MindSpaceError.malformed(file, offset: headerStart, "shape \(shapeText) of '\(TerminalText.escaped(header.descr))' is too large: its byte size overflows")
        }
        let dataOffset = headerStart + headerLength
        let available = total - dataOffset
        if available < dataByteCount {
            throw MindSpaceError.malformed(file, offset: dataOffset,
                "truncated data: shape \(shapeText) of '\(TerminalText.escaped(header.descr))' needs \(dataByteCount) bytes, found \(available)")
        }
        if available > dataByteCount {
            throw MindSpaceError.malformed(file, offset: dataOffset + dataByteCount,
                "\(available - dataByteCount) unexpected bytes after the array data (shape \(shapeText) of '\(TerminalText.escaped(header.descr))' needs \(dataByteCount) bytes, found \(available)); one array per .npy file is supported")
        }
        let data = try source.slice(offset: dataOffset, count: dataByteCount)
        return StoredTensor(name: name, dtype: header.dtype, shape: header.shape, byteOrder: header.byteOrder,
                            storageOrder: header.storageOrder, source: data)
    }

    /// A shape as Python writes it: `()`, `(5,)`, `(3, 4)`.
    static func describe(shape: [Int]) -> String {
        shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
    }
}
