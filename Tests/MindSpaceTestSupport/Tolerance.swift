/// The tolerances the tests compare numbers with, each named for the error it covers and
/// documented with why its size covers that error and still catches a real fault (as
/// swift-numerics documents the tolerance of `isApproximatelyEqual`).
///
/// Every value is relative to the scale of the quantities compared (the size of the terms of a
/// sum, the largest eigenvalue, the length 1 of a unit vector), so a test multiplies by that
/// scale or passes the value as `relativeTolerance`. Notation: ε = 2⁻⁵² ≈ 2.2e-16
/// (`Double.ulpOfOne`); u = ε/2 is the unit round-off of one Double operation and
/// u₃₂ = 2⁻²⁴ ≈ 6.0e-8 that of one Float operation. A computation of n roundings, such as a
/// recursive sum of n + 1 terms, errs by at most about n·u times the size of its terms (Higham,
/// *Accuracy and Stability of Numerical Algorithms*, 2nd ed., §3.1 and §4.2), and typically by
/// √n·u; the round-off tolerances below are these bounds for a number of roundings, rounded up
/// to a power of ten.
///
/// A tolerance that holds for one test only (a statistical bound derived from that test's N, a
/// bound worked out for one data set) stays beside its test, named and with its derivation.
package enum Tolerance {
    // MARK: - Double round-off

    /// 1e-15 ≈ 4.5·ε: a closed form evaluated in a handful of roundings (a few products and
    /// quotients, one call to `exp`, `log` or `sqrt`, each within one ulp) on values of order 1.
    package static let roundOffOfFewOperations = 1e-15

    /// 1e-14 ≈ 45·ε: a few tens of roundings, such as a sum, dot product or norm of up to ~50
    /// terms of order 1, or a few sums followed by the eigensolve of a 3 × 3 matrix.
    package static let roundOffOfTensOfOperations = 1e-14

    /// 1e-13 ≈ 450·ε: a few hundred roundings, such as a dot product of up to ~1000 terms of
    /// order 1 (√n·u ≈ 4e-15 typically, n·u ≈ 1e-13 at worst), or the same terms summed in two
    /// different orders.
    package static let roundOffOfHundredsOfOperations = 1e-13

    /// 1e-12 ≈ 4500·ε: a few thousand roundings, such as a sum over the points or pairs of a test
    /// set (up to ~10⁴ terms), a Gram matrix and the results built on it, or the same sums taken
    /// in chunks or in another order (ranks, merges, threads).
    package static let roundOffOfThousandsOfOperations = 1e-12

    /// 1e-13: our special functions (digamma, Bessel I₀ and I₁, Lambert W, the normal quantile)
    /// against SciPy's or R's values to 16 digits. Each side is accurate to ~1e-15–1e-14
    /// relative (series summed until a term is below 1e-17 of the sum, asymptotic expansions
    /// cut before their terms stop shrinking, Newton or Halley steps to 1e-15), so 1e-13 leaves
    /// a margin of 10 and still catches a wrong coefficient or branch.
    package static let specialFunctionAccuracy = 1e-13

    // MARK: - Two computations of the same quantity

    /// 1e-10: the same well-conditioned quantity from two Double algorithms, both backward stable
    /// (two LAPACK eigensolvers, the Gram and covariance routes of PCA, loops against BLAS, one
    /// root found by two iterations that both stop at machine precision, a closed form and its
    /// inverse by such an iteration). They differ by about ε·κ, κ the condition number
    /// (λ_max/gap for eigenvectors), which is below 1e-12 for the well-separated spectra the
    /// tests build; 1e-10 leaves a margin of 100 and still fails on any real discrepancy, which
    /// shows at 1e-6 or more.
    package static let twoDoubleMethods = 1e-10

    /// 1e-9: our value against a peer's float64 answer for the same quantity (NumPy, SciPy,
    /// scikit-learn, R, or a fixture script), read back from text. Besides another summation
    /// order it covers: the peer's iterative solvers (`brentq`, `curve_fit`, bisection), which
    /// stop between 1e-14 and 1e-11 relative; text with 12 or more significant digits (≤ 5e-13
    /// relative); and eigenvalues down to 1e-5 of the largest, whose error of a few ε·λ₁ is
    /// ~1e-11 of their own size. 1e-9 is 100 times all of these.
    package static let peerFloat64Answer = 1e-9

    /// 1e-9: a value recovered by inverting or interpolating a table that is exact up to
    /// round-off (a piecewise-linear inverse, a spline through the points of a polynomial, a
    /// minimum located on such a spline as a root of its derivative). The table's round-off
    /// (~1e-13 of its values) is amplified by the inverse slope, or for a minimum by the ratio
    /// of the derivative's scale to the curvature; 1e-9 covers a factor of 10⁴ for the smooth,
    /// well-scaled tables of the tests.
    package static let interpolatedInverse = 1e-9

    /// 1e-9, relative: an estimate recomputed from the same distinct rows presented in another
    /// order or after duplicate rows were removed. The arithmetic is the same up to the order
    /// of its sums (and iterative solves that stop at 1e-14 relative), so the estimates agree to
    /// ~1e-12; 1e-9 is far above that and far below what any change in the rows used does (one
    /// point more or less moves an estimate by ~1/N, 1e-4 or more at the tests' N).
    package static let sameRowsReordered = 1e-9

    // MARK: - Float round-off

    /// 1e-5, relative: distances from Float sums of up to ~100 squared differences, each
    /// rounded by u₃₂: n·u₃₂ ≤ 6e-6 at n = 100. Wrong neighbours in the tests' random data
    /// differ by far more.
    package static let float32RoundOffOfTensOfTerms = 1e-5

    /// 2e-5, relative: distances from Float sums of up to ~300 squared differences:
    /// n·u₃₂ ≤ 1.8e-5 at n = 300 (the tests use D ≤ 130, ≤ 8e-6).
    package static let float32RoundOffOfHundredsOfTerms = 2e-5

    // MARK: - Requirements of the project

    /// 1e-6, relative: the agreement with a peer implementation's intrinsic-dimension estimate
    /// (scikit-dimension, DADApy) on the same float64 points that the project requires. The real
    /// agreement is ~1e-12 to 1e-8 (summation order; the peer's optimisers stopping at their own
    /// tolerances); each test says which applies.
    package static let peerEstimate = 1e-6

    /// 0.05, relative: the project's requirement that an estimate on data with duplicate rows,
    /// after their removal, stay within 5 % of the estimate on the clean data.
    package static let afterDuplicateRemoval = 0.05
}

/// Whether `value` is within `absoluteTolerance` or `relativeTolerance`·|`reference`| of
/// `reference`, whichever is larger: |value − reference| ≤ max(absolute, relative·|reference|).
///
/// Unlike swift-numerics' `isApproximatelyEqual`, which scales by the larger magnitude of the two,
/// the relative part is scaled by `reference` alone (the trusted value), so the check never
/// loosens when `value` is too large. NaN, or an infinity on either side, never counts as close.
/// Take the tolerances from `Tolerance`.
package func isApproximatelyEqual(_ value: Double, _ reference: Double, relativeTolerance: Double = 0,
                                  absoluteTolerance: Double = 0) -> Bool {
    guard value.isFinite, reference.isFinite else { return false }
    return abs(value - reference) <= max(absoluteTolerance, relativeTolerance * abs(reference))
}
