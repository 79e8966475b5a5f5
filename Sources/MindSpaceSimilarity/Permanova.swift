import MindSpaceCore

/// Permutational multivariate analysis of variance (Anderson 2001, "A new method for
/// non-parametric multivariate analysis of variance", Austral Ecology 26:32–46; McArdle &
/// Anderson 2001 for the hat-matrix form): how much of the spread of m observations, given only
/// their pairwise distances, each categorical factor explains, with a permutation test.
///
/// **Sums of squares.** With A = (d²ᵢⱼ) and the Gower-centred matrix
/// G = −½·(I − 11ᵀ/m)·A·(I − 11ᵀ/m), SS_total = tr(G) = (1/m)·Σ_{i<j} d²ᵢⱼ. Factors enter in the
/// given order (type I, sequential, as vegan's `adonis2(..., by = "terms")`): with H_t the hat
/// matrix of the intercept and factors 1…t (`PermanovaDesign`, aliased columns dropped),
/// SS_t = tr((H_t − H_{t−1})·G), df_t = rank(H_t) − rank(H_{t−1}), SS_residual = SS_total − Σ SS_t
/// on df_residual = m − 1 − Σ df_t. Each term has R²_t = SS_t / SS_total and
/// pseudo-F_t = (SS_t/df_t) / (SS_residual/df_residual); the residual's R² is the share no factor
/// explains (for models: the spread between runs of the same configuration). With one factor of
/// g groups this is Anderson's one-way test: SS_between = SS_total − SS_within,
/// SS_within = Σ_groups (1/n_g)·Σ_{i<j in g} d²ᵢⱼ, F = (SS_B/(g − 1)) / (SS_W/(m − g)), as
/// scikit-bio's `permanova` computes it. Distances need not be Euclidean (G may then have
/// negative eigenvalues; the sums are still those of Anderson 2001).
///
/// **Permutation test.** As `adonis2` by default (vegan's `permutest` under the reduced model,
/// which without conditioning terms is a free permutation of the observations): B permutations π
/// of the rows; for each, every term's F_b is computed on G permuted as G[π, π] with the same
/// design, and p_t = (1 + #{b : F_b ≥ F_t − √ε}) / (B + 1) (vegan's tolerance √ε ≈ 1.5e−8 counts
/// permutations that give the same F up to round-off). Permutations are drawn in sequence from
/// `SeededGenerator(seed:)` (Fisher–Yates, `SeededGenerator.shuffle`) and evaluated in parallel
/// in chunks, so the result does not depend on the thread count. Cost O(p·m²) per permutation
/// for p design columns.
///
/// **Refused designs** (`MindSpaceError.malformed(nil, …)`): m < 3; a matrix that is not square,
/// symmetric, finite, non-negative with a zero diagonal; no factors; a factor with the wrong
/// number of labels, a single level, or one level per observation; a full model with no residual
/// degrees of freedom. A factor nested in or confounded with earlier ones is not refused: it
/// adds 0 (or fewer) degrees of freedom, and a term with df 0 has SS 0 and no F or p-value.
public struct Permanova: Sendable, Equatable, Codable {
    /// m, the observations.
    public var observations: Int
    /// B, the permutations run.
    public var permutations: Int
    /// The terms, in the order given.
    public var terms: [PermanovaTerm]
    /// m − 1 − Σ df_t.
    public var residualDegreesOfFreedom: Int
    public var residualSumOfSquares: Double
    /// SS_residual / SS_total.
    public var residualRSquared: Double
    /// tr(G) = (1/m)·Σ_{i<j} d²ᵢⱼ.
    public var totalSumOfSquares: Double

    enum CodingKeys: String, CodingKey {
        case observations, permutations, terms
        case residualDegreesOfFreedom = "residual_df", residualSumOfSquares = "residual_sum_of_squares"
        case residualRSquared = "residual_r_squared", totalSumOfSquares = "total_sum_of_squares"
    }

    /// Permutations evaluated in parallel between draws (fixed, so results ignore thread counts).
    static let chunkSize = 64

    /// The sequential PERMANOVA of `distances` (m × m) on `factors`, in order.
    /// - Parameters:
    ///   - permutations: B ≥ 0 free permutations of the observations (0: no p-values).
    ///   - seed: the seed of the permutations.
    public init(distances: Matrix<Double>, factors: [PermanovaFactor], permutations: Int = 999,
                seed: UInt64 = 0) throws {
        let m = distances.rows
        try Self.validate(distances, factors: factors)
        guard permutations >= 0 else {
            throw MindSpaceError(.usage, "the number of permutations must be at least 0, got \(permutations)")
        }
        let design = PermanovaDesign(factors: factors, observations: m)
        let residualDF = m - 1 - design.rank
        guard residualDF >= 1 else {
            throw MindSpaceError.malformed(nil, "permanova: the factors leave no residual degrees of freedom (\(m) observations, \(design.rank + 1) design columns)")
        }
        let gower = Self.gowerCentred(distances)
        let total = (0..<m).reduce(0.0) { $0 + gower[$1 * m + $1] }
        guard total > 0 else { throw MindSpaceError.malformed(nil, "permanova: every distance is 0") }
        let identity = Array(0..<m)
        let observed = Self.termSums(gower, design: design, order: identity)
        let residual = total - observed.reduce(0, +)
        let fs: [Double?] = zip(observed, design.termBases).map { ss, basis in
            basis.isEmpty ? nil : (ss / Double(basis.count)) / (residual / Double(residualDF))
        }
        var exceed = [Int](repeating: 0, count: factors.count)
        var generator = SeededGenerator(seed: seed)
        var order = identity
        var done = 0
        let tolerance = Double.ulpOfOne.squareRoot()
        while done < permutations {
            let count = min(Self.chunkSize, permutations - done)
            var orders: [[Int]] = []
            for _ in 0..<count {
                generator.shuffle(&order)
                orders.append(order)
            }
            var chunkFs = [[Double?]](repeating: [], count: count)
            chunkFs.withUnsafeMutableBufferPointer { results in
                ParallelLoop.forEach(count) { b in
                    let sums = Self.termSums(gower, design: design, order: orders[b])
                    let rest = total - sums.reduce(0, +)
                    results[b] = zip(sums, design.termBases).map { ss, basis in
                        basis.isEmpty ? nil : (ss / Double(basis.count)) / (rest / Double(residualDF))
                    }
                }
            }
            for result in chunkFs {
                for t in 0..<factors.count {
                    if let f = fs[t], let fb = result[t], fb >= f - tolerance { exceed[t] += 1 }
                }
            }
            done += count
        }
        observations = m
        self.permutations = permutations
        terms = factors.indices.map { t in
            PermanovaTerm(name: factors[t].name, degreesOfFreedom: design.termBases[t].count,
                          sumOfSquares: observed[t], rSquared: observed[t] / total, pseudoF: fs[t],
                          pValue: fs[t] != nil && permutations > 0
                              ? Double(1 + exceed[t]) / Double(permutations + 1) : nil)
        }
        residualDegreesOfFreedom = residualDF
        residualSumOfSquares = residual
        residualRSquared = residual / total
        totalSumOfSquares = total
    }

