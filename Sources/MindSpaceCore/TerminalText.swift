import Foundation

/// Text that came from inside a file (CSV/TSV cells and headers, group labels, tensor, member
/// and key names, pickle strings, metadata), made safe to print: shared/cli.md promises that such
/// text reaches the terminal escaped, so a crafted file cannot move the cursor, retitle the
/// window (`ESC ] 0 ; … BEL`), clear the screen or forge a second line of output. This is the one
/// helper every message uses (issue 17).
///
/// The rules, the same for every entry point:
/// - every C0 control character (U+0000–U+001F, newlines and tabs among them), DEL (U+007F) and
///   C1 control character (U+0080–U+009F, which some terminals read as escape sequences) is
///   written as `\xNN`, the scalar's value in two upper-case hex digits;
/// - bytes that are not valid UTF-8 (`escaped(_:)` on bytes) are written as `\xNN` too, the byte
///   itself, rather than U+FFFD, so the user sees what the file holds;
/// - a value longer than `valueLimit` characters is cut there and ends in `…` (a message names a
///   value, it does not reproduce it);
/// - everything else, non-ASCII letters included, is kept.
///
/// A backslash is kept as it is, so escaping is idempotent: text escaped twice reads the same.
public enum TerminalText {
    /// The most characters (Unicode scalars, after escaping) a value keeps: 160, about two
    /// terminal lines, more than any real tensor or key name (Hugging Face names run to ~80),
    /// short enough that a value cannot fill a screen.
    public static let valueLimit = 160

    /// `text` escaped (see the type) and cut to `limit` characters with `…`; `limit: nil` keeps
    /// it whole (for a name that becomes part of another name, where a cut could merge two).
    /// O(length).
    public static func escaped(_ text: String, limit: Int? = valueLimit) -> String {
        var result = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if isControl(scalar.value) {
                appendHex(UInt8(truncatingIfNeeded: scalar.value), to: &result)
            } else {
                result.append(scalar)
            }
        }
        return cut(String(result), limit: limit)
    }

    /// Bytes read from a file, decoded as UTF-8 (`decoded(_:)`: invalid bytes as `\xNN`) and
    /// escaped like a string.
    public static func escaped<Bytes: Collection>(_ bytes: Bytes, limit: Int? = valueLimit) -> String
    where Bytes.Element == UInt8 {
        escaped(decoded(bytes), limit: limit)
    }

    /// Bytes as text: valid UTF-8 decoded, each byte of an invalid sequence written as `\xNN`;
    /// control characters are left for `escaped` to handle. Readers use it for names they keep
    /// (zip members, GGUF strings), so two names that differ in invalid bytes stay different.
    public static func decoded<Bytes: Collection>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        if let valid = String(validating: bytes, as: UTF8.self) { return valid }
        let array = Array(bytes)
        var result = String.UnicodeScalarView()
        var index = 0
        while index < array.count {
            let length = validSequenceLength(array, at: index)
            if length == 0 {
                appendHex(array[index], to: &result)
                index += 1
            } else {
                if let scalar = String(validating: array[index..<(index + length)], as: UTF8.self)?.unicodeScalars.first {
                    result.append(scalar)
                }
                index += length
            }
        }
        return String(result)
    }

    /// A whole message (a line the CLI prints, which may quote several values): escaped like a
    /// value but never cut. `MindSpaceError.description` and `Warnings` pass every line through
    /// it, so a value that reached a message unescaped is still caught.
    public static func line(_ text: String) -> String {
        escaped(text, limit: nil)
    }

    /// Text of several lines (a command's printed report): each line escaped like `line`, the
    /// newlines between them kept. The CLI prints every report through it, so a name that
    /// reached a report unescaped still cannot drive the terminal.
    public static func block(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { line(String($0)) }.joined(separator: "\n")
    }

    /// Whether a scalar is written as `\xNN`: C0, DEL and C1 controls.
    static func isControl(_ value: UInt32) -> Bool {
        value < 0x20 || (0x7F...0x9F).contains(value)
    }

    private static func appendHex(_ byte: UInt8, to result: inout String.UnicodeScalarView) {
        let digits = Array("0123456789ABCDEF".unicodeScalars)
        result.append(contentsOf: ["\\", "x", digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])
    }

    /// `text` cut to `limit` scalars, ending in `…` when cut.
    private static func cut(_ text: String, limit: Int?) -> String {
        guard let limit, limit >= 1 else { return text }
        let scalars = text.unicodeScalars
        guard scalars.count > limit else { return text }
        var result = String.UnicodeScalarView(scalars.prefix(limit - 1))
        result.append("…")
        return String(result)
    }

    /// The length (1–4) of the well-formed UTF-8 sequence at `index` (RFC 3629: no overlong
    /// forms, no surrogates, nothing above U+10FFFF), or 0 when the byte there starts none.
    private static func validSequenceLength(_ bytes: [UInt8], at index: Int) -> Int {
        let lead = bytes[index]
        let length: Int
        var low: UInt8 = 0x80, high: UInt8 = 0xBF
        switch lead {
        case 0x00...0x7F: return 1
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; low = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: length = 3; high = 0x9F
        case 0xF0: length = 4; low = 0x90
        case 0xF1...0xF3: length = 4
        case 0xF4: length = 4; high = 0x8F
        default: return 0
        }
        guard index + length <= bytes.count else { return 0 }
        for offset in 1..<length {
            let byte = bytes[index + offset]
            let (min, max) = offset == 1 ? (low, high) : (UInt8(0x80), UInt8(0xBF))
            guard byte >= min, byte <= max else { return 0 }
        }
        return length
    }
}
