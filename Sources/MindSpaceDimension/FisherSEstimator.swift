import MindSpaceCore
import MindSpaceNumerics

/// FisherS: intrinsic dimension from Fisher separability (Albergante, Bac & Zinovyev 2019,
/// "Estimating the effective dimension of large biological datasets using Fisher separability
/// analysis", IJCNN 2019, arXiv:1901.06328; Gorban & Tyukin 2018 for the underlying
/// concentration), following scikit-dimension 0.5.0's `FisherS()` with its defaults, which port
/// the authors' MATLAB code:
///
/// 1. **Preprocess.** Centre; PCA; keep the components whose eigenvalue exceeds λ₁/c
///    (c = `conditionNumber`, default 10: λᵢ/λ₁ > 1/c); whiten (project on them and divide each
///    score column by its standard deviation, divisor N − 1); if `projectOnSphere` (default
///    true), scale every row to unit length.
/// 2. **Inseparability.** For each α in the grid 0.60, 0.62, …, 0.98 (NumPy's
///    `arange(0.6, 1, 0.02)`: α_j = 0.6 + j·((0.6 + 0.02) − 0.6)), point y is *inseparable* from
///    x when ⟨x, y⟩/⟨x, x⟩ ≥ α. pᵢ(α) is the fraction of the other N − 1 points inseparable
///    from point i, and p̄(α) its mean over points.
/// 3. **Dimension per α.** For points uniform on the sphere S^(n−1), p̄ ≈ (1 − α²)^((n−1)/2) /
///    (α·√(2πn)); solving for n gives
///      n(α) = W(−w / (2π·p̄²·α²·(1 − α²))) / (−w),  w = log(1 − α²),
///    W the principal Lambert function; undefined (skipped) where p̄(α) = 0, i.e. every point
///    is separable at that α.
/// 4. **Selection.** α_max is the largest α with a defined n(α); the estimate is n at the α of
///    the grid closest to 0.9·α_max (the larger n on an exact tie, as scikit-dimension's
///    `max()`).
///
/// **Interval.** A seeded percentile bootstrap over points of steps 3–4: a resample reweights
/// the per-point fractions pᵢ(α) (the separability counts against all points are held fixed).
///
/// **Known biases.** It estimates the dimension of the whitened, sphere-projected cloud, so it
/// is sensitive to the PCA cut (components below λ₁/10 are discarded: a linear d-dimensional
/// set with very unequal variances reads low) and to the distribution (uniform balls and cubes
/// read close to d; heavy-tailed or clustered data read low). It saturates in high dimension
/// when p̄(α) = 0 for all but the smallest α (from about n ≈ 50 at N = 2500); then it
/// reflects N more than d.
///
/// **Duplicates.** Removed by default. Kept, a copy is inseparable from its twin at every α,
/// which raises p̄ and lowers the estimate. A row that whitening maps to the origin (the exact
/// mean) has no direction; it is left out (`diagnostics["zero_norm_points"]`).
///
/// **Cost.** PCA, then the N×N inner products in blocks (O(N²·r), r retained components) and
/// a grid lookup per product; memory O(N·(r + 20)).
public struct FisherSEstimator: DimensionEstimator {
    /// c: components with λ ≤ λ₁/c are discarded (default 10).
    public let conditionNumber: Double
    /// Scale rows to unit length after whitening (default true).
    public let projectOnSphere: Bool

    /// FisherS with scikit-dimension's defaults (`conditional_number=10`, `project_on_sphere=1`).
    public init(conditionNumber: Double = 10, projectOnSphere: Bool = true) {
        self.conditionNumber = conditionNumber
        self.projectOnSphere = projectOnSphere
    }

    public var name: String { "fishers" }
    public var parameters: [String: ParameterValue] {
        ["condition_number": .double(conditionNumber), "project_on_sphere": .bool(projectOnSphere)]
    }

    /// The α grid 0.60, 0.62, …, 0.98, computed as NumPy's `arange` computes it.
    static let alphas: [Double] = {
        let step = (0.6 + 0.02) - 0.6
        return (0..<20).map { 0.6 + Double($0) * step }
    }()

