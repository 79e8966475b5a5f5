import Foundation
import Testing
@testable import MindSpaceCore

/// `TerminalText`: the one escaping of text from files (issue 17, part 3).
struct TerminalTextTests {
    /// Every scalar of `text` that a terminal would act on (C0, DEL, C1).
    static func controls(_ text: String) -> [UInt32] {
        text.unicodeScalars.map(\.value).filter { $0 < 0x20 || (0x7F...0x9F).contains($0) }
    }

    @Test(arguments: [
        ("\u{1B}]0;title\u{07}", "\\x1B]0;title\\x07"),
        ("a\nb\tc\r", "a\\x0Ab\\x09c\\x0D"),
        ("del\u{7F} csi\u{9B}", "del\\x7F csi\\x9B"),
        ("naïve ünïcode λ", "naïve ünïcode λ"),
        ("back\\slash", "back\\slash"),
    ])
    func controlCharactersAreWrittenAsHex(input: String, expected: String) {
        #expect(TerminalText.escaped(input) == expected)
        #expect(Self.controls(TerminalText.escaped(input)).isEmpty)
    }

    @Test func escapingTwiceChangesNothing() {
        let once = TerminalText.escaped("x\u{1B}[31m\u{85}y")
        #expect(TerminalText.escaped(once) == once)
    }

    @Test func invalidUTF8BytesAreShownAsHexNotReplaced() {
        // 0xFF never occurs in UTF-8; C3 alone is a truncated sequence; ED A0 80 a surrogate;
        // C0 AF an overlong '/'.
        let bytes: [UInt8] = [0x61, 0xFF, 0x62, 0xC3, 0x63, 0xED, 0xA0, 0x80, 0xC0, 0xAF, 0xC3, 0xA9, 0x1B]
        let shown = TerminalText.escaped(bytes)
        #expect(shown == "a\\xFFb\\xC3c\\xED\\xA0\\x80\\xC0\\xAFé\\x1B")
        #expect(!shown.unicodeScalars.contains("\u{FFFD}"))
        #expect(TerminalText.decoded([0xE2, 0x82, 0xAC]) == "€")
    }

    @Test func longValuesAreCutWithAnEllipsis() {
        let long = String(repeating: "x", count: 1000)
        let shown = TerminalText.escaped(long)
        #expect(shown.unicodeScalars.count == TerminalText.valueLimit)
        #expect(shown.hasSuffix("…"))
        #expect(TerminalText.escaped(long, limit: nil) == long)
        #expect(TerminalText.escaped("short", limit: 5) == "short")
        #expect(TerminalText.escaped("sixsix", limit: 5) == "sixs…")
        // A whole message is never cut.
        #expect(TerminalText.line(long) == long)
    }

    @Test func blocksKeepTheirLinesAndEscapeTheRest() {
        let report = "name  n\na\u{1B}[2J  3\n\tb\u{9B}  4\n"
        #expect(TerminalText.block(report) == "name  n\na\\x1B[2J  3\n\\x09b\\x9B  4\n")
        #expect(TerminalText.block("plain\n\nlines") == "plain\n\nlines")
    }

    @Test func errorDescriptionsEscapeWhatSlippedThrough() {
        let error = MindSpaceError.malformed("data.csv", "cell '\u{1B}]0;x\u{07}'\nsecond line")
        #expect(Self.controls(error.description).isEmpty)
        #expect(error.description == "data.csv: cell '\\x1B]0;x\\x07' second line")
    }
}
