import MindSpaceCore
import ArgumentParser
import MindSpacePipeline

/// `mindspace pca DATA`: spectrum, explained variance and components.
struct PCACommand: ParsableCommand, UsesCommonOptions {
    static let configuration = CommandConfiguration(
        commandName: "pca",
        abstract: "Principal component analysis: spectrum, explained variance, components and scores.",
        discussion: """
            Writes components.npy (K×D), scores.npy (N×K), mean.npy, scree.png and pca.json into --out.
            The whole spectrum is always reported; ratios are against the total variance.
            """)

    @Argument(help: "Points × features: .npy, .npz, .safetensors, .pt/.pth/.bin/.ckpt, .tsv or .csv.")
    var data: String

    @Option(name: [.customLong("array"), .customLong("tensor")], help: "The array (.npz) or tensor (.safetensors, PyTorch) to use.")
    var array: String?

    @Option(name: .long, help: "Number of components to keep (clamped to min(N, D)).")
    var components: Int = 10

    @OptionGroup var output: OutputOptions

    @OptionGroup var seed: RefusedSeedOption

    @OptionGroup var common: CommonOptions

    func validate() throws {
        try seed.refuse(for: "pca")
        if components < 1 { throw ValidationError("--components must be at least 1") }
    }

    func run() throws {
        let report = try PCAJob(dataPath: data, arrayName: array, components: components,
                                outputFolder: output.out, commandLine: commandLine).run()
        try output.claim(scope: "pca", inputs: [data], quiet: common.quiet)
        if common.json {
            writeStandardOutput(try ReportEncoding.json(report))
        } else {
            print(TerminalText.block(report.text()), terminator: "")
        }
    }
}
