import ArgumentParser
import Foundation
import MindSpacePipeline

/// Options every analysis command shares (shared/cli.md, "Common options").
struct CommonOptions: ParsableArguments {
    @Option(name: .long, help: "Folder for written files.")
    var out: String = "output"

    @Option(name: .long, help: "Seed for every random choice.")
    var seed: UInt64 = 0

    @Flag(name: .long, help: "Print one JSON report on stdout instead of text.")
    var json = false

    @Option(name: .long, help: "Worker threads (default: all cores).")
    var threads: Int?

    @Flag(name: .long, help: "No progress output.")
    var quiet = false

    func validate() throws {
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
    }

    /// Applies `--threads` (or every core) to every parallel loop of the library and to BLAS.
    func applyThreads() {
        ProcessSetup.setThreadLimit(threads)
    }

    /// The path of `name` inside `--out`.
    func outputPath(_ name: String) -> String {
        URL(fileURLWithPath: out).appendingPathComponent(name).relativePath
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
