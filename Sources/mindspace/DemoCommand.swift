import ArgumentParser
import Foundation
import MindSpaceCore
import MindSpacePipeline

/// `mindspace demo`: the showcase on `datasets/` into `output/`.
struct DemoCommand: ParsableCommand, UsesCommonOptions {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "The showcase: sphere-vs-manifold figures and trajectories for the data in datasets/, with an index.md.")

    @Option(name: .long, help: "The folder of shipped data.")
    var datasets: String = "datasets"

    @OptionGroup var output: OutputOptions

    @OptionGroup var seeding: SeedOption

    @OptionGroup var common: CommonOptions

    func run() throws {
        let quiet = common.quiet
        let report = try DemoJob(datasetsFolder: datasets, outputFolder: output.out, seed: seeding.seed,
                                 commandLine: commandLine,
                                 progress: { step in
                                     if !quiet { FileHandle.standardError.write(Data("demo: \(step)\n".utf8)) }
                                 }).run()
        try output.claim(scope: "demo", inputs: [datasets], quiet: common.quiet)
        if common.json {
            writeStandardOutput(try ReportEncoding.json(report))
        } else {
            print(TerminalText.block(report.text()), terminator: "")
        }
    }
}
