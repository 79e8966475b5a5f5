import ArgumentParser
import Foundation
import MindSpaceCore
import MindSpaceCheckpoints
import MindSpacePipeline

/// `mindspace trajectory CKPT...`: streaming PCA of a training trajectory.
struct TrajectoryCommand: ParsableCommand, UsesCommonOptions {
    static let configuration = CommandConfiguration(
        commandName: "trajectory",
        abstract: "Streaming PCA of a training trajectory: in how few directions do the weights move?",
        discussion: """
            Each checkpoint is one point (its selected tensors flattened). Checkpoints are files \
            (.safetensors, .npy, .npz, PyTorch .pt/.pth/.bin/.ckpt, or a sharded \
            *.safetensors.index.json or pytorch_model.bin.index.json), folders (listed in \
            natural order: step_2 before step_10) or quoted globs. Memory does not grow with the \
            model: the checkpoints are read in chunks and only their n×n Gram matrix is kept. \
            Writes trajectory.json, trajectory-coordinates.npy, trajectory-scree.png and \
            trajectory-path.png (and trajectory-components.npy with --save-components) into --out. \
            The spectrum is set against a random-walk null (walks with the same step lengths; \
            Antognini & Sohl-Dickstein 2018), and the report gives how much of the displacement \
            from the first checkpoint to the last lies in the top-k components.
            """)

    @Argument(help: "Checkpoints: files, folders or globs, in order.")
    var checkpoints: [String]

    @Option(name: .long, help: "Use only tensors whose name contains a match of this regular expression.")
    var tensors: String?

    @Option(name: .long, help: "Leave out tensors whose name contains a match of this regular expression.")
    var exclude: String?

    @Flag(name: .long, help: "Keep integer and boolean tensors (skipped by default).")
    var includeIntegerTensors = false

    @Flag(name: .long, help: "Also report the spectrum of each tensor separately.")
    var perTensor = false

    @Flag(name: .long, help: "Also report the spectrum of each layer (tensors named alike up to the last '.').")
    var perLayer = false

    @Option(name: .long, help: "Write the top K principal directions in parameter space (K × parameters, float64 .npy); needs a second read.")
    var saveComponents: Int?

    @Option(name: .long, help: "Parameters per checkpoint read at once (default: about 16 MiB of doubles per chunk across all checkpoints).")
    var chunkElements: Int?

    @Flag(name: .long, help: "Also fingerprint each checkpoint's analysed bytes (XXH3-64, in the report and the images); reads the data twice, about 40% more time.")
    var dataHash = false

    @OptionGroup var nullOptions: NullOptions

    @OptionGroup var output: OutputOptions

    @OptionGroup var seeding: SeedOption

    @OptionGroup var common: CommonOptions

    func validate() throws {
        if nullOptions.null == .none, seeding.given != nil {
            throw ValidationError("--seed does not apply with --null none: trajectory then makes no random choice")
        }
        if checkpoints.isEmpty { throw ValidationError("give at least 2 checkpoints (files, folders or globs)") }
        if perTensor && perLayer { throw ValidationError("choose one of --per-tensor and --per-layer") }
        if let saveComponents, saveComponents < 1 { throw ValidationError("--save-components must be at least 1") }
        if let chunkElements, chunkElements < 1 { throw ValidationError("--chunk-elements must be at least 1") }
    }

    func run() throws {
        let bar = ProgressBar(label: "reading checkpoints", quiet: common.quiet)
        var job = TrajectoryJob(
            checkpoints: checkpoints,
            selection: TensorSelection(include: tensors, exclude: exclude, includeIntegerTensors: includeIntegerTensors),
            grouping: perTensor ? .tensor : (perLayer ? .layer : .none),
            saveComponents: saveComponents, chunkElements: chunkElements,
            outputFolder: output.out, commandLine: commandLine,
            progress: { bar.update(done: $0, total: $1) })
        job.hashesData = dataHash
        job.null = nullOptions.settings(seed: seeding.seed)
        let report: TrajectoryReport
        do {
            report = try job.run()
        } catch {
            bar.finish()
            throw error
        }
        bar.finish()
        try output.claim(scope: "trajectory", inputs: checkpoints, quiet: common.quiet)
        if common.json {
            writeStandardOutput(try ReportEncoding.json(report))
        } else {
            print(TerminalText.block(report.text()), terminator: "")
        }
    }
}
