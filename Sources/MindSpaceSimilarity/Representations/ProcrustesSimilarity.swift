import MindSpaceCore
import MindSpaceNumerics

/// Orthogonal Procrustes similarity (Williams et al. 2021, "Generalized Shape Metrics on Neural
/// Representations", NeurIPS, §2): for column-centred X (N × D₁), Y (N × D₂), each scaled to unit
/// Frobenius norm,
///
///     ρ = max over orthogonal Q of tr(XᵀY·Q) = ‖XᵀY‖_*  (the nuclear norm, Σ singular values),
///
/// the cosine of the angular shape distance θ = arccos ρ. When D₁ ≠ D₂ the narrower is
/// zero-padded, which leaves the singular values of XᵀY unchanged. ρ ∈ [0, 1], 1 exactly when Y
/// is a rotation (or reflection) of X up to scale and shift; it is rounded down to 1 where
/// round-off lifts it above.
///
/// **Cost.** XᵀY by `gemm` (2·N·D₁·D₂ flops) and its SVD (`dgesdd`, O(D₁·D₂·min(D₁, D₂))).
/// When N < D, `prepare` replaces X by N coordinates Z = U·Λ^½ from the eigendecomposition of
/// its Gram matrix X·Xᵀ = U·Λ·Uᵀ (Z = X·Q for an orthonormal Q spanning X's rows, so every
/// inner product of centred rows, and ρ, is unchanged, for any weighted re-centring too).
/// Multiplicities weight the pairs (XᵀWY, weighted mean and norms): repeated rows.
public struct ProcrustesSimilarity: RepresentationMetric {
    public init() {}

    public var name: RepresentationMetricName { .procrustes }

    /// The centred rows (in N coordinates when N < D).
    public struct Prepared: Sendable {
        let rows: CentredRows
    }

    public func prepare(_ representation: Matrix<Double>) throws -> Prepared {
        let rows = try CentredRows(representation, metric: name)
        guard rows.rows < rows.columns else { return Prepared(rows: rows) }
        return Prepared(rows: try Self.rowSpaceCoordinates(rows))
    }

    public func score(_ a: Prepared, _ b: Prepared, pairing: RowPairing) throws -> Double {
        precondition(a.rows.rows == b.rows.rows, "representations of different row counts")
        let pairs = try PairedRows(pairing, rows: a.rows.rows).requiring(atLeast: 2)
        let normA = pairs.weights == nil ? a.rows.totalSquares : Self.weightedSquares(a.rows, rows: pairs.aRows, pairs: pairs)
        let normB = pairs.weights == nil ? b.rows.totalSquares : Self.weightedSquares(b.rows, rows: pairs.bRows, pairs: pairs)
        guard normA > 0, normB > 0 else {
            throw MindSpaceError.malformed(nil, "procrustes is undefined for this resample (zero variance)")
        }
        var cross = PairedProducts.cross(a.rows, b.rows, pairs: pairs)
        let singular = try LAPACK.singularValueDecomposition(&cross, m: a.rows.columns, n: b.rows.columns).s
        return min(1, singular.reduce(0, +) / (normA * normB).squareRoot())
    }

    /// Σᵣ wᵣ‖xᵣ − μ_w‖².
    static func weightedSquares(_ x: CentredRows, rows: [Int], pairs: PairedRows) -> Double {
        let squares = pairs.rowSquares(of: x, rows: rows)
        var sum = 0.0
        for r in 0..<squares.count { sum += pairs.weight(r) * squares[r] }
        return sum
    }

    /// Z = U·Λ^½ (N × N) from X·Xᵀ = U·Λ·Uᵀ: the rows of X in an orthonormal basis of their span.
    /// Eigenvalues at or below the rank tolerance λ_max·N·ε count as 0: they are round-off, and
    /// their square roots (~1e-8·√λ_max) would add noise columns to Z.
    static func rowSpaceCoordinates(_ x: CentredRows) throws -> CentredRows {
        let n = x.rows
        var gram = PairedProducts.gram(x.storage, rows: n, columns: x.columns)
        let (values, vectors) = try LAPACK.symmetricEigen(&gram, n: n, vectors: true)
        var z = [Double](repeating: 0, count: n * n)
        let tolerance = (values.last ?? 0) * Double(n) * Double.ulpOfOne
        for j in 0..<values.count where values[j] > tolerance {
            let scale = values[j].squareRoot()
            for i in 0..<n { z[i * n + j] = vectors[i * n + j] * scale }
        }
        return CentredRows(rows: n, columns: n, centred: z)
    }
}
