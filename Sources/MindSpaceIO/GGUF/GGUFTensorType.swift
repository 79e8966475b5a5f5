import MindSpaceCore

/// A ggml tensor type as a GGUF tensor info stores it (`enum ggml_type` in ggml.h; block sizes
/// and bytes per block from `ggml_type_traits` in ggml.c, the same table as gguf-py's
/// `GGML_QUANT_SIZES`), and how MindSpace reads it.
///
/// A tensor of `n` elements of a type with `blockSize` B and `typeSize` S occupies `n / B · S`
/// bytes; its innermost dimension `ne[0]` must be a multiple of B (ggml's rule), so blocks never
/// straddle rows.
public struct GGUFTensorType: Sendable, Equatable {
    /// How MindSpace turns the stored bytes into numbers.
    public enum Reading: Sendable, Equatable {
        /// Stored as plain little-endian elements of this dtype (F32, F16, BF16, F64, I8…I64).
        case plain(DType)
        /// Stored in blocks that are dequantized to float32 on read.
        case quantized(GGUFQuantization)
        /// A type MindSpace lists but does not read (IQ*, TQ*, MXFP4, …): reading it is refused.
        case refused
    }

    /// The numeric `ggml_type` value.
    public let id: UInt32
    /// ggml's name for it (`"Q4_K"`, `"IQ4_NL"`).
    public let name: String
    /// Elements per block (1 for plain types).
    public let blockSize: Int
    /// Bytes per block.
    public let typeSize: Int
    public let reading: Reading

    /// The type with ggml id `id`, or `nil` for an id ggml does not define (or has removed, such
    /// as the old Q4_2 = 4 and the repacked Q4_0_4_4 = 31).
    public init?(id: UInt32) {
        guard let entry = Self.table.first(where: { $0.id == id }) else { return nil }
        self = entry
    }

    private init(_ id: UInt32, _ name: String, _ blockSize: Int, _ typeSize: Int, _ reading: Reading) {
        self.id = id
        self.name = name
        self.blockSize = blockSize
        self.typeSize = typeSize
        self.reading = reading
    }

    /// QK_K, the super-block size of the K-quants and most IQ types (ggml-common.h).
    static let superBlock = 256

    /// Every type ggml defines (ggml.h as of gguf-py 0.19.0), by id.
    static let table: [GGUFTensorType] = {
        let k = superBlock
        return [
            .init(0, "F32", 1, 4, .plain(.float32)),
            .init(1, "F16", 1, 2, .plain(.float16)),
            .init(2, "Q4_0", 32, 2 + 16, .quantized(.q4_0)),
            .init(3, "Q4_1", 32, 2 + 2 + 16, .quantized(.q4_1)),
            .init(6, "Q5_0", 32, 2 + 4 + 16, .quantized(.q5_0)),
            .init(7, "Q5_1", 32, 2 + 2 + 4 + 16, .quantized(.q5_1)),
            .init(8, "Q8_0", 32, 2 + 32, .quantized(.q8_0)),
            .init(9, "Q8_1", 32, 4 + 4 + 32, .refused),
            .init(10, "Q2_K", k, 2 + 2 + k / 16 + k / 4, .quantized(.q2_K)),
            .init(11, "Q3_K", k, 2 + k / 4 + k / 8 + 12, .quantized(.q3_K)),
            .init(12, "Q4_K", k, 2 + 2 + k / 2 + 12, .quantized(.q4_K)),
            .init(13, "Q5_K", k, 2 + 2 + k / 2 + k / 8 + 12, .quantized(.q5_K)),
            .init(14, "Q6_K", k, 2 + k / 2 + k / 4 + k / 16, .quantized(.q6_K)),
            .init(15, "Q8_K", k, 4 + k + k / 8, .refused),
            .init(16, "IQ2_XXS", k, 2 + k / 4, .refused),
            .init(17, "IQ2_XS", k, 2 + k / 4 + k / 32, .refused),
            .init(18, "IQ3_XXS", k, 2 + k / 4 + k / 8, .refused),
            .init(19, "IQ1_S", k, 2 + k / 8 + k / 16, .refused),
            .init(20, "IQ4_NL", 32, 2 + 16, .refused),
            .init(21, "IQ3_S", k, 2 + k / 4 + k / 8 + k / 32 + 4, .refused),
            .init(22, "IQ2_S", k, 2 + k / 4 + k / 16, .refused),
            .init(23, "IQ4_XS", k, 2 + 2 + k / 2 + k / 64, .refused),
            .init(24, "I8", 1, 1, .plain(.int8)),
            .init(25, "I16", 1, 2, .plain(.int16)),
            .init(26, "I32", 1, 4, .plain(.int32)),
            .init(27, "I64", 1, 8, .plain(.int64)),
            .init(28, "F64", 1, 8, .plain(.float64)),
            .init(29, "IQ1_M", k, k / 8 + k / 16 + k / 32, .refused),
            .init(30, "BF16", 1, 2, .plain(.bfloat16)),
            .init(34, "TQ1_0", k, 2 + 4 * 13, .refused),
            .init(35, "TQ2_0", k, 2 + 64, .refused),
            .init(39, "MXFP4", 32, 1 + 16, .refused),
            .init(40, "NVFP4", 64, 4 + 32, .refused),
            .init(41, "Q1_0", 128, 2 + 16, .refused),
        ]
    }()

    /// The names of the types MindSpace reads, for messages.
    public static var readableNames: [String] {
        table.filter { $0.reading != .refused }.map(\.name)
    }
}
