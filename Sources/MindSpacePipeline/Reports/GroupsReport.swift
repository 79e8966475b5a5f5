import Foundation
import MindSpaceCore
import MindSpaceDimension
import MindSpaceSimilarity

/// The JSON report of `mindspace groups` (keys per docs/cli.md: `groups[].name/.n/.id`,
/// `pair.a/.b/.mixing/.mixing_null/.p_value/.classifier_accuracy/.within_share`), with every
/// measure's interval, null and settings beside it.
public struct GroupsReport: Codable, Equatable, Sendable {
    /// An intrinsic-dimension estimate, or the reason there is none (say, too few points).
    public struct Dimension: Codable, Equatable, Sendable {
        /// The estimate; `nil` when skipped.
        public var id: Double?
        /// Its interval [low, high], `nil` when skipped or when the estimator gave none.
        public var ci: [Double]?
        /// The full estimate (parameters, diagnostics, notes).
        public var estimate: DimensionEstimate?
        /// Why there is no estimate.
        public var skipped: String?

        init(estimate: DimensionEstimate) {
            id = estimate.dimension
            ci = estimate.ci.hasBounds ? [estimate.ci.low, estimate.ci.high] : nil
            self.estimate = estimate
        }

        init(skipped reason: String) {
            skipped = reason
        }
    }

    /// One group: its label, size and intrinsic dimension.
    public struct Group: Codable, Equatable, Sendable {
        public var name: String
        public var n: Int
        public var id: Double?
        public var ci: [Double]?
        public var estimate: DimensionEstimate?
        public var skipped: String?

        init(name: String, n: Int, dimension: Dimension) {
            self.name = name
            self.n = n
            id = dimension.id
            ci = dimension.ci
            estimate = dimension.estimate
            skipped = dimension.skipped
        }
    }

    /// The pair's measures; the headline numbers flat, the full results under `details`.
    public struct Pair: Codable, Equatable, Sendable {
        public var a: String
        public var b: String
        /// The intrinsic dimension of A ∪ B.
        public var unionID: Double?
        public var unionCI: [Double]?
        /// Mean fraction of each point's k nearest neighbours in the other group.
        public var mixing: Double
        public var mixingCI: [Double]
        /// Its expectation under shuffled labels, 2·n_A·n_B / (n·(n − 1)).
        public var mixingNull: Double
        /// The 95% range of mixing over the shuffles.
        public var mixingNullInterval: [Double]
        /// mixing / mixing_null: 1 interleaved, 0 apart.
        public var mixingRatio: Double
        /// One-sided permutation p-value of the mixing (small: less mixed than shuffled labels).
        public var pValue: Double
        /// Cross-validated k-NN accuracy telling A from B.
        public var classifierAccuracy: Double
        public var classifierAccuracyCI: [Double]
        public var classifierBalancedAccuracy: Double
        /// Mean accuracy with shuffled labels.
        public var classifierNull: Double
        /// One-sided permutation p-value of the accuracy (small: the groups differ).
        public var classifierPValue: Double
        /// Share of B within A's q-quantile nearest-neighbour distance, relative to A's own share.
        public var withinShare: Double
        public var withinShareCI: [Double]
        /// Median distance from B to A over the median of A's own nearest-neighbour distances.
        public var distanceRatio: Double
        public var details: GroupSeparation

        enum CodingKeys: String, CodingKey {
            case a, b, mixing, details
            case unionID = "union_id", unionCI = "union_ci", mixingCI = "mixing_ci", mixingNull = "mixing_null"
            case mixingNullInterval = "mixing_null_interval", mixingRatio = "mixing_ratio", pValue = "p_value"
            case classifierAccuracy = "classifier_accuracy", classifierAccuracyCI = "classifier_accuracy_ci"
            case classifierBalancedAccuracy = "classifier_balanced_accuracy", classifierNull = "classifier_null"
            case classifierPValue = "classifier_p_value", withinShare = "within_share", withinShareCI = "within_share_ci"
            case distanceRatio = "distance_ratio"
        }

