import MindSpaceCore
import MindSpaceIO

extension FileInventory {
    /// One metadata key-value of a file as `inspect` reports it (a GGUF file's `general.*`,
    /// `tokenizer.*`, … keys): a summary, not the whole value. JSON:
    /// `files[].metadata[].key/.type/.value/.count`.
    ///
    /// - a scalar: `type` is its GGUF type name (`uint32`, `float32`, `string`, …) and `value` the
    ///   value (a JSON number, boolean or string; a non-finite float as the string `nan`/`inf`);
    /// - a string longer than `maximumStringLength` characters is cut there, with `…` and its
    ///   length in characters appended;
    /// - an array: `type` is `array[ELEMENT]` and `count` its length; no `value` (a vocabulary of
    ///   150 000 tokens is a count, not a listing).
    ///
    /// Strings keep their bytes here (JSON escapes what it must); the text table escapes control
    /// characters (`TerminalText`) before they reach a terminal.
    public struct MetadataEntry: Codable, Equatable, Sendable {
        public var key: String
        public var type: String
        public var value: MetadataValue?
        public var count: Int?

        /// Longest string value shown in full, in characters.
        public static let maximumStringLength = 120

        /// `text`, or its first `maximumStringLength` characters with `…` and its length.
        static func cut(_ text: String) -> String {
            let limit = maximumStringLength
            return text.count <= limit ? text : "\(text.prefix(limit))… (\(text.count) characters)"
        }

        /// One non-tensor value of a PyTorch file (a Lightning checkpoint's
        /// `hyper_parameters.lr`, `epoch`, …): `type` is Python's type name (`int`, `float`,
        /// `str`, `bool`, `None`, `bytes`, a global's dotted name) and `value` the value for
        /// numbers, booleans and strings (a string cut like a GGUF one); `count` is the length of
        /// a `bytes` value.
        init(_ named: PyTorchFile.NamedValue) {
            key = named.name
            type = named.value.typeName
            switch named.value {
            case .bool(let v): value = .bool(v)
            case .int(let v): value = .signed(Int64(v))
            case .float(let v): value = MetadataValue.number(v)
            case .string(let text):
                value = .text(Self.cut(text))
            case .bytes(let bytes): count = bytes.count
            default: break
            }
        }

        init(_ entry: GGUFMetadataEntry) {
            key = entry.key
            switch entry.value {
            case .array(let elementType, let elements):
                type = "array[\(elementType.name)]"
                count = elements.count
            default:
                type = entry.value.type.name
                value = MetadataValue(entry.value)
            }
        }
    }

    /// A scalar metadata value in JSON: a number, a boolean or a string.
    public enum MetadataValue: Codable, Equatable, Sendable {
        case signed(Int64), unsigned(UInt64), real(Double), bool(Bool), text(String)

        init?(_ value: GGUFValue) {
            switch value {
            case .uint8(let v): self = .unsigned(UInt64(v))
            case .uint16(let v): self = .unsigned(UInt64(v))
            case .uint32(let v): self = .unsigned(UInt64(v))
            case .uint64(let v): self = .unsigned(v)
            case .int8(let v): self = .signed(Int64(v))
            case .int16(let v): self = .signed(Int64(v))
            case .int32(let v): self = .signed(Int64(v))
            case .int64(let v): self = .signed(v)
            case .float32(let v): self = Self.number(Double(v))
            case .float64(let v): self = Self.number(v)
            case .bool(let v): self = .bool(v)
            case .string(let text):
                self = .text(MetadataEntry.cut(text))
            case .array: return nil
            }
        }

        /// A finite number as itself, a non-finite one as text (JSON has no NaN).
        fileprivate static func number(_ value: Double) -> MetadataValue {
            value.isFinite ? .real(value) : .text(value.isNaN ? "nan" : value > 0 ? "inf" : "-inf")
        }

        /// The value as a table cell (strings as they are: the caller escapes them).
        var text: String {
            switch self {
            case .signed(let v): return String(v)
            case .unsigned(let v): return String(v)
            case .real(let v): return "\(v)"
            case .bool(let v): return v ? "true" : "false"
            case .text(let v): return v
            }
        }

        public init(from decoder: Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let v = try? container.decode(Bool.self) { self = .bool(v) }
            else if let v = try? container.decode(Int64.self) { self = .signed(v) }
            else if let v = try? container.decode(UInt64.self) { self = .unsigned(v) }
            else if let v = try? container.decode(Double.self) { self = .real(v) }
            else { self = .text(try container.decode(String.self)) }
        }

        public func encode(to encoder: Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case .signed(let v): try container.encode(v)
            case .unsigned(let v): try container.encode(v)
            case .real(let v): try container.encode(v)
            case .bool(let v): try container.encode(v)
            case .text(let v): try container.encode(v)
            }
        }
    }
}

extension FileInventory.File {
    /// The metadata as indented `key  type  value` rows (arrays as their length), every text
    /// from the file escaped; empty when there is none.
    func metadataTable() -> String {
        guard let metadata, !metadata.isEmpty else { return "" }
        var rows: [[String]] = [["key", "type", "value"]]
        for entry in metadata {
            let shown = entry.value.map(\.text) ?? (entry.count.map { "\($0) values" } ?? "")
            rows.append([TerminalText.escaped(entry.key), entry.type, TerminalText.escaped(shown)])
        }
        let heading = "  metadata (\(metadata.count) key\(metadata.count == 1 ? "" : "s")):\n"
        return heading + TextTable.render(rows, indent: "    ",
                                          columns: [.init(.leading), .init(.leading), .init(.leading)], width: nil)
    }
}
