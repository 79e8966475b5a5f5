import ArgumentParser
import MindSpace

/// `mindspace generate NAME`: synthetic data with known intrinsic dimension, to `.npy`.
struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Write synthetic data with known intrinsic dimension (benchmark manifolds, cubes, balls, spheres).",
        discussion: """
            NAME is one of scikit-dimension's 24 BenchmarkManifolds (M1_Sphere … Mp3_Paraboloid, fixed d \
            and D), or hypercube, ball, sphere or gaussian (these need --dimension d). Names ignore case; \
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
        let report = try GenerateJob(name: name, n: n, seed: common.seed, dimension: dimension, ambient: ambient,
                                     noise: noise, rotated: rotate, outputFolder: common.out,
                                     commandLine: commandLine).run()
        if common.json {
            writeStandardOutput(try ReportEncoding.json(report))
        } else {
            print(report.text(), terminator: "")
        }
    }
}
