import MindSpaceCore
import ArgumentParser
import MindSpaceDimension
import MindSpaceProjection
import MindSpacePipeline

extension NullModel: ExpressibleByArgument {}

/// `mindspace contrast DATA`: the sphere-versus-manifold figure.
struct ContrastCommand: ParsableCommand, UsesCommonOptions {
    static let configuration = CommandConfiguration(
        commandName: "contrast",
        abstract: "The sphere view (a null model with the same N, D and spread) beside the manifold view (the data), with measured IDs.",
        discussion: """
            Null models: permute (each feature column shuffled independently; default), gaussian \
            (isotropic, same mean and total variance), ball (uniform, same mean and total variance). \
            Writes contrast.png, contrast.json and both views' 2-D coordinates into --out.
            """)

    @Argument(help: "Points × features: .npy, .npz, .safetensors, .pt/.pth/.bin/.ckpt, .tsv or .csv.")
    var data: String

    @Option(name: [.customLong("array"), .customLong("tensor")], help: "The array (.npz) or tensor (.safetensors, PyTorch) to use.")
    var array: String?

    @Option(name: .long, help: "Projection method for both views.")
    var method: ProjectionMethod = .pca

    @Option(name: .customLong("null-model"), help: "The sphere view's null model: permute, gaussian or ball.")
    var nullModel: NullModel = .permutedColumns

    @Option(name: .long, help: "Intrinsic-dimension estimator, one (default: auto if available, else twonn).")
    var estimator: [String] = []

    @OptionGroup var projection: ProjectionOptions

    @OptionGroup var figure: FigureOptions

    @OptionGroup var output: OutputOptions

    @OptionGroup var seeding: SeedOption

    @OptionGroup var common: CommonOptions

    func validate() throws {
        // Read as a list so that a second --estimator is refused rather than silently replacing the first.
        if estimator.count > 1 {
            throw ValidationError("--estimator: contrast titles each view with one estimate; got \(estimator.count) (\(estimator.joined(separator: ", ")))")
        }
        try figure.validate(defaultWidth: 2400)
        try projection.validate(for: method)
    }

    func run() throws {
        let options = EstimationOptions(seed: seeding.seed)
        let report = try ContrastJob(dataPath: data, arrayName: array, groupsPath: figure.groups, groupColumn: figure.groupColumn,
                                     method: method, settings: projection.settings, nullModel: nullModel,
                                     estimatorName: estimator.first, options: options, width: figure.width ?? 2400,
                                     height: figure.height ?? FigureOptions.defaultHeight, dotsPerInch: figure.dpi,
                                     title: figure.title, outputFolder: output.out, commandLine: commandLine).run()
        try output.claim(scope: "contrast", inputs: [data] + (figure.groups.map { [$0] } ?? []), quiet: common.quiet)
        if common.json {
            writeStandardOutput(try ReportEncoding.json(report))
        } else {
            print(TerminalText.block(report.text()), terminator: "")
        }
    }
}
