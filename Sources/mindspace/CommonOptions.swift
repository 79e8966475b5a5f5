import ArgumentParser
import Foundation
import MindSpaceCore
import MindSpacePipeline

/// The options every command takes (shared/cli.md, "Common options"): how results are printed
/// and how much of the machine the command uses.
struct CommonOptions: ParsableArguments {
    @Flag(name: .long, help: "Print one JSON report on stdout instead of text (on failure: {\"error\": {code, file, message}}).")
    var json = false

    @Option(name: .long, help: "Worker threads (default: all cores).")
    var threads: Int?

    @Flag(name: .long, help: "No progress output.")
    var quiet = false

    func validate() throws {
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1, got \(threads)") }
    }

    /// Applies `--threads` (or every core) to every parallel loop of the library and to BLAS.
    func applyThreads() {
        ProcessSetup.setThreadLimit(threads)
    }
}

/// `--out`, taken by every command that writes files (all but `inspect`).
struct OutputOptions: ParsableArguments {
    @Option(name: .long, help: "Folder for written files.")
    var out: String = "output"
}

extension OutputOptions {
    /// Makes this run the owner of `--out` (`OutputFolderClaim`): what `scope`'s previous run
    /// wrote there and this run did not is removed (never one of `inputs`), and said on stderr
    /// unless `quiet`. Call it after the job succeeded and before printing its report.
    func claim(scope: String, inputs: [String], quiet: Bool) throws {
        let removed = try OutputFolderClaim.settle(folder: out, scope: scope, inputs: inputs)
        guard !removed.isEmpty, !quiet else { return }
        let files = removed.count == 1 ? "1 file" : "\(removed.count) files"
        // Names read from the folder's manifest, a file that may have been edited: escaped.
        let shown = removed.prefix(8).map { TerminalText.escaped($0) }.joined(separator: ", ") + (removed.count > 8 ? " and \(removed.count - 8) more" : "")
        FileHandle.standardError.write(Data("mindspace: removed \(files) that an earlier '\(scope)' run wrote into \(out) and this run did not: \(shown)\n".utf8))
    }
}

/// `--seed`, taken by every command that makes a random choice.
struct SeedOption: ParsableArguments {
    /// The value as given, `nil` when `--seed` was not: a command whose random choices can be
    /// switched off (`trajectory --null none`) refuses a seed given in vain. The help text
    /// states the default as the parser would.
    @Option(name: .customLong("seed"), help: "Seed for every random choice. (default: 0)")
    var given: UInt64?

    /// The seed to use: the one given, else 0.
    var seed: UInt64 { given ?? 0 }
}

/// `--seed` for a command that makes no random choice (`pca`): hidden from the help
/// and refused with the reason, so that a seed given in vain is never silently ignored.
struct RefusedSeedOption: ParsableArguments {
    @Option(name: .long, help: .hidden)
    var seed: String?

    /// Throws the usage error for `command` when `--seed` was given.
    func refuse(for command: String) throws {
        if seed != nil {
            throw ValidationError("--seed does not apply to \(command): it makes no random choice, so its results do not depend on a seed")
        }
    }
}

/// A command with the common options: `MindSpaceCommand.main` applies their `--threads` once,
/// after parsing and before the command runs.
protocol UsesCommonOptions {
    var common: CommonOptions { get }
}

/// Writes `data` to standard output.
func writeStandardOutput(_ data: Data) {
    FileHandle.standardOutput.write(data)
}

/// The command line as typed, for provenance.
var commandLine: [String] {
    ["mindspace"] + CommandLine.arguments.dropFirst()
}
