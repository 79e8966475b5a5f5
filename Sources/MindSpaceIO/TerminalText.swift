/// Text that came from inside a file (tensor names, dict keys, pickle globals), made safe to
/// print: every C0 control character and DEL becomes `\xNN`, as `Warnings` and the CLI write
/// such text (shared/cli.md, "Exit codes"), so a crafted name cannot move the cursor, clear the
/// screen or forge a second line of output.
package enum TerminalText {
    /// `text` with C0 controls and DEL written as `\xNN`.
    package static func escaped(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else { return text }
        var result = ""
        for scalar in text.unicodeScalars {
            if scalar.value < 0x20 || scalar.value == 0x7F {
                let hex = String(scalar.value, radix: 16, uppercase: true)
                result += "\\x" + (hex.count < 2 ? "0" + hex : hex)
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// Bytes as UTF-8 (invalid sequences replaced), escaped.
    package static func escaped(_ bytes: [UInt8]) -> String {
        escaped(String(decoding: bytes, as: UTF8.self))
    }
}
