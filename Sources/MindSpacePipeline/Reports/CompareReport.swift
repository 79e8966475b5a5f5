import Foundation
import MindSpaceCore
import MindSpaceSimilarity

/// The JSON report of `mindspace compare` (keys per docs/cli.md): every pair's score per
/// metric with its bootstrap interval and permutation null, the matrices when more than two
/// representations are compared, and the PERMANOVA decomposition when factors are given.
public struct CompareReport: Codable, Equatable, Sendable {
    /// One compared representation.
    public struct Input: Codable, Equatable, Sendable {
        /// The short name used in tables and images (the file stem, made unique).
        public var name: String
        public var path: String
        public var n: Int
        public var d: Int
    }

    /// One metric's verdict on one pair.
    public struct Score: Codable, Equatable, Sendable {
        public var a: String
        public var b: String
        public var metric: String
        public var value: Double
        /// Bootstrap percentile interval [low, high]; `nil` when `--bootstrap 0`.
        public var ci: [Double]?
        /// The permutation null; `nil` when `--permutations 0`.
        public var null: RepresentationComparison.Null?
    }

    /// One metric's m × m matrix of scores (row A, column B), self-similarity 1 on the diagonal.
    public struct ScoreMatrix: Codable, Equatable, Sendable {
        public var metric: String
        /// Row and column names in the order of `values` (input order, or clustered).
        public var names: [String]
        public var values: [[Double]]
        /// The null mean of each pair (same layout; the diagonal holds `nil`), when nulls were drawn.
        public var nullMeans: [[Double?]]?
        /// The classical-MDS coordinates of the models from the distance √(1 − score) (symmetrised), in `names` order.
        public var mds: [[Double]]?
        /// The heatmap and MDS images.
        public var images: [String]

        enum CodingKeys: String, CodingKey {
            case metric, names, values, mds, images
            case nullMeans = "null_means"
        }
    }

    public struct Settings: Codable, Equatable, Sendable {
        public var k: Int
        public var sigma: Double
        public var ccaDims: Int
        public var anchors: Int
        public var bootstrap: Int
        public var level: Double
        public var permutations: Int
        public var order: String

        enum CodingKeys: String, CodingKey {
            case k, sigma, anchors, bootstrap, level, permutations, order
            case ccaDims = "cca_dims"
        }
    }

    public var n: Int
    public var inputs: [Input]
    public var metrics: [String]
    public var settings: Settings
    public var scores: [Score]
    public var matrices: [ScoreMatrix]?
    public var decomposition: Decomposition?
    public var report: String
    public var provenance: ReportEncoding.Provenance

    /// The human-readable summary the CLI prints without `--json`.
    public func text() -> String {
        // No "-0.000" for a null mean a hair below zero.
        func number(_ value: Double) -> String { String(format: "%.3f", abs(value) < 0.0005 ? 0 : value) }
        func interval(_ ci: [Double]?) -> String {
            guard let ci, ci.count == 2 else { return "" }
            return "[\(number(ci[0])), \(number(ci[1]))]"
        }
        func pValue(_ p: Double) -> String { p < 0.001 ? String(format: "%.1e", p) : String(format: "%.3f", p) }
        var text = "Compared \(inputs.count) representations of the same \(n) inputs: "
            + inputs.map { "\($0.name) (\($0.d) dims)" }.joined(separator: ", ") + "\n"
        let levelPercent = Int((settings.level * 100).rounded())
        var rows = [["A", "B", "metric", "score", "\(levelPercent)% CI", "null mean", "p"]]
        for score in scores {
            rows.append([score.a, score.b, score.metric, number(score.value), interval(score.ci),
                         score.null.map { number($0.mean) } ?? "", score.null.map { pValue($0.pValue) } ?? ""])
        }
        text += TextTable.render(rows, indent: "  ")
        let intervals = settings.bootstrap > 0 ? "\(settings.bootstrap) bootstrap resamples of the rows" : "none (--bootstrap 0)"
        let null = settings.permutations > 0 ? "\(settings.permutations) shuffles of B's rows against A's" : "none (--permutations 0)"
        text += "  intervals: \(intervals); null: \(null); seed \(provenance.seed ?? 0)\n"
        if let decomposition { text += decomposition.text() }
        return text + "wrote \(report)\n"
    }
}
