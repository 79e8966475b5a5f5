import Foundation
import MindSpaceCore
import MindSpaceNumerics
import MindSpaceSynthetic

/// `auto`: MindSpace's recommended intrinsic-dimension estimate, the default of `mindspace id`.
/// It is a **calibrated, multiscale neighbour-ratio estimator**: the TwoNN/GRIDE family of
/// statistics, corrected for finite-sample bias by comparison with uniform data of known
/// dimension at the same sample size, read at the first plateau of its dimension-versus-scale
/// curve, with an interval that includes the statistic's sampling error, the calibration's own
/// noise and the uncertainty about the reference geometry. Every step and number is reported in
/// the estimate's `diagnostics` and `notes`.
///
/// **Algorithm.**
/// 1. *Sample.* Duplicate rows are removed (unless kept). The N′ distinct rows are split into
///    `DisjointSubsamples` of n ≈ `sampleSize` (2500) points, at most `maximumSamples` (8) of
///    them; N′ < 5000 gives one subsample of all rows.
/// 2. *Statistic.* In each subsample an exact neighbour search gives, for each point and each
///    scale j ∈ {1, 2, 4, 8, 16} with 2j ≤ max(2, n/32) (neighbourhoods of at most ~3 % of
///    the sample), log(r₂ⱼ/rⱼ); pooled over subsamples, the raw dimension at scale j is
///    d̂ⱼ = (ψ(2j) − ψ(j)) / mean log(r₂ⱼ/rⱼ) (`RankRatioStatistic`; j = 1 is TwoNN's maximum
///    likelihood estimate). A percentile bootstrap over points gives its interval.
/// 3. *Calibration.* Each d̂ⱼ (and its interval bounds) is mapped to the dimension m at which
///    uniform samples of the **m-ball** with the same n give the same statistic
///    (`DimensionCalibration`, DANCo's reference and idea), m from 1 to min(D, n − 1): n points
///    span at most n − 1 dimensions, and the data cannot have more than D (data that read above
///    the D-ball's statistic get D, e.g. the 20-dimensional Gaussian M12 in ℝ²⁰). This removes the
///    downward bias every local estimator has in high dimension (neighbours reach far; a
///    20-dimensional uniform ball of 2500 points reads 16.4 raw) without assuming any formula
///    for it.
/// 4. *Scale.* The calibrated values form a dimension-versus-scale curve; the reported scale is
///    its first plateau (`ScalePlateau`): the smallest scale whose interval overlaps the next
///    one's. Clean data are read at scale 1; small-scale noise, which makes the curve fall with
///    scale, is skipped until the curve levels off.
/// 5. *Interval.* At the chosen scale the bootstrap interval is widened (in log space) by
///    w = √(1 + count/replicates) for the reference's sampling noise (the reference statistic is
///    the same statistic on samples of the same size, `replicates` of them per candidate against
///    `count` pooled data subsamples), then inverted through three reference geometries — the
///    ball (the point estimate), the cube (corners: reads lower, so maps higher) and the sphere
///    (no boundary: maps lower) — and the union reported. The geometry of the data is unknown,
///    and at high dimension this systematic spread (≈ ±5 % at d = 20, n = 2500) exceeds the
///    sampling error.
///
/// **Interval methods** (`IntervalMethod`). The interval is a bootstrap by construction (there is
/// no analytic one), so `auto` and `bootstrap` both give it. Under `none` and `analytic` the
/// estimate reports no interval (`analytic` says why), but the bootstrap of step 2 still runs:
/// step 4 chooses the scale by comparing the calibrated intervals, so the estimate is the same
/// whatever the interval method; only step 5 (the cube and sphere calibrations) is skipped.
///
/// **Why these choices.** How the reference, the statistic, the scale rule and the default
/// settings were chosen, and the run times observed: docs/estimators/auto-calibration.md.
///
/// **Known limits.** The calibration assumes the data are locally like a uniform sample: strongly
/// non-uniform densities (heavy tails, singular densities) read low, and curvature at the
/// neighbour scale reads high. Strong noise that is not resolved at any scale examined gives an
/// upper bound (flagged in `diagnostics["plateau_found"]`). Dimensions above min(D, n − 1) are
/// reported as that cap with a note. Results depend on the seed only through the subsample split
/// (N′ ≥ 5000), the bootstrap and the reference samples.
///
/// **Cost.** Neighbour searches of the data subsamples (O(N′·n·D) in total, at most 8·n rows)
/// plus, per visited candidate m and replicate, one search of n reference points (O(n²·m));
/// only the few candidates around the answer are visited for each of the three geometries.
public struct AutoEstimator: DimensionEstimator {
    /// Target points per subsample (and per reference sample), default 2500.
    public let sampleSize: Int
    /// Most subsamples pooled, default 8 (20 000 points at the default size).
    public let maximumSamples: Int
    /// Reference samples per candidate dimension and geometry, default 2.
    public let replicates: Int

    /// The neighbour-rank scales examined, smallest first (a subset is used on small samples).
    public static let candidateScales = [1, 2, 4, 8, 16]
    /// The geometry of the point estimate.
    public static let pointReference = UniformShape.ball
    /// The geometries whose calibrations together make the interval.
    public static let intervalReferences: [UniformShape] = [.ball, .hypercube, .sphere]

