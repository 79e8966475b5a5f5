import MindSpaceCore
import MindSpaceNumerics

/// The random-walk null of a trajectory's spectrum: what PCA reports for an isotropic random walk
/// with the trajectory's own number of checkpoints and its own step lengths, so that "PC1 holds
/// 91 % of the movement" can be read against what chance alone would put there.
///
/// Why a null is needed (Antognini & Sohl-Dickstein 2018, "PCA of high dimensional random walks
/// with comparison to neural network training"): the PCA of a plain random walk in high dimension
/// is already concentrated. For n equal steps with orthogonal increments, the Gram matrix of the
/// positions is Gᵢⱼ = min(i, j)·s², the centred spectrum tends (n → ∞) to λₖ ∝ 1/k², so the k-th
/// explained-variance ratio → 6/(π²k²): PC1 ≈ 60.8 %, PC2 ≈ 15.2 %, PC3 ≈ 6.8 %, and the
/// projections on PC1/PC2 trace a Lissajous curve (cos πt, cos 2πt).
///
/// The model, exactly: the walk starts at 0 and takes step j (j = 0 … n − 2) of the trajectory's
/// length sⱼ = ‖xⱼ₊₁ − xⱼ‖ along a direction uⱼ drawn uniformly on the unit sphere of ℝᴾ (P, the
/// number of parameters), independently. PCA sees only the Gram matrix of the positions, which
/// depends only on the inner products uⱼ·uₖ, and those are simulated exactly in an
/// (n − 1)-dimensional space: uⱼ = gⱼ/‖gⱼ‖ for Gaussian gⱼ ∈ ℝᴾ, and the Gaussian vectors
/// written in the orthonormal basis Gram–Schmidt makes of them have the Bartlett form (Bartlett
/// 1933; Anderson 2003, thm. 7.2.1): row j has N(0, 1) entries before the diagonal, √χ²(P − j)
/// on it and 0 after (for j ≥ P: N(0, 1) in the first P entries only, as gⱼ then lies in the
/// span of the earlier ones). Each row is normalised and scaled to sⱼ, the positions are its
/// running sums, and their centred spectrum is one draw. Nothing is approximated: for
/// P = n − 1 this is a walk with Gaussian directions in ℝⁿ⁻¹; as P grows the directions become
/// orthogonal (uⱼ·uₖ ~ N(0, 1/P)), the draws concentrate, and the limit is the deterministic
/// walk with orthogonal steps, whose centred Gram matrix Hᵀ·A·diag(s²)·Aᵀ·H (A the running-sum
/// operator, H the centring) gives `typicalPath`. For a model with millions of parameters the
/// band is therefore narrow: it is the null of an isotropic walk in that many dimensions, not of
/// a walk confined to a few.
///
/// Cost per draw: O(n²) variates, an (n − 1)² `syrk` and the eigenvalues of an (n − 1)×(n − 1)
/// matrix, O(n³): nothing next to reading the checkpoints for n up to a few hundred. The draws
/// run one after another on one BLAS thread from one seeded generator, so the result is the
/// same for every `--threads`.
///
/// Edges: n < 2 or all steps 0 (a still trajectory) is refused by `init` (`nil`); zero steps
/// among others are steps of length 0; P < n − 1 gives P nonzero components, as the data has.
public struct RandomWalkNull: Sendable, Equatable {
    /// A two-sided interval of a quantity over the draws.
    public struct Interval: Sendable, Equatable {
        public let low: Double
        public let high: Double
    }

    /// The draws' summary of one integer reading (components for a fraction).
    public struct CountSummary: Sendable, Equatable {
        /// The median over the draws (NumPy's linear interpolation).
        public let median: Double
        /// The central `level` range over the draws.
        public let band: Interval
    }

