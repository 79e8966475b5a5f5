import MindSpaceCore
import MindSpaceNumerics

/// TwoNN: intrinsic dimension from the ratio of each point's second- to first-neighbour
/// distance (Facco, d'Errico, Rodriguez & Laio 2017, "Estimating the intrinsic dimension of
/// datasets by a minimal neighborhood information", Sci. Rep. 7:12140).
///
/// **Model.** If the density is locally constant up to the second neighbour, μ = r₂/r₁ follows a
/// Pareto law with shape d: F(μ) = 1 − μ^(−d) for μ ≥ 1, i.e. log μ ~ Exponential(rate d),
/// independently of the density itself.
///
/// **Least-squares fit** (`.leastSquares`, reported as `twonn`; the paper's method and the
/// default of scikit-dimension ≥ 0.4 and DADApy). Sort the N ratios, keep the
/// M = ⌊N·(1 − f)⌋ smallest (f = `discardFraction`, default 0.1: the largest μ are the most
/// sensitive to density variation, noise and outliers), and fit the line through the origin
///   −log(1 − i/N) = d · log μ₍ᵢ₎,  i = 1…M,
/// so d̂ = Σ xᵢyᵢ / Σ xᵢ² with xᵢ = log μ₍ᵢ₎, yᵢ = −log(1 − i/N). This matches
/// `skdim.id.TwoNN()` (0.5.0: `Femp = arange(1, 1 + n_keep) / N`, N = points with finite μ) and
/// DADApy's `compute_id_2NN()` (0.3.4: `mu_fraction = 0.9`, `y = -log(1 - arange(1, n_eff+1)/N)`,
/// fitted with `curve_fit`): F uses the N of all ratios, before discarding, and i starts at 1, so
/// 1 − F never reaches 0 when f > 0. f must be in (0, 1) (f = 0 would put the last point at
/// −log 0). The interval is a seeded percentile bootstrap over points (`Bootstrap`); it has no
/// analytic one.
///
/// **Maximum likelihood** (`.maximumLikelihood`, reported as `twonn-mle`; Denti et al. 2022,
/// Sci. Rep. 12:14018; DADApy `compute_id_2NN(algorithm="ml")`, skdim `TwoNN(method="mle")`).
/// With the M smallest log-ratios xᵢ kept (default f = 0: all of them) the discarded ratios are
/// treated as Type-II censored, with total time on test T = Σᵢ≤M x₍ᵢ₎ + (N − M)·x₍M₎, and
///   d̂ = (M − 1) / T,
/// which for f = 0 is (N − 1)/Σ log μᵢ, the unbiased Pareto-shape estimate (E d̂ = d; the plain
/// MLE M/T is biased up by M/(M − 1)). **Analytic interval:** for i.i.d. exponentials under
/// Type-II censoring d·T ~ Gamma(M, 1) exactly (Epstein & Sobel 1953), a pivot, so
///   [G⁻¹((1 − level)/2; M) / T,  G⁻¹((1 + level)/2; M) / T]
/// is an exact interval under the model (G⁻¹ the Gamma(M, 1) quantile; `GammaDistribution`).
/// With `IntervalMethod.bootstrap` it is instead the seeded percentile bootstrap over points of
/// the same statistic (each resample of the N ratios is sorted, censored at its own M-th value).
///
/// **Known biases.** Boundaries and curvature bias d̂ down (a point near a boundary sees its
/// neighbours on one side; on a uniform 10-cube with N = 4000 both fits give ≈ 8.7); small-scale
/// noise biases it towards the embedding dimension; both grow with d because the neighbours
/// reach farther. The μᵢ of neighbouring points are not independent, so both intervals are
/// somewhat optimistic. Lattice-like data with r₁ = r₂ everywhere (μ ≡ 1) is refused.
///
/// **Duplicates.** With the default duplicate removal no distance is 0. With duplicates kept,
/// points with r₁ = 0 have an undefined μ and are dropped, as scikit-dimension does, and counted
/// in `diagnostics["zero_distance_points_dropped"]`; their twins' neighbours then often see
/// r₁ = r₂ (μ = 1), which biases d̂ **up** (about +10 % with 10 % repeated rows).
public struct TwoNNEstimator: NeighborDimensionEstimator {
    /// How d is obtained from the ratios.
    public enum Fit: String, Sendable, Codable {
        /// Line through the origin of −log(1 − F) against log μ (Facco et al. 2017).
        case leastSquares = "least-squares"
        /// Closed-form (censored) maximum likelihood with an exact Gamma interval.
        case maximumLikelihood = "maximum-likelihood"
    }

