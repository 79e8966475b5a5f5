import Foundation

/// Text that came from inside a file (tensor names, metadata keys and strings), made safe to
/// print: shared/cli.md promises that such text reaches the terminal escaped, so a crafted file
/// cannot move the cursor, clear the screen or forge a second line of output.
public enum TerminalText {
    /// `text` with every C0 control character (U+0000–U+001F, newlines and tabs among them), DEL
    /// (U+007F) and C1 control character (U+0080–U+009F, which some terminals read as escape
    /// sequences) written as `\xNN`, the scalar's value in two upper-case hex digits. Everything
    /// else, non-ASCII letters included, is kept. O(length).
    public static func escaped(_ text: String) -> String {
        var result = ""
        result.unicodeScalars.reserveCapacity(text.unicodeScalars.count)
        for scalar in text.unicodeScalars {
            if scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) {
                result += String(format: "\\x%02X", scalar.value)
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// Bytes read from a file as UTF-8 (invalid sequences replaced by U+FFFD), escaped.
    public static func escaped(_ bytes: [UInt8]) -> String {
        escaped(String(decoding: bytes, as: UTF8.self))
    }
}
