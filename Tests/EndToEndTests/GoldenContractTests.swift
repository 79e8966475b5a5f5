import Foundation
import Testing
import MindSpaceTestSupport

/// The user-facing contract pinned by golden files (`Golden/README.md`): the `--help` text of
/// `mindspace` and of every subcommand, and the key set of every `--json` report on fixed inputs.
/// A change to either fails here with the first differing lines until the golden files are
/// regenerated (`make golden`, i.e. `MINDSPACE_UPDATE_GOLDEN=1`) and the diff is reviewed.
@Suite struct GoldenContractTests {
    /// `mindspace [subcommand] --help`, at the runner's fixed width of 80 columns.
    private func help(_ subcommand: String?) throws -> String {
        let result = try CommandRunner.run((subcommand.map { [$0] } ?? []) + ["--help"])
        #expect(result.status == 0 && result.stderr.isEmpty, "\(subcommand ?? "mindspace") --help: \(result.stderr)")
        return result.stdout
    }

    /// The subcommands listed under `SUBCOMMANDS:` in the top-level help: each entry's name is
    /// indented by two spaces, its wrapped description by more; a blank line ends the list.
    static func subcommands(inHelp text: String) -> [String] {
        let lines = text.components(separatedBy: "\n")
        guard let start = lines.firstIndex(of: "SUBCOMMANDS:") else { return [] }
        var names: [String] = []
        for line in lines[(start + 1)...] {
            if line.trimmingCharacters(in: .whitespaces).isEmpty { break }
            guard line.hasPrefix("  "), let first = line.dropFirst(2).first, first != " " else { continue }
            if let name = line.split(separator: " ").first { names.append(String(name)) }
        }
        return names
    }

    @Test func subcommandListIsReadFromTheHelp() {
        let text = """
            SUBCOMMANDS:
              inspect                 List the arrays,
                                      wrapped.
              pca (default)           Principal components.

              See 'mindspace help <subcommand>' for detailed help.
            """
        #expect(Self.subcommands(inHelp: text) == ["inspect", "pca"])
    }

    @Test func helpTextsMatchGoldenFiles() throws {
        let top = try help(nil)
        let commands = Self.subcommands(inHelp: top)
        #expect(!commands.isEmpty, "no subcommands found in:\n\(top)")
        GoldenFile(folder: "help", name: "mindspace").check(top)
        for command in commands {
            GoldenFile(folder: "help", name: command).check(try help(command))
        }
        GoldenFile.checkNoStaleFiles(in: "help", current: Set(["mindspace"] + commands))
    }

    @Test(arguments: JSONReportCase.all)
    func jsonKeySetMatchesGoldenFile(_ report: JSONReportCase) throws {
        let folder = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let arguments = try report.arguments(folder)
        let result = try CommandRunner.run(arguments, in: folder)
        try #require(result.status == 0, "mindspace \(arguments.joined(separator: " ")) exited \(result.status): \(result.stderr)")
        let keys = try JSONKeyPaths.of(Data(result.stdout.utf8))
        #expect(!keys.isEmpty)
        GoldenFile(folder: "json-keys", name: report.name).check(keys.joined(separator: "\n") + "\n")
    }

    /// A command that gains `--json` needs a case in `JSONReportCase.all`; a case whose command
    /// lost it, or a golden file without a case, is stale.
    @Test func everyCommandWithJSONHasAKeySetCase() throws {
        let commands = Self.subcommands(inHelp: try help(nil))
        let withJSON = Set(try commands.filter { try help($0).contains("--json") })
        let covered = Set(JSONReportCase.all.map(\.command))
        #expect(withJSON.subtracting(covered).isEmpty,
                "commands with --json but no JSONReportCase: \(withJSON.subtracting(covered).sorted())")
        #expect(covered.subtracting(withJSON).isEmpty,
                "JSONReportCases for commands without --json: \(covered.subtracting(withJSON).sorted())")
        GoldenFile.checkNoStaleFiles(in: "json-keys", current: Set(JSONReportCase.all.map(\.name)))
    }

    @Test func keyPathsJoinKeysMarkArraysAndQuoteOddKeys() throws {
        let json = #"{"n": 3, "estimates": [{"ci": [1, 2]}, {"ci": null, "notes": []}], "components_for": {"0.5": 1}, "pointwise": {}}"#
        #expect(try JSONKeyPaths.of(Data(json.utf8)) == [
            "components_for[\"0.5\"]", "estimates[].ci", "estimates[].ci[]", "estimates[].notes[]", "n", "pointwise{}",
        ])
    }

    @Test func differenceShowsTheFirstDifferingLinesAndTheChangedKeys() {
        let text = GoldenFile.difference(expected: "a\nb\nc\n", actual: "a\nc\nd\n")
        #expect(text.contains("first difference at line 2:\n- b\n- c\n- \n+ c\n+ d\n+ "))
        #expect(text.contains("only in the golden file (1 line):\n  b"))
        #expect(text.contains("only in the output (1 line):\n  d"))
    }
}
