import MindSpaceCore

/// The ggml block quantizations that MindSpace dequantizes to float32, each exactly as ggml's
/// reference `dequantize_row_*` in ggml-quants.c does (and gguf-py's `gguf.quants.dequantize`,
/// which the tests compare against bit for bit).
///
/// Every formula is evaluated in `Float` with one rounding per operation, in ggml's order
/// (`d * q - m` is a rounded product, then a rounded difference; Swift does not fuse them into
/// an FMA). The f16 scales widen exactly. A scale that is NaN or infinite in the file gives
/// NaN/infinite values, as in ggml; nothing traps.
///
/// Block layouts (ggml-common.h; `d`, `m`, `dmin` are little-endian IEEE binary16):
/// - Q4_0 (32 values, 18 bytes): `d`, 16 bytes of 4-bit `q`; `y = (q − 8)·d`.
/// - Q4_1 (32, 20): `d`, `m`, 16 bytes of 4-bit `q`; `y = q·d + m`.
/// - Q5_0 (32, 22): `d`, 32 high bits `qh`, 16 bytes of low nibbles; `y = (q − 16)·d`.
/// - Q5_1 (32, 24): `d`, `m`, `qh`, low nibbles; `y = q·d + m`.
/// - Q8_0 (32, 34): `d`, 32 signed bytes; `y = q·d`.
/// - Q2_K … Q6_K (256 values in 16 or 8 sub-blocks with 4- to 8-bit sub-block scales): see
///   `GGUFKQuants.swift`.
public enum GGUFQuantization: String, Sendable, CaseIterable {
    case q4_0 = "Q4_0", q4_1 = "Q4_1", q5_0 = "Q5_0", q5_1 = "Q5_1", q8_0 = "Q8_0"
    case q2_K = "Q2_K", q3_K = "Q3_K", q4_K = "Q4_K", q5_K = "Q5_K", q6_K = "Q6_K"

    /// Values per block.
    public var blockSize: Int {
        switch self {
        case .q4_0, .q4_1, .q5_0, .q5_1, .q8_0: return 32
        case .q2_K, .q3_K, .q4_K, .q5_K, .q6_K: return GGUFTensorType.superBlock
        }
    }

    /// Bytes per block.
    public var blockByteCount: Int {
        switch self {
        case .q4_0: return 18
        case .q4_1: return 20
        case .q5_0: return 22
        case .q5_1: return 24
        case .q8_0: return 34
        case .q2_K: return 84
        case .q3_K: return 110
        case .q4_K: return 144
        case .q5_K: return 176
        case .q6_K: return 210
        }
    }

    /// Dequantizes `blocks` consecutive blocks from `raw` (at least `blocks · blockByteCount`
    /// bytes) into the first `blocks · blockSize` elements of `target`. O(values).
    public func dequantize(_ raw: UnsafeRawBufferPointer, blocks: Int,
                           into target: UnsafeMutableBufferPointer<Float>) {
        precondition(raw.count >= blocks * blockByteCount && target.count >= blocks * blockSize)
        guard blocks > 0, let source = raw.baseAddress, let output = target.baseAddress else { return }
        let kernel: (UnsafeRawPointer, UnsafeMutablePointer<Float>) -> Void
        switch self {
        case .q4_0: kernel = Self.blockQ4_0
        case .q4_1: kernel = Self.blockQ4_1
        case .q5_0: kernel = Self.blockQ5_0
        case .q5_1: kernel = Self.blockQ5_1
        case .q8_0: kernel = Self.blockQ8_0
        case .q2_K: kernel = Self.blockQ2_K
        case .q3_K: kernel = Self.blockQ3_K
        case .q4_K: kernel = Self.blockQ4_K
        case .q5_K: kernel = Self.blockQ5_K
        case .q6_K: kernel = Self.blockQ6_K
        }
        for block in 0..<blocks {
            kernel(source + block * blockByteCount, output + block * blockSize)
        }
    }

    /// The binary16 at `offset` of a block, widened exactly (`GGML_FP16_TO_FP32`).
    @inline(__always)
    static func half(_ block: UnsafeRawPointer, _ offset: Int) -> Float {
        ElementDecoding.float(fromHalfBits: UInt16(littleEndian: block.loadUnaligned(fromByteOffset: offset, as: UInt16.self)))
    }

    @inline(__always)
    static func byte(_ block: UnsafeRawPointer, _ offset: Int) -> UInt8 {
        block.load(fromByteOffset: offset, as: UInt8.self)
    }

    // MARK: - The legacy 32-value blocks (ggml-quants.c, dequantize_row_q4_0 … q8_0)

    /// `dequantize_row_q4_0`: byte j holds value j (low nibble) and value j + 16 (high nibble).
    static func blockQ4_0(_ b: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>) {
        let d = half(b, 0)
        for j in 0..<16 {
            let q = byte(b, 2 + j)
            y[j] = Float(Int32(q & 0x0F) - 8) * d
            y[j + 16] = Float(Int32(q >> 4) - 8) * d
        }
    }

    /// `dequantize_row_q4_1`: `y = q·d + m`.
    static func blockQ4_1(_ b: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>) {
        let d = half(b, 0), m = half(b, 2)
        for j in 0..<16 {
            let q = byte(b, 4 + j)
            y[j] = Float(q & 0x0F) * d + m
            y[j + 16] = Float(q >> 4) * d + m
        }
    }

    /// `dequantize_row_q5_0`: bit j of the little-endian `qh` is bit 4 of value j.
    static func blockQ5_0(_ b: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>) {
        let d = half(b, 0)
        let qh = UInt32(littleEndian: b.loadUnaligned(fromByteOffset: 2, as: UInt32.self))
        for j in 0..<16 {
            let q = UInt32(byte(b, 6 + j))
            let high0 = ((qh >> UInt32(j)) << 4) & 0x10
            let high1 = (qh >> UInt32(j + 12)) & 0x10
            y[j] = Float(Int32(bitPattern: (q & 0x0F) | high0) - 16) * d
            y[j + 16] = Float(Int32(bitPattern: (q >> 4) | high1) - 16) * d
        }
    }

    /// `dequantize_row_q5_1`: as Q5_0 without the offset, `y = q·d + m`.
    static func blockQ5_1(_ b: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>) {
        let d = half(b, 0), m = half(b, 2)
        let qh = UInt32(littleEndian: b.loadUnaligned(fromByteOffset: 4, as: UInt32.self))
        for j in 0..<16 {
            let q = UInt32(byte(b, 8 + j))
            let high0 = ((qh >> UInt32(j)) << 4) & 0x10
            let high1 = (qh >> UInt32(j + 12)) & 0x10
            y[j] = Float((q & 0x0F) | high0) * d + m
            y[j + 16] = Float((q >> 4) | high1) * d + m
        }
    }

    /// `dequantize_row_q8_0`: `y = q·d` with q a signed byte.
    static func blockQ8_0(_ b: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>) {
        let d = half(b, 0)
        for j in 0..<32 {
            y[j] = Float(Int8(bitPattern: byte(b, 2 + j))) * d
        }
    }
}
