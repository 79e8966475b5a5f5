import Foundation
import Testing
@testable import MindSpaceCore
@testable import MindSpaceIO
import MindSpaceTestSupport

/// Paths and expected values of `Fixtures/text/` (values parsed by numpy.loadtxt; see
/// `make_fixtures.py` and `VERSIONS.txt` there).
enum TextFixtures {
    static func path(_ name: String) throws -> String {
        let folder = try #require(TestFixtures.root)
        return folder.appendingPathComponent("text").appendingPathComponent(name).path
    }

    static func expected() throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: try path("expected.json")))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }
}

@Suite struct DelimitedTextReaderTests {
    @Test(arguments: ["points.tsv", "points_header.tsv", "points_bom_crlf.csv", "nonfinite.tsv", "single_column.tsv"])
    func valuesEqualNumpyLoadtxtBitForBit(_ name: String) throws {
        let truth = try #require(try TextFixtures.expected()[name] as? [String: Any])
        let shape = try #require(truth["shape"] as? [Int])
        let values = try #require(truth["values"] as? [String]).map { try #require(Double($0)) }
        let tensor = try DelimitedTextReader.read(path: TextFixtures.path(name))
        #expect(tensor.shape == shape)
        #expect(tensor.dtype == .float64)
        #expect(tensor.name == (name as NSString).deletingPathExtension)
        // numpy and this reader both round correctly, so the doubles must be identical.
        #expect(SafetensorsFixtures.identical(try SafetensorsFixtures.doubles(tensor), values))
        let matrix = try tensor.matrix(as: Double.self)
        #expect(matrix.rows == shape[0] && matrix.columns == shape[1])
    }

    /// Each malformed fixture with a fragment of its message (1-based line and column).
    static let malformedCases: [(file: String, fragment: String)] = [
        ("ragged.tsv", "line 3 has 2 values, expected 3 (as line 1)"),
        ("bad_cell.csv", "line 4, column 2: 'abc' is not a number"),
        ("empty_cell.tsv", "line 2, column 2: the cell is empty"),
        ("blank_middle.tsv", "line 2 is blank but data follows it"),
        ("empty.tsv", "no data: the file is empty"),
        ("header_only.csv", "no data: the file has only a header line"),
    ]

    @Test(arguments: malformedCases)
    func refusesMalformedText(_ testCase: (file: String, fragment: String)) throws {
        let path = try TextFixtures.path(testCase.file)
        let error = try #require(throws: MindSpaceError.self) { try DelimitedTextReader.read(path: path) }
        #expect(error.kind == .malformedData)
        #expect(error.description.hasPrefix(path + ": "), "\(error)")
        #expect(error.description.contains(testCase.fragment), "\(error)")
    }

