import MindSpaceCore
import MindSpaceNumerics

/// GRIDE, the generalised ratios intrinsic-dimension estimator (Denti, Doimo, Laio & Mira 2022,
/// "The generalized ratios intrinsic dimension estimator", Sci. Rep. 12:20005), following
/// DADApy 0.3.4's implementation (`return_id_scaling_gride`, `_utils/utils.py`) exactly.
///
/// **Model.** For each point take μ = r(n₂)/r(n₁), the ratio of its distances to its n₂-th and
/// n₁-th nearest neighbours (n₁ < n₂; by default n₂ = 2n₁). If the density is constant up to the
/// n₂-th neighbour, μ has density
///   f(μ) = d (μ^d − 1)^(n₂−n₁−1) / (B(n₂ − n₁, n₁) μ^((n₂−1)d + 1)),  μ > 1,
/// independent of the density. With n₁ = 1, n₂ = 2 this is TwoNN's Pareto law. Larger n₁
/// probe larger scales **without decimating** the data, which makes GRIDE robust to
/// small-scale noise and gives the multiscale curve (`scaleCurve`).
///
/// **Estimate.** Maximum likelihood with DADApy's conventions:
/// 1. ties μ = 1 (r(n₁) = r(n₂)) are moved to 1 + 10ε (ε = 2⁻⁵², float64); when half of the
///    ratios or more are ties (lattice-like data) the estimate is refused (DADApy would cut
///    them all as outliers and fail on what is left);
/// 2. ratios with μ ≥ q₅₀ + 20(q₉₅ − q₅₀) (percentiles with linear interpolation) are dropped as
///    likely overlapping points; M ratios remain;
/// 3. d̂ is the root of the score of the log-likelihood with (M − 1) log d in place of M log d
///    (unbiased at n₁ = 1, where d̂ = (M − 1)/Σ log μ in closed form):
///      (M − 1)/d + Σ [(n₂ − n₁ − 1)/(1 − μ^(−d)) − (n₂ − 1)] log μ = 0,
///    where 1 − μ^(−d) is floored at 2·10⁻⁷ as DADApy's `eps` does. The score is monotone in d,
///    so bisection on a bracket finds the root; we solve to ≈ 1e−14 relative (DADApy bisects
///    [0.001, 1000] to 1e−7 absolute, so the two agree to ≈ 1e−7).
///
/// **Interval** (analytic). The standard error is DADApy's 1/√I with the observed information
///   I = N/d̂² + (n₂ − n₁ − 1) Σ (log μ)² μ^(−d̂) / (1 − μ^(−d̂))²
/// (1 − μ^(−d̂) floored at 5ε), summed — as DADApy does — over **all** N ratios including those
/// the outlier cut removed (the cut rarely removes any). The interval is the Wald interval
/// d̂ ± z·SE (z the normal quantile of the level), with the lower end floored at 0. At
/// n₁ = 1 the exact Gamma interval of `TwoNNEstimator(fit: .maximumLikelihood)` is an
/// alternative; the Wald form is kept here for every n₁ alike. With `IntervalMethod.bootstrap`
/// the interval is instead a seeded percentile bootstrap over points: each resample of the ratios
/// goes through the whole fit (ties, outlier cut, likelihood root); resamples the fit refuses are
/// left out and counted (`bootstrap_finite_replicates`). Cost: B fits, O(B·N·log N) plus B root
/// searches.
///
/// **Known biases.** As TwoNN at n₁ = 1 (boundaries and curvature pull d̂ down, noise pulls it
/// up); larger n₁ see larger neighbourhoods, so curvature and density changes bias more while
/// noise biases less — read the scale curve for a plateau. The neighbours of nearby points
/// overlap, so the information-based interval is somewhat optimistic.
///
/// **Duplicates.** Removed by default. With duplicates kept, a point whose r(n₁) is 0 has an
/// undefined ratio and is dropped (counted in `diagnostics["zero_distance_points_dropped"]`);
/// DADApy instead replaces zero distances by ε, which gives huge ratios that its outlier cut
/// then mostly removes.
public struct GRIDEEstimator: NeighborDimensionEstimator {
    /// Rank of the nearer neighbour (≥ 1; default 1).
    public let n1: Int
    /// Rank of the farther neighbour (> n1; default 2·n1).
    public let n2: Int

    /// GRIDE on the ratio r(n2)/r(n1); `n2` defaults to 2·`n1` (Denti et al.'s choice and the
    /// only one DADApy's multiscale routine uses). Ranks are checked on use.
    public init(n1: Int = 1, n2: Int? = nil) {
        self.n1 = n1
        self.n2 = n2 ?? 2 * n1
    }

