import MindSpaceCore
import MindSpaceNumerics

/// The seeded bootstrap behind every bootstrap interval of this module: B =
/// `EstimationOptions.bootstrapResamples` resamples of n items (points, or one statistic per
/// point), drawn with replacement by a fresh `SeededGenerator(seed: options.seed)` and handed to
/// the statistic as multiplicities (`Bootstrap`, Efron 1979); the interval is the percentile one
/// at `options.confidenceLevel` (Efron & Tibshirani 1993, ch. 13).
///
/// Every call starts its own generator from the same seed, so two bootstraps over the same number
/// of items draw the same resamples (`AutoEstimator` relies on this across its scales), and no
/// estimate depends on which other estimators ran before it. Estimators reach it through
/// `EstimationOptions.confidenceInterval(estimator:analytic:bootstrap:)`, which runs it only when
/// the interval plan (`IntervalPlan`) is the bootstrap.
struct BootstrapInterval {
    /// B, the number of resamples (`EstimationOptions.bootstrapResamples`).
    let resamples: Int
    /// Nominal coverage in (0, 1) (`EstimationOptions.confidenceLevel`).
    let level: Double
    /// The seed of each call's generator (`EstimationOptions.seed`).
    let seed: UInt64

    /// The bootstrap `options` ask for.
    init(_ options: EstimationOptions) {
        resamples = options.bootstrapResamples
        level = options.confidenceLevel
        seed = options.seed
    }

    /// The (1 − level)/2 and (1 + level)/2 quantiles of `statistic` over B resamples of
    /// `itemCount` items, and the number of finite replicates; `nil` when none is finite
    /// (`Bootstrap.percentileInterval`).
    func percentileBounds(itemCount: Int, statistic: (UnsafeBufferPointer<Int>) throws -> Double)
        rethrows -> (low: Double, high: Double, finiteReplicates: Int)? {
        var generator = SeededGenerator(seed: seed)
        return try Bootstrap.percentileInterval(itemCount: itemCount, resamples: resamples, level: level,
                                                generator: &generator, statistic: statistic)
    }

    /// The finite replicates of `statistic` over the same B resamples as `percentileBounds`,
    /// ascending, for an interval built otherwise (`Bootstrap.sortedFiniteReplicates`).
    func sortedReplicates(itemCount: Int, statistic: (UnsafeBufferPointer<Int>) throws -> Double) rethrows -> [Double] {
        var generator = SeededGenerator(seed: seed)
        return try Bootstrap.sortedFiniteReplicates(itemCount: itemCount, resamples: resamples,
                                                    generator: &generator, statistic: statistic)
    }

    /// The percentile interval of `statistic` over B resamples of `itemCount` items, reported
    /// around `estimate`: both bounds are `estimate` when no replicate is finite. Records the
    /// number of finite replicates as `diagnostics["bootstrap_finite_replicates"]`.
    /// - Parameter description: how the interval was obtained, in words; `detail(_:)` appends
    ///   the resample count and the seed.
    func percentileInterval(around estimate: Double, itemCount: Int, description: String,
                            diagnostics: inout [String: ParameterValue],
                            statistic: (UnsafeBufferPointer<Int>) throws -> Double) rethrows -> ConfidenceInterval {
        let bounds = try percentileBounds(itemCount: itemCount, statistic: statistic)
        diagnostics["bootstrap_finite_replicates"] = .int(bounds?.finiteReplicates ?? 0)
        return ConfidenceInterval(low: bounds?.low ?? estimate, high: bounds?.high ?? estimate, level: level,
                                  method: .bootstrap, detail: detail(description))
    }

    /// An interval's `ConfidenceInterval.detail`: `description`, then the resample count and the
    /// seed ("…, 200 resamples, seed 0").
    func detail(_ description: String) -> String {
        "\(description), \(resamples) resamples, seed \(seed)"
    }
}

extension EstimationOptions {
    /// The common case of `confidenceInterval`: the bootstrap is the percentile interval of
    /// `statistic` over `itemCount` items around `estimate`
    /// (`BootstrapInterval.percentileInterval`, which records `bootstrap_finite_replicates` in
    /// `diagnostics`).
    /// - Parameter description: how the interval is obtained, in words (the start of its
    ///   `detail`); the resample count and the seed follow it.
    func percentileBootstrapInterval(estimator name: String, around estimate: Double, itemCount: Int,
                                     description: String = "percentile bootstrap over points",
                                     diagnostics: inout [String: ParameterValue],
                                     analytic: (() -> ConfidenceInterval)? = nil,
                                     statistic: (UnsafeBufferPointer<Int>) throws -> Double) rethrows -> ConfidenceInterval {
        try confidenceInterval(estimator: name, analytic: analytic) { bootstrap in
            try bootstrap.percentileInterval(around: estimate, itemCount: itemCount, description: description,
                                             diagnostics: &diagnostics, statistic: statistic)
        }
    }
}
