import MindSpaceCore
import ArgumentParser
import MindSpaceProjection
import MindSpacePipeline

extension ProjectionMethod: ExpressibleByArgument {}

/// `mindspace project DATA`: a 2-D picture of the points and their coordinates.
struct ProjectCommand: ParsableCommand, UsesCommonOptions {
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

    @Argument(help: "Points × features: .npy, .npz, .safetensors, .pt/.pth/.bin/.ckpt, .tsv or .csv.")
    var data: String

    @Option(name: [.customLong("array"), .customLong("tensor")], help: "The array (.npz) or tensor (.safetensors, PyTorch) to use.")
    var array: String?

    @Option(name: .long, help: "Projection method.")
    var method: ProjectionMethod = .pca

    @OptionGroup var projection: ProjectionOptions

    @OptionGroup var figure: FigureOptions

    @OptionGroup var output: OutputOptions

    @OptionGroup var seeding: SeedOption

    @OptionGroup var common: CommonOptions

    func validate() throws {
        try figure.validate(defaultWidth: 1600)
        try projection.validate(for: method)
    }

    func run() throws {
        let report = try ProjectJob(dataPath: data, arrayName: array, groupsPath: figure.groups, groupColumn: figure.groupColumn,
                                    method: method, settings: projection.settings, seed: seeding.seed,
                                    width: figure.width ?? 1600, height: figure.height ?? FigureOptions.defaultHeight,
                                    dotsPerInch: figure.dpi, title: figure.title, outputFolder: output.out,
                                    commandLine: commandLine).run()
        try output.claim(scope: "project", inputs: [data] + (figure.groups.map { [$0] } ?? []), quiet: common.quiet)
        if common.json {
            writeStandardOutput(try ReportEncoding.json(report))
        } else {
            print(TerminalText.block(report.text()), terminator: "")
        }
    }
}
