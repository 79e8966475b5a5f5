import ArgumentParser
import MindSpaceCore
import MindSpaceSimilarity
import MindSpacePipeline

extension RepresentationMetricName: ExpressibleByArgument {}

/// `mindspace compare A B [C ...]`: how similar representations of the same inputs are.
struct CompareCommand: ParsableCommand, UsesCommonOptions {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Similarity of representations of the same inputs (CKA, CCA, Procrustes, mutual k-NN, …), with intervals and nulls.",
        discussion: """
            Each input is an N × D_i representation of the same N inputs, rows in the same order. For every pair \
            and metric: the score, a bootstrap interval over rows, and a permutation null (B's rows shuffled against \
            A's): its mean, and the p-value of the observed score. With more than two inputs: a matrix per metric, \
            its heatmap and the MDS map of the models from the distance √(1 − score). With --factors: a PERMANOVA of that \
            distance (the \
            first metric) by each factor, and the sequential shares of the factors in the order given, the residual \
            being the cross-run share. Writes compare.json (and images) into --out.
            """)

    @Argument(help: "Two or more representations: .npy, .npz, .safetensors, .tsv or .csv, N rows each.")
    var inputs: [String]

    @Option(name: [.customLong("array"), .customLong("tensor")], help: "The array (.npz) or tensor (.safetensors) to use in every input.")
    var array: String?

    @Option(name: .long, help: ArgumentHelp(
        "A similarity metric; repeat for several (default: linear-cka-debiased and mutual-knn). One of "
        + RepresentationMetricName.allCases.map(\.rawValue).joined(separator: ", ") + ".", valueName: "name"))
    var metric: [RepresentationMetricName] = []

    @Option(name: .long, help: "Neighbours per row for mutual-knn, cknna and overlap.")
    var k: Int = 10

    @Option(name: .long, help: "rbf-cka's bandwidth as a fraction of the median distance between rows.")
    var sigma: Double = 1

    @Option(name: .customLong("cca-dims"), help: "Principal components svcca keeps before CCA.")
    var ccaDims: Int = 10

    @Option(name: .customLong("anchor-count"), help: "Anchors of relative, drawn at random (seeded), at most N − 1.")
    var anchorCount: Int = 300

    @Option(name: .long, help: ArgumentHelp("relative's anchor rows: one 0-based row index per line.", valueName: "file"))
    var anchors: String?

    @Option(name: .long, help: "Bootstrap resamples of the rows for each score's interval (0: none).")
    var bootstrap: Int = 200

    @Option(name: .long, help: "Coverage of the intervals.")
    var level: Double = 0.95

    @Option(name: .long, help: "Shuffles of B's rows for each score's null (0: none).")
    var permutations: Int = 1000

    @Option(name: .long, help: ArgumentHelp("Heatmap order: input (as given) or cluster (average linkage of √(1 − score)).", valueName: "order"))
    var order: String = "input"

    @Option(name: .long, help: ArgumentHelp(
        "A table (header row) whose first column names each input by file stem and whose other columns are factors "
        + "(data, process, seed): PERMANOVA of √(1 − score) by them.", valueName: "file"))
    var factors: String?

    @OptionGroup var output: OutputOptions

    @OptionGroup var seeding: SeedOption

    @OptionGroup var common: CommonOptions

    func validate() throws {
        if k < 1 { throw ValidationError("--k must be at least 1, got \(k)") }
        if bootstrap < 0 { throw ValidationError("--bootstrap must be 0 or more, got \(bootstrap)") }
        if permutations < 0 { throw ValidationError("--permutations must be 0 or more, got \(permutations)") }
        if !(level > 0 && level < 1) { throw ValidationError("--level must lie strictly between 0 and 1, got \(level)") }
        if !(sigma > 0 && sigma.isFinite) { throw ValidationError("--sigma must be positive, got \(sigma)") }
        if ccaDims < 1 { throw ValidationError("--cca-dims must be at least 1, got \(ccaDims)") }
        if anchorCount < 1 { throw ValidationError("--anchor-count must be at least 1, got \(anchorCount)") }
        if !["input", "cluster"].contains(order) { throw ValidationError("--order is input or cluster, got '\(order)'") }
        if Set(metric).count != metric.count { throw ValidationError("a --metric is named twice") }
        if inputs.count < 2 { throw ValidationError("compare needs at least two representation files, got \(inputs.count)") }
    }

    func run() throws {
        var settings = RepresentationMetricSettings()
        settings.k = k
        settings.rbfSigmaFraction = sigma
        settings.ccaDimensions = ccaDims
        settings.anchorCount = anchorCount
        settings.seed = seeding.seed
        let report = try CompareJob(
            inputPaths: inputs, arrayName: array, metrics: metric.isEmpty ? RepresentationMetricName.defaults : metric,
            metricSettings: settings,
            comparison: .init(bootstrap: bootstrap, level: level, permutations: permutations, seed: seeding.seed),
            clusterOrder: order == "cluster", factorsPath: factors, anchorsPath: anchors, outputFolder: output.out,
            commandLine: commandLine).run()
        try output.claim(scope: "compare", inputs: inputs + [factors, anchors].compactMap { $0 }, quiet: common.quiet)
        if common.json {
            writeStandardOutput(try ReportEncoding.json(report))
        } else {
            print(TerminalText.block(report.text()), terminator: "")
        }
    }
}