    /// The step lengths sⱼ the walk takes (n − 1 of them, weight units).
    public let stepLengths: [Double]
    /// P, the ambient dimension the directions are drawn in.
    public let dimension: Int
    /// The number of draws and the seed of the generator that made them.
    public let draws: Int
    public let seed: UInt64
    /// The coverage of every band (0.95).
    public let level: Double
    /// The mean over the draws of each component's explained-variance ratio, min(n − 1, P) of them.
    public let explainedVarianceRatio: [Double]
    /// Per component, the central `level` range of its ratio over the draws (percentiles
    /// (1 − level)/2 and (1 + level)/2, interpolated linearly between order statistics).
    public let band: [Interval]
    /// Components for 50 / 90 / 99 % of the variance over the draws, keyed "0.5", "0.9", "0.99".
    public let componentsFor: [String: CountSummary]
    /// PC1's ratio in every draw, ascending (for `pc1PValue`).
    public let sortedFirstRatios: [Double]
    /// The positions of the limit walk (orthogonal steps of the given lengths, P → ∞) on its
    /// first two principal components, n × 2 (PC2 = 0 when there is one component): the shape
    /// of a typical draw, in the data's weight units. Signs as `GramPCA.SignConvention.lastAfterFirst`.
    public let typicalPath: Matrix<Double>

    /// The coverage of the bands: 95 %.
    public static let defaultLevel = 0.95
    /// The draws `trajectory` and `batch` take unless told otherwise (`--null-draws`).
    public static let defaultDraws = 200

    /// Draws `draws` walks with `stepLengths` (n − 1 ≥ 1 lengths, finite and ≥ 0, not all 0) in
    /// dimension `dimension` (≥ 1) from `SeededGenerator(seed:)`. Returns `nil` when there is
    /// nothing to simulate (no step, or every step of length 0). Throws `.malformedData` if LAPACK
    /// fails. `draws` ≥ 1 (a precondition: the CLI checks it).
    public init?(stepLengths: [Double], dimension: Int, draws: Int = defaultDraws, seed: UInt64,
                 level: Double = defaultLevel) throws {
        precondition(draws >= 1 && dimension >= 1 && level > 0 && level < 1)
        let steps = stepLengths.map { $0.isFinite ? max(0, $0) : 0 }
        guard !steps.isEmpty, steps.contains(where: { $0 > 0 }) else { return nil }
        let n = steps.count + 1
        let components = min(n - 1, dimension)
        var generator = SeededGenerator(seed: seed)
        var ratios = [[Double]](repeating: [], count: components)
        var counts = [String: [Double]]()
        for _ in 0..<draws {
            let spectrum = try Self.drawSpectrum(steps: steps, dimension: dimension, components: components,
                                                 generator: &generator)
            for k in 0..<components { ratios[k].append(spectrum.explainedVarianceRatio[k]) }
            for (key, fraction) in PCASpectrum.standardFractions {
                counts[key, default: []].append(Double(spectrum.componentsFor(fraction: fraction)))
            }
        }
        let lowQ = (1 - level) / 2, highQ = (1 + level) / 2
        func interval(_ values: [Double]) -> Interval {
            let sorted = values.sorted()
            return Interval(low: Bootstrap.interpolatedQuantile(sorted, lowQ), high: Bootstrap.interpolatedQuantile(sorted, highQ))
        }
        self.stepLengths = steps
        self.dimension = dimension
        self.draws = draws
        self.seed = seed
        self.level = level
        explainedVarianceRatio = ratios.map { $0.reduce(0, +) / Double(draws) }
        band = ratios.map(interval)
        componentsFor = counts.mapValues { values in
            CountSummary(median: Bootstrap.interpolatedQuantile(values.sorted(), 0.5), band: interval(values))
        }
        sortedFirstRatios = ratios[0].sorted()
        typicalPath = try Self.limitPath(steps: steps, dimension: dimension)
    }

