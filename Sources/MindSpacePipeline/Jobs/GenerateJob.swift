import Foundation
import MindSpaceCore
import MindSpaceIO
import MindSpaceSynthetic
import MindSpaceDimension

/// The `generate` command as a library call: draw a `SyntheticRecipe` and write
/// `<folder>/<name>.npy` (n × D float64) and `<folder>/<name>.json` (the report) together through
/// an `OutputTransaction`, so a failure leaves no file. The same job gives byte-identical files.
public struct GenerateJob: Sendable {
    /// The family's name as typed (case-insensitive; see `SyntheticFamily.allNames`).
    public var name: String
    public var n: Int
    public var seed: UInt64
    /// d, required for the shapes; for a benchmark manifold `nil` or its fixed d.
    public var dimension: Int?
    /// D; `nil` for the family's own coordinate count.
    public var ambient: Int?
    /// σ of the Gaussian noise added to every coordinate.
    public var noise: Double
    /// Apply a random rotation of ℝᴰ.
    public var rotated: Bool
    /// The folder the files go into.
    public var outputFolder: String
    /// The command line, recorded in the report.
    public var commandLine: [String]
    /// Parameters of the mind-space model (`name == "mindspace"`); `dimension` and `ambient`,
    /// when given, override its latent and ambient dimensions.
    public var model = MindSpaceModel()
    /// Which picture the mind-space model draws (`name == "mindspace"`): the manifold model or
    /// its sphere counterpart (`SphereHypothesisModel`, with the model's d, D and human fraction).
    public var hypothesis = MindSpaceHypothesis.manifold

    /// A job; the name and options are checked by `run()` (`.usage` errors, exit 64).
    public init(name: String, n: Int, seed: UInt64 = 0, dimension: Int? = nil, ambient: Int? = nil,
                noise: Double = 0, rotated: Bool = false, outputFolder: String, commandLine: [String] = []) {
        self.name = name
        self.n = n
        self.seed = seed
        self.dimension = dimension
        self.ambient = ambient
        self.noise = noise
        self.rotated = rotated
        self.outputFolder = outputFolder
        self.commandLine = commandLine
    }

    /// The family called `name`, or a `.usage` error that lists every valid name.
    public static func family(named name: String) throws -> SyntheticFamily {
        guard let family = SyntheticFamily(name: name) else {
            throw MindSpaceError(.usage, "unknown synthetic data set '\(name)'; valid names (any case): "
                + SyntheticFamily.allNames.joined(separator: ", "))
        }
        return family
    }

    /// Runs the job and writes its files; returns the report (also written as `<name>.json`).
    public func run() throws -> GenerateReport {
        if name.lowercased() == "mindspace" { return try runMindSpaceModel() }
        let family = try Self.family(named: name)
        let recipe = SyntheticRecipe(family: family, n: n, dimension: dimension, ambient: ambient,
                                     rotated: rotated, noise: noise, seed: seed)
        let dataset = try recipe.generate()
        let folder = URL(fileURLWithPath: outputFolder)
        let report = GenerateReport(
            dataset: dataset, seed: seed,
            path: folder.appendingPathComponent("\(dataset.name).npy").relativePath,
            report: folder.appendingPathComponent("\(dataset.name).json").relativePath,
            provenance: ReportEncoding.Provenance(command: commandLine, seed: seed, inputs: []))
        let transaction = OutputTransaction()
        try transaction.stage(NpyWriter.encode(dataset.points), at: report.path)
        try transaction.stage(ReportEncoding.json(report), at: report.report)
        try transaction.commit()
        return report
    }
}

/// The JSON report of `mindspace generate` (keys per shared/cli.md: `path`, `n`, `d` = the
/// ambient dimension D, `true_id`), plus `name`, `seed`, `parameters`, the report's own path and
/// provenance.
extension GenerateJob {
    /// `generate mindspace`: the illustrative mind-space model (`MindSpaceModel`), written as
    /// `mindspace.npy`, `mindspace-groups.tsv` (TensorBoard metadata with a header: group,
    /// process, run) and `mindspace.json`; with `hypothesis == .sphere`, its sphere counterpart
    /// (`SphereHypothesisModel`) as `mindspace-sphere.*`. The report records the true intrinsic
    /// dimension of each group and of the union (`group_true_id`) and the group sizes.
    func runMindSpaceModel() throws -> GenerateReport {
        var model = self.model
        if let dimension { model.latentDimension = dimension }
        if let ambient { model.ambientDimension = ambient }
        guard noise == 0, !rotated else {
            throw MindSpaceError(.usage, "the mindspace model takes no --noise or --rotate; its variation is set by its own flags")
        }
        let sample: MindSpaceModel.Sample
        var parameters: [String: ParameterValue]
        let trueDimensions: [String: Int]
        switch hypothesis {
        case .manifold:
            sample = try model.sample(n: n, seed: seed)
            parameters = model.parameters
            trueDimensions = model.trueDimensions
        case .sphere:
            let sphere = SphereHypothesisModel(matching: model)
            sample = try sphere.sample(n: n, seed: seed)
            parameters = sphere.parameters
            trueDimensions = sphere.trueDimensions
        }
        parameters["n"] = .int(n)
        let stem = hypothesis == .manifold ? "mindspace" : "mindspace-sphere"
        let dataset = SyntheticDataset(points: sample.points, name: stem, trueDimension: trueDimensions["union"] ?? 0,
                                       parameters: parameters)
        let folder = URL(fileURLWithPath: outputFolder)
        var report = GenerateReport(
            dataset: dataset, seed: seed,
            path: folder.appendingPathComponent("\(stem).npy").relativePath,
            report: folder.appendingPathComponent("\(stem).json").relativePath,
            provenance: ReportEncoding.Provenance(command: commandLine, seed: seed, inputs: []))
        let groupsPath = folder.appendingPathComponent("\(stem)-groups.tsv").relativePath
        report.groups = groupsPath
        report.illustrative = true
        report.hypothesis = hypothesis.rawValue
        report.groupTrueIds = trueDimensions.filter { $0.key != "union" }
        report.groupSizes = Dictionary(sample.groups.map { ($0, 1) }, uniquingKeysWith: +)
        var table = "group\tprocess\trun\n"
        for i in 0..<sample.groups.count {
            table += "\(sample.groups[i])\t\(sample.processes[i])\t\(sample.runs[i])\n"
        }
        let transaction = OutputTransaction()
        try transaction.stage(NpyWriter.encode(dataset.points), at: report.path)
        try transaction.stage(Data(table.utf8), at: groupsPath)
        try transaction.stage(ReportEncoding.json(report), at: report.report)
        try transaction.commit()
        return report
    }
}

