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
        version: MindSpaceVersion.string,
        subcommands: [
            InspectCommand.self,
            PCACommand.self,
            ProjectCommand.self,
            GenerateCommand.self,
            IDCommand.self,
            ContrastCommand.self,
            TrajectoryCommand.self,
            DemoCommand.self,
            BatchCommand.self,
        ]
    )

    /// Runs the parsed command; library errors become one line on stderr and their sysexits code.
    static func main() {
        // OpenBLAS picks slow generic kernels on processors newer than itself; fix that first.
        ProcessSetup.selectBLASKernels()
        do {
            var command = try parseAsRoot(ArgumentNormalisation.joiningNegativeNumbers(Array(CommandLine.arguments.dropFirst())))
            (command as? UsesCommonOptions)?.common.applyThreads()
            try command.run()
        } catch let error as MindSpaceError {
            FileHandle.standardError.write(Data("mindspace: \(error.description)\n".utf8))
            Foundation.exit(error.exitCode)
        } catch {
            // Help and version requests print in full; usage errors become the promised one line.
            let code = exitCode(for: error)
            guard code != .success else { exit(withError: error) }
            let message = ArgumentNormalisation.oneLine(fullMessage(for: error))
            FileHandle.standardError.write(Data("mindspace: \(message) (see 'mindspace help')\n".utf8))
            Foundation.exit(code.rawValue)
        }
    }
}
