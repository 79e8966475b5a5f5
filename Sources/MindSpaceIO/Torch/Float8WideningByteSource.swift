import MindSpaceCore

/// FP8 elements presented as native-order float32, widened exactly, so that FP8 tensors reach
/// every consumer of `StoredTensor` as `float32` without a new `DType`.
///
/// Formats (Micikevicius et al., "FP8 Formats for Deep Learning", 2022; PyTorch's
/// `c10/util/Float8_e4m3fn.h` and `Float8_e5m2.h`):
/// - `e4m3fn`: sign, 4 exponent bits (bias 7), 3 mantissa bits; no infinities; `S.1111.111` is
///   NaN; exponent 0 is subnormal, `m·2⁻⁹`. Largest finite value 448.
/// - `e5m2`: the upper byte of an IEEE binary16 (bias 15, infinities and NaN as in binary16).
/// Every FP8 value is exactly representable in float32.
struct Float8WideningByteSource: ByteSource {
    enum Format: Sendable { case e4m3fn, e5m2 }

    let base: ByteSource
    let format: Format
    var byteCount: Int { base.byteCount * 4 }
    var path: String { base.path }

    /// The float32 value of one FP8 byte.
    static func widen(_ byte: UInt8, _ format: Format) -> Float {
        switch format {
        case .e5m2:
            return ElementDecoding.float(fromHalfBits: UInt16(byte) << 8)
        case .e4m3fn:
            let negative = byte & 0x80 != 0
            let exponent = Int((byte >> 3) & 0x0F)
            let mantissa = UInt32(byte & 0x07)
            let magnitude: Float
            if exponent == 0x0F && mantissa == 0x07 {
                magnitude = .nan
            } else if exponent == 0 {
                magnitude = Float(mantissa) * 0x1p-9
            } else {
                magnitude = Float(bitPattern: UInt32(exponent - 7 + 127) << 23 | mantissa << 20)
            }
            return negative ? -magnitude : magnitude
        }
    }

    func read(at offset: Int, into buffer: UnsafeMutableRawBufferPointer) throws {
        guard offset >= 0, buffer.count <= byteCount - offset else {
            throw MindSpaceError.malformed(path, "truncated: needs \(buffer.count) bytes at offset \(offset) of \(byteCount) widened FP8 bytes")
        }
        guard buffer.count > 0 else { return }
        let first = offset / 4
        let last = (offset + buffer.count - 1) / 4
        let raw = try base.bytes(at: first, count: last - first + 1)
        let widened = raw.map { Self.widen($0, format) }
        widened.withUnsafeBytes { bytes in
            let skip = offset - first * 4
            buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[skip..<(skip + buffer.count)]))
        }
    }
}
