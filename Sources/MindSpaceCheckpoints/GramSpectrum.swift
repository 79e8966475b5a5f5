import MindSpaceCore
import MindSpaceNumerics

/// PCA of n points from their centred Gram matrix Gc = Xc·Xcᵀ (the dual route, exact, for
/// p ≫ n): if Gc = U·Λ·Uᵀ, the principal variances are λₖ/(n − 1), each point's coordinate on
/// component k is √λₖ·uᵢₖ (the scores Xc·vₖ), and the unit direction in parameter space is
/// vₖ = Xcᵀ·uₖ/√λₖ (`ComponentDirections` writes those in a second pass).
///
/// Conventions (as `PCA`, where they apply):
/// - variance divisor n − 1; ratios against the total variance trace(Gc)/(n − 1);
/// - r = min(n − 1, p) components: centring leaves at most n − 1 nonzero eigenvalues, so the
///   n-th (zero up to round-off) is not reported; round-off negatives are clamped to 0;
/// - signs (`SignConvention`): for an ordered set (a trajectory) each component points from the
///   first point towards the last (uₙₖ − u₁ₖ > 0, so training moves left to right on PC1);
///   for an unordered set, or when the first and last points are level (|uₙₖ − u₁ₖ| ≤ 1e-9),
///   the entry of largest magnitude is positive (first index on ties). The saved directions vₖ
///   follow the same sign, so coordinates = Xc·vₖ hold;
/// - all points equal (total variance 0): every ratio 0 and `componentsFor` 0.
///
/// Cost: `dsyevr` on n×n, O(n³); n ≤ a few thousand checkpoints is instant.
public struct GramSpectrum: Sendable, Equatable {
    /// How the arbitrary sign of each eigenvector is fixed, so results do not flip between runs.
    public enum SignConvention: String, Sendable, Equatable {
        /// uₙ − u₁ > 0 (ordered points: the last lies on the positive side of the first), falling
        /// back to `largestEntryPositive` when |uₙ − u₁| ≤ 1e-9.
        case lastAfterFirst
        /// The entry of largest magnitude is positive (first index on ties): `ComponentSigns`.
        case largestEntryPositive
    }

    /// n, the number of points.
    public let pointCount: Int
    /// p, the dimension of the space (parameters).
    public let parameterCount: Int
    /// λₖ, the eigenvalues of Gc, descending, length r = min(n − 1, p). Units: squared weights.
    public let eigenvalues: [Double]
    /// λₖ/(n − 1), the variance along each component.
    public let explainedVariance: [Double]
    /// `explainedVariance[k] / totalVariance` (all 0 when the total is 0).
    public let explainedVarianceRatio: [Double]
    /// trace(Gc)/(n − 1) = Σⱼ var(parameter j): equal to the sum of all variances in exact arithmetic.
    public let totalVariance: Double
    /// uₖ as rows: r × n, row k the unit eigenvector of λₖ with the sign convention above.
    public let vectors: Matrix<Double>

