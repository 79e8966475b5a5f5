import MindSpaceCore

/// `weight_set.alignment` in `batch`'s reports: how the runs' weights were aligned before the
/// weight set's PCA, distances and ID (`BatchWeightAlignment`), or why they were not.
public struct WeightSetAlignment: Codable, Equatable, Sendable {
    /// One run matched to the reference run.
    public struct Run: Codable, Equatable, Sendable {
        public var run: String
        public var sweeps: Int
        public var converged: Bool
        /// ‖W_ref − W‖₂ over every floating-point tensor before and after alignment.
        public var raw: Double
        public var aligned: Double
    }

    /// `--align`: "weight-matching" or "none".
    public var method: String
    /// Whether the weight set analysed is the aligned one.
    public var applied: Bool
    /// Why alignment did not run (`--align none`, a chain that cannot be inferred…).
    public var reason: String?
    /// The run every other run is aligned to (the first).
    public var reference: String?
    public var groups: [AlignReport.Group]?
    public var runs: [Run]?
    /// The aligned checkpoints streamed (the reference's own file first).
    public var checkpoints: [String]?

    /// One line for the text report: the groups and the mean distance between runs before and
    /// after, or why the set is not aligned.
    func textLine(raw: [[Double]], aligned: [[Double]]?) -> String {
        guard applied, let aligned, let groups else { return "weight set not aligned: \(reason ?? "")" }
        func meanOffDiagonal(_ matrix: [[Double]]) -> Double {
            let n = matrix.count
            var sum = 0.0
            for i in 0..<n { for j in 0..<n where j != i { sum += matrix[i][j] } }
            return n > 1 ? sum / Double(n * (n - 1)) : 0
        }
        let before = meanOffDiagonal(raw), after = meanOffDiagonal(aligned)
        return "aligned to \(reference ?? "") by weight matching (" + groups.map { "\(TerminalText.escaped($0.name)) (\($0.size))" }.joined(separator: ", ")
            + "): mean distance between runs \(TextTable.number(before)) raw, \(TextTable.number(after)) aligned"
    }

    /// The alignment that was not applied, with the reason.
    static func notApplied(_ method: WeightSetAlignmentMethod, reason: String) -> WeightSetAlignment {
        WeightSetAlignment(method: method.rawValue, applied: false, reason: reason, reference: nil, groups: nil,
                           runs: nil, checkpoints: nil)
    }
}

/// `weight_set.distances`: n × n distances ‖xᵢ − xⱼ‖ between the runs' weights, as read (`raw`)
/// and after alignment (`aligned`; absent when the set was not aligned).
public struct WeightSetDistances: Codable, Equatable, Sendable {
    public var raw: [[Double]]
    public var aligned: [[Double]]?
}
