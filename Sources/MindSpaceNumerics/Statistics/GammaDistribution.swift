import MindSpaceCore

/// The Gamma(shape a, scale 1) distribution, as needed for exact confidence intervals of
/// estimators whose statistic is a sum of exponential variables (TwoNN's maximum likelihood:
/// d·Σ log μᵢ ~ Gamma(N, 1)).
package enum GammaDistribution {
    /// 1e-16: the modified Lentz iteration for the continued fraction stops when a step
    /// multiplies the value by a factor within this of 1, that is below ε/2 ≈ 1.1e-16: further
    /// factors cannot change the double result (Numerical Recipes, 3rd ed., §5.2 and §6.2).
    static let continuedFractionConvergence = 1e-16

    /// 1e-300: the smallest scale of the quantile's Newton step test, so that an iterate at or
    /// near 0 still stops on an absolute step of 1e-314 (the test is otherwise relative to x).
    static let quantileStepScaleFloor = 1e-300

    /// The regularized lower incomplete gamma function P(a, x) = γ(a, x)/Γ(a), the CDF at x.
    ///
    /// Series Σₙ xⁿ/(a(a+1)…(a+n)) for x < a + 1, else Legendre's continued fraction for
    /// Q = 1 − P evaluated by the modified Lentz method (Abramowitz & Stegun 6.5.29, 6.5.31).
    /// Both need O(√a) terms near x ≈ a; relative accuracy ≈ 1e−14 except where P is tiny.
    static func cumulativeProbability(_ x: Double, shape a: Double) -> Double {
        precondition(a > 0, "gamma shape must be positive")
        guard x > 0 else { return 0 }
        guard x.isFinite else { return 1 }
        let logPrefactor = -x + a * log(x) - lgamma(a)
        if x < a + 1 {
            var term = 1 / a, sum = term, n = 1.0
            while abs(term) > abs(sum) * NumericTolerance.seriesTruncation && n < 10_000_000 {
                term *= x / (a + n)
                sum += term
                n += 1
            }
            return min(1, sum * exp(logPrefactor))
        }
        let tiny = 1e-300
        var b = x + 1 - a, c = 1 / tiny, d = 1 / b, fraction = d, i = 1.0
        while i < 10_000_000 {
            let an = -i * (i - a)
            b += 2
            d = an * d + b
            if abs(d) < tiny { d = tiny }
            c = b + an / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            fraction *= delta
            if abs(delta - 1) < continuedFractionConvergence { break }
            i += 1
        }
        return max(0, 1 - exp(logPrefactor) * fraction)
    }

    /// The density x^(a−1) e^(−x) / Γ(a).
    static func density(_ x: Double, shape a: Double) -> Double {
        guard x > 0 else { return a == 1 ? 1 : (a < 1 ? .infinity : 0) }
        return exp((a - 1) * log(x) - x - lgamma(a))
    }

    /// The p-quantile: the x with P(a, x) = p, for 0 < p < 1. Safeguarded Newton iteration on
    /// a bracket that is grown from [0, max(1, 2a)] until it holds the root; Newton steps that
    /// leave the bracket are replaced by bisection. Relative accuracy ≈ 1e−12.
    package static func quantile(_ p: Double, shape a: Double) -> Double {
        precondition(p > 0 && p < 1, "quantile probability must be in (0, 1)")
        var low = 0.0, high = max(1, 2 * a)
        while cumulativeProbability(high, shape: a) < p { low = high; high *= 2 }
        var x = min(max(a, low + (high - low) / 2), high)   // the mean is close to the median
        for _ in 0..<200 {
            let error = cumulativeProbability(x, shape: a) - p
            if error == 0 { return x }
            if error < 0 { low = x } else { high = x }
            let slope = density(x, shape: a)
            var next = slope > 0 ? x - error / slope : .nan
            if !(next > low && next < high) { next = low + (high - low) / 2 }
            if abs(next - x) <= NumericTolerance.relativeStepConvergence * max(x, quantileStepScaleFloor) { return next }
            x = next
        }
        return x
    }
}
