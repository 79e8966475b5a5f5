import ArgumentParser
import MindSpace

extension ProjectionMethod: ExpressibleByArgument {}

/// `mindspace project DATA`: a 2-D picture of the points and their coordinates.
struct ProjectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "project",
        abstract: "Project points to 2-D: a scatter plot (PNG) and the coordinates (.npy).",
        discussion: """
            Writes projection.png, coordinates.npy (N×2 float64) and project.json into --out.

            pca: the first two principal components (the linear view with the most variance). \
            random: a seeded Gaussian random projection onto two orthonormal directions (a typical \
            view, to compare with PCA's best one). mds: classical MDS (equal to PCA's view for \
            Euclidean distances; landmark MDS above 3000 points). isomap: classical MDS of \
            shortest-path distances in the k-nearest-neighbour graph (unrolls curved manifolds; \
            landmarks above 2000 points). umap: UMAP with umap-learn's defaults. tsne: t-SNE with \
            scikit-learn's defaults (exact up to 500 points, Barnes–Hut above). Every method is \
            deterministic for a given --seed.
            """)

    @Argument(help: "Points × features: .npy, .npz, .safetensors, .tsv or .csv.")
    var data: String

    @Option(name: [.customLong("array"), .customLong("tensor")], help: "The array (.npz) or tensor (.safetensors) to use.")
    var array: String?

    @Option(name: .long, help: "Projection method.")
    var method: ProjectionMethod = .pca

    @Option(name: .long, help: "Neighbours per point for isomap (default 10) and umap (default 15, the point itself included).")
    var neighbors: Int?

    @Option(name: .customLong("min-dist"), help: "UMAP's minimum distance between points in the layout, 0–1 (default 0.1).")
    var minDist: Double?

    @Option(name: .long, help: "t-SNE's perplexity (default 30).")
    var perplexity: Double?

    @Option(name: .long, help: "UMAP's epochs (default 500, or 200 above 10000 points) or t-SNE's iterations (default 1000).")
    var epochs: Int?

    @Option(name: .long, help: ArgumentHelp("One group label per point (TensorBoard metadata.tsv), for colours and the legend.", valueName: "file"))
    var groups: String?

    @Option(name: .customLong("group-column"), help: ArgumentHelp("The header column of a multi-column label file.", valueName: "name"))
    var groupColumn: String?

    @Option(name: .long, help: "Image width in pixels (200–10000).")
    var width: Int = 1600

    @Option(name: .long, help: "Image height in pixels (200–10000).")
    var height: Int = 1200

    @Option(name: .long, help: "Resolution in dots per inch, 50–1200 (sets the size of text and points; the image must be at least 4 × 3 inches).")
    var dpi: Double = 200

    @Option(name: .long, help: "Figure title (default: \"<file name> — <method>\").")
    var title: String?

    @OptionGroup var common: CommonOptions

    func validate() throws {
        if groupColumn != nil && groups == nil { throw ValidationError("--group-column needs --groups FILE") }
        do {
            try ProjectJob.validateFigureSize(width: width, height: height, dotsPerInch: dpi)
            try settings.validate(for: method)
        } catch let error as MindSpaceError {
            throw ValidationError(error.reason)
        }
    }

    var settings: ProjectionSettings {
        ProjectionSettings(neighbors: neighbors, minDistance: minDist, perplexity: perplexity, epochs: epochs)
    }

    func run() throws {
        common.applyThreads()
        let report = try ProjectJob(dataPath: data, arrayName: array, groupsPath: groups, groupColumn: groupColumn,
                                    method: method, settings: settings, seed: common.seed, width: width, height: height, dotsPerInch: dpi,
                                    title: title, outputFolder: common.out, commandLine: commandLine).run()
        if common.json {
            writeStandardOutput(try ReportEncoding.json(report))
        } else {
            print(report.text(), terminator: "")
        }
    }
}
