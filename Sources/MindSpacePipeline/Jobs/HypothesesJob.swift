import Foundation
import MindSpaceCore
import MindSpaceIO
import MindSpaceSynthetic
import MindSpaceSimilarity
import MindSpaceProjection
import MindSpaceRender

/// The essay's two pictures side by side: the sphere model (left) and the manifold model
/// (right) of `MindSpaceHypothesis`, with the same N, D, group sizes, projection (PCA) and
/// colours (humans blue, AIs red), each panel titled with its measured intrinsic dimensions and
/// its mixing and within-share. Writes both data sets (`generate mindspace --hypothesis …`),
/// both `groups` reports and `hypotheses.png` into the output folder. Illustrative: the models
/// show what each claim would look like and measure as, not what real minds are.
public struct HypothesesJob: Sendable {
    public var n: Int
    public var seed: UInt64
    /// Label shuffles of the permutation tests.
    public var permutations: Int
    public var outputFolder: String
    public var commandLine: [String]

    public init(n: Int = 2500, seed: UInt64 = 0, permutations: Int = 999, outputFolder: String, commandLine: [String] = []) {
        self.n = n
        self.seed = seed
        self.permutations = permutations
        self.outputFolder = outputFolder
        self.commandLine = commandLine
    }

    /// One picture: its generated data and its group measurements.
    public struct Picture: Codable, Equatable, Sendable {
        public var hypothesis: String
        public var data: GenerateReport
        public var groups: GroupsReport
    }

    /// Both pictures and the figure.
    public struct Result: Codable, Equatable, Sendable {
        public var sphere: Picture
        public var manifold: Picture
        public var image: String
    }

    public func run() throws -> Result {
        let folder = URL(fileURLWithPath: outputFolder)
        var pictures: [Picture] = []
        var projections: [Projection2D] = []
        var labels: [[String]] = []
        for hypothesis in [MindSpaceHypothesis.sphere, .manifold] {
            var generate = GenerateJob(name: "mindspace", n: n, seed: seed, outputFolder: folder.path, commandLine: commandLine)
            generate.hypothesis = hypothesis
            let data = try generate.run()
            let groupsPath = data.groups ?? ""
            let groups = try GroupsJob(dataPath: data.path, groupsPath: groupsPath, groupColumn: "group", pair: ("humans", "AIs"),
                                       settings: .init(k: 10, permutations: permutations, seed: seed),
                                       outputFolder: folder.appendingPathComponent(hypothesis.rawValue).path,
                                       commandLine: commandLine).run()
            let points = try AnalysisInput.open(data.path, arrayName: nil).matrix(as: Double.self)
            projections.append(try ProjectionSettings().project(points, method: .pca, seed: seed))
            labels.append(try GroupLabelsReader.read(path: groupsPath, column: "group"))
            pictures.append(Picture(hypothesis: hypothesis.rawValue, data: data, groups: groups))
        }
        let image = folder.appendingPathComponent("hypotheses.png").relativePath
        let figure = makeFigure(pictures, projections: projections, labels: labels)
        let provenance = ImageProvenance(
            commandLine: commandLine.isEmpty ? nil : commandLine.joined(separator: " "), inputs: [], seed: seed,
            method: "hypotheses", parameters: ["projection=pca", "k=10", "permutations=\(permutations)", "n=\(n)"])
        let transaction = OutputTransaction()
        try transaction.stage(figure.pngData(provenance: provenance), at: image)
        try transaction.commit()
        return Result(sphere: pictures[0], manifold: pictures[1], image: image)
    }

    /// A panel's title: the groups' IDs, the mixing as a share of chance, the within-share.
    static func title(_ picture: Picture) -> String {
        let report = picture.groups
        let ids = report.groups.map { "\($0.name) \($0.id.map(ContrastJob.short) ?? "–")" }.joined(separator: ", ")
        let name = picture.hypothesis == "sphere" ? "Sphere picture" : "Manifold picture"
        return "\(name): ID \(ids); mixing \(ContrastJob.short(report.pair.mixingRatio))× chance, "
            + "within-share \(ContrastJob.short(report.pair.withinShare))"
    }

    private func makeFigure(_ pictures: [Picture], projections: [Projection2D], labels: [[String]]) -> Figure {
        let panels = zip(zip(pictures, projections), labels).map { pair, groups -> ScatterPlot in
            var plot = ScatterPlot(points: pair.1.coordinates, coloring: .groups(groups), title: Self.title(pair.0),
                                   xLabel: pair.1.xLabel, yLabel: pair.1.yLabel)
            plot.seed = seed
            plot.legendTitle = "group"
            return plot
        }
        let manifold = pictures[1].data
        let footer = "Illustrative models, not measurements of real minds. Left: AIs uniform in a \(manifold.d)-ball, humans a "
            + "\(manifold.groupTrueIds?["humans"] ?? 0)-dimensional cluster in one corner; right: humans and AIs on thin "
            + "\(manifold.trueId)-dimensional manifolds. N = \(manifold.n), PCA, seed \(seed); IDs by auto; mixing and "
            + "within-share from mindspace groups (k = 10) \u{00B7} MindSpace \(MindSpaceVersion.string)"
        return Figure(panels: panels, title: "Two pictures of mind space: humans (blue) and AIs (red)", footer: footer,
                      width: 2400, height: 1200, style: PlotStyle(dotsPerInch: 200), sharesLegend: true)
    }
}
