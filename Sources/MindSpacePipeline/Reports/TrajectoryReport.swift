import Foundation
import MindSpaceCore
import MindSpaceCheckpoints

/// The JSON report of `mindspace trajectory` (keys per shared/cli.md: `checkpoints`,
/// `parameters`, `explained_variance_ratio` descending, `components_for` with keys "0.5", "0.9",
/// "0.99"; `images`, `coordinates`, `components` and `report` hold the paths written), plus the
/// tensors used and skipped, distances travelled, per-group spectra and provenance.
public struct TrajectoryReport: Codable, Equatable, Sendable {
    /// One checkpoint: where it is, its step, its norm and its place on the leading components.
    public struct CheckpointEntry: Codable, Equatable, Sendable {
        public var path: String
        public var format: String
        /// Size of its files in bytes (index plus shards for a sharded checkpoint).
        public var bytes: Int
        /// The step or epoch read from the name (`step_label`), or its position from 0.
        public var step: Double
        /// ‖x‖ of the selected parameters.
        public var norm: Double
        /// Coordinates on the first (up to) 3 components; all of them are in `coordinates`.
        public var scores: [Double]
        /// XXH3-64 of the raw bytes of the selected tensors, in `tensors` order: identifies the
        /// analysed data (the whole files are not hashed, to keep the analysis one read). Only
        /// with `--data-hash` (absent otherwise): it reads the data a second time.
        public var dataXXH3: String?

        enum CodingKeys: String, CodingKey {
            case path, format, bytes, step, norm, scores
            case dataXXH3 = "data_xxh3"
        }
    }

    /// One selected tensor.
    public struct TensorEntry: Codable, Equatable, Sendable {
        public var name: String
        public var shape: [Int]
        public var parameters: Int
        /// The dtypes it has across the checkpoints (e.g. ["bfloat16", "float32"]), sorted.
        public var dtypes: [String]
    }

    /// The spectrum of one group of tensors (`--per-tensor`, `--per-layer`).
    public struct GroupEntry: Codable, Equatable, Sendable {
        public var name: String
        public var tensors: [String]
        public var parameters: Int
        public var totalVariance: Double
        public var explainedVarianceRatio: [Double]
        public var componentsFor: [String: Int]

        enum CodingKeys: String, CodingKey {
            case name, tensors, parameters
            case totalVariance = "total_variance"
            case explainedVarianceRatio = "explained_variance_ratio"
            case componentsFor = "components_for"
        }
    }

    /// The tensor selection as given.
    public struct Selection: Codable, Equatable, Sendable {
        public var tensors: String?
        public var exclude: String?
        public var includeIntegerTensors: Bool

        enum CodingKeys: String, CodingKey {
            case tensors, exclude
            case includeIntegerTensors = "include_integer_tensors"
        }
    }

    public var checkpoints: [CheckpointEntry]
    /// p, the number of selected parameters per checkpoint.
    public var parameters: Int
    public var tensors: [TensorEntry]
    public var skippedTensors: [CheckpointSet.SkippedTensor]
    public var selection: Selection
    /// What `checkpoints[].step` counts ("epoch", "step", … or "checkpoint" for positions).
    public var stepLabel: String
    /// "none", "tensor" or "layer".
    public var grouping: String
    /// Per-group spectra; present with `--per-tensor` / `--per-layer`.
    public var groups: [GroupEntry]?
    /// Variance along each component (divisor n − 1), descending, min(n − 1, p) values.
    public var explainedVariance: [Double]
    public var explainedVarianceRatio: [Double]
    public var totalVariance: Double
    public var componentsFor: [String: Int]
    /// Whether the trajectory does not move (`TrajectoryResult.isStill`: all checkpoints equal,
    /// total variance 0, every ratio 0); no path figure is drawn then.
    public var still: Bool
    /// A plain-language remark on the result (`stillNote` for a trajectory that does not move),
    /// else absent.
    public var note: String?
    /// Σ‖xᵢ₊₁ − xᵢ‖ and ‖x_last − x_first‖ in weight units.
    public var distanceTravelled: Double
    public var netDisplacement: Double
    public var stepDistances: [Double]
    /// The random-walk null of the spectrum (`TrajectoryNullReport`); absent with `--null none`
    /// and for a still trajectory (no step to take).
    public var nullModel: TrajectoryNullReport?
    /// Σ_{j ≤ k} (d·vⱼ)²/‖d‖² for k = 1 … r: the share of the displacement d = x_last − x_first
    /// in the top-k components (`DisplacementSubspace`); all 0 when d = 0.
    public var displacementShare: [Double]
    /// The fewest components holding 50 / 90 / 99 % of ‖d‖², keyed "0.5", "0.9", "0.99".
    public var displacementComponentsFor: [String: Int]
    /// The widest chunk read at once, in parameters per checkpoint.
    public var chunkElements: Int
    /// Bytes of tensor data read (all passes).
    public var bytesRead: Int
    /// n × min(n − 1, p) coordinates of the checkpoints on the components (`.npy`, float64).
    public var coordinates: String
    /// K × p principal directions (`.npy`, float64), with `--save-components K`.
    public var components: String?
    public var componentsWritten: Int?
    public var requestedComponents: Int?
    /// The scree plot and the PC1/PC2 path, in that order; only the scree plot when `still`.
    public var images: [String]
    public var report: String
    public var provenance: ReportEncoding.Provenance

