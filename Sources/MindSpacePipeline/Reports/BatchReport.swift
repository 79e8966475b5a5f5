import Foundation
import MindSpaceCore
import MindSpaceDimension
import MindSpaceCheckpoints

/// The JSON report of `mindspace batch` (`batch.json`; keys per shared/cli.md: `runs[]` and
/// `report`), with the weight set (also written alone as `weight-set.json`), the index and the
/// images. Nothing in the written files depends on whether a result came from the cache, so an
/// interrupted and resumed batch writes the same bytes as an uninterrupted one: what this
/// invocation computed or reused (`runs[].reused`, `weight_set.reused`, `reused_passes`,
/// `computed_passes`) is in the report the command prints only (`forFile` leaves it out).
public struct BatchReport: Codable, Equatable, Sendable {
    /// One run (one sub-folder of the root).
    public struct Run: Codable, Equatable, Sendable {
        public var name: String
        public var folder: String
        /// The group its name gives (`WeightSetResult.group(ofRun:)`), used for colours.
        public var group: String
        public var checkpoints: Int
        /// p; `nil` when the run has no trajectory.
        public var parameters: Int?
        public var componentsFor: [String: Int]?
        public var explainedVarianceRatio: [Double]?
        public var distanceTravelled: Double?
        public var netDisplacement: Double?
        /// The run's random-walk null (`TrajectoryNullReport`); `nil` with `--null none`, for a
        /// still run and without a trajectory.
        public var nullModel: TrajectoryNullReport?
        /// The share of the displacement first → last in the top-k components, and the
        /// components for 50 / 90 / 99 % of it (`DisplacementSubspace`); `nil` without a trajectory.
        public var displacementShare: [Double]?
        public var displacementComponentsFor: [String: Int]?
        /// The checkpoint that stands for the run in the weight set.
        public var picked: String
        /// The run's `trajectory.json`, its coordinates (`trajectory-coordinates.npy`) and its
        /// images (scree, then path unless `still`).
        public var report: String?
        public var coordinates: String?
        public var images: [String]
        /// Whether the run does not move (all its checkpoints equal; `TrajectoryReport.still`);
        /// `nil` without a trajectory.
        public var still: Bool?
        /// Whether this invocation rebuilt the run's pass from `<out>/.cache` (made by an earlier
        /// run) instead of reading its checkpoints; `nil` without a trajectory and in the file.
        public var reused: Bool?
        /// Why the run has no trajectory (a single checkpoint, mismatched tensors…), else `nil`.
        public var skipped: String?

        enum CodingKeys: String, CodingKey {
            case name, folder, group, checkpoints, parameters, picked, report, coordinates, images, still, reused, skipped
            case componentsFor = "components_for"
            case explainedVarianceRatio = "explained_variance_ratio"
            case distanceTravelled = "distance_travelled"
            case netDisplacement = "net_displacement"
            case nullModel = "null_model"
            case displacementShare = "displacement_share"
            case displacementComponentsFor = "displacement_components_for"
        }
    }

    /// The weight set: one checkpoint per run (`weight-set.json`).
    public struct WeightSet: Codable, Equatable, Sendable {
        public var runs: [String]
        public var groups: [String]
        public var checkpoints: [String]
        /// `--pick`: "last", "first" or a step number.
        public var pick: String
        public var parameters: Int
        public var explainedVariance: [Double]
        public var explainedVarianceRatio: [Double]
        public var totalVariance: Double
        public var componentsFor: [String: Int]
        /// Each run's coordinates on the first (up to) 3 components (largest entry positive).
        public var scores: [[Double]]
        /// n × n distances ‖xᵢ − xⱼ‖ between the runs' weights, raw and aligned.
        public var distances: WeightSetDistances
        /// How the runs were aligned before the PCA and ID (or why not).
        public var alignment: WeightSetAlignment
        public var norms: [Double]
        /// XXH3-64 of each picked checkpoint's analysed bytes; only with `--data-hash`.
        public var dataXXH3: [String]?
        /// Intrinsic-dimension estimates (only with enough runs) and the estimators skipped, with reasons.
        public var estimates: [DimensionEstimate]
        public var skipped: [IDReport.Skipped]
        /// One line: the estimates, or why there are none.
        public var dimensionSummary: String
        public var image: String
        public var report: String
        /// Whether this invocation rebuilt the weight set's pass from `<out>/.cache` instead of
        /// reading the checkpoints; `nil` in the files.
        public var reused: Bool?

        enum CodingKeys: String, CodingKey {
            case runs, groups, checkpoints, pick, parameters, scores, distances, alignment, norms, estimates, skipped, image, report, reused
            case explainedVariance = "explained_variance"
            case explainedVarianceRatio = "explained_variance_ratio"
            case totalVariance = "total_variance"
            case componentsFor = "components_for"
            case dataXXH3 = "data_xxh3"
            case dimensionSummary = "dimension_summary"
        }
    }

    public var root: String
    public var runs: [Run]
    public var weightSet: WeightSet?
    /// Why there is no weight set (one run, runs with different tensors…), else `nil`.
    public var weightSetSkipped: String?
    /// Sub-folders of the root without checkpoints.
    public var ignoredFolders: [String]
    public var index: String
    /// Every image written, run by run, then the weight set's.
    public var images: [String]
    public var report: String
    /// `<out>/.cache`: the folder of cached passes (hidden files that make a rerun resumable).
    public var cache: String
    /// How many streaming passes (runs with a trajectory, and the weight set) this invocation
    /// rebuilt from the cache and how many it read from the checkpoints; `nil` in the file.
    public var reusedPasses: Int?
    public var computedPasses: Int?
    public var provenance: ReportEncoding.Provenance