    /// - Parameters:
    ///   - sampleSize: points per subsample and reference sample (≥ 3).
    ///   - maximumSamples: most subsamples (≥ 1).
    ///   - replicates: reference samples per candidate (≥ 1).
    public init(sampleSize: Int = 2500, maximumSamples: Int = 8, replicates: Int = 2) {
        precondition(sampleSize >= 3 && maximumSamples >= 1 && replicates >= 1, "invalid auto settings")
        self.sampleSize = sampleSize
        self.maximumSamples = maximumSamples
        self.replicates = replicates
    }

    public var name: String { "auto" }

    public var parameters: [String: ParameterValue] {
        ["statistic": .string("rank-ratio log(r_2j/r_j)"), "reference": .string(Self.pointReference.name),
         "interval_references": .string(Self.intervalReferences.map(\.name).joined(separator: ",")),
         "sample_size": .int(sampleSize), "maximum_samples": .int(maximumSamples),
         "reference_replicates": .int(replicates),
         "scales": .string(Self.candidateScales.map(String.init).joined(separator: ",")),
         "scale_selection": .string("first-plateau")]
    }

    /// The scales usable on subsamples of n points: 2j ≤ max(2, n/32), and 2j < n.
    public static func scales(forSampleSize n: Int) -> [Int] {
        candidateScales.filter { 2 * $0 <= max(2, n / 32) && 2 * $0 < n }
    }

    /// The calibrated estimate (see the type's documentation).
    /// - Throws: `.usage` for invalid options; `.malformedData` for non-finite values, no
    ///   features, fewer than 3 distinct points, or lattice-like data (every first and second
    ///   neighbour equally far).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func estimate<Scalar: NeighborScalar>(_ points: Matrix<Scalar>,
                                                 options: EstimationOptions) throws -> DimensionEstimate {
        try options.validate()
        var diagnostics: [String: ParameterValue] = [:]
        var notes: [String] = []
        let working = try Self.rowsToEstimate(points, options: options, diagnostics: &diagnostics, notes: &notes)

        // 1–2. Subsamples, the pooled statistic at every usable scale and its widened bootstrap
        // intervals.
        let statistic = try RawScaleCurve(working, sampleSize: sampleSize, maximumSamples: maximumSamples,
                                          referenceReplicates: replicates, options: options)

        // 3. Calibration against balls at every scale.
        let maximumDimension = max(1, min(points.columns, statistic.sampleSize - 1))
        var ball = referenceCalibration(Self.pointReference, for: statistic, maximumDimension: maximumDimension,
                                        options: options)
        let curve = try statistic.scales.indices.map { try Self.calibrated(statistic, scaleIndex: $0, through: &ball) }

        // 4. The first plateau.
        let choice = ScalePlateau.firstPlateau(estimates: curve.map(\.estimate.dimension), lows: curve.map(\.low),
                                               highs: curve.map(\.high), scales: statistic.scales)

        // 5. The interval over the reference geometries at the chosen scale (skipped when no
        // interval is reported).
        let geometries = try geometryReadings(statistic, pointCurve: curve, chosen: choice.index,
                                              maximumDimension: maximumDimension, options: options)
        let interval = joinedInterval(geometries.readings, dimension: curve[choice.index].estimate.dimension,
                                      statistic: statistic, chosen: choice.index, options: options)

        let findings = Findings(columnCount: points.columns, workingCount: working.rows,
                                statistic: statistic, maximumDimension: maximumDimension, curve: curve, choice: choice,
                                readings: geometries.readings,
                                calibrationSamples: ball.samplesDrawn + geometries.samplesDrawn, interval: interval)
        return reported(findings, options: options, diagnostics: diagnostics, notes: notes)
    }

    /// The rows `auto` estimates on: `points` without duplicate rows unless
    /// `options.duplicates` keeps them; records `points`, `distinct_points` and
    /// `duplicates_removed` in `diagnostics` and a note when rows were removed.
    /// - Throws: `.malformedData` for a NaN or ±Inf, no columns, or fewer than 3 rows left.
    private static func rowsToEstimate<Scalar: NeighborScalar>(_ points: Matrix<Scalar>, options: EstimationOptions,
                                                               diagnostics: inout [String: ParameterValue],
                                                               notes: inout [String]) throws -> Matrix<Scalar> {
        if let (row, column) = points.firstNonFinite() {
            throw MindSpaceError(.malformedData, "non-finite value (NaN or Inf) at row \(row), column \(column)")
        }
        guard points.columns > 0 else { throw MindSpaceError(.malformedData, "points have no features (0 columns)") }

        diagnostics["points"] = .int(points.rows)
        let working: Matrix<Scalar>
        switch options.duplicates {
        case .remove:
            let distinct = DeduplicatedPoints(points)
            working = distinct.unique
            diagnostics["distinct_points"] = .int(distinct.unique.rows)
            diagnostics["duplicates_removed"] = .int(distinct.removedCount)
            if distinct.hasDuplicates { notes.append("\(distinct.removedCount) duplicate rows removed before estimating") }
        case .keep:
            working = points
        }
        guard working.rows >= 3 else {
            throw MindSpaceError(.malformedData, working.rows == 1 && points.rows > 1
                ? "all \(points.rows) points are identical; no dimension can be estimated"
                : "auto needs at least 3 distinct points, got \(working.rows)")
        }
        return working
    }
}
