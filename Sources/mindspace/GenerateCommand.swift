import ArgumentParser
import MindSpaceCore
import MindSpaceSynthetic
import MindSpacePipeline

/// `mindspace generate NAME`: synthetic data with known intrinsic dimension, to `.npy`.
struct GenerateCommand: ParsableCommand, UsesCommonOptions {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Write synthetic data with known intrinsic dimension (benchmark manifolds, cubes, balls, spheres).",
        discussion: """
            NAME is one of scikit-dimension's 24 BenchmarkManifolds (M1_Sphere … Mp3_Paraboloid, fixed d \
            and D), or hypercube, ball, sphere or gaussian (these need --dimension d), or mindspace \
            (the illustrative mind-space model: humans and AIs, with groups written beside the points). Names ignore case; \
            'mindspace generate list' (or --list) prints the catalogue. --ambient D pads with zero \
            coordinates, --rotate applies a random rotation of R^D, --noise adds N(0, sigma^2) to every \
            coordinate. Writes <NAME>.npy (n x D float64) and <NAME>.json into --out.
            """)

    @Argument(help: "The data set to generate, or 'list'.")
    var name: String?

    @Flag(name: .long, help: "Print the catalogue of names with their d and D.")
    var list = false

    @Option(name: .customLong("n"), help: "Number of points.")
    var n: Int = 2500

    @Option(name: .long, help: "Intrinsic dimension d (required for hypercube, ball, sphere, gaussian).")
    var dimension: Int?

    @Option(name: .long, help: "Ambient dimension D (default: the data set's own number of coordinates).")
    var ambient: Int?

    @Option(name: .long, help: "Standard deviation of Gaussian noise added to every coordinate.")
    var noise: Double = 0

    @Flag(name: .long, help: "Rotate the points by a random (seeded) orthogonal matrix of R^D.")
    var rotate = false

    @Option(name: .customLong("ai-processes"), help: "mindspace model: number of AI learning processes.")
    var aiProcesses: Int = 4

    @Option(name: .customLong("runs"), help: "mindspace model: training runs per process.")
    var runs: Int = 3

    @Option(name: .customLong("human-fraction"), help: "mindspace model: fraction of the minds that are human.")
    var humanFraction: Double = 0.4

    @Option(name: .customLong("ai-divergence"), help: "mindspace model: how far the AI processes diverge from the human one.")
    var aiDivergence: Double = 0.25

    @Option(name: .customLong("run-variation"), help: "mindspace model: latent reparametrisation between runs of a process.")
    var runVariation: Double = 0.15

    @Option(name: .customLong("human-data-share"), help: "mindspace model: probability that an AI's datum is human-derived.")
    var humanDataShare: Double = 0.8

    @OptionGroup var common: CommonOptions

    func run() throws {
        if list || name?.lowercased() == "list" {
            let catalogue = GenerateCatalogue()
            if common.json {
                writeStandardOutput(try ReportEncoding.json(catalogue))
            } else {
                print(catalogue.text(), terminator: "")
            }
            return
        }
        guard let name else {
            throw MindSpaceError(.usage, "name a data set to generate; valid names (any case): "
                + SyntheticFamily.allNames.joined(separator: ", ") + ", or 'list'")
        }
        var job = GenerateJob(name: name, n: n, seed: common.seed, dimension: dimension, ambient: ambient,
                              noise: noise, rotated: rotate, outputFolder: common.out, commandLine: commandLine)
        job.model.aiProcesses = aiProcesses
        job.model.runsPerProcess = runs
        job.model.humanFraction = humanFraction
        job.model.aiDivergence = aiDivergence
        job.model.runVariation = runVariation
        job.model.humanDataShare = humanDataShare
        let report = try job.run()
        if common.json {
            writeStandardOutput(try ReportEncoding.json(report))
        } else {
            print(report.text(), terminator: "")
        }
    }
}
