import MindSpaceCore

/// How much of the spread between models each factor explains: PERMANOVA (Anderson 2001) on the
/// distance √(1 − score) of one metric, as `compare --factors` reports it.
///
/// `factors` are the sequential (type I) terms in the order given, as vegan's
/// `adonis2(by = "terms")` reports them: each term's R² is the share of the total sum of squared
/// distances it explains beyond the terms before it, and `residual.r2` is what no factor
/// explains (with factors data, process and seed, the cross-run share). `oneWay` tests each factor
/// alone.
public struct Decomposition: Codable, Equatable, Sendable {
    public struct Term: Codable, Equatable, Sendable {
        public var name: String
        /// Degrees of freedom (levels − 1, less any the earlier terms already span).
        public var df: Int
        public var r2: Double
        /// `nil` when the term has no degrees of freedom left.
        public var pseudoF: Double?
        public var pValue: Double?

        enum CodingKeys: String, CodingKey {
            case name, df, r2
            case pseudoF = "pseudo_f", pValue = "p_value"
        }

        public init(name: String, df: Int, r2: Double, pseudoF: Double?, pValue: Double?) {
            self.name = name
            self.df = df
            self.r2 = r2
            self.pseudoF = pseudoF
            self.pValue = pValue
        }
    }

    public struct Residual: Codable, Equatable, Sendable {
        public var df: Int
        public var r2: Double
    }

    public var metric: String
    public var permutations: Int
    public var factors: [Term]
    public var residual: Residual
    public var oneWay: [Term]

    enum CodingKeys: String, CodingKey {
        case metric, permutations, factors, residual
        case oneWay = "one_way"
    }

    /// The table the CLI prints.
    func text() -> String {
        func number(_ value: Double?) -> String { value.map { String(format: "%.3f", $0) } ?? "–" }
        var text = "PERMANOVA on √(1 − \(metric)) (\(permutations) permutations), sequential terms in the order given:\n"
        var rows = [["term", "df", "R²", "pseudo-F", "p"]]
        for term in factors {
            rows.append([term.name, "\(term.df)", number(term.r2), number(term.pseudoF), number(term.pValue)])
        }
        rows.append(["residual (cross-run)", "\(residual.df)", number(residual.r2), "", ""])
        text += TextTable.render(rows, indent: "  ")
        text += "  each factor alone: " + oneWay.map {
            "\($0.name) R² \(number($0.r2)), F \(number($0.pseudoF)), p \(number($0.pValue))"
        }.joined(separator: "; ") + "\n"
        return text
    }
}
