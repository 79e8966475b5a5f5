import Testing
@testable import MindSpaceCore
@testable import MindSpaceIO

/// `FactorTable`: a header, one row per input, levels by input name; malformed tables refused.
@Suite struct FactorTableTests {
    @Test func readsLevelsByInputName() throws {
        let text = "\u{FEFF}model\tdata\tseed\r\nrun-a\tsubset0\t0\r\nrun-b\tsubset1\t0\nrun-c\tsubset1\t1\n"
        let table = try FactorTable.parse(bytes: Array(text.utf8), path: "factors.tsv")
        #expect(table.factors == ["data", "seed"])
        #expect(table.names == ["run-a", "run-b", "run-c"])
        #expect(table.levels["run-b"] == ["subset1", "0"])
        let csv = try FactorTable.parse(bytes: Array("m,f\nx,1\ny,2\n".utf8), path: "t.csv")
        #expect(csv.levels["y"] == ["2"])
    }

    @Test(arguments: [
        ("model\nrun-a\n", "header row"),
        ("model\tdata\nrun-a\tx\nrun-a\ty\n", "named twice"),
        ("model\tdata\nrun-a\tx\textra\n", "line 2 has 3 columns"),
        ("model\tdata\tdata\nrun-a\tx\ty\n", "twice"),
    ])
    func malformedTablesAreRefused(_ text: String, mention: String) {
        do {
            _ = try FactorTable.parse(bytes: Array(text.utf8), path: "factors.tsv")
            Issue.record("accepted \(text)")
        } catch let error as MindSpaceError {
            #expect(error.kind == .malformedData && error.file == "factors.tsv")
            #expect(error.description.contains(mention), "\(error)")
        } catch {
            Issue.record("\(error)")
        }
    }
}
