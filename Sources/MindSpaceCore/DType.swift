/// The element types MindSpace reads, with their on-disk width. Names follow NumPy
/// (`float32`, `bfloat16`); `safetensorsName` gives the safetensors spelling (`F32`, `BF16`).
public enum DType: String, Sendable, CaseIterable, Codable {
    case float16, bfloat16, float32, float64
    case int8, int16, int32, int64
    case uint8, uint16, uint32, uint64
    case bool

    /// Bytes per element on disk.
    public var byteSize: Int {
        switch self {
        case .int8, .uint8, .bool: return 1
        case .float16, .bfloat16, .int16, .uint16: return 2
        case .float32, .int32, .uint32: return 4
        case .float64, .int64, .uint64: return 8
        }
    }

    public var isFloatingPoint: Bool {
        switch self {
        case .float16, .bfloat16, .float32, .float64: return true
        default: return false
        }
    }

    /// Integer or boolean: converted to floating point on request, skipped by default in
    /// checkpoint selections.
    public var isIntegerOrBool: Bool { !isFloatingPoint }

    /// The safetensors dtype string (`F64`, `F32`, `F16`, `BF16`, `I64`, …, `BOOL`).
    public var safetensorsName: String {
        switch self {
        case .float16: return "F16"
        case .bfloat16: return "BF16"
        case .float32: return "F32"
        case .float64: return "F64"
        case .int8: return "I8"
        case .int16: return "I16"
        case .int32: return "I32"
        case .int64: return "I64"
        case .uint8: return "U8"
        case .uint16: return "U16"
        case .uint32: return "U32"
        case .uint64: return "U64"
        case .bool: return "BOOL"
        }
    }

    /// The dtype for a safetensors dtype string, or `nil` if MindSpace does not read it.
    public init?(safetensorsName: String) {
        guard let match = DType.allCases.first(where: { $0.safetensorsName == safetensorsName }) else { return nil }
        self = match
    }
}

/// Byte order of multi-byte elements on disk.
public enum ByteOrder: String, Sendable, Codable {
    case little, big
    /// The byte order of this machine.
    public static var native: ByteOrder {
        1.littleEndian == 1 ? .little : .big
    }
}

/// Whether an n-dimensional array is stored with its last index varying fastest (C, row-major)
/// or its first (Fortran, column-major).
public enum StorageOrder: String, Sendable, Codable {
    case rowMajor, columnMajor
}
