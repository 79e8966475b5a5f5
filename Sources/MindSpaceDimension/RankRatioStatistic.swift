import MindSpaceCore
import MindSpaceNumerics

/// The neighbour-rank ratio statistic: a raw intrinsic dimension at neighbourhood scale j from
/// the ratio of each point's (2j)-th to j-th neighbour distance. Scale 1 is TwoNN (Facco et al.
/// 2017); larger j look farther, like GRIDE's (n₁, n₂ = 2n₁) ratios (Denti et al. 2022,
/// "The generalized ratios intrinsic dimension estimator", Sci. Rep. 12:20005).
///
/// **Model.** If the points near x are a Poisson process of constant intensity ρ in d
/// dimensions, the volume ρ·V_d·r_j^d of the ball reaching the j-th neighbour is Gamma(j, 1), so
/// d·log r_j = log Gamma(j, 1) + const and
///   E[log(r₂ⱼ / rⱼ)] = (ψ(2j) − ψ(j)) / d,
/// with ψ the digamma function; for integers ψ(2j) − ψ(j) = Σᵢ₌ⱼ²ʲ⁻¹ 1/i (`harmonicGap`), which is
/// 1 at j = 1. The raw dimension is therefore
///   d̂ⱼ = (ψ(2j) − ψ(j)) / mean over points of log(r₂ⱼ / rⱼ),
/// the moment (and, at j = 1, maximum-likelihood) estimate under the model, independent of ρ.
///
/// **Why "raw".** On finite samples the model fails in the same way for every estimator of this
/// kind: in high dimension the neighbours of a point reach a sizeable fraction of the data's
/// extent, so boundaries and the curvature of the sampled region push d̂ⱼ down (uniform 20-ball,
/// n = 2500: d̂₁ ≈ 16.4), more so at larger j. `DimensionCalibration` maps the raw value back
/// through the same statistic measured on uniform reference samples.
///
/// **Duplicates.** A point whose first neighbour is at distance 0 has undefined ratios; such
/// points (possible only when duplicates are kept) are left out at every scale, so the per-point
/// arrays of all scales stay aligned.
public enum RankRatioStatistic {
    /// ψ(2j) − ψ(j) = Σᵢ₌ⱼ²ʲ⁻¹ 1/i, the expected d·log(r₂ⱼ/rⱼ) under the Poisson model (j ≥ 1).
    public static func harmonicGap(scale j: Int) -> Double {
        precondition(j >= 1, "scales start at 1")
        var sum = 0.0
        for i in j..<(2 * j) { sum += 1 / Double(i) }
        return sum
    }

    /// The raw dimension (ψ(2j) − ψ(j)) / `meanLogRatio`; +∞ when the mean is 0 (all ratios 1).
    public static func rawDimension(meanLogRatio: Double, scale j: Int) -> Double {
        meanLogRatio > 0 ? harmonicGap(scale: j) / meanLogRatio : .infinity
    }

    /// Per-point log(r₂ⱼ/rⱼ) for each scale in `scales`, from a table with at least
    /// 2·max(scales) neighbours. Points with a zero first-neighbour distance are skipped (their
    /// count is returned); row s of the result belongs to `scales[s]`, and every row lists the
    /// same points in the same order.
    /// - Complexity: O(n · |scales|).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public static func logRatios<Scalar: NeighborScalar>(_ table: NeighborTable<Scalar>,
                                                        scales: [Int]) -> (values: [[Double]], skipped: Int) {
        precondition(!scales.isEmpty && scales.allSatisfy { $0 >= 1 }, "scales must be positive")
        precondition(table.k >= 2 * (scales.max() ?? 1), "the table holds too few neighbours for the largest scale")
        var values = scales.map { _ in [Double]() }
        for row in values.indices { values[row].reserveCapacity(table.pointCount) }
        var skipped = 0
        for point in 0..<table.pointCount {
            guard table.distance(point, rank: 0) > 0 else { skipped += 1; continue }
            for (row, j) in scales.enumerated() {
                let near = Double(table.distance(point, rank: j - 1))
                let far = Double(table.distance(point, rank: 2 * j - 1))
                values[row].append(log(far / near))
            }
        }
        return (values, skipped)
    }

    /// The raw dimension at each scale of `scales` for a whole table (see `logRatios`).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public static func rawDimensions<Scalar: NeighborScalar>(_ table: NeighborTable<Scalar>,
                                                            scales: [Int]) -> [Double] {
        let ratios = logRatios(table, scales: scales).values
        return zip(ratios, scales).map { values, j in
            values.isEmpty ? .nan : rawDimension(meanLogRatio: values.reduce(0, +) / Double(values.count), scale: j)
        }
    }
}