    /// The estimate and its bootstrap interval. Throws `.usage` for c ≤ 1 and `.malformedData`
    /// for fewer than 3 (distinct) points, a NaN/Inf, constant data, or when every point is
    /// separable at every α (the dimension is then too high for N to resolve).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func estimate<Scalar: NeighborScalar>(_ points: Matrix<Scalar>,
                                                 options: EstimationOptions) throws -> DimensionEstimate {
        try options.validate()
        guard conditionNumber > 1 else {
            throw MindSpaceError(.usage, "fishers: the condition number must exceed 1, got \(conditionNumber)")
        }
        let prepared = try PreparedRows(points, options: options, minimumRows: 3, estimator: name)
        let (whitened, retained) = try whiten(prepared.rows)
        var rows = whitened
        var zeroNorm = 0
        if projectOnSphere {
            var kept: [Double] = []
            kept.reserveCapacity(rows.storage.count)
            for row in 0..<rows.rows {
                let values = rows.row(row)
                let norm = values.reduce(0) { $0 + $1 * $1 }.squareRoot()
                if norm > 0 { kept += values.map { $0 / norm } } else { zeroNorm += 1 }
            }
            rows = Matrix(rows: rows.rows - zeroNorm, columns: retained, storage: kept)
        }
        guard rows.rows >= 3 else {
            throw MindSpaceError(.malformedData, "fishers: too few points with a direction after whitening: \(rows.rows)")
        }
        let fractions = Self.inseparableFractions(rows)     // [point][alpha]
        let n = fractions.count
        func profile(_ counts: UnsafeBufferPointer<Int>?) -> (dimension: Double, alpha: Double) {
            var mean = [Double](repeating: 0, count: Self.alphas.count)
            for point in 0..<n {
                let weight = counts.map { Double($0[point]) } ?? 1
                if weight == 0 { continue }
                for a in 0..<Self.alphas.count { mean[a] += weight * fractions[point][a] }
            }
            return Self.selectedDimension(meanFractions: mean.map { $0 / Double(n) })
        }
        let (dimension, alpha) = profile(nil)
        guard dimension.isFinite else {
            throw MindSpaceError(.malformedData,
                                 "fishers: every point is separable from all others at every alpha in [0.6, 0.98]: the dimension is too high to resolve with \(n) points")
        }
        var diagnostics: [String: ParameterValue] = [
            "points_used": .int(n), "components_retained": .int(retained), "selected_alpha": .double(alpha),
        ]
        var notes: [String] = []
        if zeroNorm > 0 {
            diagnostics["zero_norm_points"] = .int(zeroNorm)
            notes.append("\(zeroNorm) points at the exact mean have no direction after whitening and were left out")
        }
        let interval = options.percentileBootstrapInterval(
            estimator: name, around: dimension, itemCount: n,
            description: "percentile bootstrap over points of the per-point inseparability fractions",
            diagnostics: &diagnostics) { profile($0).dimension }
        return prepared.annotated(DimensionEstimate(
            estimator: name, dimension: dimension, ci: interval, pointwise: nil,
            parameters: parameters, diagnostics: diagnostics, notes: notes))
    }

    /// Step 1 without the sphere projection: the PCA scores on the retained components, each
    /// column divided by its standard deviation (divisor N − 1). Returns them and r.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func whiten<Scalar: NeighborScalar>(_ points: Matrix<Scalar>) throws -> (Matrix<Double>, Int) {
        let n = points.rows, d = points.columns
        let pca = try points.storage.withUnsafeBufferPointer { try PCA().fitRows($0, rows: n, columns: d) }
        guard let largest = pca.spectrum.explainedVariance.first, largest > 0 else {
            throw MindSpaceError(.malformedData, "fishers: all points are equal (zero variance)")
        }
        let retained = pca.spectrum.explainedVariance.prefix(pca.componentCount).filter { $0 / largest > 1 / conditionNumber }.count
        var scores = [Double](repeating: 0, count: n * retained)
        points.storage.withUnsafeBufferPointer { rows in
            for row in 0..<n {
                for component in 0..<retained {
                    var sum = 0.0
                    for column in 0..<d {
                        sum += (Double(rows[row * d + column]) - pca.mean[column]) * pca.components[component, column]
                    }
                    scores[row * retained + component] = sum
                }
            }
        }
        for component in 0..<retained {
            var mean = 0.0
            for row in 0..<n { mean += scores[row * retained + component] }
            mean /= Double(n)
            var squares = 0.0
            for row in 0..<n { squares += pow(scores[row * retained + component] - mean, 2) }
            let deviation = (squares / Double(n - 1)).squareRoot()
            for row in 0..<n { scores[row * retained + component] /= deviation }
        }
        return (Matrix(rows: n, columns: retained, storage: scores), retained)
    }

    /// pᵢ(α_j) for every point i and grid value α_j: the fraction of the other N − 1 points y with
    /// ⟨xᵢ, y⟩/⟨xᵢ, xᵢ⟩ ≥ α_j. Inner products by `dgemm` over blocks of 256 rows.
    static func inseparableFractions(_ rows: Matrix<Double>) -> [[Double]] {
        let n = rows.rows, r = rows.columns
        let alphaCount = alphas.count
        var counts = [[Int]](repeating: [Int](repeating: 0, count: alphaCount + 1), count: n)
        var lengths = [Double](repeating: 0, count: n)
        for row in 0..<n { lengths[row] = rows.row(row).reduce(0) { $0 + $1 * $1 } }
        let blockRows = 256
        var products = [Double](repeating: 0, count: blockRows * n)
        rows.storage.withUnsafeBufferPointer { data in
            guard let base = data.baseAddress else { return }
            for start in stride(from: 0, to: n, by: blockRows) {
                let count = min(blockRows, n - start)
                products.withUnsafeMutableBufferPointer { c in
                    guard let cBase = c.baseAddress else { return }
                    BLAS.gemm(transposeA: false, transposeB: true, m: count, n: n, k: r, alpha: 1,
                              a: base + start * r, lda: r, b: base, ldb: r, beta: 0, c: cBase, ldc: n)
                }
                for local in 0..<count {
                    let point = start + local
                    let length = lengths[point]
                    for other in 0..<n where other != point {
                        let ratio = products[local * n + other] / length
                        guard ratio >= alphas[0] else { continue }
                        // The number of grid values ≤ ratio (≥ 1 here).
                        var reached = 1
                        while reached < alphaCount && alphas[reached] <= ratio { reached += 1 }
                        counts[point][reached - 1] += 1
                    }
                }
            }
        }
        // counts[i][j] holds products reaching exactly α_j (and not α_{j+1}); accumulate from the top.
        return counts.map { row in
            var fractions = [Double](repeating: 0, count: alphaCount)
            var above = 0
            for j in stride(from: alphaCount - 1, through: 0, by: -1) {
                above += row[j]
                fractions[j] = Double(above) / Double(n - 1)
            }
            return fractions
        }
    }

    /// Steps 3–4 from the mean inseparable fractions p̄(α_j): the selected n(α) and its α
    /// (NaN when no α has p̄ > 0).
    static func selectedDimension(meanFractions: [Double]) -> (dimension: Double, alpha: Double) {
        var profile = [Double](repeating: .nan, count: alphas.count)
        for (j, p) in meanFractions.enumerated() where p > 0 {
            let a2 = alphas[j] * alphas[j]
            let w = log(1 - a2)
            let value = SpecialFunctions.lambertW(-w / (2 * Double.pi * p * p * a2 * (1 - a2))) / -w
            if value.isFinite { profile[j] = value }
        }
        guard let largestDefined = profile.indices.last(where: { !profile[$0].isNaN }) else { return (.nan, .nan) }
        let reference = 0.9 * alphas[largestDefined]
        let closest = alphas.map { abs($0 - reference) }.min() ?? .nan
        var best = -Double.infinity, bestAlpha = Double.nan
        for j in profile.indices where !profile[j].isNaN && abs(alphas[j] - reference) == closest {
            if profile[j] > best { best = profile[j]; bestAlpha = alphas[j] }
        }
        return best.isFinite ? (best, bestAlpha) : (.nan, .nan)
    }
}
