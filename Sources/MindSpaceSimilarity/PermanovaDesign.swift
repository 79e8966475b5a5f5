import MindSpaceCore

/// The sequential design of a PERMANOVA: for each factor, in order, an orthonormal basis of the
/// columns it adds to the span of the intercept and the earlier factors.
///
/// Each factor's indicator columns (one per level, treatment contrasts and the full set of
/// indicators span the same space together with the intercept) are orthogonalised against the
/// basis so far by modified Gram–Schmidt, twice (Giraud et al. 2005: "twice is enough"); a column
/// whose remainder has norm at most 1e−7 of its own norm (the tolerance of R's `qr`, which vegan
/// uses) is aliased and dropped. A factor nested in or confounded with earlier ones thus adds
/// fewer columns, down to none. The intercept column 1/√m is the first basis vector and is not
/// part of any term. Cost O(m·p²) for p columns in all.
struct PermanovaDesign: Sendable {
    /// Per factor, its new orthonormal columns, each of length m.
    let termBases: [[[Double]]]

    /// Relative norm below which an orthogonalised column counts as aliased.
    static let aliasTolerance = 1e-7

    init(factors: [PermanovaFactor], observations m: Int) {
        var basis: [[Double]] = [[Double](repeating: 1 / Double(m).squareRoot(), count: m)]
        var termBases: [[[Double]]] = []
        for factor in factors {
            var added: [[Double]] = []
            for level in factor.levels {
                var column = factor.labels.map { $0 == level ? 1.0 : 0.0 }
                let original = column.reduce(0) { $0 + $1 * $1 }.squareRoot()
                for _ in 0..<2 {
                    for q in basis {
                        var dot = 0.0
                        for i in 0..<m { dot += q[i] * column[i] }
                        for i in 0..<m { column[i] -= dot * q[i] }
                    }
                }
                let norm = column.reduce(0) { $0 + $1 * $1 }.squareRoot()
                guard norm > Self.aliasTolerance * original else { continue }
                for i in 0..<m { column[i] /= norm }
                basis.append(column)
                added.append(column)
            }
            termBases.append(added)
        }
        self.termBases = termBases
    }

    /// The columns of the whole model, intercept excluded.
    var rank: Int { termBases.reduce(0) { $0 + $1.count } }
}
