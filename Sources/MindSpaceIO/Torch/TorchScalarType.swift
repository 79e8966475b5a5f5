import MindSpaceCore

/// A torch element type as a checkpoint names it: by dtype (`torch.float32`, in
/// `_rebuild_tensor_v3`) or by storage class (`torch.FloatStorage`, in a persistent id).
/// The names and widths follow PyTorch's `c10/core/ScalarType.h`.
///
/// MindSpace reads the real and integer types and the two FP8 formats; complex and quantized
/// types are recognised (so a checkpoint holding one is listed by name) but refused when read.
public enum TorchScalarType: String, Sendable, Equatable, CaseIterable {
    case float64, float32, float16, bfloat16
    case int64, int32, int16, int8, uint8, bool
    case uint16, uint32, uint64
    case float8E4M3FN = "float8_e4m3fn"
    case float8E5M2 = "float8_e5m2"
    case complex64, complex128, complex32
    case qint8, quint8, qint32

    /// Bytes per element.
    public var byteSize: Int {
        switch self {
        case .float64, .int64, .uint64, .complex64: return 8
        case .float32, .int32, .uint32, .qint32, .complex32: return 4
        case .float16, .bfloat16, .int16, .uint16: return 2
        case .int8, .uint8, .bool, .float8E4M3FN, .float8E5M2, .qint8, .quint8: return 1
        case .complex128: return 16
        }
    }

    /// The MindSpace element type the tensor is presented as: the same type where one exists;
    /// float32 for the FP8 formats, which `Float8WideningByteSource` widens exactly; `nil` for
    /// complex and quantized types.
    public var presentedDType: DType? {
        switch self {
        case .float64: return .float64
        case .float32: return .float32
        case .float16: return .float16
        case .bfloat16: return .bfloat16
        case .int64: return .int64
        case .int32: return .int32
        case .int16: return .int16
        case .int8: return .int8
        case .uint8: return .uint8
        case .bool: return .bool
        case .uint16: return .uint16
        case .uint32: return .uint32
        case .uint64: return .uint64
        case .float8E4M3FN, .float8E5M2: return .float32
        case .complex64, .complex128, .complex32, .qint8, .quint8, .qint32: return nil
        }
    }

    /// The type of a `torch.<name>` dtype global (`float32`, and the aliases `float`, `half`,
    /// `double`, `long`, `int`, `short`, `cfloat`, `cdouble`, `chalf`).
    public init?(dtypeName name: String) {
        let aliases: [String: TorchScalarType] = [
            "float": .float32, "double": .float64, "half": .float16, "long": .int64, "int": .int32,
            "short": .int16, "cfloat": .complex64, "cdouble": .complex128, "chalf": .complex32,
        ]
        if let alias = aliases[name] { self = alias; return }
        guard let match = TorchScalarType(rawValue: name) else { return nil }
        self = match
    }

    /// The type of a `torch.<Name>Storage` class (`FloatStorage` → float32), or uint8 for
    /// `UntypedStorage` and `ByteStorage`.
    public init?(storageClass name: String) {
        let classes: [String: TorchScalarType] = [
            "DoubleStorage": .float64, "FloatStorage": .float32, "HalfStorage": .float16,
            "BFloat16Storage": .bfloat16, "LongStorage": .int64, "IntStorage": .int32,
            "ShortStorage": .int16, "CharStorage": .int8, "ByteStorage": .uint8, "BoolStorage": .bool,
            "UntypedStorage": .uint8, "ComplexFloatStorage": .complex64,
            "ComplexDoubleStorage": .complex128, "QInt8Storage": .qint8, "QUInt8Storage": .quint8,
            "QInt32Storage": .qint32,
        ]
        guard let match = classes[name] else { return nil }
        self = match
    }
}
