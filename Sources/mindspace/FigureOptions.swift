import ArgumentParser
import MindSpaceCore
import MindSpaceProjection
import MindSpacePipeline

/// The options of a command that draws points: group labels for colours and the legend, the
/// image size and resolution, and the title. Shared by `project` and `contrast`, which differ
/// only in their default size (`defaultWidth`).
struct FigureOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("One group label per point (TensorBoard metadata.tsv), for colours and the legend.", valueName: "file"))
    var groups: String?

    @Option(name: .customLong("group-column"), help: ArgumentHelp("The header column of a multi-column label file.", valueName: "name"))
    var groupColumn: String?

    @Option(name: .long, help: "Image width in pixels, 200–10000 (default: 1600 for project, 2400 for contrast's two panels).")
    var width: Int?

    @Option(name: .long, help: "Image height in pixels, 200–10000 (default: 1200).")
    var height: Int?

    @Option(name: .long, help: "Resolution in dots per inch, 50–1200 (sets the size of text and points; the image must be at least 4 × 3 inches).")
    var dpi: Double = 200

    @Option(name: .long, help: "Figure title (default: made from the file name and method).")
    var title: String?

    /// The height used when `--height` is not given.
    static let defaultHeight = 1200

    /// Checks the label options and the image size for a figure `defaultWidth` wide by default.
    func validate(defaultWidth: Int) throws {
        if groupColumn != nil && groups == nil { throw ValidationError("--group-column needs --groups FILE") }
        do {
            try ProjectJob.validateFigureSize(width: width ?? defaultWidth, height: height ?? Self.defaultHeight, dotsPerInch: dpi)
        } catch let error as MindSpaceError {
            throw ValidationError(error.reason)
        }
    }
}

/// The tuning options of the nonlinear projections, shared by `project` and `contrast`.
struct ProjectionOptions: ParsableArguments {
    @Option(name: .long, help: "Neighbours per point for isomap (default: 10) and umap (default: 15, the point itself included).")
    var neighbors: Int?

    @Option(name: .customLong("min-dist"), help: "UMAP's minimum distance between points in the layout, 0–1 (default: 0.1).")
    var minDist: Double?

    @Option(name: .long, help: "t-SNE's perplexity (default: 30).")
    var perplexity: Double?

    @Option(name: .long, help: "UMAP's epochs (default: 500, or 200 above 10000 points) or t-SNE's iterations (default: 1000).")
    var epochs: Int?

    var settings: ProjectionSettings {
        ProjectionSettings(neighbors: neighbors, minDistance: minDist, perplexity: perplexity, epochs: epochs)
    }

    /// Checks the settings for `method`.
    func validate(for method: ProjectionMethod) throws {
        do {
            try settings.validate(for: method)
        } catch let error as MindSpaceError {
            throw ValidationError(error.reason)
        }
    }
}
