import MindSpaceCore
import MindSpaceSimilarity

/// The JSON report of `mindspace align` (keys per docs/cli.md: `pairs[].reference`, `.model`,
/// `.distance.raw`, `.distance.aligned`, `.permutations`), plus the groups used, the files
/// written and provenance.
public struct AlignReport: Codable, Equatable, Sendable {
    /// One permutation group as used.
    public struct Group: Codable, Equatable, Sendable {
        public var name: String
        public var members: [PermutationGroup.Member]
        /// Its number of units.
        public var size: Int
    }

    /// ‖W_ref − W‖₂ over every floating-point tensor, before and after alignment.
    public struct Distance: Codable, Equatable, Sendable {
        public var raw: Double
        public var aligned: Double
    }

    /// One model matched to the reference.
    public struct Pair: Codable, Equatable, Sendable {
        public var reference: String
        public var model: String
        /// The aligned checkpoint written (`<stem>.aligned.safetensors`).
        public var aligned: String
        public var distance: Distance
        /// Group name → π, where aligned unit i is the model's unit π[i].
        public var permutations: [String: [Int]]
        public var sweeps: Int
        /// Whether the descent reached a fixed point within the sweep bound.
        public var converged: Bool
    }

    public var reference: String
    public var groups: [Group]
    /// "inferred" (from the layer chain) or "spec" (`--spec`).
    public var groupsFrom: String
    public var maximumSweeps: Int
    public var pairs: [Pair]
    /// The path of this report as written.
    public var report: String
    public var provenance: ReportEncoding.Provenance

    enum CodingKeys: String, CodingKey {
        case reference, groups, pairs, report, provenance
        case groupsFrom = "groups_from"
        case maximumSweeps = "maximum_sweeps"
    }

    /// The human-readable summary the CLI prints without `--json`.
    public func text() -> String {
        let heading = "weight matching to \(reference): \(groups.count) permutation group\(groups.count == 1 ? "" : "s") (\(groupsFrom)): "
            + groups.map { "\(TerminalText.escaped($0.name)) (\($0.size))" }.joined(separator: ", ")
        var rows = [["model", "raw distance", "aligned", "change", "sweeps"]]
        for pair in pairs {
            let change = pair.distance.raw > 0 ? (pair.distance.aligned / pair.distance.raw - 1) * 100 : 0
            rows.append([pair.model, TextTable.number(pair.distance.raw), TextTable.number(pair.distance.aligned),
                         String(format: "%+.1f%%", change), "\(pair.sweeps)\(pair.converged ? "" : " (not converged)")"])
        }
        var text = heading + "\n" + TextTable.render(rows, indent: "  ")
        text += "wrote " + (pairs.map(\.aligned) + [report]).joined(separator: ", ") + "\n"
        return text
    }
}
