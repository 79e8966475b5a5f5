import Foundation
import MindSpaceCore

/// Encodes matrices and vectors as NumPy `.npy` files (format version 1.0, little-endian, C
/// order) that `np.load` reads back exactly. Writers only produce `Data`; callers put it on disk
/// with `OutputTransaction` so a failed command leaves no partial file.
///
/// The header is laid out as NumPy ≥ 1.23 lays it out, so the bytes match `np.save` of the same
/// array: the dict `{'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }`, then spare
/// spaces that let the first dimension grow to 21 digits in place (NumPy's
/// `GROWTH_AXIS_MAX_DIGITS`), then spaces up to a multiple of 64 bytes (`ARRAY_ALIGN`, so the data
/// is aligned for memory mapping), then `\n`.
public enum NpyWriter {
    /// The `.npy` bytes of `matrix`, shape `(rows, columns)`. `Double` is written as `<f8`,
    /// `Float` as `<f4`; any other scalar type is converted to `Double` and written as `<f8`.
    /// Size: a 64–128-byte header plus `rows × columns × itemsize` bytes.
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    public static func encode<T: BinaryFloatingPoint & Sendable>(_ matrix: Matrix<T>) -> Data {
        encode(matrix.storage, shape: [matrix.rows, matrix.columns])
    }

    /// The `.npy` bytes of a one-dimensional `<f8` array, shape `(n,)`.
    public static func encode(vector: [Double]) -> Data {
        encode(vector, shape: [vector.count])
    }

    /// Header plus little-endian elements of `values` (row-major) with `shape`.
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    static func encode<T: BinaryFloatingPoint>(_ values: [T], shape: [Int]) -> Data {
        precondition(shape.reduce(1, *) == values.count, "shape does not match the element count")
        // Decide by type, not by `as?` on the array: an empty `[Double]` casts to `[Float]`.
        if T.self == Float.self {
            var data = Data(header(descr: "<f4", shape: shape))
            appendLittleEndian(values.map { Float($0).bitPattern }, to: &data)
            return data
        }
        let doubles = T.self == Double.self ? unsafeBitCast(values, to: [Double].self) : values.map { Double($0) }
        var data = Data(header(descr: "<f8", shape: shape))
        appendLittleEndian(doubles.map { $0.bitPattern }, to: &data)
        return data
    }

    /// Magic, version 1.0, header length and the padded header dictionary for a C-order array.
    static func header(descr: String, shape: [Int]) -> [UInt8] {
        var dictionary = "{'descr': '\(descr)', 'fortran_order': False, 'shape': \(NpyReader.describe(shape: shape)), }"
        if let first = shape.first {
            dictionary += String(repeating: " ", count: max(0, 21 - String(first).count))
        }
        let prefixLength = NpyReader.magic.count + 2 + 2
        let unpadded = prefixLength + dictionary.utf8.count + 1  // + the final newline
        let padding = 64 - unpadded % 64  // 1…64, as NumPy pads
        let headerLength = dictionary.utf8.count + padding + 1
        precondition(headerLength <= Int(UInt16.max), "header too long for format 1.0")
        var bytes = NpyReader.magic + [1, 0, UInt8(headerLength & 0xFF), UInt8(headerLength >> 8)]
        bytes += Array(dictionary.utf8)
        bytes += [UInt8](repeating: 0x20, count: padding)
        bytes.append(0x0A)
        return bytes
    }

    private static func appendLittleEndian<I: FixedWidthInteger>(_ words: [I], to data: inout Data) {
        let little = ByteOrder.native == .little ? words : words.map { $0.littleEndian }
        little.withUnsafeBytes { data.append(contentsOf: $0) }
    }
}
