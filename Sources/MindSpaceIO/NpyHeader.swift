import MindSpaceCore

/// The header dictionary of a `.npy` file, parsed and checked: element type, byte order, storage
/// order and shape.
///
/// The header is a Python dict literal such as
/// `{'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }` padded with spaces and ending in
/// `\n` (NumPy's format specification, `numpy/lib/format.py`). It is parsed as the restricted
/// literal it is by a small tokenizer and recursive-descent parser (`PythonLiteralParser`); it is
/// never evaluated. Like NumPy, the dictionary must hold exactly the keys `descr`, `fortran_order`
/// and `shape`.
///
/// Supported `descr`: `f2 f4 f8 i1 i2 i4 i8 u1 u2 u4 u8 b1 ?`, each optionally prefixed by a byte
/// order character: `<` little, `>` big, `=` native, `|` not applicable (treated as native, as
/// NumPy does, whatever the width). Object, string, complex, datetime, void, extended-precision
/// and structured (list) descriptions are refused with a message saying what they are.
struct NpyHeader: Equatable {
    var dtype: DType
    var byteOrder: ByteOrder
    var storageOrder: StorageOrder
    /// Dimensions, outermost first; `[]` for a scalar. Every entry is ≥ 0.
    var shape: [Int]
    /// The `descr` string as written in the file (for messages).
    var descr: String

    /// How the header's bytes are decoded: format versions 1.0 and 2.0 use latin-1, 3.0 UTF-8.
    enum TextEncoding { case latin1, utf8 }

    /// Parses the header text `bytes`, which starts at byte `baseOffset` of `file` (used only to
    /// locate errors). Throws `.malformedData` naming the file and the problem.
    static func parse(_ bytes: [UInt8], encoding: TextEncoding, file: String?, baseOffset: Int) throws -> NpyHeader {
        var parser = PythonLiteralParser(bytes: bytes, encoding: encoding, file: file, baseOffset: baseOffset)
        let literal = try parser.parseDocument()
        func fail(_ reason: String) -> MindSpaceError {
            MindSpaceError.malformed(file, offset: baseOffset, "bad .npy header: \(reason)")
        }
        guard case .dictionary(let entries) = literal else {
            throw fail("expected a dictionary, found \(literal.kindName)")
        }
        var values: [String: PythonLiteral] = [:]
        for (key, value) in entries {
            guard values[key] == nil else { throw fail("key '\(TerminalText.escaped(key))' appears twice") }
            values[key] = value
        }
        let required = ["descr", "fortran_order", "shape"]
        let missing = required.filter { values[$0] == nil }
        guard missing.isEmpty else {
            throw fail("missing key\(missing.count > 1 ? "s" : "") \(missing.map { "'\(TerminalText.escaped($0))'" }.joined(separator: ", "))")
        }
        let extra = values.keys.filter { !required.contains($0) }.sorted()
        guard extra.isEmpty else {
            throw fail("unexpected key\(extra.count > 1 ? "s" : "") \(extra.map { "'\(TerminalText.escaped($0))'" }.joined(separator: ", ")) (NumPy allows only 'descr', 'fortran_order' and 'shape')")
        }

        let descr: String
        switch values["descr"] {
        case .string(let text)?: descr = text
        case .list?:
            throw MindSpaceError.malformed(file, offset: baseOffset,
                "structured dtype (a list 'descr') is not supported; save a plain numeric array")
        case let other?: throw fail("'descr' must be a string, found \(other.kindName)")
        case nil: throw fail("missing key 'descr'")
        }
        let (dtype, byteOrder) = try interpretDescr(descr) {
            MindSpaceError.malformed(file, offset: baseOffset, $0)
        }

        let storageOrder: StorageOrder
        switch values["fortran_order"] {
        case .boolean(let fortran)?: storageOrder = fortran ? .columnMajor : .rowMajor
        case let other?: throw fail("'fortran_order' must be True or False, found \(other.kindName)")
        case nil: throw fail("missing key 'fortran_order'")
        }

        var shape: [Int] = []
        switch values["shape"] {
        case .tuple(let items)?:
            for item in items {
                guard case .integer(let dimension) = item else {
                    throw fail("'shape' must be a tuple of integers, found \(item.kindName) in it")
                }
                guard dimension >= 0 else { throw fail("negative dimension \(dimension) in 'shape'") }
                shape.append(dimension)
            }
        case let other?: throw fail("'shape' must be a tuple, found \(other.kindName)")
        case nil: throw fail("missing key 'shape'")
        }
        return NpyHeader(dtype: dtype, byteOrder: byteOrder, storageOrder: storageOrder, shape: shape, descr: descr)
    }

