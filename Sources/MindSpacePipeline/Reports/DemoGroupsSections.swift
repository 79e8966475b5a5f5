import Foundation

/// The demo's group-geometry parts: the two pictures of mind space (its first figure) and
/// `groups` on the shipped labelled data, as `index.md` shows them.
extension DemoReport {
    /// `groups` on one shipped labelled data set.
    public struct RealGroups: Codable, Equatable, Sendable {
        public var heading: String
        public var report: GroupsReport
    }

    /// One line of numbers for a pair: mixing against chance, the classifier, the within-share.
    static func pairSummary(_ pair: GroupsReport.Pair) -> String {
        func f(_ value: Double) -> String { String(format: "%.2f", value) }
        func ci(_ values: [Double]) -> String { "[\(f(values[0])), \(f(values[1]))]" }
        return "mixing \(f(pair.mixing)) \(ci(pair.mixingCI)) against \(f(pair.mixingNull)) for shuffled labels "
            + "(\(f(pair.mixingRatio))× chance, p = \(String(format: "%.3f", pair.pValue))); k-NN classifier accuracy "
            + "\(f(pair.classifierAccuracy)) \(ci(pair.classifierAccuracyCI)) against \(f(pair.classifierNull)) "
            + "(p = \(String(format: "%.3f", pair.classifierPValue))); within-share \(f(pair.withinShare)) \(ci(pair.withinShareCI))"
    }

    /// The opening section: both pictures side by side, with their numbers.
    func hypothesesMarkdown(relative: (String) -> String) -> String {
        func row(_ picture: HypothesesJob.Picture) -> String {
            let report = picture.groups
            let ids = report.groups.map { group in
                "\(group.name) \(group.id.map { String(format: "%.2f", $0) } ?? "–") (true \(picture.data.groupTrueIds?[group.name] ?? 0))"
            }.joined(separator: ", ")
            return "| \(picture.hypothesis) | \(ids) | \(String(format: "%.2f", report.pair.mixingRatio))× "
                + "| \(String(format: "%.2f", report.pair.classifierAccuracy)) (chance \(String(format: "%.2f", report.pair.classifierNull))) "
                + "| \(String(format: "%.2f", report.pair.withinShare)) |\n"
        }
        var text = "## Two pictures of mind space (illustrative)\n\n"
            + "The sphere picture: the space of minds is wide, humans sit in one small corner and AIs can land anywhere. "
            + "The manifold picture: minds made by learning lie on thin manifolds, and AIs trained on human data land among "
            + "the humans. Both are generated with the same N, D and group sizes (`mindspace generate mindspace --hypothesis "
            + "sphere|manifold`) and measured with `mindspace groups`. They illustrate what each claim would look like; they are "
            + "not evidence about real minds.\n\n![Two pictures of mind space](\(relative(hypotheses.image)))\n\n"
        text += "| picture | ID by group (auto) | mixing (× chance) | classifier accuracy | within-share |\n|---|---|---|---|---|\n"
        text += row(hypotheses.sphere) + row(hypotheses.manifold)
        text += "\nSphere: " + Self.pairSummary(hypotheses.sphere.groups.pair) + ".\n\nManifold: "
            + Self.pairSummary(hypotheses.manifold.groups.pair) + ".\n\n"
        return text
    }

    /// What real groups look like on the same measures.
    func realGroupsMarkdown() -> String {
        guard !groups.isEmpty else { return "" }
        var text = "\n## Real labelled groups\n\nThe same measures on the shipped data with labels (`mindspace groups`): "
            + "what real groups look like, for comparison with the two pictures above.\n"
        for real in groups {
            let report = real.report
            let ids = report.groups.map { "\($0.name) \($0.id.map { String(format: "%.1f", $0) } ?? "–")" }.joined(separator: ", ")
            text += "\n### \(real.heading)\n\n\(report.n) points, \(report.groups.count) groups; ID by group (auto): \(ids).\n\n"
                + "Pair '\(report.pair.a)' vs '\(report.pair.b)' (the two largest groups): ID of the union "
                + "\(report.pair.unionID.map { String(format: "%.2f", $0) } ?? "–"); \(Self.pairSummary(report.pair)).\n"
        }
        return text
    }
}