    enum CodingKeys: String, CodingKey {
        case checkpoints, parameters, tensors, selection, grouping, groups, coordinates, components, images, report,
             provenance, still, note
        case skippedTensors = "skipped_tensors"
        case stepLabel = "step_label"
        case explainedVariance = "explained_variance"
        case explainedVarianceRatio = "explained_variance_ratio"
        case totalVariance = "total_variance"
        case componentsFor = "components_for"
        case distanceTravelled = "distance_travelled"
        case netDisplacement = "net_displacement"
        case stepDistances = "step_distances"
        case nullModel = "null_model"
        case displacementShare = "displacement_share"
        case displacementComponentsFor = "displacement_components_for"
        case chunkElements = "chunk_elements"
        case bytesRead = "bytes_read"
        case componentsWritten = "components_written"
        case requestedComponents = "requested_components"
    }

    /// The note of a trajectory that does not move (`still`), in the report, the text and `batch`.
    public static let stillNote = "the checkpoints are identical: the trajectory does not move; no path drawn"

    /// The human-readable summary the CLI prints without `--json`.
    public func text() -> String {
        var lines: [String] = []
        let first = checkpoints.first, last = checkpoints.last
        let range = first.map { f in last.map { " (\(stepLabel) \(TextTable.number(f.step))–\(TextTable.number($0.step)))" } ?? "" } ?? ""
        lines.append("trajectory of \(checkpoints.count) checkpoints\(range), \(parameters) parameters in \(tensors.count) tensor\(tensors.count == 1 ? "" : "s")")
        if !skippedTensors.isEmpty {
            lines.append("skipped (integer or boolean): " + skippedTensors.map { "\(TerminalText.escaped($0.name)) (\($0.dtype))" }.joined(separator: ", "))
        }
        var text: String
        if still {
            // No spectrum to show: every variance and ratio is 0.
            lines.append(note ?? Self.stillNote)
            text = lines.joined(separator: "\n") + "\n"
        } else {
            lines.append("total variance \(TextTable.number(totalVariance)); components for 50% / 90% / 99%: "
                + "\(componentsFor["0.5"] ?? 0) / \(componentsFor["0.9"] ?? 0) / \(componentsFor["0.99"] ?? 0)")
            lines.append("distance travelled \(TextTable.number(distanceTravelled)), net displacement \(TextTable.number(netDisplacement))")
            if let nullModel {
                lines += nullModel.textLines(dataPC1: explainedVarianceRatio.first ?? 0,
                                             dataComponentsFor90: componentsFor["0.9"] ?? 0)
            }
            if let share = displacementShare.first, netDisplacement > 0 {
                let k = displacementComponentsFor
                lines.append("displacement first → last: \(TrajectoryNullReport.percent(share)) on PC1; "
                    + "components for 50% / 90% / 99% of it: \(k["0.5"] ?? 0) / \(k["0.9"] ?? 0) / \(k["0.99"] ?? 0)")
            } else {
                lines.append("the last checkpoint equals the first: no net displacement to decompose")
            }
            text = lines.joined(separator: "\n") + "\n" + SpectrumTable.render(
                explainedVariance: explainedVariance, explainedVarianceRatio: explainedVarianceRatio,
                count: min(10, explainedVariance.count))
        }
        if let groups {
            var table: [[String]] = [[grouping == "layer" ? "layer" : "tensor", "parameters", "variance", "PC1", "k50", "k90", "k99"]]
            for group in groups {
                table.append([group.name, String(group.parameters), TextTable.number(group.totalVariance),
                              String(format: "%.4f", group.explainedVarianceRatio.first ?? 0),
                              String(group.componentsFor["0.5"] ?? 0), String(group.componentsFor["0.9"] ?? 0),
                              String(group.componentsFor["0.99"] ?? 0)])
            }
            text += TextTable.render(table, indent: "  ")
        }
        if let requested = requestedComponents, let written = componentsWritten, written < requested {
            text += "(asked for \(requested) directions; the spectrum resolves \(written))\n"
        }
        let written = images + [coordinates] + (components.map { [$0] } ?? []) + [report]
        text += "wrote \(written.joined(separator: ", "))\n"
        return text
    }
}
