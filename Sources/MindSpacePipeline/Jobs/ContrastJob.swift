import Foundation
import MindSpaceCore
import MindSpaceIO
import MindSpaceNumerics
import MindSpaceDimension
import MindSpaceProjection
import MindSpaceRender
import MindSpaceSimilarity

/// The `contrast` command as a library call: the sphere-versus-manifold figure.
///
/// Left panel, the **sphere view**: a null model of the data (`NullModel`; by default every
/// feature column shuffled independently), i.e. what N points with the same features would look
/// like if they filled their D-dimensional space. Right panel, the **manifold view**: the data.
/// Both are projected with the same method and seed, coloured by the same groups (humans blue and
/// AIs red when the groups are those), and titled with the measured intrinsic dimension (with its
/// confidence interval) and the number of principal components that hold 90% of the variance.
/// Writes `contrast.png`, `contrast.json` and the 2-D coordinates of both views
/// (`manifold-coordinates.npy`, `sphere-coordinates.npy`) atomically.
///
/// The numbers are what the data show: if the data do fill their space, both panels say so.
public struct ContrastJob: Sendable {
    public var dataPath: String
    public var arrayName: String?
    public var groupsPath: String?
    public var groupColumn: String?
    public var method: ProjectionMethod
    /// Tuning of the nonlinear projections (neighbours, minimum distance, perplexity, epochs).
    public var settings: ProjectionSettings
    public var nullModel: NullModel
    /// The intrinsic-dimension estimator (`EstimatorCatalog` name); `nil` picks `auto` when the
    /// catalog has it, else `twonn`.
    public var estimatorName: String?
    /// Estimation settings. The figure and report show every ID with its interval, so an
    /// `intervalMethod` that would leave an estimate without one (`.none`, or `.analytic` for an
    /// estimator without an analytic interval) is replaced by `.auto`.
    public var options: EstimationOptions
    public var width: Int
    public var height: Int
    public var dotsPerInch: Double
    public var title: String?
    public var outputFolder: String
    public var commandLine: [String]

    public init(dataPath: String, arrayName: String? = nil, groupsPath: String? = nil, groupColumn: String? = nil,
                method: ProjectionMethod = .pca, settings: ProjectionSettings = ProjectionSettings(),
                nullModel: NullModel = .permutedColumns, estimatorName: String? = nil,
                options: EstimationOptions = EstimationOptions(), width: Int = 2400, height: Int = 1200,
                dotsPerInch: Double = 200, title: String? = nil, outputFolder: String, commandLine: [String] = []) {
        self.dataPath = dataPath
        self.arrayName = arrayName
        self.groupsPath = groupsPath
        self.groupColumn = groupColumn
        self.method = method
        self.settings = settings
        self.nullModel = nullModel
        self.estimatorName = estimatorName
        self.options = options
        self.width = width
        self.height = height
        self.dotsPerInch = dotsPerInch
        self.title = title
        self.outputFolder = outputFolder
        self.commandLine = commandLine
    }

    /// The estimator used when none is named.
    public static var defaultEstimatorName: String {
        EstimatorCatalog.names.contains("auto") ? "auto" : "twonn"
    }

    public func run() throws -> ContrastReport {
        try ProjectJob.validateFigureSize(width: width, height: height, dotsPerInch: dotsPerInch)
        try settings.validate(for: method)
        try options.validate()
        let estimatorName = self.estimatorName ?? Self.defaultEstimatorName
        if estimatorName.lowercased() == "all" {
            throw MindSpaceError(.usage, "contrast titles each view with one estimate: name one estimator, not 'all' "
                                 + "(mindspace id --estimator all compares them)")
        }
        guard let estimator = try EstimatorCatalog.estimators(named: [estimatorName], k: nil).first else {
            throw MindSpaceError(.usage, "name an estimator")
        }
        let input = try AnalysisInput.open(dataPath, arrayName: arrayName)
        var inputs = [input.record]
        var labels: [String]?
        if let groupsPath, input.tensor.shape.count == 2 {
            let read = try AnalysisInput.labels(path: groupsPath, column: groupColumn, points: input.tensor.shape[0])
            labels = read.labels
            inputs.append(read.record)
        }
        // With groups, the two largest are also compared in both views (GroupSeparation).
        let pair = try labels.flatMap { labels -> (first: LabelledGroups.Group, second: LabelledGroups.Group)? in
            let groups = LabelledGroups(labels: labels)
            return groups.groups.count >= 2 ? try groups.pair(nil) : nil
        }
        let views: (manifold: View, sphere: View)
        do {
            views = try input.points(purpose: "the contrast needs finite values")
                .analyse(with: Views(job: self, estimator: estimator, pair: pair))
        } catch let error as MindSpaceError {
            throw error.located(in: dataPath)
        }

        let folder = URL(fileURLWithPath: outputFolder)
        func path(_ name: String) -> String { folder.appendingPathComponent(name).relativePath }
        let report = ContrastReport(
            n: views.manifold.projection.count, d: input.tensor.shape.last ?? 0, method: method.rawValue,
            nullModel: nullModel.rawValue, nullModelSummary: nullModel.summary,
            manifold: views.manifold.summary, sphere: views.sphere.summary,
            groups: labels.map { GroupColoring.groupCount($0) },
            image: path("contrast.png"), coordinates: .init(manifold: path("manifold-coordinates.npy"),
                                                            sphere: path("sphere-coordinates.npy")),
            report: path("contrast.json"),
            provenance: ReportEncoding.Provenance(command: commandLine, seed: options.seed, inputs: inputs))
        let figure = makeFigure(views, labels: labels, report: report)
        let provenance = ImageProvenance(
            commandLine: commandLine.isEmpty ? nil : commandLine.joined(separator: " "),
            inputs: inputs.map(ImageProvenance.InputFile.init), seed: options.seed, method: "contrast",
            parameters: ["projection=\(method.rawValue)", "null_model=\(nullModel.rawValue)", "estimator=\(estimator.name)"]
                + views.manifold.projection.tuning.map { "\($0.name)=\($0.value)" })
        let transaction = OutputTransaction()
        try transaction.stage(figure.pngData(provenance: provenance), at: report.image)
        try transaction.stage(NpyWriter.encode(views.manifold.projection.coordinates), at: report.coordinates.manifold)
        try transaction.stage(NpyWriter.encode(views.sphere.projection.coordinates), at: report.coordinates.sphere)
        try transaction.stage(ReportEncoding.json(report), at: report.report)
        try transaction.commit()
        return report
    }

