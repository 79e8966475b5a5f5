import MindSpaceCore
import MindSpaceNumerics

/// Projection-weighted canonical correlation analysis (Morcos, Raghu & Bengio 2018, "Insights on
/// representational similarity in neural networks with canonical correlation", NeurIPS, §2.3),
/// as google/svcca's `pwcca.compute_pwcca`: the canonical correlations ρᵢ between X (N × D₁) and
/// Y (N × D₂), averaged with weights
///
///     α̃ᵢ = Σⱼ |⟨hᵢ, xⱼ⟩|,  αᵢ = α̃ᵢ / Σ α̃,   PWCCA = Σᵢ αᵢ ρᵢ,
///
/// where hᵢ are the unit canonical variates (N-vectors) of the representation with fewer
/// directions and xⱼ its centred columns: correlations of directions that account for more of
/// the representation count more. With X = Σ-whitened by its axes V, Λ and CCA coefficients aᵢ,
/// ⟨hᵢ, xⱼ⟩ ∝ (V·Λ^½·aᵢ)ⱼ, so everything is done in D-space.
///
/// **Numerics.** The reference inverts the rescaled covariance with a pseudo-inverse (`pinv`,
/// relative cutoff 1e-15) and, with its `epsilon`, drops neurons of small variance. Here each
/// covariance is whitened through its eigendecomposition, dropping directions with eigenvalue
/// ≤ λ_max·D·ε (`PrincipalAxes`): whitening them would turn round-off into spurious correlations
/// of 1. The side whose weights are used is the one with fewer such directions (A on ties); the
/// reference picks the side with fewer neurons, the same for full-rank data. Two departures from
/// the repo code, both towards the paper: hᵢ are the true canonical variates (the repo forgets
/// the whitening `invsqrt_xx` and adds neuron means back), and the B side uses B's activations
/// (the repo reads `acts1` there). The fixtures record both values.
///
/// **Cost.** `prepare`: the D × D scatter and its eigendecomposition, and the whitened N × r scores;
/// a permutation draw: an N·r₁·r₂ cross-product and an r₁ × r₂ SVD. A resample re-estimates the
/// axes from its weighted rows (repeated rows). Needs N > D (`prepare` throws otherwise: with as
/// many columns as rows every canonical correlation is 1).
public struct PWCCA: RepresentationMetric {
    public init() {}

    public var name: RepresentationMetricName { .pwcca }

    /// The centred rows, their principal axes and whitened scores.
    public struct Prepared: Sendable {
        let rows: CentredRows
        let axes: PrincipalAxes
        let scores: CentredRows
    }

    public func prepare(_ representation: Matrix<Double>) throws -> Prepared {
        let rows = try CentredRows(representation, metric: name)
        guard rows.rows > rows.columns else {
            throw MindSpaceError.malformed(nil, "pwcca needs more rows than columns (N = \(rows.rows), D = \(rows.columns)): with N ≤ D every canonical correlation is 1; reduce D first (svcca) or use linear-cka")
        }
        let pairs = PairedRows(.identity, rows: rows.rows)
        let axes = try PrincipalAxes(scatter: PairedProducts.scatter(rows, rows: pairs.aRows, pairs: pairs), dimension: rows.columns)
        return Prepared(rows: rows, axes: axes, scores: SmallProducts.project(rows, axes.whitening(), r: axes.rank))
    }

    public func score(_ a: Prepared, _ b: Prepared, pairing: RowPairing) throws -> Double {
        precondition(a.rows.rows == b.rows.rows, "representations of different row counts")
        let pairs = try PairedRows(pairing, rows: a.rows.rows).requiring(atLeast: 2)
        let axesA: PrincipalAxes, axesB: PrincipalAxes
        var whitenedCross: [Double]
        if pairs.weights == nil {
            axesA = a.axes; axesB = b.axes
            whitenedCross = PairedProducts.cross(a.scores, b.scores, pairs: pairs)
        } else {
            axesA = try PrincipalAxes(scatter: PairedProducts.scatter(a.rows, rows: pairs.aRows, pairs: pairs), dimension: a.rows.columns)
            axesB = try PrincipalAxes(scatter: PairedProducts.scatter(b.rows, rows: pairs.bRows, pairs: pairs), dimension: b.rows.columns)
            let cross = PairedProducts.cross(a.rows, b.rows, pairs: pairs)
            whitenedCross = SmallProducts.sandwich(axesA.whitening(), cross, axesB.whitening(), d1: a.rows.columns,
                                                   d2: b.rows.columns, r1: axesA.rank, r2: axesB.rank)
        }
        let r1 = axesA.rank, r2 = axesB.rank
        guard r1 > 0, r2 > 0 else {
            throw MindSpaceError.malformed(nil, "pwcca is undefined for this resample (zero variance)")
        }
        let (u, s, vt) = try LAPACK.singularValueDecomposition(&whitenedCross, m: r1, n: r2)
        let k = min(r1, r2)
        // Coefficients of the canonical directions on the side with fewer directions, in its
        // whitened coordinates: column i of U (A), or row i of Vᵀ (B).
        let useA = r1 <= r2
        let axes = useA ? axesA : axesB
        let r = axes.rank, d = axes.dimension
        var weights = [Double](repeating: 0, count: k)
        for i in 0..<k {
            // α̃ᵢ ∝ Σⱼ |(V·Λ^½·cᵢ)ⱼ|
            var total = 0.0
            for j in 0..<d {
                var sum = 0.0
                for l in 0..<r {
                    let c = useA ? u[l * k + i] : vt[i * r2 + l]
                    sum += axes.axes[j * r + l] * axes.values[l].squareRoot() * c
                }
                total += abs(sum)
            }
            weights[i] = total
        }
        let weightSum = weights.reduce(0, +)
        guard weightSum > 0 else {
            throw MindSpaceError.malformed(nil, "pwcca is undefined for this resample (zero projection weights)")
        }
        var value = 0.0
        for i in 0..<k { value += weights[i] / weightSum * s[i] }
        return value
    }
}
