import MindSpaceCore
import MindSpaceNumerics

/// PCA of n points from their centred Gram matrix Gc = Xc·Xcᵀ (the dual route, exact, for
/// p ≫ n): if Gc = U·Λ·Uᵀ, the principal variances are λₖ/(n − 1) (`spectrum`), each point's
/// coordinate on component k is √λₖ·uᵢₖ (the scores Xc·vₖ), and the unit direction in parameter
/// space is vₖ = Xcᵀ·uₖ/√λₖ (`ComponentDirections` writes those in a second pass).
///
/// Conventions (as `PCA`, where they apply; see `PCASpectrum` for the spectrum's):
/// - r = min(n − 1, p) components: centring leaves at most n − 1 nonzero eigenvalues, so the
///   n-th (zero up to round-off) is not reported;
/// - signs (`SignConvention`): for an ordered set (a trajectory) each component points from the
///   first point towards the last (uₙₖ − u₁ₖ > 0, so training moves left to right on PC1);
///   for an unordered set, or when the first and last points are level (|uₙₖ − u₁ₖ| ≤ 1e-9),
///   the entry of largest magnitude is positive (first index on ties). The saved directions vₖ
///   follow the same sign, so coordinates = Xc·vₖ hold.
///
/// Cost: `dsyevr` on n×n, O(n³); n ≤ a few thousand checkpoints is instant.
public struct GramPCA: Sendable, Equatable {
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
    /// λₖ (the eigenvalues of Gc, descending, r = min(n − 1, p) of them; units: squared
    /// weights), the variances λₖ/(n − 1) and their ratios to the total variance
    /// trace(Gc)/(n − 1) = Σⱼ var(parameter j).
    public let spectrum: PCASpectrum
    /// uₖ as rows: r × n, row k the unit eigenvector of λₖ with the sign convention above.
    public let vectors: Matrix<Double>

    /// The PCA of n points from their symmetric n×n centred Gram matrix `centredGram`, each with
    /// `parameterCount` coordinates, signs fixed by `signs`. Throws `.malformedData` if
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
        let eigen = try LAPACK.symmetricEigen(&upper, n: n, vectors: true)
        // Ascending from LAPACK: take the r largest, largest first. Column j of `eigen.vectors`
        // (row-major n×n) is the eigenvector of eigen.values[j].
        var values: [Double] = []
        var rows = [Double](repeating: 0, count: r * n)
        for k in 0..<r {
            let column = n - 1 - k
            values.append(eigen.values[column])  // clamped to ≥ 0 by `PCASpectrum`
            for i in 0..<n { rows[k * n + i] = eigen.vectors[i * n + column] }
        }
        ComponentSigns.makeLargestLoadingPositive(&rows, count: r, length: n)
        if signs == .lastAfterFirst {
            for k in 0..<r where abs(rows[k * n + n - 1] - rows[k * n]) > Self.levelEndsTolerance && rows[k * n + n - 1] < rows[k * n] {
                for i in 0..<n { rows[k * n + i] = -rows[k * n + i] }
            }
        }
        pointCount = n
        self.parameterCount = parameterCount
        spectrum = PCASpectrum(scatterEigenvalues: values, scatterTrace: trace, pointCount: n)
        vectors = Matrix(rows: r, columns: n, storage: rows)
    }

    /// Each point's coordinates on the components, n × r: entry (i, k) = √λₖ·uᵢₖ.
    public var coordinates: Matrix<Double> {
        let n = pointCount, r = spectrum.componentCount
        var result = Matrix<Double>(rows: n, columns: r)
        for k in 0..<r {
            let scale = spectrum.eigenvalues[k].squareRoot()
            for i in 0..<n { result[i, k] = scale * vectors[k, i] }
        }
        return result
    }

    /// How many leading components have an eigenvalue above round-off: λₖ > 1e-12·λ₁ (Gram
    /// eigenvalues are accurate to about n·ε·λ₁, far below this for n up to ~10⁴). Directions
    /// of components below carry no variance and are not defined by the data.
    public var resolvedComponentCount: Int {
        let eigenvalues = spectrum.eigenvalues
        guard let largest = eigenvalues.first, largest > 0 else { return 0 }
        return eigenvalues.prefix { $0 > Self.resolvedEigenvalueFraction * largest }.count
    }
}

extension GramPCA {
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
