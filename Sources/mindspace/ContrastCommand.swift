import ArgumentParser
import MindSpace

extension NullModel: ExpressibleByArgument {}

/// `mindspace contrast DATA`: the sphere-versus-manifold figure.
struct ContrastCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "contrast",
        abstract: "The sphere view (a null model with the same N, D and spread) beside the manifold view (the data), with measured IDs.",
        discussion: """
            Null models: permute (each feature column shuffled independently; default), gaussian \
            (isotropic, same mean and total variance), ball (uniform, same mean and total variance). \
            Writes contrast.png, contrast.json and both views' 2-D coordinates into --out.
            """)

    @Argument(help: "Points × features: .npy, .npz, .safetensors, .tsv or .csv.")
    var data: String

    @Option(name: [.customLong("array"), .customLong("tensor")], help: "The array (.npz) or tensor (.safetensors) to use.")
    var array: String?

    @Option(name: .long, help: "Projection method for both views.")
    var method: ProjectionMethod = .pca

    @Option(name: .customLong("null-model"), help: "The sphere view's null model: permute, gaussian or ball.")
    var nullModel: NullModel = .permutedColumns

    @Option(name: .long, help: "Intrinsic-dimension estimator (default: auto if available, else twonn).")
    var estimator: String?

    @Option(name: .long, help: ArgumentHelp("One group label per point (TensorBoard metadata.tsv).", valueName: "file"))
    var groups: String?

    @Option(name: .customLong("group-column"), help: ArgumentHelp("The header column of a multi-column label file.", valueName: "name"))
    var groupColumn: String?

    @Option(name: .long, help: "Image width in pixels.")
    var width: Int = 2400

    @Option(name: .long, help: "Image height in pixels.")
    var height: Int = 1200

    @Option(name: .long, help: "Resolution in dots per inch.")
    var dpi: Double = 200

    @Option(name: .long, help: "Figure title.")
    var title: String?

    @OptionGroup var common: CommonOptions

    func validate() throws {
        if groupColumn != nil && groups == nil { throw ValidationError("--group-column needs --groups") }
    }

    func run() throws {
        common.applyThreads()
        let options = EstimationOptions(seed: common.seed, threads: common.threads)
        let report = try ContrastJob(dataPath: data, arrayName: array, groupsPath: groups, groupColumn: groupColumn,
                                     method: method, nullModel: nullModel, estimatorName: estimator, options: options,
                                     width: width, height: height, dotsPerInch: dpi, title: title,
                                     outputFolder: common.out, commandLine: commandLine).run()
        if common.json {
            writeStandardOutput(try ReportEncoding.json(report))
        } else {
            print(report.text(), terminator: "")
        }
    }
}
