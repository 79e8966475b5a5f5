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
/// **Why these choices** (measured during development on seeds 1–5 of the 24 benchmark manifolds
/// at n = 2500 and on noisy cubes, balls, spheres and Gaussians; seed 0 is held out for the
/// README's benchmark; `scripts/evaluate_auto.py` reproduces the benchmark figures). Mean
/// relative error over the 24 manifolds, seeds 1–5: `auto` 0.062, TwoNN 0.119, GRIDE 0.118,
/// Levina–Bickel MLE (k = 20) 0.190. In prototypes on the same kind of data: the ball as the
/// reference beat the cube (0.069), the sphere (0.067) and the Gaussian (0.074), as it sits
/// between boundary-heavy and boundary-free data; calibrated Levina–Bickel with k = 5, 10, 20
/// did worse than calibrated TwoNN (0.067, 0.082, 0.116), and so did averaging calibrated TwoNN
/// with them or taking a median of several (0.064–0.073): they share TwoNN's biases with more of
/// them (they look farther). A fixed larger scale has less variance but more curvature and
/// density bias after calibration (scale 2: 0.069, 4: 0.086, 16: 0.163), hence "smallest scale
/// unless it is significantly inflated". Plateau tests using the geometry-joined intervals, or a
/// fixed 5 % tolerance, either missed noise or cost accuracy on clean data (0.064).
///
/// **Known limits.** The calibration assumes the data are locally like a uniform sample: strongly
/// non-uniform densities (heavy tails, singular densities) read low, and curvature at the
/// neighbour scale reads high. Strong noise that is not resolved at any scale examined gives an
/// upper bound (flagged in `diagnostics["plateau_found"]`). Dimensions above min(D, n − 1) are
/// reported as that cap with a note. Results depend on the seed only through the subsample split
/// (N′ ≥ 5000), the bootstrap and the reference samples.
///
/// **Settings, in general terms.** n = 2500: the statistic's relative standard error is then
/// ≈ 1/√n = 2 %, below the ≈ 5 % geometry spread, while one reference search stays cheap
/// (O(n²·m)). At most 8 subsamples: with 2 reference samples per candidate the calibration
/// noise (variance ∝ count/replicates) already dominates beyond that. Scales up to 16 (32
/// neighbours) and 2j ≤ n/32: neighbourhoods stay local (≤ 3 % of the sample) and the top-k
/// search cheap; the noise these scales cannot resolve is flagged rather than guessed.
///
/// **Cost.** Neighbour searches of the data subsamples (O(N′·n·D) in total, at most 8·n rows)
/// plus, per visited candidate m and replicate, one search of n reference points (O(n²·m));
/// only the few candidates around the answer are visited for each of the three geometries. On
/// the 2-core development machine (shared, so wall times vary): N = 2500 ≈ 1 s of CPU;
/// 20000 × 384 ≈ 1.6 s; 20000 × 1000 ≈ 3 s; the worst case, isotropic noise filling
/// 384 dimensions (candidates up to ~340 visited), ≈ 4 s.
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
    public func estimate<Scalar: NeighborScalar>(_ points: Matrix<Scalar>,
                                                 options: EstimationOptions) throws -> DimensionEstimate {
        try options.validate()
        if let (row, column) = points.firstNonFinite() {
            throw MindSpaceError(.malformedData, "non-finite value (NaN or Inf) at row \(row), column \(column)")
        }
        guard points.columns > 0 else { throw MindSpaceError(.malformedData, "points have no features (0 columns)") }

        var diagnostics: [String: ParameterValue] = ["points": .int(points.rows)]
        var notes: [String] = []
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

        // 1–2. Subsamples and the pooled statistic at every usable scale.
        var splitGenerator = SeededGenerator(seed: DimensionCalibration.streamSeed(options.seed, 0x5355_4253))
        let split = DisjointSubsamples(pointCount: working.rows, targetSize: sampleSize,
                                       maximumCount: maximumSamples, generator: &splitGenerator)
        let n = split.size
        var scales = Self.scales(forSampleSize: n)
        var pooled = scales.map { _ in [Double]() }
        var zeroDistancePoints = 0
        for part in 0..<split.count {
            let table = try ExactNeighbors.search(split.matrix(working, part: part), k: 2 * (scales.last ?? 1))
            let ratios = RankRatioStatistic.logRatios(table, scales: scales)
            zeroDistancePoints += ratios.skipped
            for row in scales.indices { pooled[row].append(contentsOf: ratios.values[row]) }
        }
        let used = pooled[0].count
        guard used >= 2 else {
            throw MindSpaceError(.malformedData, "auto: too few points with a nonzero nearest-neighbour distance: \(used)")
        }
        if zeroDistancePoints > 0 {
            diagnostics["zero_distance_points_dropped"] = .int(zeroDistancePoints)
            notes.append("\(zeroDistancePoints) points with a duplicate (first-neighbour distance 0) dropped: "
                         + "their distance ratios are undefined; expect an upward bias")
        }
        let means = pooled.map { $0.reduce(0, +) / Double(used) }
        guard means[0] > 0 else {
            throw MindSpaceError(.malformedData,
                                 "auto: every point has equal first and second neighbour distances (lattice-like data); the ratio statistic is undefined")
        }
        // A larger scale with all ratios 1 (possible only on lattice-like data) is dropped.
        let finite = scales.indices.filter { means[$0] > 0 }
        scales = finite.map { scales[$0] }
        pooled = finite.map { pooled[$0] }
        let raw = zip(finite.map { means[$0] }, scales).map { RankRatioStatistic.rawDimension(meanLogRatio: $0, scale: $1) }

        // Bootstrap intervals of the raw statistic, the same resamples at every scale, widened
        // for the reference's noise.
        let widening = (1 + Double(split.count) / Double(replicates)).squareRoot()
        var rawLow: [Double] = [], rawHigh: [Double] = []
        for (row, j) in scales.enumerated() {
            var generator = SeededGenerator(seed: options.seed)
            let values = pooled[row]
            let bounds = values.withUnsafeBufferPointer { items in
                Bootstrap.percentileInterval(itemCount: used, resamples: options.bootstrapResamples,
                                             level: options.confidenceLevel, generator: &generator) { counts in
                    var sum = 0.0
                    for index in 0..<used { sum += Double(counts[index]) * items[index] }
                    return RankRatioStatistic.rawDimension(meanLogRatio: sum / Double(used), scale: j)
                }
            }
            let low = min(bounds?.low ?? raw[row], raw[row]), high = max(bounds?.high ?? raw[row], raw[row])
            rawLow.append(exp(log(raw[row]) - (log(raw[row]) - log(low)) * widening))
            rawHigh.append(high.isFinite ? exp(log(raw[row]) + (log(high) - log(raw[row])) * widening) : .infinity)
        }

        // 3. Calibration against balls at every scale.
        let maximumDimension = max(1, min(points.columns, n - 1))
        func calibration(_ shape: UniformShape) -> DimensionCalibration {
            DimensionCalibration(reference: shape, sampleSize: n, scales: scales, replicates: replicates,
                                 maximumDimension: maximumDimension, seed: options.seed)
        }
        var ball = calibration(Self.pointReference)
        var curve: [(estimate: DimensionCalibration.Inversion, low: Double, high: Double)] = []
        for row in scales.indices {
            let estimate = try ball.invert(raw[row], scaleIndex: row)
            let low = try ball.invert(rawLow[row], scaleIndex: row).dimension
            let high = rawHigh[row].isFinite ? try ball.invert(rawHigh[row], scaleIndex: row).dimension : Double(maximumDimension)
            curve.append((estimate, min(low, estimate.dimension), max(high, estimate.dimension)))
        }

        // 4. The first plateau.
        let choice = ScalePlateau.firstPlateau(estimates: curve.map(\.estimate.dimension), lows: curve.map(\.low),
                                               highs: curve.map(\.high), scales: scales)
        let chosen = choice.index

        // 5. The interval over the reference geometries at the chosen scale (skipped when no
        // interval is reported).
        let plan = options.intervalPlan(estimator: name, hasAnalytic: false)
        var perGeometry: [(shape: UniformShape, estimate: Double, low: Double, high: Double)] = [
            (Self.pointReference, curve[chosen].estimate.dimension, curve[chosen].low, curve[chosen].high)]
        var calibrationSamples = ball.samplesDrawn
        for shape in Self.intervalReferences where shape != Self.pointReference && plan == .bootstrap {
            var other = calibration(shape)
            let estimate = try other.invert(raw[chosen], scaleIndex: chosen).dimension
            let low = try other.invert(rawLow[chosen], scaleIndex: chosen).dimension
            let high = rawHigh[chosen].isFinite ? try other.invert(rawHigh[chosen], scaleIndex: chosen).dimension
                                                : Double(maximumDimension)
            perGeometry.append((shape, estimate, min(low, estimate), max(high, estimate)))
            calibrationSamples += other.samplesDrawn
        }
        let dimension = curve[chosen].estimate.dimension
        let interval = options.bootstrapOnlyInterval(estimator: name) {
            ConfidenceInterval(
                low: perGeometry.map(\.low).min() ?? dimension, high: perGeometry.map(\.high).max() ?? dimension,
                level: options.confidenceLevel, method: .bootstrap,
                detail: "percentile bootstrap over points (\(options.bootstrapResamples) resamples, seed \(options.seed)) of the "
                    + "scale-\(scales[chosen]) statistic, widened x\(Self.text(widening)) for calibration noise, inverted through "
                    + "ball, hypercube and sphere calibrations and joined")
        }

        // Report.
        diagnostics["sample_size"] = .int(n)
        diagnostics["samples"] = .int(split.count)
        diagnostics["points_used"] = .int(used)
        diagnostics["scales_used"] = .string(scales.map(String.init).joined(separator: ","))
        diagnostics["chosen_scale"] = .int(scales[chosen])
        diagnostics["plateau_found"] = .bool(choice.plateauFound)
        diagnostics["maximum_dimension"] = .int(maximumDimension)
        diagnostics["interval_widening"] = .double(widening)
        diagnostics["calibration_samples"] = .int(calibrationSamples)
        for (row, j) in scales.enumerated() {
            diagnostics["raw_scale_\(j)"] = .double(raw[row])
            diagnostics["calibrated_scale_\(j)"] = .double(curve[row].estimate.dimension)
            diagnostics["calibrated_low_scale_\(j)"] = .double(curve[row].low)
            diagnostics["calibrated_high_scale_\(j)"] = .double(curve[row].high)
        }
        for geometry in perGeometry {
            diagnostics["\(geometry.shape.name)_dimension"] = .double(geometry.estimate)
        }

        let subsampleText = split.count == 1
            ? (split.size == working.rows ? "all \(n) distinct points" : "\(n) of \(working.rows) points")
            : "\(split.count) disjoint random subsamples of \(n) points (\(split.pointsUsed) of \(working.rows) distinct points)"
        notes.append("statistic: (psi(2j) - psi(j)) / mean log(r_2j / r_j) at neighbour ranks j = "
                     + "\(scales.map(String.init).joined(separator: ", ")) on \(subsampleText); j = 1 is TwoNN")
        notes.append("calibration: each raw value mapped to the dimension m at which uniform m-balls of \(n) points give the same "
                     + "statistic (\(replicates) reference samples per candidate, m from 1 to \(maximumDimension)); at scale "
                     + "\(scales[chosen]) raw \(Self.text(raw[chosen])) -> \(Self.text(dimension))")
        notes.append("dimension by scale: " + scales.indices.map {
            "\(scales[$0]): \(Self.text(curve[$0].estimate.dimension)) [\(Self.text(curve[$0].low)), \(Self.text(curve[$0].high))]"
        }.joined(separator: "; "))
        notes.append(choice.reason)
        if interval.hasBounds {
            notes.append("interval: reference geometry unknown, so the \(Int((options.confidenceLevel * 100).rounded()))% "
                         + "intervals through each calibration are joined (ball \(Self.text(perGeometry[0].estimate)), "
                         + perGeometry.dropFirst().map { "\($0.shape.name) \(Self.text($0.estimate))" }.joined(separator: ", ")
                         + "); point estimate from the ball")
        } else {
            notes.append("no interval reported; the bootstrap that chooses the scale still ran, so the estimate is the one "
                         + "reported with an interval")
        }
        switch curve[chosen].estimate.bound {
        case .aboveLargest where maximumDimension == points.columns:
            notes.append("the statistic reads at or above that of a uniform \(maximumDimension)-ball: the data fill all "
                         + "D = \(maximumDimension) coordinates at this scale, and the estimate is D (no dimension can exceed it)")
        case .aboveLargest:
            notes.append("the statistic is beyond the calibration's largest dimension n - 1 = \(maximumDimension) "
                         + "(n points span at most n - 1 dimensions): the estimate is that cap and a lower bound")
        case .belowSmallest:
            notes.append("the statistic is below that of a 1-dimensional uniform sample: extrapolated below 1")
        case .within:
            break
        }
        notes.append("assumes locally uniform-like sampling: strongly non-uniform densities read low, curvature at the "
                     + "neighbour scale reads high")
        return DimensionEstimate(estimator: name, dimension: dimension, ci: interval, pointwise: nil,
                                 parameters: parameters.merging(["duplicates": .string(options.duplicates.rawValue)]) { $1 },
                                 diagnostics: diagnostics, notes: notes)
    }

    private static func text(_ value: Double) -> String { String(format: "%.2f", value) }
}
