import Testing
@testable import MindSpaceCore

@Suite struct TextTableTests {
    /// Explicit alignments: a placeholder lines up with the numbers of its column, headers follow
    /// their column, and decimal points line up whatever the number of decimals.
    @Test func explicitAlignmentsLineUpPlaceholdersHeadersAndDecimalPoints() {
        let rows = [["run", "n", "distance", "pass"],
                    ["a", "21", "18.0738", "computed"],
                    ["bb", "3", "18.024", "reused"],
                    ["long-name", "1", "-", "skipped: too few"],
                    ["c", "12", "1234.5", "computed"]]
        let text = TextTable.render(rows, alignments: [.left, .right, .decimal, .left])
        #expect(text == """
            run         n   distance  pass
            a          21    18.0738  computed
            bb          3    18.024   reused
            long-name   1     -       skipped: too few
            c          12  1234.5     computed

            """)
        // Every row starts its last column at the same character.
        let starts = text.split(separator: "\n").map { line in
            line.distance(from: line.startIndex, to: line.range(of: "  ", options: .backwards)!.upperBound)
        }
        #expect(Set(starts).count == 1)
    }

    @Test func decimalColumnNarrowerThanItsHeaderIsRightAligned() {
        let text = TextTable.render([["x", "distance travelled"], ["a", "1.5"], ["b", "12"]],
                                    alignments: [.left, .decimal], indent: "  ")
        #expect(text == """
              x  distance travelled
              a                 1.5
              b                12

            """)
    }
}