    public var name: String { "gride" }
    public var neighborCount: Int { max(n2, 1) }
    public var parameters: [String: ParameterValue] { ["n1": .int(n1), "n2": .int(n2)] }

    /// The estimate from each point's n1-th and n2-th neighbours (see the type's
    /// documentation). Throws `.usage` for ranks with n1 < 1 or n2 ≤ n1, `.malformedData` when
    /// fewer than two ratios remain or every ratio is a tie.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func estimate<Scalar: NeighborScalar>(neighbors: NeighborTable<Scalar>,
                                                 options: EstimationOptions) throws -> DimensionEstimate {
        try options.validate()
        guard n1 >= 1 && n2 > n1 else {
            throw MindSpaceError(.usage, "gride: ranks must satisfy 1 <= n1 < n2, got n1 = \(n1), n2 = \(n2)")
        }
        precondition(neighbors.k >= n2, "the neighbour table holds fewer than n2 neighbours")
        let ratios = Self.ratios(neighbors, n1: n1, n2: n2)
        let fit = try Self.fit(ratios: ratios.values, n1: n1, n2: n2)
        let z = StandardNormal.twoSidedCritical(level: options.confidenceLevel)
        var diagnostics: [String: ParameterValue] = [
            "points_used": .int(fit.used), "outliers_removed": .int(fit.outliersRemoved),
            "ratio_ties": .int(fit.ties), "standard_error": .double(fit.standardError),
            "scale": .double(ratios.meanDistance),
        ]
        var notes: [String] = []
        if ratios.undefined > 0 {
            diagnostics["zero_distance_points_dropped"] = .int(ratios.undefined)
            notes.append("\(ratios.undefined) points with a duplicate (n1-th neighbour distance 0) dropped: their ratio is undefined")
        }
        if fit.outliersRemoved > 0 {
            notes.append("\(fit.outliersRemoved) ratios above q50 + 20 (q95 - q50) left out as likely overlapping points (DADApy's cut)")
        }
        func waldInterval() -> ConfidenceInterval {
            ConfidenceInterval(
                low: max(0, fit.dimension - z * fit.standardError), high: fit.dimension + z * fit.standardError,
                level: options.confidenceLevel, method: .analytic,
                detail: "Wald: estimate +- z * SE, SE = 1/sqrt(observed Fisher information) over all ratios (DADApy)")
        }
        let values = ratios.values
        var resample: [Double] = []
        let interval = options.percentileBootstrapInterval(
            estimator: name, around: fit.dimension, itemCount: values.count,
            description: "percentile bootstrap over points (each resample refitted)", diagnostics: &diagnostics,
            analytic: waldInterval) { counts -> Double in
                resample.removeAll(keepingCapacity: true)
                for index in 0..<values.count where counts[index] > 0 {
                    for _ in 0..<counts[index] { resample.append(values[index]) }
                }
                return (try? Self.fit(ratios: resample, n1: n1, n2: n2).dimension) ?? .nan
            }
        return DimensionEstimate(estimator: name, dimension: fit.dimension, ci: interval, pointwise: nil,
                                 parameters: parameters, diagnostics: diagnostics, notes: notes)
    }

    // MARK: - Multiscale curve

    /// GRIDE at n₁ = 1, 2, 4, …, 2^(s−1) with n₂ = 2n₁, where 2^s is the largest power of two
    /// ≤ min(`maximumRank`, N − 1): DADApy's `return_id_scaling_gride(range_max:)`. Each point's
    /// `scale` is the mean of the n₁-th and n₂-th neighbour distances over all points (DADApy's
    /// `rs_scaling`), `neighborRank` is n₁, `standardError` the Fisher standard error and the
    /// interval the Wald interval described on the type. Duplicates follow `options.duplicates`.
    /// - Throws: `.usage` for `maximumRank` < 2; `.malformedData` for fewer than 3 points or a
    ///   scale whose ratios are unusable.
    /// - Complexity: one search of 2^s neighbours, then O(N·s) plus the root finding.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public static func scaleCurve<Scalar: NeighborScalar>(_ points: Matrix<Scalar>, maximumRank: Int = 64,
                                                          options: EstimationOptions) throws -> ScaleCurve {
        try options.validate()
        guard maximumRank >= 2 else {
            throw MindSpaceError(.usage, "gride: the maximum neighbour rank must be at least 2, got \(maximumRank)")
        }
        let deduplication = options.duplicates == .remove ? DeduplicatedPoints(points) : nil
        let distinctRows = deduplication?.unique.rows ?? points.rows
        guard distinctRows >= 3 else {
            throw MindSpaceError(.malformedData, "gride: too few points for a scale curve: need at least 3 distinct points, got \(distinctRows)")
        }
        let rank = largestPowerOfTwo(atMost: min(maximumRank, distinctRows - 1))
        return try scaleCurve(from: NeighborContext(points, deduplication: deduplication, k: rank, options: options),
                              maximumRank: maximumRank, options: options)
    }

    /// `scaleCurve(_:maximumRank:options:)` from a shared search; the context must hold at
    /// least 2^s neighbours (s as above) or the curve stops at the ranks it holds.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public static func scaleCurve<Scalar: NeighborScalar>(from context: NeighborContext<Scalar>, maximumRank: Int = 64,
                                                          options: EstimationOptions) throws -> ScaleCurve {
        try options.validate()
        let table = context.table
        let usableRank = largestPowerOfTwo(atMost: min(maximumRank, table.pointCount - 1, table.k))
        guard usableRank >= 2 else {
            throw MindSpaceError(.malformedData, "gride: too few points or neighbours for a scale curve (largest usable rank \(usableRank))")
        }
        let z = StandardNormal.twoSidedCritical(level: options.confidenceLevel)
        var curvePoints: [ScalePoint] = []
        var notes: [String] = []
        var n1 = 1
        while 2 * n1 <= usableRank {
            let ratios = Self.ratios(table, n1: n1, n2: 2 * n1)
            let fit = try Self.fit(ratios: ratios.values, n1: n1, n2: 2 * n1)
            curvePoints.append(ScalePoint(scale: ratios.meanDistance, dimension: fit.dimension,
                                          ciLow: max(0, fit.dimension - z * fit.standardError),
                                          ciHigh: fit.dimension + z * fit.standardError,
                                          size: fit.used, repetitions: 1, neighborRank: n1,
                                          standardError: fit.standardError))
            if ratios.undefined > 0 {
                notes.append("n1 = \(n1): \(ratios.undefined) points with n1-th neighbour distance 0 dropped")
            }
            n1 *= 2
        }
        if usableRank < largestPowerOfTwo(atMost: min(maximumRank, table.pointCount - 1)) {
            notes.append("the neighbour search holds \(table.k) neighbours: the curve stops at rank \(usableRank)")
        }
        if let deduplication = context.deduplication, deduplication.hasDuplicates {
            notes.insert("\(deduplication.removedCount) duplicate rows removed before estimating", at: 0)
        }
        return ScaleCurve(method: "gride", points: curvePoints, ciLevel: options.confidenceLevel,
                          ciMethod: "Wald: estimate +- z * SE, SE = 1/sqrt(observed Fisher information) (DADApy)",
                          parameters: ["maximum_rank": .int(maximumRank), "largest_rank_used": .int(usableRank),
                                       "duplicates": .string(context.deduplication == nil ? "keep" : "remove"),
                                       "points": .int(context.originalCount), "distinct_points": .int(table.pointCount)],
                          notes: notes)
    }

    // MARK: - Likelihood

    /// The outcome of one maximum-likelihood fit.
    struct Fit: Equatable {
        var dimension: Double
        var standardError: Double
        /// Ratios in the likelihood (after the outlier cut).
        var used: Int
        var outliersRemoved: Int
        /// Ratios equal to 1, moved to 1 + 10ε.
        var ties: Int
    }

    /// 2^⌊log₂ n⌋ for n ≥ 1, else 0 (exact integer arithmetic, unlike DADApy's float log).
    static func largestPowerOfTwo(atMost n: Int) -> Int {
        n < 1 ? 0 : 1 << (Int.bitWidth - 1 - n.leadingZeroBitCount)
    }

    /// r(n2)/r(n1) of every point with r(n1) > 0 (the others counted as undefined), and the
    /// mean of r(n1) and r(n2) over all points (DADApy's scale).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    static func ratios<Scalar: NeighborScalar>(_ table: NeighborTable<Scalar>, n1: Int, n2: Int)
        -> (values: [Double], undefined: Int, meanDistance: Double) {
        var values: [Double] = []
        values.reserveCapacity(table.pointCount)
        var distanceSum = 0.0
        for point in 0..<table.pointCount {
            let near = Double(table.distance(point, rank: n1 - 1)), far = Double(table.distance(point, rank: n2 - 1))
            distanceSum += near + far
            if near > 0 { values.append(far / near) }
        }
        return (values, table.pointCount - values.count, distanceSum / Double(2 * max(1, table.pointCount)))
    }

    /// The DADApy-convention maximum-likelihood fit of ratios μ = r(n2)/r(n1) ≥ 1 (see the
    /// type's documentation for the steps).
    static func fit(ratios: [Double], n1: Int, n2: Int) throws -> Fit {
        let machineEpsilon = Double.ulpOfOne
        var mus = ratios
        var ties = 0
        for index in mus.indices where mus[index] == 1 {
            mus[index] += 10 * machineEpsilon
            ties += 1
        }
        guard mus.count >= 2 else {
            throw MindSpaceError(.malformedData, "gride (n1 = \(n1), n2 = \(n2)): too few points with a defined distance ratio: \(mus.count)")
        }
        guard 2 * ties < mus.count else {
            throw MindSpaceError(.malformedData,
                                 "gride (n1 = \(n1), n2 = \(n2)): \(ties) of \(mus.count) points have equal n1-th and n2-th neighbour distances (lattice-like data); the estimate is undefined")
        }
        let sorted = mus.sorted()
        let q95 = Bootstrap.interpolatedQuantile(sorted, 0.95), q50 = Bootstrap.interpolatedQuantile(sorted, 0.5)
        let cut = 20 * (q95 - q50) + q50
        let logs = mus.filter { $0 < cut }.map { log($0) }
        let used = logs.count
        guard used >= 2 else {
            throw MindSpaceError(.malformedData, "gride (n1 = \(n1), n2 = \(n2)): fewer than 2 ratios left after the outlier cut")
        }
        guard logs.contains(where: { $0 > Self.tiedLogRatio }) else {
            throw MindSpaceError(.malformedData,
                                 "gride (n1 = \(n1), n2 = \(n2)): every point has equal n1-th and n2-th neighbour distances (lattice-like data); the estimate is undefined")
        }
        let m = Double(used)
        let dimension: Double
        if n2 - n1 == 1 {
            dimension = (m - 1) / (Double(n2 - 1) * logs.reduce(0, +))
        } else {
            dimension = try solveScore(logs: logs, n1: n1, n2: n2)
        }
        let information = observedInformation(mus: mus, dimension: dimension, n1: n1, n2: n2)
        return Fit(dimension: dimension, standardError: 1 / information.squareRoot(), used: used,
                   outliersRemoved: mus.count - used, ties: ties)
    }

    /// The root of −score(d) = Σ [(n2 − 1) − (n2 − n1 − 1)/max(1 − μ^(−d), 2·10⁻⁷)] log μ − (M − 1)/d,
    /// which increases with d from −∞ to n1·Σ log μ > 0: bisection on a bracket grown by
    /// doubling, to ≈ 1e−14 relative.
    private static func solveScore(logs: [Double], n1: Int, n2: Int) throws -> Double {
        let floor = 2 * 1e-7   // DADApy's 2·eps with eps = 1e-7, the precision argument
        let inner = Double(n2 - n1 - 1), outer = Double(n2 - 1), m = Double(logs.count)
        func negativeScore(_ d: Double) -> Double {
            var sum = 0.0
            for x in logs {
                sum += (outer - inner / max(-expm1(-d * x), floor)) * x
            }
            return sum - (m - 1) / d
        }
        var low = 1e-8, high = 1.0
        while negativeScore(high) < 0 {
            low = high
            high *= 2
            guard high < 1e9 else {
                throw MindSpaceError(.malformedData, "gride (n1 = \(n1), n2 = \(n2)): the likelihood has no maximum below 1e9 (ratios too close to 1)")
            }
        }
        for _ in 0..<300 {
            let middle = (low + high) / 2
            if middle <= low || middle >= high { break }
            if negativeScore(middle) < 0 { low = middle } else { high = middle }
            if high - low <= NumericTolerance.relativeStepConvergence * high { break }
        }
        return (low + high) / 2
    }

    /// DADApy's `_fisher_info_scaling`: N/d² + (n2 − n1 − 1) Σ (log μ / max(1 − μ^(−d), 5ε))² μ^(−d)
    /// over every ratio given.
    private static func observedInformation(mus: [Double], dimension d: Double, n1: Int, n2: Int) -> Double {
        let floor = 5 * Double.ulpOfOne
        var sum = 0.0
        if n2 - n1 - 1 > 0 {
            for mu in mus {
                let power = pow(mu, -d)
                let ratio = log(mu) / max(1 - power, floor)
                sum += ratio * ratio * power
            }
        }
        return Double(mus.count) / (d * d) + Double(n2 - n1 - 1) * sum
    }
}

extension GRIDEEstimator {
    /// 1e-12: a log ratio log μ at most this counts as a tie (equal n1-th and n2-th neighbour
    /// distances). Exact ties are moved to μ = 1 + 10ε, whose log is ≈ 2.2e-15, and ratios of
    /// distances computed from the same rows carry a few ε of round-off; a genuine ratio above
    /// 1 + 1e-12 is far outside both.
    static let tiedLogRatio = 1e-12
}
