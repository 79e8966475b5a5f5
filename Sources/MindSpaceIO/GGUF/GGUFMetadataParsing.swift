import MindSpaceCore

/// Reading metadata values (GGUF spec, docs/gguf.md, "gguf_metadata_value_t"): scalars are
/// little-endian, a string is a `uint64` length and its bytes, an array is a `uint32` element
/// type, a `uint64` count and the elements (which may be arrays themselves).
///
/// A crafted file cannot make this allocate beyond the file's size, or recurse without bound:
/// an array's count must fit in the bytes that remain at the element type's minimum size
/// (`GGUFValueType.minimumByteCount`), and arrays nest at most `maximumNesting` deep.
extension GGUFByteCursor {
    /// How deep arrays of arrays may nest (ggml writes none; gguf-py can write a few levels).
    static let maximumNesting = 16

    /// The next `uint32` value type tag; an unknown tag is `.malformedData` naming `context`.
    mutating func valueType(_ context: @autoclosure () -> String) throws -> GGUFValueType {
        let at = offset
        let raw = try integer(UInt32.self, "the value type of \(context())")
        guard let type = GGUFValueType(rawValue: raw) else {
            throw MindSpaceError.malformed(source.path, offset: at,
                "\(context()): unknown metadata value type \(raw) (GGUF defines 0–12)")
        }
        return type
    }

    /// The next value of type `type`. `context` names the key for messages.
    mutating func value(of type: GGUFValueType, _ context: String, depth: Int = 0) throws -> GGUFValue {
        switch type {
        case .uint8: return .uint8(try integer(UInt8.self, context))
        case .int8: return .int8(try integer(Int8.self, context))
        case .uint16: return .uint16(try integer(UInt16.self, context))
        case .int16: return .int16(try integer(Int16.self, context))
        case .uint32: return .uint32(try integer(UInt32.self, context))
        case .int32: return .int32(try integer(Int32.self, context))
        case .float32: return .float32(Float(bitPattern: try integer(UInt32.self, context)))
        case .bool: return .bool(try integer(UInt8.self, context) != 0)
        case .string: return .string(try string(context))
        case .uint64: return .uint64(try integer(UInt64.self, context))
        case .int64: return .int64(try integer(Int64.self, context))
        case .float64: return .float64(Double(bitPattern: try integer(UInt64.self, context)))
        case .array: return try array(context, depth: depth)
        }
    }

    private mutating func array(_ context: String, depth: Int) throws -> GGUFValue {
        guard depth < Self.maximumNesting else {
            throw MindSpaceError.malformed(source.path, offset: offset,
                "\(context): arrays nested more than \(Self.maximumNesting) deep")
        }
        let elementType = try valueType("the elements of \(context)")
        let at = offset
        let count = try integer(UInt64.self, "the element count of \(context)")
        let limit = remaining / elementType.minimumByteCount
        guard count <= UInt64(limit) else {
            throw MindSpaceError.malformed(source.path, offset: at,
                "\(context): an array of \(count) \(elementType.name) values cannot fit in the "
                + "\(remaining) bytes left in the file")
        }
        var elements: [GGUFValue] = []
        elements.reserveCapacity(Int(count))
        for _ in 0..<Int(count) {
            elements.append(try value(of: elementType, context, depth: depth + 1))
        }
        return .array(elementType, elements)
    }
}