    /// One panel's numbers and picture.
    struct View {
        var summary: ContrastReport.View
        var projection: Projection2D
    }

    /// The job's body for either precision: the data's view and its null model's.
    private struct Views: PointsAnalysis {
        let job: ContrastJob
        let estimator: any DimensionEstimator
        let pair: (first: LabelledGroups.Group, second: LabelledGroups.Group)?

        func analyse<Scalar: NeighborScalar>(_ points: consuming Matrix<Scalar>) throws -> (manifold: View, sphere: View) {
            guard points.rows >= 3, points.columns >= 2 else {
                throw MindSpaceError(.malformedData,
                    "the contrast needs at least 3 points in at least 2 dimensions, got \(points.rows) × \(points.columns)")
            }
            var generator = SeededGenerator(seed: job.options.seed)
            let null = job.nullModel.sample(like: points, generator: &generator)
            var manifold = try job.view(points, estimator: estimator)
            var sphere = try job.view(null, estimator: estimator)
            let settings = GroupSeparation.Settings(seed: job.options.seed)
            if let pair, min(pair.first.members.count, pair.second.members.count) >= settings.smallestGroup {
                func measure<S: NeighborScalar>(_ viewPoints: Matrix<S>) throws -> GroupsReport.Pair {
                    GroupsReport.Pair(a: pair.first.name, b: pair.second.name, union: nil,
                                      separation: try GroupSeparation(points: viewPoints, pair: pair, settings: settings))
                }
                manifold.summary.pair = try measure(points)
                sphere.summary.pair = try measure(null)
            }
            return (manifold, sphere)
        }
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    private func view<Scalar: NeighborScalar>(_ points: Matrix<Scalar>, estimator: any DimensionEstimator) throws -> View {
        var estimation = options
        if estimation.intervalMethod != .bootstrap { estimation.intervalMethod = .auto }
        let estimate = try estimator.estimate(points, options: estimation)
        let pca = try PCA(components: 1).fit(points)
        let projection = try settings.project(points, method: method, seed: options.seed)
        return View(summary: ContrastReport.View(
                        id: estimate.dimension, ci: [estimate.ci.low, estimate.ci.high], ciLevel: estimate.ci.level,
                        estimator: estimate.estimator, componentsFor90: pca.spectrum.componentsFor(fraction: 0.9),
                        axes: [projection.xLabel, projection.yLabel], estimate: estimate),
                    projection: projection)
    }

