import Testing
@testable import MindSpaceCore

/// The progress bar's layout and the terminal width it is laid out for.
@Suite struct ProgressLineTests {
    /// The terminal's width first, then `$COLUMNS`, then 80; nonsense is skipped.
    @Test func widthComesFromTheTerminalThenColumnsThen80() {
        #expect(TerminalWidth.resolve(terminal: 132, environment: ["COLUMNS": "60"]) == 132)
        #expect(TerminalWidth.resolve(terminal: nil, environment: ["COLUMNS": "60"]) == 60)
        #expect(TerminalWidth.resolve(terminal: 0, environment: ["COLUMNS": " 100 "]) == 100)
        for columns in ["", "wide", "-5", "0"] {
            #expect(TerminalWidth.resolve(terminal: nil, environment: ["COLUMNS": columns]) == 80)
        }
        #expect(TerminalWidth.resolve(terminal: nil, environment: [:]) == TerminalWidth.fallback)
        // A pipe is not a terminal: the rule falls through to the environment.
        var ends: [Int32] = [0, 0]
        #expect(pipe(&ends) == 0)
        defer { close(ends[0]); close(ends[1]) }
        #expect(TerminalWidth.terminalColumns(of: ends[1]) == nil)
        #expect(TerminalWidth.columns(of: ends[1], environment: ["COLUMNS": "77"]) == 77)
    }

    /// Never wider than the terminal less one column, at any width (the old bar was 30 wide
    /// plus its label and counts: 70 characters, which wrapped on a 60-column terminal).
    @Test(arguments: [1, 5, 12, 20, 30, 40, 60, 80, 100, 200])
    func theLineFitsTheTerminal(columns: Int) {
        for (done, total) in [(0, 1), (1536, 3_774_873), (3_774_873, 3_774_873), (5, 0)] {
            let line = ProgressLine.render(label: "reading checkpoints", done: done, total: total, columns: columns)
            #expect(line.unicodeScalars.count <= max(columns - 1, 1), "\(columns): \(line)")
            #expect(!line.contains("\n") && !line.contains("\r"))
        }
    }

    @Test func theBarTakesTheRoomTheOtherPartsLeave() {
        let wide = ProgressLine.render(label: "reading checkpoints", done: 1536, total: 3_774_873, columns: 100)
        #expect(wide.unicodeScalars.count == 99)
        #expect(wide.hasPrefix("reading checkpoints [") && wide.hasSuffix("]   0%  1.5 KB / 3.6 MB"), "\(wide)")
        let half = ProgressLine.render(label: "x", done: 50, total: 100, columns: 41)
        // 40 characters: "x [", a bar of 17, "]  50%" and the counts.
        #expect(half == "x [########---------]  50%  50 B / 100 B", "\(half)")
        // Narrow: the counts go first, then the label is shortened, then the bar goes.
        let noCounts = ProgressLine.render(label: "reading checkpoints", done: 1, total: 2, columns: 40)
        #expect(noCounts.hasPrefix("reading checkpoints [") && noCounts.hasSuffix("]  50%") && !noCounts.contains("B"), "\(noCounts)")
        let shortLabel = ProgressLine.render(label: "reading checkpoints", done: 1, total: 2, columns: 28)
        #expect(shortLabel == "reading\u{2026} [#####-----]  50%", "\(shortLabel)")
        #expect(ProgressLine.render(label: "reading checkpoints", done: 1, total: 2, columns: 12) == " 50%")
    }

    @Test func bytesUseBinaryUnits() {
        #expect(ProgressLine.bytes(512) == "512 B")
        #expect(ProgressLine.bytes(1536) == "1.5 KB")
        #expect(ProgressLine.bytes(3 << 30) == "3.0 GB")
    }
}