    /// The spectrum of the symmetric n×n centred Gram matrix `centredGram` of n points with
    /// `parameterCount` coordinates each, signs fixed by `signs`. Throws `.malformedData` if
    /// n < 2 or LAPACK fails.
    public init(centredGram: Matrix<Double>, parameterCount: Int,
                signs: SignConvention = .largestEntryPositive) throws {
        let n = centredGram.rows
        precondition(centredGram.columns == n && parameterCount >= 0)
        guard n >= 2 else {
            throw MindSpaceError.malformed(nil, "PCA of checkpoints needs at least 2 of them, got \(n)")
        }
        let r = min(n - 1, parameterCount)
        var trace = 0.0
        for i in 0..<n { trace += centredGram[i, i] }
        var upper = centredGram.storage
        // One BLAS thread: an n×n problem for n checkpoints (tens to hundreds) gains little from
        // more, and with one its rounding cannot change with `--threads`.
        let previousThreads = BLAS.threadCount
        BLAS.setThreadCount(1)
        defer { BLAS.setThreadCount(previousThreads) }
        let eigen = try LAPACK.symmetricEigen(&upper, n: n, vectors: true)
        // Ascending from LAPACK: take the r largest, largest first. Column j of `eigen.vectors`
        // (row-major n×n) is the eigenvector of eigen.values[j].
        var values: [Double] = []
        var rows = [Double](repeating: 0, count: r * n)
        for k in 0..<r {
            let column = n - 1 - k
            values.append(max(0, eigen.values[column]))
            for i in 0..<n { rows[k * n + i] = eigen.vectors[i * n + column] }
        }
        ComponentSigns.makeLargestLoadingPositive(&rows, count: r, length: n)
        if signs == .lastAfterFirst {
            for k in 0..<r where abs(rows[k * n + n - 1] - rows[k * n]) > Self.levelEndsTolerance && rows[k * n + n - 1] < rows[k * n] {
                for i in 0..<n { rows[k * n + i] = -rows[k * n + i] }
            }
        }
        let divisor = Double(n - 1)
        let total = max(0, trace) / divisor
        pointCount = n
        self.parameterCount = parameterCount
        eigenvalues = values
        explainedVariance = values.map { $0 / divisor }
        explainedVarianceRatio = values.map { total > 0 ? ($0 / divisor) / total : 0 }
        totalVariance = total
        vectors = Matrix(rows: r, columns: n, storage: rows)
    }

    /// r, the number of components.
    public var componentCount: Int { eigenvalues.count }

    /// Each point's coordinates on the components, n × r: entry (i, k) = √λₖ·uᵢₖ.
    public var coordinates: Matrix<Double> {
        let n = pointCount, r = componentCount
        var result = Matrix<Double>(rows: n, columns: r)
        for k in 0..<r {
            let scale = eigenvalues[k].squareRoot()
            for i in 0..<n { result[i, k] = scale * vectors[k, i] }
        }
        return result
    }

    /// The smallest number of components whose cumulative explained variance reaches `fraction`
    /// of the total: the rule of `PCAResult.componentsFor(fraction:)` (cumulative sum of
    /// variances divided once, ≥ fraction − 1e-12; 0 for fraction ≤ 0 or total 0; r when never
    /// reached).
    public func componentsFor(fraction: Double) -> Int {
        guard fraction > 0, totalVariance > 0 else { return 0 }
        let target = (fraction - NumericTolerance.cumulativeFractionSlack) * totalVariance
        var cumulative = 0.0
        for (index, variance) in explainedVariance.enumerated() {
            cumulative += variance
            if cumulative >= target { return index + 1 }
        }
        return explainedVariance.count
    }

    /// `componentsFor` at 50 %, 90 % and 99 %, keyed "0.5", "0.9", "0.99" as reports spell them.
    public var componentsForStandardFractions: [String: Int] {
        ["0.5": componentsFor(fraction: 0.5), "0.9": componentsFor(fraction: 0.9), "0.99": componentsFor(fraction: 0.99)]
    }

    /// How many leading components have an eigenvalue above round-off: λₖ > 1e-12·λ₁ (Gram
    /// eigenvalues are accurate to about n·ε·λ₁, far below this for n up to ~10⁴). Directions
    /// of components below carry no variance and are not defined by the data.
    public var resolvedComponentCount: Int {
        guard let largest = eigenvalues.first, largest > 0 else { return 0 }
        return eigenvalues.prefix { $0 > Self.resolvedEigenvalueFraction * largest }.count
    }
}

extension GramSpectrum {
    /// 1e-9: with `SignConvention.lastAfterFirst`, a component whose first and last entries
    /// (of a unit eigenvector) differ by at most this is level, and the largest entry sets its
    /// sign instead. Gram eigenvectors carry round-off of about n·ε·λ₁/gap per entry, orders
    /// of magnitude below 1e-9 for separated eigenvalues, so a difference within 1e-9 says
    /// nothing about the direction of travel.
    static let levelEndsTolerance = 1e-9

    /// 1e-12: eigenvalues above this fraction of λ₁ are resolved (`resolvedComponentCount`).
    /// Gram eigenvalues are accurate to about n·ε·λ₁ (≈ 2e-14·λ₁ for n = 100 checkpoints), so
    /// smaller ones cannot be told from round-off.
    static let resolvedEigenvalueFraction = 1e-12
}
