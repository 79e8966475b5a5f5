/// One row of a PERMANOVA table: a term's sequential (type I) share of the total sum of squares.
public struct PermanovaTerm: Sendable, Equatable, Codable {
    /// The factor's name.
    public var name: String
    /// The columns the term adds to the design beyond the earlier terms: levels − 1 for a
    /// factor crossed with them, fewer (down to 0) when it is nested in or confounded with them.
    public var degreesOfFreedom: Int
    /// SS_term = tr((H_{≤t} − H_{<t})·G): the sum of squares the term explains after the terms
    /// before it (G the Gower-centred matrix, H the hat matrices of the nested designs).
    public var sumOfSquares: Double
    /// SS_term / SS_total.
    public var rSquared: Double
    /// (SS_term / df_term) / (SS_residual / df_residual), the full model's residual; `nil` when
    /// the term adds no degrees of freedom.
    public var pseudoF: Double?
    /// (1 + #{b : F_b ≥ F − √ε}) / (B + 1) over B free permutations of the observations; `nil`
    /// when the term adds no degrees of freedom or no permutations were run.
    public var pValue: Double?

    enum CodingKeys: String, CodingKey {
        case name
        case degreesOfFreedom = "df", sumOfSquares = "sum_of_squares", rSquared = "r_squared"
        case pseudoF = "pseudo_f", pValue = "p_value"
    }

    public init(name: String, degreesOfFreedom: Int, sumOfSquares: Double, rSquared: Double,
                pseudoF: Double?, pValue: Double?) {
        self.name = name
        self.degreesOfFreedom = degreesOfFreedom
        self.sumOfSquares = sumOfSquares
        self.rSquared = rSquared
        self.pseudoF = pseudoF
        self.pValue = pValue
    }
}
