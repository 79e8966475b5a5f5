import MindSpaceCore

/// A JSON document as the file wrote it, for the small headers MindSpace reads (safetensors
/// headers, `model.safetensors.index.json`).
///
/// Unlike Foundation's `JSONSerialization`, this parser
/// - keeps numbers as their literal text, so an offset is read as an exact `Int` (no `Double`
///   rounding above 2⁵³) and `2.0` or `2e3` is refused where an integer is required;
/// - keeps object members in file order (so "the order of the weight map" means something);
/// - refuses duplicate keys (two tensors of one name would otherwise silently shadow each other);
/// - refuses nesting deeper than `JSONValue.maximumDepth`, so a hostile header cannot exhaust the
///   stack;
/// - reports the byte offset of the first problem.
///
/// It follows RFC 8259 strictly otherwise: no comments, no trailing commas, no NaN, strings are
/// valid UTF-8 without raw control characters. Complexity O(bytes).
enum JSONValue: Equatable {
    case object([(key: String, value: JSONValue)])
    case array([JSONValue])
    case string(String)
    /// The number's literal text, already checked against the JSON number grammar.
    case number(String)
    case bool(Bool)
    case null

    /// Objects and arrays nested deeper than this are refused.
    static let maximumDepth = 64

    static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case let (.object(a), .object(b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        case let (.array(a), .array(b)): return a == b
        case let (.string(a), .string(b)): return a == b
        case let (.number(a), .number(b)): return a == b
        case let (.bool(a), .bool(b)): return a == b
        case (.null, .null): return true
        default: return false
        }
    }

    /// The value as an exact integer, or `nil` if it is not a number, has a fraction or exponent
    /// part, or does not fit in `Int`.
    var exactInteger: Int? {
        guard case .number(let text) = self,
              !text.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }) else { return nil }
        return Int(text)
    }

    /// A short name of the value's kind for error messages ("an object", "a string", …).
    var kindDescription: String {
        switch self {
        case .object: return "an object"
        case .array: return "an array"
        case .string: return "a string"
        case .number(let text): return "the number \(text)"
        case .bool(let value): return value ? "true" : "false"
        case .null: return "null"
        }
    }

    /// Parses `bytes` as one JSON value surrounded only by JSON whitespace (space, tab, CR, LF).
    /// Throws `JSONSyntaxError` with the offset of the first problem.
    static func parse(_ bytes: [UInt8]) throws -> JSONValue {
        try bytes.withUnsafeBufferPointer { buffer in
            var parser = JSONParser(bytes: buffer)
            parser.skipWhitespace()
            let value = try parser.parseValue(depth: 0)
            parser.skipWhitespace()
            guard parser.position == buffer.count else {
                throw JSONSyntaxError(offset: parser.position, reason: "unexpected text after the JSON value")
            }
            return value
        }
    }
}

/// Where and why a JSON document failed to parse; callers turn it into a `MindSpaceError`
/// naming their file (offsets are relative to the parsed bytes).
struct JSONSyntaxError: Error, Equatable {
    var offset: Int
    var reason: String
}

/// Recursive-descent parser over a byte buffer (one instance per document).
private struct JSONParser {
    let bytes: UnsafeBufferPointer<UInt8>
    var position = 0

    init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    private func fail(_ reason: String, at offset: Int? = nil) -> JSONSyntaxError {
        JSONSyntaxError(offset: offset ?? position, reason: reason)
    }

    private var current: UInt8? { position < bytes.count ? bytes[position] : nil }

    mutating func skipWhitespace() {
        while let byte = current, byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D {
            position += 1
        }
    }