        /// `union`: the ID of A ∪ B, when it was estimated (`groups` does; `contrast` does not).
        init(a: String, b: String, union: Dimension?, separation: GroupSeparation) {
            self.a = a
            self.b = b
            unionID = union?.id
            unionCI = union?.ci
            mixing = separation.mixing.mixing.value
            mixingCI = separation.mixing.mixing.ci
            mixingNull = separation.mixing.expected
            mixingNullInterval = separation.mixing.test.nullInterval
            mixingRatio = separation.mixing.ratio
            pValue = separation.mixing.test.pValue
            classifierAccuracy = separation.classifier.accuracy.value
            classifierAccuracyCI = separation.classifier.accuracy.ci
            classifierBalancedAccuracy = separation.classifier.balancedAccuracy
            classifierNull = separation.classifier.test.nullMean
            classifierPValue = separation.classifier.test.pValue
            withinShare = separation.within.share.value
            withinShareCI = separation.within.share.ci
            distanceRatio = separation.within.distanceRatio
            details = separation
        }
    }

    public var n: Int
    public var d: Int
    /// The labels file.
    public var labels: String
    public var estimator: String
    public var groups: [Group]
    public var pair: Pair
    public var report: String
    public var provenance: ReportEncoding.Provenance

    /// The human-readable summary the CLI prints without `--json`.
    public func text() -> String {
        func number(_ value: Double) -> String { String(format: value >= 100 ? "%.1f" : "%.3f", value) }
        func interval(_ ci: [Double]?) -> String {
            guard let ci, ci.count == 2 else { return "" }
            return "[\(number(ci[0])), \(number(ci[1]))]"
        }
        let data = provenance.inputs.first?.path ?? "data"
        var text = "Groups of \(data) (\(n) × \(d)) by \(labels): \(groups.count) groups\n"
        var rows = [["group", "n", "ID (\(estimator))", "95% CI"]]
        for group in groups {
            rows.append([TerminalText.escaped(group.name), "\(group.n)", group.id.map(number) ?? "skipped", group.skipped ?? interval(group.ci)])
        }
        text += TextTable.render(rows, indent: "  ")
        let separation = pair.details
        text += "pair '\(TerminalText.escaped(a))' (A, \(separation.firstCount)) vs '\(TerminalText.escaped(b))' (B, \(separation.secondCount)): "
            + "k = \(separation.mixing.k), \(separation.mixing.test.permutations) label shuffles, seed \(provenance.seed ?? 0)\n"
        let shuffled = pair.mixingNullInterval
        text += TextTable.render([
            ["ID of A ∪ B", pair.unionID.map { "\(number($0)) \(interval(pair.unionCI))" } ?? "skipped"],
            ["mixing", "\(number(pair.mixing)) \(interval(pair.mixingCI)); shuffled labels \(number(pair.mixingNull)) "
                + "(95% \(number(shuffled[0]))–\(number(shuffled[1]))), ratio \(number(pair.mixingRatio)), p = \(number(pair.pValue))"],
            ["k-NN classifier", "accuracy \(number(pair.classifierAccuracy)) \(interval(pair.classifierAccuracyCI)) "
                + "(\(separation.classifier.folds)-fold); shuffled labels \(number(pair.classifierNull)), p = \(number(pair.classifierPValue))"],
            ["within-share", "\(number(pair.withinShare)) \(interval(pair.withinShareCI)) of B within A's "
                + "\(Int((separation.within.quantile * 100).rounded()))th-percentile neighbour distance; "
                + "distance ratio \(number(pair.distanceRatio))"],
        ], indent: "  ")
        return text + "wrote \(report)\n"
    }
}

extension GroupsReport {
    var a: String { pair.a }
    var b: String { pair.b }
}
