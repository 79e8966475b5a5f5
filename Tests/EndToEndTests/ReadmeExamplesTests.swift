import Foundation
import Testing
import MindSpaceTestSupport

/// Every console example of README.md runs and prints what the README shows, numbers exactly and
/// paths as written (issue 20). `make readme` (`MINDSPACE_UPDATE_README=1`) rewrites the examples'
/// outputs from the built binary instead, so a changed output is a reviewed diff.
@Suite struct ReadmeExamplesTests {
    static let readme = CommandRunner.packageRoot.appendingPathComponent("README.md")

    static var isUpdating: Bool { ProcessInfo.processInfo.environment["MINDSPACE_UPDATE_README"] == "1" }

    @Test func readmeHasConsoleExamplesOfTheCommands() throws {
        let examples = ReadmeExample.parse(try String(contentsOf: Self.readme, encoding: .utf8))
        let commands = Set(examples.flatMap(\.steps).compactMap { step -> String? in
            let words = step.command.split(separator: " ")
            guard words.first == "mindspace", words.count > 1 else { return nil }
            return String(words[1])
        })
        for command in ["inspect", "pca", "project", "generate", "id", "contrast", "groups", "trajectory"] {
            #expect(commands.contains(command), "README.md has no console example of `mindspace \(command)`")
        }
    }

    @Test func everyConsoleExamplePrintsWhatTheReadmeShows() throws {
        let text = try String(contentsOf: Self.readme, encoding: .utf8)
        let examples = ReadmeExample.parse(text)
        #expect(!examples.isEmpty)
        var lines = text.components(separatedBy: "\n")
        // Rewrite from the last block up, so earlier line ranges stay valid.
        for example in examples.reversed() {
            let folder = try CommandRunner.temporaryFolder()
            defer { try? FileManager.default.removeItem(at: folder) }
            try FileManager.default.createSymbolicLink(
                at: folder.appendingPathComponent("datasets"),
                withDestinationURL: CommandRunner.packageRoot.appendingPathComponent("datasets"))
            let outputs = try example.run(in: folder, binaryFolder: CommandRunner.binary.deletingLastPathComponent(),
                                          columns: CommandRunner.terminalColumns)
            if Self.isUpdating {
                lines.replaceSubrange(example.bodyLines, with: example.body(outputs: outputs))
                continue
            }
            for (step, output) in zip(example.steps, outputs) where step.expected != output {
                Issue.record("""
                    README.md line \(example.line): `\(step.command)` printed
                    \(output)
                    where the README shows
                    \(step.expected)
                    If the change is intended, run `make readme` and review `git diff README.md`.
                    """)
            }
        }
        if Self.isUpdating {
            let updated = lines.joined(separator: "\n")
            if updated != text { try Data(updated.utf8).write(to: Self.readme, options: .atomic) }
        }
    }
}