    mutating func parseValue(depth: Int) throws -> JSONValue {
        guard let byte = current else { throw fail("unexpected end of JSON") }
        switch byte {
        case UInt8(ascii: "{"): return try parseObject(depth: depth + 1)
        case UInt8(ascii: "["): return try parseArray(depth: depth + 1)
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try expectWord("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectWord("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectWord("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
        default: throw fail("unexpected character '\(Self.printable(byte))' in JSON")
        }
    }

    private mutating func expectWord(_ word: StaticString) throws {
        let start = position
        let count = word.utf8CodeUnitCount
        guard count <= bytes.count - position else { throw fail("invalid literal in JSON", at: start) }
        for i in 0..<count where bytes[position + i] != word.utf8Start[i] {
            throw fail("invalid literal in JSON", at: start)
        }
        position += count
    }

    private mutating func parseObject(depth: Int) throws -> JSONValue {
        guard depth <= JSONValue.maximumDepth else {
            throw fail("JSON nested deeper than \(JSONValue.maximumDepth) levels")
        }
        position += 1  // "{"
        var members: [(key: String, value: JSONValue)] = []
        var seen = Set<String>()
        skipWhitespace()
        if current == UInt8(ascii: "}") { position += 1; return .object(members) }
        while true {
            skipWhitespace()
            guard current == UInt8(ascii: "\"") else { throw fail("expected a string key in JSON object") }
            let keyOffset = position
            let key = try parseString()
            guard seen.insert(key).inserted else {
                throw fail("duplicate key '\(TerminalText.escaped(key))' in JSON object", at: keyOffset)
            }
            skipWhitespace()
            guard current == UInt8(ascii: ":") else { throw fail("expected ':' after key '\(TerminalText.escaped(key))'") }
            position += 1
            skipWhitespace()
            let value = try parseValue(depth: depth)
            members.append((key, value))
            skipWhitespace()
            switch current {
            case UInt8(ascii: ","): position += 1
            case UInt8(ascii: "}"): position += 1; return .object(members)
            case nil: throw fail("unexpected end of JSON inside an object")
            default: throw fail("expected ',' or '}' in JSON object")
            }
        }
    }

    private mutating func parseArray(depth: Int) throws -> JSONValue {
        guard depth <= JSONValue.maximumDepth else {
            throw fail("JSON nested deeper than \(JSONValue.maximumDepth) levels")
        }
        position += 1  // "["
        var elements: [JSONValue] = []
        skipWhitespace()
        if current == UInt8(ascii: "]") { position += 1; return .array(elements) }
        while true {
            skipWhitespace()
            elements.append(try parseValue(depth: depth))
            skipWhitespace()
            switch current {
            case UInt8(ascii: ","): position += 1
            case UInt8(ascii: "]"): position += 1; return .array(elements)
            case nil: throw fail("unexpected end of JSON inside an array")
            default: throw fail("expected ',' or ']' in JSON array")
            }
        }
    }

    /// A JSON number: `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`, returned as its text.
    private mutating func parseNumber() throws -> String {
        let start = position
        func isDigit(_ byte: UInt8?) -> Bool { byte.map { $0 >= 0x30 && $0 <= 0x39 } ?? false }
        if current == UInt8(ascii: "-") { position += 1 }
        if current == UInt8(ascii: "0") {
            position += 1
        } else if isDigit(current) {
            while isDigit(current) { position += 1 }
        } else {
            throw fail("invalid number in JSON", at: start)
        }
        if current == UInt8(ascii: ".") {
            position += 1
            guard isDigit(current) else { throw fail("invalid number in JSON", at: start) }
            while isDigit(current) { position += 1 }
        }
        if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
            position += 1
            if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { position += 1 }
            guard isDigit(current) else { throw fail("invalid number in JSON", at: start) }
            while isDigit(current) { position += 1 }
        }
        return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
    }

    /// A JSON string (the opening quote at `position`), escapes resolved, UTF-8 validated.
    private mutating func parseString() throws -> String {
        let start = position
        position += 1  // opening quote
        var decoded: [UInt8] = []
        while true {
            guard let byte = current else { throw fail("unterminated string in JSON", at: start) }
            switch byte {
            case UInt8(ascii: "\""):
                position += 1
                guard let text = String(validating: decoded, as: UTF8.self) else {
                    throw fail("string is not valid UTF-8", at: start)
                }
                return text
            case UInt8(ascii: "\\"):
                position += 1
                try appendEscape(to: &decoded)
            case 0x00..<0x20:
                throw fail("raw control character in JSON string")
            default:
                decoded.append(byte)
                position += 1
            }
        }
    }

    /// Resolves the escape after a backslash (`position` is on the escape letter).
    private mutating func appendEscape(to decoded: inout [UInt8]) throws {
        guard let letter = current else { throw fail("unterminated escape in JSON string") }
        position += 1
        switch letter {
        case UInt8(ascii: "\""): decoded.append(0x22)
        case UInt8(ascii: "\\"): decoded.append(0x5C)
        case UInt8(ascii: "/"): decoded.append(0x2F)
        case UInt8(ascii: "b"): decoded.append(0x08)
        case UInt8(ascii: "f"): decoded.append(0x0C)
        case UInt8(ascii: "n"): decoded.append(0x0A)
        case UInt8(ascii: "r"): decoded.append(0x0D)
        case UInt8(ascii: "t"): decoded.append(0x09)
        case UInt8(ascii: "u"):
            var scalar = try parseHex4()
            if (0xD800..<0xDC00).contains(scalar) {
                // A high surrogate must be followed by an escaped low surrogate.
                guard current == UInt8(ascii: "\\"), position + 1 < bytes.count,
                      bytes[position + 1] == UInt8(ascii: "u") else {
                    throw fail("unpaired surrogate in JSON string")
                }
                position += 2
                let low = try parseHex4()
                guard (0xDC00..<0xE000).contains(low) else { throw fail("unpaired surrogate in JSON string") }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            } else if (0xDC00..<0xE000).contains(scalar) {
                throw fail("unpaired surrogate in JSON string")
            }
            guard let unicode = Unicode.Scalar(scalar) else { throw fail("invalid \\u escape in JSON string") }
            decoded.append(contentsOf: String(Character(unicode)).utf8)
        default:
            throw fail("invalid escape '\\\(Self.printable(letter))' in JSON string", at: position - 2)
        }
    }

    private mutating func parseHex4() throws -> UInt32 {
        guard bytes.count - position >= 4 else { throw fail("truncated \\u escape in JSON string") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[position]
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - 0x30)
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - 0x61 + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - 0x41 + 10)
            default: throw fail("invalid \\u escape in JSON string")
            }
            value = value << 4 | digit
            position += 1
        }
        return value
    }

    /// A byte as text for messages: printable ASCII as itself, anything else as `0xNN`.
    static func printable(_ byte: UInt8) -> String {
        if (0x21...0x7E).contains(byte) { return String(UnicodeScalar(byte)) }
        let hex = String(byte, radix: 16, uppercase: true)
        return byte < 0x10 ? "0x0" + hex : "0x" + hex
    }
}

extension JSONValue {
    /// Member lookup for objects (linear; headers are small enough that this never matters).
    subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.first(where: { $0.key == key })?.value
    }
}