    /// The element type and byte order for a NumPy type description such as `<f8` or `|b1`;
    /// `fail` turns a reason into the error to throw.
    static func interpretDescr(_ descr: String, fail: (String) -> MindSpaceError) throws -> (DType, ByteOrder) {
        var code = Substring(descr)
        var byteOrder = ByteOrder.native
        if let first = code.first, "<>|=".contains(first) {
            if first == "<" { byteOrder = .little }
            if first == ">" { byteOrder = .big }
            code = code.dropFirst()
        }
        let known: [String: DType] = [
            "f2": .float16, "f4": .float32, "f8": .float64,
            "i1": .int8, "i2": .int16, "i4": .int32, "i8": .int64,
            "u1": .uint8, "u2": .uint16, "u4": .uint32, "u8": .uint64,
            "b1": .bool, "?": .bool,
        ]
        if let dtype = known[String(code)] {
            return (dtype, dtype.byteSize == 1 ? .native : byteOrder)
        }
        let what: String
        switch code.first {
        case "O": what = "object arrays (Python objects stored as pickles) are not supported"
        case "S", "a", "U": what = "string arrays are not supported"
        case "c": what = "complex arrays are not supported"
        case "M", "m": what = "datetime and timedelta arrays are not supported"
        case "V": what = "void (raw bytes or structured) arrays are not supported"
        case "f": what = "this floating-point width (extended precision?) is not supported; use float16, float32 or float64"
        default: what = "unknown or unsupported element type"
        }
        throw fail("dtype '\(TerminalText.escaped(descr))': \(what)")
    }
}

/// A value of the Python literal subset that `.npy` headers use.
indirect enum PythonLiteral {
    case string(String)
    case integer(Int)
    case boolean(Bool)
    case none
    case tuple([PythonLiteral])
    case list([PythonLiteral])
    case dictionary([(key: String, value: PythonLiteral)])

    /// A short name for messages ("a string", "a tuple", …).
    var kindName: String {
        switch self {
        case .string: return "a string"
        case .integer: return "an integer"
        case .boolean: return "a boolean"
        case .none: return "None"
        case .tuple: return "a tuple"
        case .list: return "a list"
        case .dictionary: return "a dictionary"
        }
    }
}

/// Tokenizer and recursive-descent parser for the Python literals found in `.npy` headers:
/// strings in single or double quotes (escapes `\\ \' \" \n \t`), integers (optional sign, an
/// optional Python 2 `L` suffix), `True`, `False`, `None`, tuples (`()`, `(5,)`, `(3, 4)`), lists
/// and dictionaries with string keys, trailing commas, and whitespace anywhere between tokens.
/// Nothing is evaluated; anything else is a `.malformedData` error at its byte offset.
/// Nesting is limited to `maximumDepth` so a hostile header cannot exhaust the stack.
struct PythonLiteralParser {
    let bytes: [UInt8]
    let encoding: NpyHeader.TextEncoding
    let file: String?
    let baseOffset: Int
    private(set) var position = 0
    static let maximumDepth = 16

    init(bytes: [UInt8], encoding: NpyHeader.TextEncoding, file: String?, baseOffset: Int) {
        self.bytes = bytes
        self.encoding = encoding
        self.file = file
        self.baseOffset = baseOffset
    }

    /// One literal followed only by whitespace (NumPy pads headers with spaces and a newline).
    mutating func parseDocument() throws -> PythonLiteral {
        let value = try parseValue(depth: 0)
        skipWhitespace()
        guard position == bytes.count else { throw error("unexpected text after the dictionary") }
        return value
    }

    private func error(_ reason: String) -> MindSpaceError {
        MindSpaceError.malformed(file, offset: baseOffset + position, "bad .npy header: \(reason)")
    }

    private var current: UInt8? { position < bytes.count ? bytes[position] : nil }

    private mutating func skipWhitespace() {
        while let byte = current, byte == 0x20 || (0x09...0x0D).contains(byte) { position += 1 }
    }

    private func describe(_ byte: UInt8?) -> String {
        guard let byte else { return "the end of the header" }
        if (0x21...0x7E).contains(byte) { return "'\(Character(Unicode.Scalar(byte)))'" }
        return "byte 0x\(String(byte, radix: 16))"
    }