    @Test func badCellErrorPointsAtItsByte() throws {
        // "x,y\n1,2\n3,4\n5,abc\n": 'abc' starts at byte 14.
        let error = try #require(throws: MindSpaceError.self) {
            try DelimitedTextReader.read(path: TextFixtures.path("bad_cell.csv"))
        }
        #expect(error.offset == 14)
    }

    @Test func missingFileIsMissingInput() throws {
        let path = try TextFixtures.path("absent.tsv")
        let error = try #require(throws: MindSpaceError.self) { try DelimitedTextReader.read(path: path) }
        #expect(error.kind == .missingInput)
        #expect(error.description.contains("absent.tsv"))
    }

    @Test func separatorIsSniffedOrGiven() throws {
        let tabs = Array("1\t2\n3\t4\n".utf8)
        #expect(try DelimitedTextReader.parse(bytes: tabs, path: "v.txt").shape == [2, 2])
        let semicolons = Array("1;2;3\n".utf8)
        #expect(try SafetensorsFixtures.doubles(DelimitedTextReader.parse(bytes: semicolons, path: "v.txt", separator: ";")) == [1, 2, 3])
        // With a comma forced on tab-separated text, "1\t2" is one cell and not a number.
        #expect(throws: MindSpaceError.self) { try DelimitedTextReader.parse(bytes: tabs, path: "v.tsv", separator: ",") }
        let error = try #require(throws: MindSpaceError.self) {
            try DelimitedTextReader.read(path: "v.tsv", separator: "e")
        }
        #expect(error.kind == .usage)
    }

    @Test func noTrailingNewlineAndSpacesAroundValues() throws {
        let text = Array(" 1.5 ,\t-2 \n3,4e1".utf8)
        #expect(try SafetensorsFixtures.doubles(DelimitedTextReader.parse(bytes: text, path: "s.csv")) == [1.5, -2, 3, 40])
    }

    @Test(arguments: [1, 2, 3, 7, 64])
    func splittingIntoChunksChangesNothing(_ chunkCount: Int) throws {
        // 60 rows of 3 values, then trailing blank lines that span several chunks.
        let rows = (0..<60).map { i in "\(i)\t\(Double(i) / 8)\t-\(i)e-3" }
        let text = Array(("h1\th2\th3\n" + rows.joined(separator: "\n") + "\n" + String(repeating: "\n \n", count: 30)).utf8)
        let tensor = try DelimitedTextReader.parse(bytes: text, path: "c.tsv", chunkCount: chunkCount)
        #expect(tensor.shape == [60, 3])
        // Truth: Double(String), Swift's own correctly rounded parser, cell by cell.
        let literal = try rows.flatMap { row in
            try row.split(separator: "\t").map { try #require(Double(String($0))) }
        }
        #expect(SafetensorsFixtures.identical(try SafetensorsFixtures.doubles(tensor), literal))

        // The first error in file order wins, whichever chunk finds an error first.
        var broken = rows
        broken[50] = "1\t2"
        broken[9] = "1\tx\t3"
        let brokenText = Array((broken.joined(separator: "\n") + "\n").utf8)
        let error = try #require(throws: MindSpaceError.self) {
            try DelimitedTextReader.parse(bytes: brokenText, path: "c.tsv", chunkCount: chunkCount)
        }
        #expect(error.description.contains("line 10, column 2: 'x' is not a number"), "\(error)")

        var gap = rows
        gap[40] = ""
        let gapText = Array((gap.joined(separator: "\n") + "\n").utf8)
        let gapError = try #require(throws: MindSpaceError.self) {
            try DelimitedTextReader.parse(bytes: gapText, path: "c.tsv", chunkCount: chunkCount)
        }
        #expect(gapError.description.contains("line 41 is blank but data follows it"), "\(gapError)")
    }

    @Test func shortLinesBeforeManyRowsAreReportedNotOverrun() throws {
        // Many one-character lines make the row bound (bytes per row) smaller than the line
        // count; the reader must report line 2 and never write past its storage.
        let text = Array(("1\t2\t3\t4\n" + String(repeating: "5\n", count: 200)).utf8)
        for chunkCount in [1, 4, 16] {
            let error = try #require(throws: MindSpaceError.self) {
                try DelimitedTextReader.parse(bytes: text, path: "s.tsv", chunkCount: chunkCount)
            }
            #expect(error.description.contains("line 2 has 1 values, expected 4 (as line 1)"), "\(error)")
        }
    }

    @Test func roundTripsShortestReprOfRandomDoubles() throws {
        // Swift's description of a Double is the shortest text that reads back to the same
        // bits; the reader must recover every value exactly (fast path and fallback alike).
        var generator = SeededGenerator(seed: 5)
        let rows = 500, columns = 7
        var values: [Double] = []
        var text = ""
        for _ in 0..<rows {
            var cells: [String] = []
            for _ in 0..<columns {
                let scale = [1e-40, 1e-5, 1.0, 1e3, 1e25, 1e200][generator.nextIndex(below: 6)]
                let value = generator.nextGaussian() * scale
                values.append(value)
                cells.append("\(value)")
            }
            text += cells.joined(separator: "\t") + "\n"
        }
        let tensor = try DelimitedTextReader.parse(bytes: Array(text.utf8), path: "random.tsv")
        #expect(tensor.shape == [rows, columns])
        #expect(SafetensorsFixtures.identical(try SafetensorsFixtures.doubles(tensor), values))
    }
}
