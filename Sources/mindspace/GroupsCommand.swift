import ArgumentParser
import MindSpaceCore
import MindSpaceSimilarity
import MindSpacePipeline

/// `mindspace groups DATA --groups FILE`: the geometry of labelled groups.
struct GroupsCommand: ParsableCommand, UsesCommonOptions {
    static let configuration = CommandConfiguration(
        commandName: "groups",
        abstract: "Geometry of labelled groups: ID per group, mixing against shuffled labels, a classifier two-sample test, within-share.",
        discussion: """
            For every group: its size and intrinsic dimension (auto, with its interval). For one pair A,B \
            (--pair; default: the two largest groups, in order of appearance): the ID of their union; the \
            mixing (mean fraction of each point's k nearest neighbours in the other group) against shuffled \
            labels with a permutation p-value; a cross-validated k-NN classifier's accuracy with its \
            permutation null; and the within-share (share of B's points whose distance to A is within A's \
            95th-percentile nearest-neighbour distance, relative to A's own share: about 1 when B is drawn \
            like A, 0 when apart). Writes groups.json into --out.
            """)

    @Argument(help: "Points × features: .npy, .npz, .safetensors, .tsv or .csv.")
    var data: String

    @Option(name: [.customLong("array"), .customLong("tensor")], help: "The array (.npz) or tensor (.safetensors) to use.")
    var array: String?

    @Option(name: .long, help: ArgumentHelp("One group label per point (TensorBoard metadata.tsv).", valueName: "file"))
    var groups: String

    @Option(name: .customLong("group-column"), help: ArgumentHelp("The header column of a multi-column label file.", valueName: "name"))
    var groupColumn: String?

    @Option(name: .long, help: ArgumentHelp("The pair to compare, A,B (B is measured within A).", valueName: "A,B"))
    var pair: String?

    @Option(name: .long, help: "Neighbours per point for mixing and the classifier.")
    var k: Int = 10

    @Option(name: .long, help: "Label shuffles of each permutation test.")
    var permutations: Int = 999

    @OptionGroup var output: OutputOptions

    @OptionGroup var seeding: SeedOption

    @OptionGroup var common: CommonOptions

    /// `--pair A,B` split at its one comma.
    private var pairNames: (String, String)? {
        get throws {
            guard let pair else { return nil }
            let parts = pair.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                throw ValidationError("--pair takes two group names separated by one comma (A,B), got '\(pair)'")
            }
            return (parts[0], parts[1])
        }
    }

    func validate() throws {
        if k < 1 { throw ValidationError("--k must be at least 1, got \(k)") }
        if permutations < 1 { throw ValidationError("--permutations must be at least 1, got \(permutations)") }
        _ = try pairNames
    }

    func run() throws {
        let settings = GroupSeparation.Settings(k: k, permutations: permutations, seed: seeding.seed)
        let report = try GroupsJob(dataPath: data, arrayName: array, groupsPath: groups, groupColumn: groupColumn,
                                   pair: try pairNames, settings: settings, outputFolder: output.out,
                                   commandLine: commandLine).run()
        try output.claim(scope: "groups", inputs: [data, groups], quiet: common.quiet)
        if common.json {
            writeStandardOutput(try ReportEncoding.json(report))
        } else {
            print(TerminalText.block(report.text()), terminator: "")
        }
    }
}
