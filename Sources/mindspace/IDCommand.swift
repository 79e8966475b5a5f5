import MindSpaceCore
import ArgumentParser
import MindSpaceDimension
import MindSpacePipeline

extension IntervalMethod: ExpressibleByArgument {}

/// `mindspace id DATA`: intrinsic dimension with confidence intervals.
struct IDCommand: ParsableCommand, UsesCommonOptions {
    static let configuration = CommandConfiguration(
        commandName: "id",
        abstract: "Intrinsic dimension of a point set, with a confidence interval for every estimate.",
        discussion: "Estimators: \(EstimatorCatalog.entries.map { "\($0.name) (\($0.summary))" }.joined(separator: "; ")); all runs every one.")

    @Argument(help: "Points × features: .npy, .npz, .safetensors, .pt/.pth/.bin/.ckpt, .tsv or .csv.")
    var data: String

    @Option(name: [.customLong("array"), .customLong("tensor")], help: "The array (.npz) or tensor (.safetensors, PyTorch) to use.")
    var array: String?

    @Option(name: .long, help: "Estimator to run (repeatable), or all (default: auto).")
    var estimator: [String] = []

    @Option(name: .long, help: "Neighbourhood size for the estimators that take one (default: each one's own).")
    var k: Int?

    @Option(name: .long, help: ArgumentHelp(
        "Confidence intervals: auto (analytic where the estimator has one: twonn-mle, gride; else a seeded bootstrap), "
        + "none (no intervals; faster), analytic (estimators without one report none and say why), "
        + "or bootstrap (for every estimator).",
        valueName: "auto|none|analytic|bootstrap"))
    var ci: IntervalMethod = .auto

    @Option(name: .long, help: "Confidence level of the intervals.")
    var level: Double = 0.95

    @Option(name: .long, help: "Bootstrap resamples where an interval is bootstrapped.")
    var bootstrap: Int = 200

    @Flag(name: .long, help: "Keep repeated rows (default: estimate on the distinct rows).")
    var keepDuplicates = false

    @Flag(name: .long, help: "Write each estimator's per-point values as pointwise-<estimator>.npy.")
    var pointwise = false

    @Flag(name: .long, help: "Also estimate the ID across scales (GRIDE over neighbour ranks, TwoNN on decimated subsets) and plot it.")
    var scales = false

    @OptionGroup var output: OutputOptions

    @OptionGroup var seeding: SeedOption

    @OptionGroup var common: CommonOptions

    func validate() throws {
        if let k, k < 1 { throw ValidationError("--k must be at least 1") }
        if !(level > 0 && level < 1) { throw ValidationError("--level must be between 0 and 1") }
        if bootstrap < 10 { throw ValidationError("--bootstrap must be at least 10") }
    }

    func run() throws {
        let options = EstimationOptions(duplicates: keepDuplicates ? .keep : .remove, confidenceLevel: level,
                                        bootstrapResamples: bootstrap, intervalMethod: ci,
                                        seed: seeding.seed)
        var job = IDJob(dataPath: data, arrayName: array,
                        estimatorNames: estimator.isEmpty ? ["auto"] : estimator, k: k,
                        options: options, pointwise: pointwise,
                        outputFolder: output.out, commandLine: commandLine)
        job.scales = scales
        let report = try job.run()
        try output.claim(scope: "id", inputs: [data], quiet: common.quiet)
        if common.json {
            writeStandardOutput(try ReportEncoding.json(report))
        } else {
            print(TerminalText.block(report.text()), terminator: "")
        }
    }
}
