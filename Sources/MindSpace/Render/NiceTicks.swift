import Foundation

/// Tick positions at "nice" numbers (1, 2, 5 × 10ᵏ) and their labels, after Heckbert,
/// "Nice numbers for graph labels", Graphics Gems (1990).
public struct NiceTicks: Sendable, Equatable {
    /// Tick values inside the requested range, ascending.
    public let values: [Double]
    /// Distance between neighbouring ticks.
    public let step: Double
    /// Text for each tick, in the same order as `values`.
    public let labels: [String]

    /// About `targetCount` ticks covering [`lower`, `upper`]: step d = nice((upper − lower) /
    /// (targetCount − 1), rounded), ticks k·d inside the range. (Heckbert first rounds the range
    /// itself up to a nice number; skipping that step keeps him from halving the tick count on
    /// ranges such as 0…1.05, where the axis limits are fixed and only ticks inside matter.)
    /// Labels carry as many decimals as d needs (max(−⌊log₁₀ d⌋, 0)) and switch to scientific
    /// notation below 10⁻³ or from 10⁵ up. A degenerate or non-finite range gives one tick at
    /// `lower` (or none); a range too narrow for its magnitude to hold distinct multiples of d
    /// gives its two ends.
    public init(lower: Double, upper: Double, targetCount: Int = 6) {
        guard lower.isFinite, upper.isFinite, upper > lower else {
            let single = lower.isFinite ? [lower] : []
            self.init(values: single, step: 1, labels: single.map { NiceTicks.format($0, step: 1) })
            return
        }
        let count = max(targetCount, 2)
        let d = NiceTicks.niceNumber((upper - lower) / Double(count - 1), rounded: true)
        // When the range is tiny next to its magnitude (1e16…1e16 + 2), multiples of the step
        // are not representable: label just the two ends.
        guard abs(lower / d) < 1e15, abs(upper / d) < 1e15 else {
            self.init(values: [lower, upper], step: upper - lower,
                      labels: [lower, upper].map { NiceTicks.scientific($0, mantissaDigits: 6) })
            return
        }
        let tolerance = d * 1e-9
        var ticks: [Double] = []
        var k = (lower / d).rounded(.up)
        while k * d <= upper + tolerance {
            let v = k * d
            ticks.append(abs(v) < tolerance ? 0 : v)
            k += 1
        }
        self.init(values: ticks, step: d, labels: ticks.map { NiceTicks.format($0, step: d) })
    }

    /// Ticks at powers of ten for a logarithmic axis over [`lower`, `upper`] (both > 0); when
    /// the range spans fewer than two decades, 2× and 5× multiples are added.
    public init(logarithmicLower lower: Double, upper: Double) {
        guard lower > 0, upper > lower, lower.isFinite, upper.isFinite else {
            self.init(lower: lower, upper: upper)
            return
        }
        let firstDecade = Int(log10(lower).rounded(.down)), lastDecade = Int(log10(upper).rounded(.up))
        let multipliers: [Double] = (lastDecade - firstDecade) < 3 ? [1, 2, 5] : [1]
        var ticks: [Double] = []
        for decade in firstDecade...lastDecade {
            for m in multipliers {
                let v = m * pow(10, Double(decade))
                if v >= lower * (1 - 1e-9) && v <= upper * (1 + 1e-9) { ticks.append(v) }
            }
        }
        self.init(values: ticks, step: 10, labels: ticks.map { v in
            let exponent = Int(log10(v).rounded(.down))
            return (exponent >= 5 || exponent < -3) ? NiceTicks.scientific(v, mantissaDigits: 0)
                : NiceTicks.format(v, step: pow(10, Double(min(exponent, 0))))
        })
    }

    private init(values: [Double], step: Double, labels: [String]) {
        self.values = values
        self.step = step
        self.labels = labels
    }

    /// Heckbert's nice number near `x` > 0: 1, 2, 5 or 10 × 10ᵏ; `rounded` picks the nearest,
    /// otherwise the smallest not below `x`.
    public static func niceNumber(_ x: Double, rounded: Bool) -> Double {
        guard x > 0, x.isFinite else { return 1 }
        let exponent = log10(x).rounded(.down)
        let power = pow(10, exponent)
        let fraction = x / power
        let nice: Double
        if rounded {
            nice = fraction < 1.5 ? 1 : fraction < 3 ? 2 : fraction < 7 ? 5 : 10
        } else {
            nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10
        }
        return nice * power
    }

    /// `value` with the decimals that `step` needs, or in scientific notation when very large or
    /// small; negative numbers use the minus sign (U+2212).
    public static func format(_ value: Double, step: Double) -> String {
        let magnitude = abs(value)
        // Zero among scientific-notation neighbours is plain "0".
        if value == 0 && (step < 1e-3 || step >= 1e5) { return "0" }
        if magnitude >= 1e5 || (magnitude < 1e-3 && magnitude > 0) {
            let exponent = log10(magnitude).rounded(.down)
            let stepDigits = step > 0 ? Int(max(exponent - log10(step).rounded(.down), 0)) : 2
            return scientific(value, mantissaDigits: min(stepDigits, 6))
        }
        let decimals = step > 0 ? min(max(Int(-log10(step).rounded(.down)), 0), 10) : 2
        return minusSign(String(format: "%.\(decimals)f", value))
    }

    /// `m e k` notation with `mantissaDigits` decimals, e.g. `2.5e-4`, `1e6`.
    static func scientific(_ value: Double, mantissaDigits: Int) -> String {
        var exponent = Int(log10(abs(value)).rounded(.down))
        var mantissa = value / pow(10, Double(exponent))
        // Rounding can carry into the next decade (9.99 → 10.0).
        if abs((mantissa * pow(10, Double(mantissaDigits))).rounded()) >= 10 * pow(10, Double(mantissaDigits)) {
            exponent += 1
            mantissa = value / pow(10, Double(exponent))
        }
        return minusSign(String(format: "%.\(mantissaDigits)fe%d", mantissa, exponent))
    }

    private static func minusSign(_ text: String) -> String {
        let cleaned = text.hasPrefix("-") && Double(text) == 0 ? String(text.dropFirst()) : text
        return cleaned.replacingOccurrences(of: "-", with: "\u{2212}")
    }
}
