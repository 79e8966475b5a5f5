import ArgumentParser
import MindSpaceCore
import MindSpaceDimension
import MindSpacePipeline

/// `mindspace layers ACTS`: the geometry profile of a model, layer by layer.
struct LayersCommand: ParsableCommand, UsesCommonOptions {
    static let configuration = CommandConfiguration(
        commandName: "layers",
        abstract: "Geometry of a model's activations layer by layer: ID, PCA dimensions, overlap and CKA with the next layer.",
        discussion: """
            ACTS holds one N × D array per layer, the same N inputs in each: an .npz or .safetensors (every 2-D \
            array, in natural order of names), a PyTorch file, or a folder of per-layer .npy files. Per layer: the \
            intrinsic dimension by each --estimator (default: auto) with its interval, the principal components for \
            50/90/99% of the variance, and with the next layer the neighbourhood overlap (the share of each input's \
            --k nearest neighbours kept; bootstrap interval) and linear CKA (jackknife interval). Also the layer × \
            layer CKA matrix. Writes layers.json and three images into --out.
            """)

    @Argument(help: "The activations: .npz, .safetensors, PyTorch file, or a folder of .npy files.")
    var activations: String

    @Option(name: .long, help: ArgumentHelp("Layers to use, in this order: names or globs (*, ?, [...]), comma-separated.",
                                            valueName: "patterns"))
    var layers: String?

    @Option(name: .long, help: "Estimator to run (repeatable), or all (default: auto).")
    var estimator: [String] = []

    @Option(name: .long, help: "Neighbours for the estimators that take one (default: each one's own) and for the overlap (default: 10).")
    var k: Int?

    @Option(name: .long, help: ArgumentHelp(
        "Intervals of the ID estimates: auto, none, analytic or bootstrap (as in id).", valueName: "auto|none|analytic|bootstrap"))
    var ci: IntervalMethod = .auto

    @Option(name: .long, help: "Confidence level of the intervals.")
    var level: Double = 0.95

    @Option(name: .long, help: "Bootstrap resamples (ID intervals where bootstrapped, and the overlap's interval).")
    var bootstrap: Int = 200

    @OptionGroup var output: OutputOptions

    @OptionGroup var seeding: SeedOption

    @OptionGroup var common: CommonOptions

    func validate() throws {
        if let k, k < 1 { throw ValidationError("--k must be at least 1, got \(k)") }
        if !(level > 0 && level < 1) { throw ValidationError("--level must lie strictly between 0 and 1, got \(level)") }
        if bootstrap < 10 { throw ValidationError("--bootstrap must be at least 10, got \(bootstrap)") }
        if let layers, layers.split(separator: ",").contains(where: { $0.trimmingCharacters(in: .whitespaces).isEmpty }) {
            throw ValidationError("--layers takes comma-separated names or globs, got '\(layers)'")
        }
    }

    func run() throws {
        let options = EstimationOptions(confidenceLevel: level, bootstrapResamples: bootstrap, intervalMethod: ci, seed: seeding.seed)
        let patterns = layers.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
        let report = try LayersJob(activationsPath: activations, layerPatterns: patterns,
                                   estimatorNames: estimator.isEmpty ? ["auto"] : estimator, k: k, options: options,
                                   bootstrap: bootstrap, outputFolder: output.out, commandLine: commandLine).run()
        try output.claim(scope: "layers", inputs: [activations], quiet: common.quiet)
        if common.json {
            writeStandardOutput(try ReportEncoding.json(report))
        } else {
            print(TerminalText.block(report.text()), terminator: "")
        }
    }
}