    enum CodingKeys: String, CodingKey {
        case root, runs, index, images, report, cache, provenance
        case weightSet = "weight_set"
        case weightSetSkipped = "weight_set_skipped"
        case ignoredFolders = "ignored_folders"
        case reusedPasses = "reused_passes"
        case computedPasses = "computed_passes"
    }

    /// The report as `batch.json` holds it: without what depends on this invocation's cache
    /// hits (`reused`, `reused_passes`, `computed_passes`), so a resumed batch writes the same
    /// bytes as an uninterrupted one.
    public var forFile: BatchReport {
        var copy = self
        for index in copy.runs.indices { copy.runs[index].reused = nil }
        copy.weightSet?.reused = nil
        copy.reusedPasses = nil
        copy.computedPasses = nil
        return copy
    }

    /// The human-readable summary the CLI prints without `--json`: a table of the runs (with
    /// whether each pass was computed or reused), the weight set, the passes, and every file
    /// written (see `writtenLines`).
    public func text() -> String {
        var rows: [[String]] = [["run", "checkpoints", "parameters", "k90", "PC1", "walk PC1", "distance travelled", "pass"]]
        for run in runs {
            rows.append([run.name, String(run.checkpoints), run.parameters.map(String.init) ?? "-",
                         run.componentsFor?["0.9"].map(String.init) ?? "-",
                         run.explainedVarianceRatio?.first.map(TrajectoryNullReport.percent) ?? "-",
                         run.nullModel?.explainedVarianceRatio.first.map(TrajectoryNullReport.percent) ?? "-",
                         run.distanceTravelled.map(TextTable.number) ?? "-",
                         run.skipped.map { "skipped: \($0)" } ?? Self.passWord(run.reused)])
        }
        var text = "batch of \(runs.count) run\(runs.count == 1 ? "" : "s") in \(root)\n"
            + TextTable.render(rows, indent: "  ", columns: [.init(.leading), .init(.trailing), .init(.trailing), .init(.trailing),
                                                             .init(.trailing), .init(.trailing), .init(.decimal), .init(.leading)], width: nil)
        for run in runs where run.still == true {
            text += "  \(run.name): \(TrajectoryReport.stillNote)\n"
        }
        if let set = weightSet {
            let k = set.componentsFor
            let pass = set.reused == nil ? "" : "; pass \(Self.passWord(set.reused))"
            text += "weight set (\(CheckpointPick.phrase(set.pick)) of each run\(pass)): \(set.runs.count) points × \(set.parameters) parameters; "
                + "PC1 \(String(format: "%.1f%%", 100 * (set.explainedVarianceRatio.first ?? 0))); "
                + "components for 50% / 90% / 99%: \(k["0.5"] ?? 0) / \(k["0.9"] ?? 0) / \(k["0.99"] ?? 0)\n"
            text += "intrinsic dimension: \(set.dimensionSummary)\n"
            text += set.alignment.textLine(raw: set.distances.raw, aligned: set.distances.aligned) + "\n"
        } else if let reason = weightSetSkipped {
            text += "no weight set: \(reason)\n"
        }
        if let computed = computedPasses, let reused = reusedPasses {
            text += "passes: \(computed) computed, \(reused) reused from an earlier run (cache: \(cache))\n"
        }
        text += writtenLines().map { $0 + "\n" }.joined()
        return text
    }

    /// "computed", "reused" or "-" (unknown, as in a report read from the file).
    private static func passWord(_ reused: Bool?) -> String {
        reused.map { $0 ? "reused" : "computed" } ?? "-"
    }

    /// The files written, as `wrote …` lines: the top-level files by path, then each run's files
    /// by name inside `<out>/runs/<run>/`: one line for all runs that wrote the same names
    /// ("for each of the 6 runs"), one line per run whose files differ (a run that does not move
    /// has no path figure). The cache (`cache`) is named on the passes line.
    func writtenLines() -> [String] {
        var lines = ["wrote " + ([index, report] + (weightSet.map { [$0.report, $0.image] } ?? [])).joined(separator: ", ")]
        // Runs with files, grouped by the names they wrote, in order of first appearance.
        var groups: [(folder: String, names: [String], runs: [String])] = []
        for run in runs {
            guard let report = run.report else { continue }
            let paths = [report] + (run.coordinates.map { [$0] } ?? []) + run.images
            let folder = (report as NSString).deletingLastPathComponent
            let names = paths.map { ($0 as NSString).lastPathComponent }
            if let index = groups.firstIndex(where: { $0.names == names }) {
                groups[index].runs.append(run.name)
            } else {
                groups.append((folder, names, [run.name]))
            }
        }
        let total = groups.reduce(0) { $0 + $1.runs.count }
        for group in groups {
            let files = group.names.joined(separator: ", ")
            if group.runs.count == 1 {
                lines.append("wrote in \(group.folder)/: \(files)")
            } else {
                let parent = (group.folder as NSString).deletingLastPathComponent
                let which = group.runs.count == total ? "each of the \(total) runs"
                    : "each of \(group.runs.count) runs (\(group.runs.joined(separator: ", ")))"
                lines.append("wrote in \(parent)/<run>/ for \(which): \(files)")
            }
        }
        return lines
    }
}
