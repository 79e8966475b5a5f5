import Testing
@testable import MindSpaceCore

/// `TextTable`: alignment by column and wrapping one column to fit a width.
@Suite struct TextTableTests {
    /// Without a layout: numbers right, words and the header left (unchanged).
    @Test func automaticAlignmentIsUnchanged() {
        let text = TextTable.render([["name", "n"], ["a", "5"], ["bb", "100"]], indent: "  ")
        #expect(text == "  name  n\n  a       5\n  bb    100\n")
    }

    /// A column of numbers with a few words ("any") right-aligned as a whole, header included,
    /// so the header stands over its numbers.
    @Test func trailingColumnsAlignTheirHeaderWithTheNumbers() {
        let rows = [["name", "d", "D"], ["M1_Sphere", "10", "11"], ["ball", "any", "≥ d"]]
        let text = TextTable.render(rows, columns: [.init(.leading), .init(.trailing), .init(.trailing)], width: nil)
        #expect(text == "name         d    D\nM1_Sphere   10   11\nball       any  ≥ d\n")
    }

    /// The wrapping column takes what the others leave of the width; every line fits, nothing is
    /// lost, and the other cells are blank on continuation lines.
    @Test func aWrappingColumnFitsTheWidth() {
        let description = "uniform on the unit sphere S^d (d+1 coordinates); needs --dimension d, any --ambient D ≥ d+1"
        let rows = [["name", "d", "description"], ["sphere", "any", description], ["ball", "3", "short"]]
        let columns = [TextTable.Column(.leading), .init(.trailing), .init(.leading, wraps: true)]
        let text = TextTable.render(rows, indent: "  ", columns: columns, width: 50)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        #expect(lines.allSatisfy { $0.count <= 50 }, "\(text)")
        #expect(lines.count > 3)
        let start = "  name      d  ".count
        let continued = lines.dropFirst(2).prefix { !$0.hasPrefix("  ball") }
        #expect(continued.allSatisfy { $0.prefix(start).allSatisfy { $0 == " " } }, "\(text)")
        let rejoined = ([lines[1]] + continued).map { String($0.dropFirst(start)) }.joined(separator: " ")
        #expect(rejoined == description)
        #expect(lines.last == "  ball      3  short")
        // Wide enough: one line per row, as without a width.
        #expect(TextTable.render(rows, indent: "  ", columns: columns, width: 200)
                == TextTable.render(rows, indent: "  ", columns: columns.map { .init($0.alignment) }, width: nil))
    }

    /// Words wider than a line break after a `,` or `=` where they can, else at the width.
    @Test func longWordsBreakAfterCommasAndEquals() {
        #expect(TextTable.wrap("interval_references=ball,hypercube,sphere k=20", width: 22)
                == ["interval_references=", "ball,hypercube,sphere", "k=20"])
        #expect(TextTable.wrap(String(repeating: "x", count: 25), width: 10) == ["xxxxxxxxxx", "xxxxxxxxxx", "xxxxx"])
        #expect(TextTable.wrap("", width: 10) == [""])
        // The minimum keeps a wrapping column readable even when the width cannot be met.
        let text = TextTable.render([["a", "b"], [String(repeating: "y", count: 30), "one two three four five six"]],
                                    columns: [.init(), .init(.leading, wraps: true)], width: 10)
        #expect(text.split(separator: "\n").allSatisfy { $0.count <= 30 + 2 + TextTable.minimumWrapWidth })
    }

    /// Decimal columns: a placeholder lines up with the numbers of its column, headers follow
    /// their column, and decimal points line up whatever the number of decimals.
    @Test func decimalColumnLinesUpPlaceholdersHeadersAndDecimalPoints() {
        let rows = [["run", "n", "distance", "pass"],
                    ["a", "21", "18.0738", "computed"],
                    ["bb", "3", "18.024", "reused"],
                    ["long-name", "1", "-", "skipped: too few"],
                    ["c", "12", "1234.5", "computed"]]
        let text = TextTable.render(rows, columns: [.init(.leading), .init(.trailing), .init(.decimal), .init(.leading)], width: nil)
        #expect(text == """
            run         n   distance  pass
            a          21    18.0738  computed
            bb          3    18.024   reused
            long-name   1     -       skipped: too few
            c          12  1234.5     computed

            """)
    }

    @Test func decimalColumnNarrowerThanItsHeaderIsRightAligned() {
        let text = TextTable.render([["x", "distance travelled"], ["a", "1.5"], ["b", "12"]],
                                    indent: "  ", columns: [.init(.leading), .init(.decimal)], width: nil)
        #expect(text == """
              x  distance travelled
              a                 1.5
              b                12

            """)
    }
}
