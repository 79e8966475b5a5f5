import ArgumentParser
import Foundation
import MindSpaceCore
import MindSpacePipeline

/// `mindspace`: the command-line front end. Each subcommand lives in its own file and only
/// parses arguments, calls the library and writes results (shared/cli.md is the contract).
@main
struct MindSpaceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mindspace",
        abstract: "Measure the intrinsic dimension and shape of model weights and embeddings.",
        version: VersionText.line,
        subcommands: [
            InspectCommand.self,
            PCACommand.self,
            ProjectCommand.self,
            GenerateCommand.self,
            IDCommand.self,
            ContrastCommand.self,
            GroupsCommand.self,
            CompareCommand.self,
            LayersCommand.self,
            TrajectoryCommand.self,
            AlignCommand.self,
            DemoCommand.self,
            BatchCommand.self,
        ]
    )

    /// Runs the parsed command. A failure is one line on stderr and its sysexits code; under
    /// `--json` stdout also gets `{"error": {code, file, message}}` (shared/cli.md).
    static func main() {
        // OpenBLAS picks slow generic kernels on processors newer than itself; fix that first.
        ProcessSetup.selectBLASKernels()
        let arguments = ArgumentNormalisation.joiningNegativeNumbers(Array(CommandLine.arguments.dropFirst()))
        let wantsJSON = ArgumentNormalisation.requestsJSON(arguments)
        do {
            try refuseHelpForUnknownCommand(arguments)
            var command = try parseAsRoot(arguments)
            (command as? UsesCommonOptions)?.common.applyThreads()
            try command.run()
        } catch let error as MindSpaceError {
            fail(ErrorReport(error), line: error.description, json: wantsJSON)
        } catch {
            // Help and version requests print in full; usage errors become the promised one line.
            let code = exitCode(for: error)
            guard code != .success else { exit(withError: error) }
            let message = ArgumentNormalisation.oneLine(fullMessage(for: error))
            fail(ErrorReport(code: code.rawValue, file: nil, message: message),
                 line: "\(message) (see 'mindspace help')", json: wantsJSON)
        }
    }

    /// Prints `line` on stderr (and, under `--json`, `report` on stdout) and exits with its code.
    private static func fail(_ report: ErrorReport, line: String, json: Bool) -> Never {
        if json { FileHandle.standardOutput.write(report.json()) }
        FileHandle.standardError.write(Data("mindspace: \(line)\n".utf8))
        Foundation.exit(report.error.code)
    }

    /// `mindspace help NAME` for a NAME that is no command: swift-argument-parser would print the
    /// general help and succeed, so a typo in a script would go unnoticed.
    private static func refuseHelpForUnknownCommand(_ arguments: [String]) throws {
        guard arguments.first == "help" else { return }
        let names = configuration.subcommands.map { $0._commandName } + ["help"]
        for name in arguments.dropFirst() where !name.hasPrefix("-") && !names.contains(name) {
            throw MindSpaceError(.usage, "help: no command named '\(name)'; the commands are \(names.dropLast().joined(separator: ", "))")
        }
    }
}
