/// The type tag of a GGUF metadata value (`enum gguf_type` in ggml's gguf.h; GGUF spec,
/// docs/gguf.md, "gguf_metadata_value_type"): 13 types, numbered 0–12.
public enum GGUFValueType: UInt32, Sendable, CaseIterable {
    case uint8 = 0, int8 = 1, uint16 = 2, int16 = 3, uint32 = 4, int32 = 5, float32 = 6, bool = 7
    case string = 8, array = 9, uint64 = 10, int64 = 11, float64 = 12

    /// The spec's lower-case name (`"uint32"`, `"string"`, `"array"`).
    public var name: String { String(describing: self) }

    /// Bytes a value of this type occupies when fixed, `nil` for strings and arrays.
    public var fixedByteCount: Int? {
        switch self {
        case .uint8, .int8, .bool: return 1
        case .uint16, .int16: return 2
        case .uint32, .int32, .float32: return 4
        case .uint64, .int64, .float64: return 8
        case .string, .array: return nil
        }
    }

    /// The fewest bytes a value of this type can occupy: its fixed size, 8 for a string (its
    /// length), 12 for an array (element type and count). Bounds a claimed element count by
    /// the bytes that remain, so a crafted count cannot make the reader allocate.
    public var minimumByteCount: Int {
        fixedByteCount ?? (self == .string ? 8 : 12)
    }
}

/// One GGUF metadata value, as stored. Strings are UTF-8 in the file (the bytes of an invalid
/// sequence become `\xNN` text, `TerminalText.decoded`); they are not escaped here: escape them (`TerminalText`) before printing. Not
/// `indirect`: an array's elements live in the array's own buffer, so a vocabulary of 150 000
/// strings is one allocation of values, not 150 000 boxes.
public enum GGUFValue: Sendable, Equatable {
    case uint8(UInt8), int8(Int8), uint16(UInt16), int16(Int16), uint32(UInt32), int32(Int32)
    case float32(Float), bool(Bool), string(String), uint64(UInt64), int64(Int64), float64(Double)
    /// An array: its element type and its elements (arrays may nest).
    case array(GGUFValueType, [GGUFValue])

    /// The value's type tag.
    public var type: GGUFValueType {
        switch self {
        case .uint8: return .uint8
        case .int8: return .int8
        case .uint16: return .uint16
        case .int16: return .int16
        case .uint32: return .uint32
        case .int32: return .int32
        case .float32: return .float32
        case .bool: return .bool
        case .string: return .string
        case .uint64: return .uint64
        case .int64: return .int64
        case .float64: return .float64
        case .array: return .array
        }
    }
}

/// One key-value pair of a GGUF file's metadata (`general.architecture`, `general.alignment`,
/// `tokenizer.ggml.tokens`, …), in file order.
public struct GGUFMetadataEntry: Sendable, Equatable {
    public let key: String
    public let value: GGUFValue

    public init(key: String, value: GGUFValue) {
        self.key = key
        self.value = value
    }
}
