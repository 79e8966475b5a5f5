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
            (the illustrative mind-space model: humans and AIs, with groups written beside the points; \
            --hypothesis sphere draws the other picture, written as mindspace-sphere.*). Names ignore case; \
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

    @Option(name: .long, help: ArgumentHelp("mindspace model: the picture to draw, manifold (humans and AIs on one thin manifold) or sphere (AIs anywhere in a D-ball, humans a small d-dimensional cluster in one corner). (default: manifold)", valueName: "manifold|sphere"))
    var hypothesis: String?

    @Option(name: .customLong("ai-processes"), help: "mindspace model: number of AI learning processes. (default: 4)")
    var aiProcesses: Int?

    @Option(name: .customLong("runs"), help: "mindspace model: training runs per process. (default: 3)")
    var runs: Int?

    @Option(name: .customLong("human-fraction"), help: "mindspace model: fraction of the minds that are human. (default: 0.4)")
    var humanFraction: Double?

    @Option(name: .customLong("ai-divergence"), help: "mindspace model: how far the AI processes diverge from the human one. (default: 0.25)")
    var aiDivergence: Double?

    @Option(name: .customLong("run-variation"), help: "mindspace model: latent reparametrisation between runs of a process. (default: 0.15)")
    var runVariation: Double?

    @Option(name: .customLong("human-data-share"), help: "mindspace model: probability that an AI's datum is human-derived. (default: 0.8)")
    var humanDataShare: Double?

    /// The mind-space model's options that were given, as typed (`--runs`, …).
    private var givenModelOptions: [String] {
        [("--ai-processes", aiProcesses != nil), ("--runs", runs != nil), ("--human-fraction", humanFraction != nil),
         ("--ai-divergence", aiDivergence != nil), ("--run-variation", runVariation != nil),
         ("--human-data-share", humanDataShare != nil)].filter(\.1).map(\.0)
    }

    @OptionGroup var output: OutputOptions

    @OptionGroup var seeding: SeedOption

    @OptionGroup var common: CommonOptions

    func run() throws {
        if list || name?.lowercased() == "list" {
            let catalogue = GenerateCatalogue()
            if common.json {
                writeStandardOutput(try ReportEncoding.json(catalogue))
            } else {
                print(TerminalText.block(catalogue.text()), terminator: "")
            }
            return
        }
        guard let name else {
            throw MindSpaceError(.usage, "name a data set to generate; valid names (any case): "
                + SyntheticFamily.allNames.joined(separator: ", ") + ", or 'list'")
        }
        let given = givenModelOptions + (hypothesis != nil ? ["--hypothesis"] : [])
        if !given.isEmpty && name.lowercased() != "mindspace" {
            throw MindSpaceError(.usage, "\(given.joined(separator: ", ")) \(given.count == 1 ? "applies" : "apply") only to the mindspace model, not to '\(name)'")
        }
        var chosen = MindSpaceHypothesis.manifold
        if let hypothesis {
            guard let named = MindSpaceHypothesis(name: hypothesis) else {
                throw MindSpaceError(.usage, "--hypothesis: unknown hypothesis '\(hypothesis)'; choose manifold or sphere")
            }
            chosen = named
        }
        let manifoldOnly = givenModelOptions.filter { $0 != "--human-fraction" }
        if chosen == .sphere && !manifoldOnly.isEmpty {
            throw MindSpaceError(.usage, "\(manifoldOnly.joined(separator: ", ")) \(manifoldOnly.count == 1 ? "applies" : "apply") only to --hypothesis manifold; "
                                 + "the sphere model takes --dimension, --ambient and --human-fraction")
        }
        var job = GenerateJob(name: name, n: n, seed: seeding.seed, dimension: dimension, ambient: ambient,
                              noise: noise, rotated: rotate, outputFolder: output.out, commandLine: commandLine)
        job.hypothesis = chosen
        if let aiProcesses { job.model.aiProcesses = aiProcesses }
        if let runs { job.model.runsPerProcess = runs }
        if let humanFraction { job.model.humanFraction = humanFraction }
        if let aiDivergence { job.model.aiDivergence = aiDivergence }
        if let runVariation { job.model.runVariation = runVariation }
        if let humanDataShare { job.model.humanDataShare = humanDataShare }
        let report = try job.run()
        try output.claim(scope: "generate-\(name.lowercased())" + (chosen == .sphere ? "-sphere" : ""), inputs: [], quiet: common.quiet)
        if common.json {
            writeStandardOutput(try ReportEncoding.json(report))
        } else {
            print(TerminalText.block(report.text()), terminator: "")
        }
    }
}
