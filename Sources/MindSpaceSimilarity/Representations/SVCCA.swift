import MindSpaceCore
import MindSpaceNumerics

/// Singular vector canonical correlation analysis (Raghu et al. 2017, "SVCCA", NeurIPS), as
/// platonic-rep's `metrics.py` `svcca(feats_A, feats_B, cca_dim)` (Huh et al. 2024): each
/// representation is centred and its columns scaled to unit standard deviation (N − 1
/// denominator), reduced to its top `dimensions` principal components, and the score is the mean
/// of the `dimensions` canonical correlations between the two reductions:
///
///     SVCCA = (1/k)·Σᵢ σᵢ(U_Aᵀ·U_B),  U = the k leading left singular vectors of the scaled data.
///
/// Where it differs from platonic-rep: the SVD is exact (not `torch.svd_lowrank`'s randomised
/// one), the canonical correlations are exact (not scikit-learn's iterative CCA, which agrees to
/// ~1e-13 on the fixtures), and no 1e-8 is added to the standard deviations (a constant column
/// stays 0 rather than making the score depend on the data's units).
///
/// **Cost.** `prepare`: the D × D scatter (N·D² flops), its eigendecomposition (O(D³)) and the
/// N × k scores; a permutation draw: U_Aᵀ·P·U_B (N·k² flops). A resample re-estimates the scaling
/// and the components from its weighted rows (D × D scatters and D₁ × D₂ cross-product), as
/// repeated rows would. Memory and time grow as D²: meant for D up to a few thousand.
///
/// `prepare` throws when `dimensions` < 1, exceeds D or N − 1, or exceeds the number of
/// directions with variance.
public struct SVCCA: RepresentationMetric {
    /// The principal components kept from each representation (k).
    public let dimensions: Int

    public init(dimensions: Int) {
        self.dimensions = dimensions
    }

    public var name: RepresentationMetricName { .svcca }

    /// The centred rows and their unweighted component scores U (N × k, orthonormal columns).
    public struct Prepared: Sendable {
        let rows: CentredRows
        let scores: CentredRows
    }

    public func prepare(_ representation: Matrix<Double>) throws -> Prepared {
        let rows = try CentredRows(representation, metric: name)
        guard dimensions >= 1, dimensions <= rows.columns, dimensions <= rows.rows - 1 else {
            throw MindSpaceError.malformed(nil, "svcca keeps \(dimensions) components, which needs 1 ≤ k ≤ D = \(rows.columns) and k ≤ N − 1 = \(rows.rows - 1)")
        }
        let pairs = PairedRows(.identity, rows: rows.rows)
        let whitening = try whiteningMap(rows, rows: pairs.aRows, pairs: pairs)
        return Prepared(rows: rows, scores: SmallProducts.project(rows, whitening, r: dimensions))
    }

    public func score(_ a: Prepared, _ b: Prepared, pairing: RowPairing) throws -> Double {
        precondition(a.rows.rows == b.rows.rows, "representations of different row counts")
        let k = dimensions
        let pairs = try PairedRows(pairing, rows: a.rows.rows).requiring(atLeast: k + 1)
        var correlations: [Double]
        if pairs.weights == nil {
            correlations = PairedProducts.cross(a.scores, b.scores, pairs: pairs)
        } else {
            let wa = try whiteningMap(a.rows, rows: pairs.aRows, pairs: pairs)
            let wb = try whiteningMap(b.rows, rows: pairs.bRows, pairs: pairs)
            let cross = PairedProducts.cross(a.rows, b.rows, pairs: pairs)
            correlations = SmallProducts.sandwich(wa, cross, wb, d1: a.rows.columns, d2: b.rows.columns, r1: k, r2: k)
        }
        let singular = try LAPACK.singularValueDecomposition(&correlations, m: k, n: k).s
        return singular.reduce(0, +) / Double(k)
    }

    /// W (D × k): standardise the columns, then project on the k leading axes and whiten, so that
    /// √W·(X − μ)·W has orthonormal columns.
    private func whiteningMap(_ x: CentredRows, rows: [Int], pairs: PairedRows) throws -> [Double] {
        let d = x.columns
        let scatter = PairedProducts.scatter(x, rows: rows, pairs: pairs)
        // 1/s_j with s_j² = C_jj/(N − 1); a constant column gets 0.
        let inverse = (0..<d).map { j -> Double in
            let variance = scatter[j * d + j] / (pairs.total - 1)
            return variance > 0 ? 1 / variance.squareRoot() : 0
        }
        var standardised = scatter
        for i in 0..<d { for j in 0..<d { standardised[i * d + j] *= inverse[i] * inverse[j] } }
        let axes = try PrincipalAxes(scatter: standardised, dimension: d, limit: dimensions)
        guard axes.rank == dimensions else {
            throw MindSpaceError.malformed(nil, "only \(axes.rank) directions have variance: svcca cannot keep \(dimensions) components")
        }
        return axes.whitening(columnScale: inverse)
    }
}