    /// Least squares (default) or maximum likelihood.
    public let fit: Fit
    /// Fraction of the largest ratios left out of the fit (least squares) or censored (MLE).
    public let discardFraction: Double

    /// - Parameters:
    ///   - fit: `.leastSquares` (default) or `.maximumLikelihood`.
    ///   - discardFraction: default 0.1 for least squares, 0 for maximum likelihood; must be
    ///     in (0, 1) for least squares and [0, 1) for maximum likelihood (checked on use).
    public init(fit: Fit = .leastSquares, discardFraction: Double? = nil) {
        self.fit = fit
        self.discardFraction = discardFraction ?? (fit == .leastSquares ? 0.1 : 0)
    }

    public var name: String { fit == .leastSquares ? "twonn" : "twonn-mle" }
    public var neighborCount: Int { 2 }
    public var parameters: [String: ParameterValue] {
        ["fit": .string(fit.rawValue), "discard_fraction": .double(discardFraction)]
    }

    /// The estimate from each point's first two neighbours (see the type's documentation).
    /// Throws `.usage` for a discard fraction out of range and `.malformedData` when fewer than
    /// two ratios are kept or every kept ratio is 1.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func estimate<Scalar: NeighborScalar>(neighbors: NeighborTable<Scalar>,
                                                 options: EstimationOptions) throws -> DimensionEstimate {
        try options.validate()
        let lowestFraction = fit == .leastSquares ? Double.leastNonzeroMagnitude : 0
        guard discardFraction >= lowestFraction && discardFraction < 1 else {
            throw MindSpaceError(.usage, "\(name): discard fraction must be in \(fit == .leastSquares ? "(0, 1)" : "[0, 1)"), got \(discardFraction)")
        }
        precondition(neighbors.k >= 2, "TwoNN needs two neighbours per point")
        var zeroDistancePoints = 0
        var logRatios: [Double] = []
        logRatios.reserveCapacity(neighbors.pointCount)
        for point in 0..<neighbors.pointCount {
            let r1 = Double(neighbors.distance(point, rank: 0)), r2 = Double(neighbors.distance(point, rank: 1))
            if r1 == 0 { zeroDistancePoints += 1; continue }
            logRatios.append(log(r2 / r1))
        }
        logRatios.sort()
        let n = logRatios.count
        let kept = Int(Double(n) * (1 - discardFraction))
        guard kept >= 2 else {
            throw MindSpaceError(.malformedData, "\(name): too few points with a defined distance ratio: \(kept) kept of \(n)")
        }
        guard fit == .maximumLikelihood || kept < n else {
            throw MindSpaceError(.usage, "\(name): discard fraction \(discardFraction) leaves no ratio out of \(n); the least-squares fit needs at least one")
        }
        guard logRatios[kept - 1] > 0 else {
            throw MindSpaceError(.malformedData,
                                 "\(name): every kept point has equal first and second neighbour distances (lattice-like data); TwoNN is undefined")
        }

        var diagnostics: [String: ParameterValue] = [
            "points_used": .int(kept), "points_discarded": .int(n - kept),
            "ratio_ties": .int(logRatios.prefix(while: { $0 == 0 }).count),
        ]
        var notes: [String] = []
        if zeroDistancePoints > 0 {
            diagnostics["zero_distance_points_dropped"] = .int(zeroDistancePoints)
            notes.append("\(zeroDistancePoints) points with a duplicate (first-neighbour distance 0) dropped: their ratio r2/r1 is undefined; expect an upward bias")
        }

        let dimension: Double
        let interval: ConfidenceInterval
        switch fit {
        case .leastSquares:
            let targets = (1...kept).map { -log1p(-Double($0) / Double(n)) }
            let slope = Self.leastSquaresSlope(logRatios, targets: targets, counts: nil)
            dimension = slope
            interval = options.percentileBootstrapInterval(estimator: name, around: slope, itemCount: n,
                                                           diagnostics: &diagnostics) {
                Self.leastSquaresSlope(logRatios, targets: targets, counts: $0)
            }
        case .maximumLikelihood:
            let totalTime = Self.censoredTotalTime(logRatios, kept: kept, counts: nil)
            let estimate = Double(kept - 1) / totalTime   // censoredMaximumLikelihood, T reused below
            dimension = estimate
            func exactInterval() -> ConfidenceInterval {
                let tail = (1 - options.confidenceLevel) / 2
                return ConfidenceInterval(
                    low: GammaDistribution.quantile(tail, shape: Double(kept)) / totalTime,
                    high: GammaDistribution.quantile(1 - tail, shape: Double(kept)) / totalTime,
                    level: options.confidenceLevel, method: .analytic,
                    detail: "exact: d * T ~ Gamma(\(kept), 1), T the censored sum of log r2/r1")
            }
            interval = options.percentileBootstrapInterval(estimator: name, around: estimate, itemCount: n,
                                                           diagnostics: &diagnostics, analytic: exactInterval) {
                Self.censoredMaximumLikelihood(logRatios, kept: kept, counts: $0)
            }
        }
        return DimensionEstimate(estimator: name, dimension: dimension, ci: interval, pointwise: nil,
                                 parameters: parameters, diagnostics: diagnostics, notes: notes)
    }

    /// The censored maximum-likelihood estimate (M − 1)/T of the ascending `logRatios`, M = `kept`
    /// (see the type's documentation), each entry repeated `counts[i]` times when `counts` is given
    /// (a bootstrap resample, which stays sorted; its M-th value censors the rest).
    static func censoredMaximumLikelihood(_ logRatios: [Double], kept: Int, counts: UnsafeBufferPointer<Int>?) -> Double {
        Double(kept - 1) / censoredTotalTime(logRatios, kept: kept, counts: counts)
    }

    /// T = Σᵢ≤M x₍ᵢ₎ + (N − M)·x₍M₎ over the ascending `logRatios` (N of them, or Σ counts with
    /// `counts`), M = `kept`.
    static func censoredTotalTime(_ logRatios: [Double], kept: Int, counts: UnsafeBufferPointer<Int>?) -> Double {
        let n = logRatios.count
        guard let counts else {
            return logRatios.prefix(kept).reduce(0, +) + Double(n - kept) * logRatios[kept - 1]
        }
        var sum = 0.0, taken = 0
        for (index, x) in logRatios.enumerated() where counts[index] > 0 {
            let use = min(counts[index], kept - taken)
            sum += Double(use) * x
            taken += use
            if taken == kept { return sum + Double(n - kept) * x }
        }
        return sum
    }

    /// Σ xᵢyᵢ / Σ xᵢ² over the first `targets.count` entries of the ascending `logRatios`,
    /// each entry repeated `counts[i]` times when `counts` is given (a bootstrap resample of
    /// the ratios, which stays sorted), the i-th kept value paired with `targets[i]`.
    static func leastSquaresSlope(_ logRatios: [Double], targets: [Double],
                                  counts: UnsafeBufferPointer<Int>?) -> Double {
        var sumXY = 0.0, sumXX = 0.0
        if let counts {
            var position = 0
            outer: for (index, x) in logRatios.enumerated() {
                for _ in 0..<counts[index] {
                    if position == targets.count { break outer }
                    sumXY += x * targets[position]
                    sumXX += x * x
                    position += 1
                }
            }
        } else {
            for position in 0..<targets.count {
                let x = logRatios[position]
                sumXY += x * targets[position]
                sumXX += x * x
            }
        }
        return sumXY / sumXX
    }
}
