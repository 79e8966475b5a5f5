import Foundation

/// Scale selection on an intrinsic-dimension-versus-scale curve: the **first plateau**, as
/// DADApy's documentation recommends reading ID-versus-scale plots (Glielmo et al. 2022,
/// "DADApy: Distance-based analysis of data-manifolds in Python", Patterns 3:100589; Denti et
/// al. 2022 for GRIDE's scale curves).
///
/// **Rule.** Scales are ordered from the smallest (most local) up. Starting at the smallest,
/// the curve moves to the next scale only while the next estimate lies **significantly below**
/// the current one: the current interval's lower end is above the next interval's upper end.
/// The first scale whose interval overlaps the next one (or whose next estimate is higher) is
/// chosen. When every step down is significant, the largest scale is chosen and flagged: no
/// plateau was reached, and the value is then an upper bound still inflated at small scales.
///
/// **Why this direction only.** Measurement noise and small-scale roughness add dimensions at
/// the smallest scales, so a noisy data set's calibrated estimate falls with scale until the
/// noise is resolved; that fall is what the rule skips. A curve that rises with scale (curvature,
/// several manifolds seen together) is not a reason to leave the smallest scale, which is the
/// least affected by curvature. Overlap of the two intervals is a deliberately conservative test
/// (for equal widths about 2.8 standard errors of the difference when the level is 95 %): clean
/// data with a strongly non-uniform density also fall a little with scale, and should not be
/// pushed to larger scales by it.
public enum ScalePlateau {
    /// The chosen scale and why.
    public struct Choice: Sendable, Equatable {
        /// Index of the chosen scale in the curve.
        public var index: Int
        /// Whether a plateau was found (false: the curve fell significantly at every step).
        public var plateauFound: Bool
        /// One sentence for the report.
        public var reason: String
    }

    /// The first plateau of a curve given by, per scale (smallest first), the estimate and its
    /// interval. `scales` are the scale labels used in the reason. Requires equal, non-zero lengths.
    public static func firstPlateau(estimates: [Double], lows: [Double], highs: [Double], scales: [Int]) -> Choice {
        precondition(!estimates.isEmpty && estimates.count == lows.count && lows.count == highs.count
                     && highs.count == scales.count, "one estimate and interval per scale")
        func text(_ value: Double) -> String { String(format: "%.2f", value) }
        for index in 0..<(estimates.count - 1) where lows[index] <= highs[index + 1] {
            let skipped = index == 0 ? "" : "; the smaller scales fell significantly (small-scale noise)"
            let relation = estimates[index + 1] >= estimates[index]
                ? "rises at the next scale (\(text(estimates[index + 1])))"
                : "agrees with the next scale within their intervals ([\(text(lows[index])), \(text(highs[index]))] "
                    + "overlaps [\(text(lows[index + 1])), \(text(highs[index + 1]))])"
            return Choice(index: index, plateauFound: true,
                          reason: "scale \(scales[index]) chosen: its estimate \(text(estimates[index])) \(relation)\(skipped)")
        }
        if estimates.count == 1 {
            return Choice(index: 0, plateauFound: true,
                          reason: "scale \(scales[0]) chosen: the only scale the sample size allows")
        }
        let last = estimates.count - 1
        return Choice(index: last, plateauFound: false,
                      reason: "scale \(scales[last]) chosen: the estimate fell significantly at every larger scale and no "
                        + "plateau was reached; the value is likely still inflated by small-scale noise (an upper bound)")
    }
}