    private mutating func parseValue(depth: Int) throws -> PythonLiteral {
        guard depth < Self.maximumDepth else { throw error("literal nested too deeply") }
        skipWhitespace()
        guard let byte = current else { throw error("unexpected end of the header") }
        switch byte {
        case UInt8(ascii: "'"), UInt8(ascii: "\""):
            return .string(try parseString())
        case UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return .integer(try parseInteger())
        case UInt8(ascii: "("):
            return try parseSequence(closing: UInt8(ascii: ")"), depth: depth, isTuple: true)
        case UInt8(ascii: "["):
            return try parseSequence(closing: UInt8(ascii: "]"), depth: depth, isTuple: false)
        case UInt8(ascii: "{"):
            return try parseDictionary(depth: depth)
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "_"):
            let start = position
            while let next = current, isIdentifierByte(next) { position += 1 }
            let word = String(decoding: bytes[start..<position], as: UTF8.self)
            switch word {
            case "True": return .boolean(true)
            case "False": return .boolean(false)
            case "None": return .none
            default:
                position = start
                throw error("unexpected name '\(TerminalText.escaped(word))' (only True, False and None are literals)")
            }
        default:
            throw error("unexpected \(describe(byte))")
        }
    }

    private func isIdentifierByte(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "_")
    }

    private mutating func parseString() throws -> String {
        let quote = bytes[position]
        let start = position
        position += 1
        var content: [UInt8] = []
        while true {
            guard let byte = current else {
                position = start
                throw error("string not closed")
            }
            position += 1
            if byte == quote { break }
            if byte == 0x0A { position = start; throw error("string not closed before the end of the line") }
            if byte == UInt8(ascii: "\\") {
                guard let escaped = current else { position = start; throw error("string not closed") }
                switch escaped {
                case UInt8(ascii: "\\"), UInt8(ascii: "'"), UInt8(ascii: "\""): content.append(escaped)
                case UInt8(ascii: "n"): content.append(0x0A)
                case UInt8(ascii: "t"): content.append(0x09)
                default: throw error("unsupported escape '\\\(Character(Unicode.Scalar(escaped)))' in a string")
                }
                position += 1
                continue
            }
            content.append(byte)
        }
        switch encoding {
        case .utf8:
            guard let text = String(validating: content, as: UTF8.self) else {
                position = start
                throw error("string is not valid UTF-8")
            }
            return text
        case .latin1:
            return String(String.UnicodeScalarView(content.map { Unicode.Scalar($0) }))
        }
    }

    private mutating func parseInteger() throws -> Int {
        let start = position
        var negative = false
        if let sign = current, sign == UInt8(ascii: "-") || sign == UInt8(ascii: "+") {
            negative = sign == UInt8(ascii: "-")
            position += 1
        }
        var magnitude = 0
        var digits = 0
        while let byte = current, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) {
            let (times10, overflow1) = magnitude.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(Int(byte - UInt8(ascii: "0")))
            if overflow1 || overflow2 {
                position = start
                throw error("integer too large")
            }
            magnitude = sum
            digits += 1
            position += 1
        }
        guard digits > 0 else { position = start; throw error("expected digits after the sign") }
        // Python 2 NumPy wrote long integers with an `L` suffix (`(3L, 4L)`); NumPy still reads them.
        if let suffix = current, suffix == UInt8(ascii: "L") || suffix == UInt8(ascii: "l") { position += 1 }
        if let next = current, isIdentifierByte(next) || next == UInt8(ascii: ".") {
            throw error("unexpected \(describe(next)) in a number (only integers are allowed)")
        }
        return negative ? -magnitude : magnitude
    }

    /// `(…)` or `[…]`: comma-separated values, trailing comma allowed. A parenthesised single value
    /// without a comma is just that value in Python, but `.npy` headers never write one, so it is
    /// read as a one-element tuple only when the comma is present and refused otherwise.
    private mutating func parseSequence(closing: UInt8, depth: Int, isTuple: Bool) throws -> PythonLiteral {
        position += 1
        var items: [PythonLiteral] = []
        var sawComma = false
        while true {
            skipWhitespace()
            if current == closing { position += 1; break }
            if !items.isEmpty && !sawComma {
                throw error("expected ',' or '\(Character(Unicode.Scalar(closing)))', found \(describe(current))")
            }
            items.append(try parseValue(depth: depth + 1))
            skipWhitespace()
            sawComma = false
            if current == UInt8(ascii: ",") { position += 1; sawComma = true }
        }
        if isTuple && items.count == 1 && !sawComma {
            throw error("a parenthesised value without a comma is not a tuple; write (n,)")
        }
        return isTuple ? .tuple(items) : .list(items)
    }

    private mutating func parseDictionary(depth: Int) throws -> PythonLiteral {
        position += 1
        var entries: [(key: String, value: PythonLiteral)] = []
        var sawComma = false
        while true {
            skipWhitespace()
            if current == UInt8(ascii: "}") { position += 1; break }
            if !entries.isEmpty && !sawComma { throw error("expected ',' or '}', found \(describe(current))") }
            guard let quote = current, quote == UInt8(ascii: "'") || quote == UInt8(ascii: "\"") else {
                throw error("expected a quoted key, found \(describe(current))")
            }
            let key = try parseString()
            skipWhitespace()
            guard current == UInt8(ascii: ":") else { throw error("expected ':' after key '\(TerminalText.escaped(key))', found \(describe(current))") }
            position += 1
            let value = try parseValue(depth: depth + 1)
            entries.append((key, value))
            skipWhitespace()
            sawComma = false
            if current == UInt8(ascii: ",") { position += 1; sawComma = true }
        }
        return .dictionary(entries)
    }
}