    private func makeFigure(_ views: (manifold: View, sphere: View), labels: [String]?, report: ContrastReport) -> Figure {
        func panel(_ view: View, name: String) -> ScatterPlot {
            let s = view.summary
            var plot = ScatterPlot(points: view.projection.coordinates,
                                   coloring: labels.map { .groups($0) } ?? .uniform(Palette.okabeIto[0]),
                                   title: "\(name): ID \(Self.short(s.id)) [\(Self.short(s.ci[0])), \(Self.short(s.ci[1]))], "
                                       + "90% of variance in \(s.componentsFor90) PCs",
                                   xLabel: view.projection.xLabel, yLabel: view.projection.yLabel)
            plot.seed = options.seed
            plot.legendTitle = groupColumn
            return plot
        }
        let name = URL(fileURLWithPath: dataPath).lastPathComponent
        let level = Int((report.manifold.ciLevel * 100).rounded())
        let footer = "Left: null model, \(nullModel.summary); right: the data. Both: \(views.manifold.projection.methodDescription), seed \(options.seed). "
            + "ID by \(report.manifold.estimator) with \(level)% CI \u{00B7} N = \(report.n), D = \(report.d) \u{00B7} MindSpace \(MindSpaceVersion.string)"
        // Both panels share their axis limits, so the spread of the two views compares honestly.
        var sphere = panel(views.sphere, name: "Sphere view"), manifold = panel(views.manifold, name: "Manifold view")
        if let xRange = Self.range(sphere.x + manifold.x), let yRange = Self.range(sphere.y + manifold.y) {
            sphere.xRange = xRange; manifold.xRange = xRange
            sphere.yRange = yRange; manifold.yRange = yRange
        }
        return Figure(panels: [sphere, manifold],
                      title: title ?? "\(name): sphere view vs manifold view", footer: footer,
                      width: width, height: height, style: PlotStyle(dotsPerInch: dotsPerInch), sharesLegend: labels != nil)
    }

    /// The closed range of the finite values, padded by 4% on each side; `nil` if there is none.
    static func range(_ values: [Double]) -> ClosedRange<Double>? {
        let finite = values.filter(\.isFinite)
        guard let low = finite.min(), let high = finite.max() else { return nil }
        let pad = high > low ? 0.04 * (high - low) : max(abs(low), 1) * 0.5
        return (low - pad)...(high + pad)
    }

    /// Three significant digits, for titles.
    static func short(_ value: Double) -> String {
        String(format: value >= 100 ? "%.0f" : value >= 10 ? "%.1f" : "%.2f", value)
    }
}

/// The JSON report of `mindspace contrast` (keys per shared/cli.md: `manifold.id`, `sphere.id`,
/// `image`).
public struct ContrastReport: Codable, Equatable, Sendable {
    /// One view's measurements.
    public struct View: Codable, Equatable, Sendable {
        /// The intrinsic dimension estimate.
        public var id: Double
        /// Its confidence interval [low, high].
        public var ci: [Double]
        public var ciLevel: Double
        public var estimator: String
        /// Principal components holding 90% of the variance.
        public var componentsFor90: Int
        /// The projection's axis labels.
        public var axes: [String]
        /// The full estimate (parameters, diagnostics, notes).
        public var estimate: DimensionEstimate
        /// With groups: the two largest compared in this view (mixing, classifier, within-share;
        /// see `mindspace groups`), so the data's separation can be read against the null's.
        public var pair: GroupsReport.Pair?

        enum CodingKeys: String, CodingKey {
            case id, ci, estimator, axes, estimate, pair
            case ciLevel = "ci_level"
            case componentsFor90 = "components_for_90"
        }
    }

    public struct Coordinates: Codable, Equatable, Sendable {
        public var manifold: String
        public var sphere: String
    }

    public var n: Int
    public var d: Int
    public var method: String
    public var nullModel: String
    public var nullModelSummary: String
    public var manifold: View
    public var sphere: View
    public var groups: Int?
    public var image: String
    public var coordinates: Coordinates
    public var report: String
    public var provenance: ReportEncoding.Provenance

    enum CodingKeys: String, CodingKey {
        case n, d, method, manifold, sphere, groups, image, coordinates, report, provenance
        case nullModel = "null_model"
        case nullModelSummary = "null_model_summary"
    }

    /// The human-readable summary the CLI prints without `--json`.
    public func text() -> String {
        func line(_ name: String, _ view: View) -> String {
            let level = Int((view.ciLevel * 100).rounded())
            return "  \(name)  ID \(String(format: "%.2f", view.id)) (\(level)% CI \(String(format: "%.2f", view.ci[0]))–\(String(format: "%.2f", view.ci[1])), \(view.estimator)); "
                + "90% of variance in \(view.componentsFor90) of \(d) principal components\n"
        }
        let input = provenance.inputs.first
        func groupsLine(_ name: String, _ view: View) -> String {
            guard let pair = view.pair else { return "" }
            return "  \(name)  \(pair.a) vs \(pair.b): mixing \(String(format: "%.3f", pair.mixing)) (shuffled labels "
                + "\(String(format: "%.3f", pair.mixingNull))), k-NN accuracy \(String(format: "%.3f", pair.classifierAccuracy)), "
                + "within-share \(String(format: "%.3f", pair.withinShare))\n"
        }
        return "Contrast of \(input?.path ?? "data") (\(n) × \(d)), \(method) projection, null model: \(nullModelSummary)\n"
            + line("manifold (data)  ", manifold) + line("sphere (null)    ", sphere)
            + groupsLine("manifold (data)  ", manifold) + groupsLine("sphere (null)    ", sphere)
            + "wrote \(image), \(coordinates.manifold), \(coordinates.sphere), \(report)\n"
    }
}