public struct GenerateReport: Codable, Equatable, Sendable {
    /// The `.npy` file written (n × D float64).
    public var path: String
    /// Group labels beside the points (the mind-space model), else `nil`.
    public var groups: String?
    /// True for data that illustrate an argument rather than benchmark a method.
    public var illustrative: Bool?
    /// The mind-space model's picture: "manifold" or "sphere"; `nil` for other data sets.
    public var hypothesis: String?
    /// The true intrinsic dimension of each group (the mind-space model), else `nil`.
    public var groupTrueIds: [String: Int]?
    /// The number of points of each group (the mind-space model), else `nil`.
    public var groupSizes: [String: Int]?
    /// The path of this report as written.
    public var report: String
    public var n: Int
    /// D, the number of columns (the ambient dimension).
    public var d: Int
    /// The intrinsic dimension of the manifold sampled.
    public var trueId: Int
    public var name: String
    public var seed: UInt64
    public var parameters: [String: ParameterValue]
    public var provenance: ReportEncoding.Provenance

    enum CodingKeys: String, CodingKey {
        case path, report, n, d, name, seed, parameters, provenance, groups, illustrative, hypothesis
        case trueId = "true_id", groupTrueIds = "group_true_id", groupSizes = "group_sizes"
    }

    init(dataset: SyntheticDataset, seed: UInt64, path: String, report: String, provenance: ReportEncoding.Provenance) {
        self.path = path
        self.report = report
        n = dataset.count
        d = dataset.ambientDimension
        trueId = dataset.trueDimension
        name = dataset.name
        self.seed = seed
        parameters = dataset.parameters
        self.provenance = provenance
    }

    /// The human-readable summary the CLI prints without `--json`.
    public func text() -> String {
        var line = "\(name): \(n) points in D = \(d), true intrinsic dimension \(trueId), seed \(seed)"
        var extras: [String] = []
        if case .bool(true) = parameters["rotated"] { extras.append("randomly rotated") }
        if let noise = parameters["noise_sigma"], noise != .double(0) { extras.append("Gaussian noise σ = \(noise)") }
        if !extras.isEmpty { line += " (" + extras.joined(separator: ", ") + ")" }
        if let groupTrueIds, let hypothesis {
            line += "\n\(hypothesis) hypothesis; true intrinsic dimension by group: "
                + groupTrueIds.sorted { $0.key > $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        }
        if illustrative == true { line += "\nillustrative model: synthetic minds built to show the argument, not measurements of real systems" }
        return line + "\nwrote \(path), " + (groups.map { "\($0), " } ?? "") + "\(report)\n"
    }
}

/// What `mindspace generate --list` prints: every family with its d and D (`nil` where the caller
/// chooses them) and description.
public struct GenerateCatalogue: Codable, Equatable, Sendable {
    public struct Entry: Codable, Equatable, Sendable {
        public var name: String
        /// `SyntheticFamily.kind`: "benchmark" or "shape".
        public var kind: String
        /// The intrinsic dimension, or `nil` when `--dimension` chooses it.
        public var d: Int?
        /// The number of coordinates, or `nil` when it follows from `--dimension`.
        public var D: Int?
        public var description: String
    }

    public var generators: [Entry]

    /// The catalogue of `SyntheticFamily.all`.
    public init() {
        generators = SyntheticFamily.all.map { family in
            let d = family.fixedDimension
            let extraCoordinates = family.coordinates(for: 1) - 1
            let hint = d == nil ? "; needs --dimension d, any --ambient D ≥ d" + (extraCoordinates > 0 ? "+\(extraCoordinates)" : "") : ""
            return Entry(name: family.name, kind: family.kind, d: d, D: d.map(family.coordinates(for:)),
                         description: family.summary + hint)
        } + [Entry(name: "mindspace", kind: "model", d: nil, D: nil,
                   description: "illustrative mind-space model: humans and AIs as minds on low-dimensional manifolds "
                       + "(latent d = --dimension, default 5, in --ambient D, default 64); writes groups beside the points")]
    }

    /// A text table: name, d, D (right-aligned, headers over their numbers), then the
    /// description, wrapped so that the table fits `width` columns (80 by default: a terminal's
    /// classic width; the JSON catalogue has every description on one line).
    public func text(width: Int = 80) -> String {
        var rows: [[String]] = [["name", "d", "D", "description"]]
        for entry in generators {
            rows.append([entry.name, entry.d.map(String.init) ?? "any", entry.D.map(String.init) ?? "≥ d", entry.description])
        }
        return TextTable.render(rows, columns: [.init(.leading), .init(.trailing), .init(.trailing), .init(.leading, wraps: true)],
                                width: width)
    }
}
