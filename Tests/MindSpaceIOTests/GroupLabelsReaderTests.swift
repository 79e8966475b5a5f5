import Foundation
import Testing
@testable import MindSpaceCore
@testable import MindSpaceIO
import MindSpaceTestSupport

@Suite struct GroupLabelsReaderTests {
    @Test func singleColumnHasNoHeader() throws {
        // TensorBoard's rule: the line "label" is the fifth label, not a header.
        let truth = try #require(try TextFixtures.expected()["metadata_single.tsv"] as? [String: Any])
        let labels = try GroupLabelsReader.read(path: TextFixtures.path("metadata_single.tsv"))
        #expect(labels == (truth["labels"] as? [String]))
        #expect(labels == ["cat", "dog", "cat", "bird", "label"])
    }

    @Test func multiColumnSelectsByHeaderName() throws {
        let truth = try #require(try TextFixtures.expected()["metadata_multi.tsv"] as? [String: Any])
        let columns = try #require(truth["columns"] as? [String])
        let byColumn = try #require(truth["labels"] as? [String: [String]])
        let path = try TextFixtures.path("metadata_multi.tsv")  // BOM and CRLF
        #expect(try GroupLabelsReader.read(path: path) == byColumn[columns[0]])
        for column in columns {
            #expect(try GroupLabelsReader.read(path: path, column: column) == byColumn[column], "\(column)")
        }
        #expect(try GroupLabelsReader.read(path: path, column: "source") == ["web", "books", "web", ""])
    }

    @Test func unknownColumnListsTheColumns() throws {
        let path = try TextFixtures.path("metadata_multi.tsv")
        let error = try #require(throws: MindSpaceError.self) {
            try GroupLabelsReader.read(path: path, column: "species")
        }
        #expect(error.kind == .usage)
        #expect(error.description.hasPrefix(path + ": "))
        #expect(error.description.contains("has no column 'species'; its columns are 'label', 'source', 'split'"))
    }

    @Test func singleColumnAcceptsAColumnNameOnlyIfItIsTheFirstLine() throws {
        let withHeader = Array("species\ncat\ndog\n".utf8)
        #expect(try GroupLabelsReader.parse(bytes: withHeader, path: "m.tsv", column: "species") == ["cat", "dog"])
        #expect(try GroupLabelsReader.parse(bytes: withHeader, path: "m.tsv") == ["species", "cat", "dog"])
        let error = try #require(throws: MindSpaceError.self) {
            try GroupLabelsReader.parse(bytes: withHeader, path: "m.tsv", column: "label")
        }
        #expect(error.kind == .usage)
        #expect(error.description.contains("single column and so no header row"))
    }

    @Test(arguments: [
        ("metadata_ragged.tsv", "line 3 has 1 columns, expected 2 (as the header on line 1)"),
        ("metadata_single_ragged.tsv", "line 2 has several columns but line 1 has one"),
        ("empty.tsv", "no labels: the file is empty"),
    ])
    func refusesMalformedMetadata(_ testCase: (String, String)) throws {
        let path = try TextFixtures.path(testCase.0)
        let error = try #require(throws: MindSpaceError.self) { try GroupLabelsReader.read(path: path) }
        #expect(error.kind == .malformedData)
        #expect(error.description.hasPrefix(path + ": "))
        #expect(error.description.contains(testCase.1), "\(error)")
    }

    @Test func blankLinesInsideAreLabelsAtTheEndAreDropped() throws {
        let text = Array("a\r\n\r\nb\r\n\r\n\r\n".utf8)
        #expect(try GroupLabelsReader.parse(bytes: text, path: "m.tsv") == ["a", "", "b"])
        let csv = Array("name,kind\nx,1\ny,2\n".utf8)
        #expect(try GroupLabelsReader.parse(bytes: csv, path: "m.csv", column: "kind") == ["1", "2"])
    }

    @Test func missingFileIsMissingInput() throws {
        let error = try #require(throws: MindSpaceError.self) {
            try GroupLabelsReader.read(path: TextFixtures.path("absent_metadata.tsv"))
        }
        #expect(error.kind == .missingInput)
    }

    @Test func countCheckExplainsTheHeaderRule() throws {
        try GroupLabelsReader.checkCount(["a", "b"], points: 2, path: "m.tsv")
        let tooMany = try #require(throws: MindSpaceError.self) {
            try GroupLabelsReader.checkCount(["h", "a", "b"], points: 2, path: "m.tsv")
        }
        #expect(tooMany.kind == .malformedData)
        #expect(tooMany.description.contains("m.tsv: has 3 labels, but the data has 2 points"))
        #expect(tooMany.description.contains("header"))
        let tooFew = try #require(throws: MindSpaceError.self) {
            try GroupLabelsReader.checkCount(["a"], points: 5, path: "m.tsv")
        }
        #expect(tooFew.description.contains("has 1 labels, but the data has 5 points"))
    }
}