    /// Anderson's one-way PERMANOVA: one factor with `labels` (named "groups").
    public static func oneWay(distances: Matrix<Double>, labels: [String], permutations: Int = 999,
                              seed: UInt64 = 0) throws -> Permanova {
        try Permanova(distances: distances, factors: [PermanovaFactor(name: "groups", labels: labels)],
                      permutations: permutations, seed: seed)
    }

    /// G = −½·(I − 11ᵀ/m)·A·(I − 11ᵀ/m), A = d², row-major: Gᵢⱼ = −½(Aᵢⱼ − āᵢ. − ā.ⱼ + ā..).
    static func gowerCentred(_ distances: Matrix<Double>) -> [Double] {
        let m = distances.rows
        var a = distances.storage.map { -0.5 * $0 * $0 }
        var rowMeans = [Double](repeating: 0, count: m)
        for i in 0..<m {
            var sum = 0.0
            for j in 0..<m { sum += a[i * m + j] }
            rowMeans[i] = sum / Double(m)
        }
        let grand = rowMeans.reduce(0, +) / Double(m)
        // A is symmetric, so the column means are the row means.
        for i in 0..<m {
            for j in 0..<m { a[i * m + j] += grand - rowMeans[i] - rowMeans[j] }
        }
        return a
    }

    /// SS_t = Σ_{q ∈ basis_t} (Pq)ᵀ·G·(Pq) for each term, the design's rows reordered as
    /// (Pq)ᵢ = q[order[i]] (which equals permuting G as G[π, π] with π the inverse order).
    static func termSums(_ gower: [Double], design: PermanovaDesign, order: [Int]) -> [Double] {
        let m = order.count
        var permuted = [Double](repeating: 0, count: m)
        return design.termBases.map { basis in
            var ss = 0.0
            for q in basis {
                for i in 0..<m { permuted[i] = q[order[i]] }
                gower.withUnsafeBufferPointer { g in
                    for i in 0..<m {
                        var row = 0.0
                        for j in 0..<m { row += g[i * m + j] * permuted[j] }
                        ss += permuted[i] * row
                    }
                }
            }
            return ss
        }
    }

    /// The refusals listed in the type's documentation.
    static func validate(_ distances: Matrix<Double>, factors: [PermanovaFactor]) throws {
        let m = distances.rows
        guard distances.columns == m else {
            throw MindSpaceError.malformed(nil, "permanova: the distance matrix is \(m) × \(distances.columns), not square")
        }
        guard m >= 3 else { throw MindSpaceError.malformed(nil, "permanova: needs at least 3 observations, got \(m)") }
        var scale = 0.0
        for value in distances.storage {
            guard value.isFinite, value >= 0 else {
                throw MindSpaceError.malformed(nil, "permanova: distances must be finite and non-negative, found \(value)")
            }
            scale = max(scale, value)
        }
        // Symmetric and zero on the diagonal up to the round-off of a computed distance.
        let tolerance = 1e-12 * max(scale, 1)
        for i in 0..<m {
            guard distances[i, i] <= tolerance else {
                throw MindSpaceError.malformed(nil, "permanova: the distance of observation \(i) to itself is \(distances[i, i]), not 0")
            }
            for j in (i + 1)..<m where abs(distances[i, j] - distances[j, i]) > tolerance {
                throw MindSpaceError.malformed(nil, "permanova: distances[\(i), \(j)] ≠ distances[\(j), \(i)]")
            }
        }
        guard !factors.isEmpty else { throw MindSpaceError.malformed(nil, "permanova: no factors given") }
        for factor in factors {
            guard factor.labels.count == m else {
                throw MindSpaceError.malformed(nil, "permanova: factor \(factor.name) has \(factor.labels.count) labels for \(m) observations")
            }
            let levels = Set(factor.labels).count
            guard levels >= 2 else {
                throw MindSpaceError.malformed(nil, "permanova: factor \(factor.name) has a single level")
            }
            guard levels < m else {
                throw MindSpaceError.malformed(nil, "permanova: factor \(factor.name) has one level per observation, leaving no residual within it")
            }
        }
    }
}