    /// The Monte Carlo p-value of a PC1 share at least `ratio` under the null:
    /// (1 + #{draws with PC1 ≥ ratio})/(1 + draws) (Davison & Hinkley 1997, eq. 4.11), never 0.
    public func pc1PValue(_ ratio: Double) -> Double {
        let reached = sortedFirstRatios.count - sortedFirstRatios.prefix { $0 < ratio }.count
        return Double(1 + reached) / Double(1 + draws)
    }

    /// One draw's spectrum: directions in Bartlett form (see the type), scaled to `steps`, summed
    /// into positions, centred; the eigenvalues of the (n − 1)×(n − 1) scatter Ycᵀ·Yc.
    static func drawSpectrum(steps: [Double], dimension: Int, components: Int,
                             generator: inout SeededGenerator) throws -> PCASpectrum {
        let m = steps.count, n = m + 1
        var positions = [Double](repeating: 0, count: n * m)
        var row = [Double](repeating: 0, count: m)
        for j in 0..<m {
            for i in 0..<m { row[i] = 0 }
            for i in 0..<min(j, dimension) { row[i] = generator.nextGaussian() }
            if j < dimension { row[j] = (2 * generator.nextGamma(shape: Double(dimension - j) / 2)).squareRoot() }
            let norm = row.reduce(0) { $0 + $1 * $1 }.squareRoot()
            let scale = norm > 0 ? steps[j] / norm : 0
            for i in 0..<m { positions[(j + 1) * m + i] = positions[j * m + i] + scale * row[i] }
        }
        return try centredSpectrum(positions: &positions, rows: n, columns: m, components: components)
    }

    /// The spectrum of the n points in `positions` (n × m, row-major), centred in place: the
    /// eigenvalues of Ycᵀ·Yc, largest `components` first, over the trace ‖Yc‖²_F.
    static func centredSpectrum(positions: inout [Double], rows n: Int, columns m: Int,
                                components: Int) throws -> PCASpectrum {
        for i in 0..<m {
            var mean = 0.0
            for a in 0..<n { mean += positions[a * m + i] }
            mean /= Double(n)
            for a in 0..<n { positions[a * m + i] -= mean }
        }
        var scatter = [Double](repeating: 0, count: m * m)
        positions.withUnsafeBufferPointer { y in
            scatter.withUnsafeMutableBufferPointer { s in
                if let y = y.baseAddress, let s = s.baseAddress {
                    BLAS.syrkUpper(transpose: true, n: m, k: n, alpha: 1, a: y, lda: m, beta: 0, c: s, ldc: m)
                }
            }
        }
        var trace = 0.0
        for i in 0..<m {
            trace += scatter[i * m + i]
            for j in 0..<i { scatter[i * m + j] = scatter[j * m + i] }
        }
        let eigen = try LAPACK.symmetricEigen(&scatter, n: m, vectors: false)
        let values = (0..<components).map { eigen.values[m - 1 - $0] }
        return PCASpectrum(scatterEigenvalues: values, scatterTrace: trace, pointCount: n)
    }

    /// The limit walk's positions on its first two components: the PCA of the centred Gram
    /// matrix of the positions with orthogonal steps, Gₐᵦ = Σ_{j < min(a, b)} sⱼ².
    static func limitPath(steps: [Double], dimension: Int) throws -> Matrix<Double> {
        let n = steps.count + 1
        var cumulative = [Double](repeating: 0, count: n)
        for j in 0..<steps.count { cumulative[j + 1] = cumulative[j] + steps[j] * steps[j] }
        var gram = Matrix<Double>(rows: n, columns: n)
        for a in 0..<n { for b in 0..<n { gram[a, b] = cumulative[min(a, b)] } }
        let pca = try GramPCA(centredGram: GramAccumulator.centred(gram), parameterCount: dimension, signs: .lastAfterFirst)
        let coordinates = pca.coordinates
        var path = Matrix<Double>(rows: n, columns: 2)
        for a in 0..<n {
            for k in 0..<min(2, coordinates.columns) { path[a, k] = coordinates[a, k] }
        }
        return path
    }
}
