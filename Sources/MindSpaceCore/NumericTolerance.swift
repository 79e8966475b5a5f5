/// Tolerances that several layers use with the same meaning, each named for what it covers and
/// documented with the reason for its size. A tolerance that one type alone uses is a
/// `static let` on that type instead.
///
/// Notation: ε = 2⁻⁵² ≈ 2.2e-16 (`Double.ulpOfOne`), the spacing of doubles just above 1.
package enum NumericTolerance {
    /// 1e-12: how far a cumulative fraction of variance may fall short of a requested fraction
    /// and still count as reaching it (`PCASpectrum.componentsFor`,
    /// the scree plot's 90 % and 99 % markers). A cumulative sum of k variances divided by the
    /// total errs by about k·ε ≈ 1e-16·k, so a fraction that is reached in exact arithmetic (0.9
    /// of a spectrum (6, 2/3, 0) is 6/(20/3)) can round a few ulps below it; 1e-12 covers that
    /// for any k up to ~10³ while staying far below any fraction a reader could tell apart.
    package static let cumulativeFractionSlack = 1e-12

    /// 1e-14: an iteration (safeguarded Newton or bisection) has converged when its step, or its
    /// bracket, is at most this fraction of the current value. 1e-14 ≈ 45·ε is as close to
    /// machine precision as a stopping test can ask without the rounding of the function values
    /// (a few ε relative) making it unreachable; the result is then accurate to ~1e-14 relative.
    package static let relativeStepConvergence = 1e-14

    /// 1e-17: a series of positive terms is summed until a term falls below this fraction of
    /// the sum. That is under ε/2 ≈ 1.1e-16, so the terms left out could not change the sum's
    /// last bit; the loop stops no earlier than the double result is final.
    package static let seriesTruncation = 1e-17

    /// 1e-6: after two rounds of Gram–Schmidt against earlier unit vectors, a vector that keeps
    /// at most this fraction of its length lay (numerically) in their span: what is left is
    /// dominated by round-off (the projections cancel its length to ~ε relative), so it is
    /// rejected rather than normalised into an arbitrary direction. Genuinely independent
    /// vectors keep far more (random Gaussian vectors keep most of their length).
    package static let linearDependenceRemainder = 1e-6
}
