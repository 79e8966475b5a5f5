import ArgumentParser
import Foundation
import MindSpaceCore
import MindSpaceDimension
import MindSpaceCheckpoints
import MindSpacePipeline

/// `mindspace batch ROOT`: every run's trajectory, the weight set across runs, and an index.
extension WeightSetAlignmentMethod: ExpressibleByArgument {}

struct BatchCommand: ParsableCommand, UsesCommonOptions {
    static let configuration = CommandConfiguration(
        commandName: "batch",
        abstract: "The whole job over a tree of runs: per-run trajectories, the weight set across runs, an index.",
        discussion: """
            ROOT holds one sub-folder per run (runs/seed0/, runs/seed1/, …), each with its \
            checkpoints. Writes runs/<run>/trajectory.json and its images, weight-set.json and \
            weight-set-pca.png (the --pick checkpoint of every run as one point: PCA, distances, and \
            an intrinsic dimension only with enough runs), index.md and batch.json into --out. \
            Each run's spectrum is set against a random-walk null with its own step lengths \
            (--null none to skip), and its displacement first → last is split over its components. \
            Resumable: finished passes are cached in <out>/.cache; rerunning after an interruption \
            redoes only what is missing and writes the same files.
            """)

    @Argument(help: "The folder of runs.")
    var root: String

    @Option(name: .long, help: "Use only tensors whose name contains a match of this regular expression.")
    var tensors: String?

    @Option(name: .long, help: "Leave out tensors whose name contains a match of this regular expression.")
    var exclude: String?

    @Flag(name: .long, help: "Keep integer and boolean tensors (skipped by default).")
    var includeIntegerTensors = false

    @Option(name: .long, help: "The checkpoint of each run in the weight set: first, last (default) or a step number (its position from 0 when names carry no steps).")
    var pick: String = "last"

    @Option(name: .long, help: "Align the weight set before its PCA, distances and ID: weight-matching (each run's units permuted to the first run's, Git Re-Basin) or none.")
    var align: WeightSetAlignmentMethod = .weightMatching

    @Option(name: .long, help: "Parameters per checkpoint read at once (default: about 16 MiB of doubles per chunk).")
    var chunkElements: Int?

    @Flag(name: .long, help: "Also fingerprint each checkpoint's analysed bytes (XXH3-64, in the report and the images); reads the data twice, about 40% more time.")
    var dataHash = false

    @OptionGroup var nullOptions: NullOptions

    @OptionGroup var output: OutputOptions

    @OptionGroup var seeding: SeedOption

    @OptionGroup var common: CommonOptions

    func validate() throws {
        if let chunkElements, chunkElements < 1 { throw ValidationError("--chunk-elements must be at least 1") }
        do { _ = try CheckpointPick(parsing: pick) } catch { throw ValidationError("--pick takes first, last or a step number, got '\(pick)'") }
    }

    func run() throws {
        let bar = ProgressBar(label: "reading checkpoints", quiet: common.quiet)
        var options = EstimationOptions()
        options.seed = seeding.seed
        var job = BatchJob(
            root: root,
            selection: TensorSelection(include: tensors, exclude: exclude, includeIntegerTensors: includeIntegerTensors),
            pick: try CheckpointPick(parsing: pick), chunkElements: chunkElements,
            options: options,
            outputFolder: output.out, commandLine: commandLine,
            progress: { bar.update(done: $0, total: $1) })
        job.hashesData = dataHash
        job.align = align
        job.null = nullOptions.settings(seed: seeding.seed)
        let outcome: BatchJob.Outcome
        do {
            outcome = try job.run()
        } catch {
            bar.finish()
            throw error
        }
        bar.finish()
        try output.claim(scope: "batch", inputs: [root], quiet: common.quiet)
        if common.json {
            writeStandardOutput(try ReportEncoding.json(outcome.report))
        } else {
            print(TerminalText.block(outcome.report.text()), terminator: "")
        }
    }
}
