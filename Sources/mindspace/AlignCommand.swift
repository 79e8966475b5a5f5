import MindSpaceCore
import ArgumentParser
import MindSpacePipeline

/// `mindspace align REFERENCE MODEL...`: weight matching of each model to the reference.
struct AlignCommand: ParsableCommand, UsesCommonOptions {
    static let configuration = CommandConfiguration(
        commandName: "align",
        abstract: "Weight matching: permute each model's hidden units into the reference's order (Git Re-Basin).",
        discussion: """
            Permutation groups are inferred for chains of dense and convolutional layers (weight out × in \
            [× kh × kw], bias out, each weight's in equal to the previous out; the last output is not permuted), \
            or given with --spec FILE.json: {"groups": [{"name": ..., "members": [{"tensor": ..., "axis": ...}]}]}. \
            Writes <model-stem>.aligned.safetensors (every tensor in its own dtype) and align.json into --out.
            """)

    @Argument(help: "The reference checkpoint (.safetensors, .npz, .pt/.pth/.bin/.ckpt, .gguf).")
    var reference: String

    @Argument(help: "Checkpoints to align to the reference (same tensor names and shapes).")
    var models: [String] = []

    @Option(name: .long, help: "Permutation groups as JSON (default: inferred from the layer chain).")
    var spec: String?

    @Option(name: .customLong("max-sweeps"), help: "Most coordinate-descent sweeps over the groups.")
    var maxSweeps: Int = 100

    @OptionGroup var output: OutputOptions

    @OptionGroup var seeding: SeedOption

    @OptionGroup var common: CommonOptions

    func validate() throws {
        if models.isEmpty { throw ValidationError("align needs at least two checkpoints: the reference and a model") }
        if maxSweeps < 1 { throw ValidationError("--max-sweeps must be at least 1, got \(maxSweeps)") }
    }

    func run() throws {
        let report = try AlignJob(referencePath: reference, modelPaths: models, specPath: spec, maximumSweeps: maxSweeps,
                                  seed: seeding.seed, outputFolder: output.out, commandLine: commandLine).run()
        try output.claim(scope: "align", inputs: [reference] + models + (spec.map { [$0] } ?? []), quiet: common.quiet)
        if common.json {
            writeStandardOutput(try ReportEncoding.json(report))
        } else {
            print(TerminalText.block(report.text()), terminator: "")
        }
    }
}
