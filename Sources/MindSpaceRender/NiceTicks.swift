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
    /// Unlabelled minor tick positions, ascending (log axes: the 2…9 multiples between labelled
    /// ticks, or the unlabelled decades); empty for linear ticks.
    public let minorValues: [Double]

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
        let tolerance = d * NiceTicks.rangeEndTolerance
        var ticks: [Double] = []
        var k = (lower / d).rounded(.up)
        while k * d <= upper + tolerance {
            let v = k * d
            ticks.append(abs(v) < tolerance ? 0 : v)
            k += 1
        }
        self.init(values: ticks, step: d, labels: ticks.map { NiceTicks.format($0, step: d) })
    }

    /// Labelled ticks for a base-10 logarithmic axis over [`lower`, `upper`] (both > 0), at most
    /// about `targetCount` of them, with unlabelled minor ticks in `minorValues`. The usual rule
    /// of log axes (as in matplotlib's `LogLocator`, or Cleveland's advice to label powers of ten
    /// on log scales), tried in this order:
    /// 1. **Powers of ten**, when at least 3 fall in the range: every decade, or every 2nd, 3rd,
    ///    5th, 10th, 20th, 50th … (10ᵏ with k a multiple of the stride, so 1 is always among them)
    ///    when every decade would give more than `targetCount`. Minor ticks: the 2…9 multiples
    ///    when every decade is labelled and the range spans at most 6 decades; the unlabelled
    ///    powers of ten when a stride is used.
    /// 2. **1-2-5 multiples** (…, 0.5, 1, 2, 5, 10, 20, 50, …), then **1…9 multiples**, the
    ///    first of them with 3 to `targetCount` labels that leave no stretch of more than 40 % of
    ///    the axis (in log units, ends included) unlabelled ([0.62, 1.8] has 0.7, 0.8, 0.9, 1,
    ///    all in its lower half).
    ///    Minor ticks with 1-2-5 labels: the other 1…9 multiples.
    /// 3. Otherwise, in a range too narrow for those (under 1.5 decades: [1.1, 1.9], [6, 15]),
    ///    linear nice ticks (`linearTicks`) when they give at least 3 (over so short a range a
    ///    log axis is nearly linear).
    /// 4. Otherwise the candidate above with the most labels, at most `targetCount` (with the
    ///    2…9 minor ticks when that is every decade).
    ///
    /// Labels: plain decimals ("0.02", "50", "1000"), scientific from 10⁵ up or below 10⁻³
    /// ("1e6", "2e−4"). `step` is 10^stride for powers of ten, 10 for multiples, and the linear
    /// step in case 3. Non-positive or non-finite bounds fall back to linear ticks.
    /// Whether labels fit side by side in pixels is for the caller to check (`Figure` does).
    public init(logarithmicLower lower: Double, upper: Double, targetCount: Int = 6) {
        guard lower > 0, upper > lower, lower.isFinite, upper.isFinite else {
            self.init(lower: lower, upper: upper, targetCount: targetCount)
            return
        }
        let limit = max(targetCount, 2)
        let low = log10(lower), high = log10(upper)
        let firstDecade = Int(low.rounded(.down)), lastDecade = Int(high.rounded(.up))
        let decades = high - low

        // A tolerance relative to the bounds keeps ticks that sit on an end of the range.
        let slack = NiceTicks.rangeEndTolerance
        func inRange(_ v: Double) -> Bool { v >= lower * (1 - slack) && v <= upper * (1 + slack) }
        func powers(every decadeStep: Int) -> [Double] {
            (firstDecade...lastDecade).filter { $0 % decadeStep == 0 }.map { NiceTicks.power(m: 1, decade: $0) }.filter(inRange)
        }
        func multiples(_ factors: [Double]) -> [Double] {
            (firstDecade...lastDecade).flatMap { decade in factors.map { NiceTicks.power(m: $0, decade: decade) } }.filter(inRange)
        }
        func logLabels(_ values: [Double]) -> [String] {
            values.map { v in
                let exponent = Int(log10(v).rounded(.down))
                return (exponent >= 5 || exponent < -3) ? NiceTicks.scientific(v, mantissaDigits: 0)
                    : NiceTicks.format(v, step: pow(10, Double(min(exponent, 0))))
            }
        }
        // 1. Powers of ten: the smallest stride that keeps within the limit.
        var decadeStride = 1
        var decadeTicks = powers(every: 1)
        for candidate in NiceTicks.decadeStrides where decadeTicks.count > limit {
            decadeStride = candidate
            decadeTicks = powers(every: candidate)
        }
        if decadeTicks.count >= 3 {
            let minor: [Double]
            if decadeStride == 1 {
                minor = decades <= 6 ? multiples([2, 3, 4, 5, 6, 7, 8, 9]) : []
            } else {
                let all = powers(every: 1)
                minor = all.count <= 100 ? all.filter { !decadeTicks.contains($0) } : []
            }
            self.init(values: decadeTicks, step: pow(10, Double(decadeStride)), labels: logLabels(decadeTicks), minorValues: minor)
            return
        }
        // 2. 1-2-5, then 1…9 multiples.
        // The longest stretch of the axis without a label, ends included, as a fraction of it.
        func largestGap(_ values: [Double]) -> Double {
            let marks = [low] + values.map { log10($0) } + [high]
            return zip(marks, marks.dropFirst()).map { $1 - $0 }.max().map { $0 / decades } ?? 1
        }
        func usable(_ values: [Double]) -> Bool { values.count >= 3 && values.count <= limit && largestGap(values) <= 0.4 }
        let oneTwoFive = multiples([1, 2, 5])
        let oneToNine = multiples([1, 2, 3, 4, 5, 6, 7, 8, 9])
        if usable(oneTwoFive) {
            self.init(values: oneTwoFive, step: 10, labels: logLabels(oneTwoFive),
                      minorValues: multiples([3, 4, 6, 7, 8, 9]))
            return
        }
        if usable(oneToNine) {
            self.init(values: oneToNine, step: 10, labels: logLabels(oneToNine), minorValues: [])
            return
        }
        // 3. A narrow range: linear nice ticks, about `limit` of them.
        let linear = decades < 1.5 ? NiceTicks.linearTicks(lower: lower, upper: upper, limit: limit) : nil
        if let linear, linear.values.count >= 3 {
            self = linear
            return
        }
        // 4. The most labels within the limit, every 2nd, 3rd … of a denser set if need be
        // (the first candidate on a tie).
        func thinned(_ values: [Double]) -> [Double] {
            let every = max((values.count + limit - 1) / limit, 1)
            return values.enumerated().filter { $0.offset % every == 0 }.map(\.element)
        }
        var best = decadeTicks
        for candidate in [thinned(oneTwoFive), linear?.values ?? [], thinned(oneToNine)] where candidate.count > best.count {
            best = candidate
        }
        if let linear, best == linear.values, best != decadeTicks {
            self = linear
            return
        }
        let isDecades = best == decadeTicks
        let minor = isDecades && decadeStride == 1 && decades <= 6 ? multiples([2, 3, 4, 5, 6, 7, 8, 9]) : []
        self.init(values: best, step: isDecades ? pow(10, Double(decadeStride)) : 10, labels: logLabels(best), minorValues: minor)
    }

    /// Linear nice ticks for [`lower`, `upper`] with at most about `limit` labels: the densest of
    /// `init(lower:upper:targetCount:)` for targets `limit`, `limit` − 1, … 2 that gives 3 to
    /// `limit` + 1 ticks (2 when `limit` is 2). A range so narrow that rounding to nice steps
    /// leaves fewer tries targets above `limit` and keeps every 2nd, 3rd … tick of a denser
    /// set, starting at a multiple of the wider step. `nil` when nothing gives enough ticks.
    static func linearTicks(lower: Double, upper: Double, limit: Int) -> NiceTicks? {
        let enough = min(3, limit)
        for target in Swift.stride(from: limit, through: 2, by: -1) {
            let ticks = NiceTicks(lower: lower, upper: upper, targetCount: target)
            if ticks.values.count >= enough && ticks.values.count <= limit + 1 { return ticks }
        }
        for target in (limit + 1)...(limit + 6) {
            let ticks = NiceTicks(lower: lower, upper: upper, targetCount: target)
            let count = ticks.values.count
            if count >= enough && count <= limit + 1 { return ticks }
            guard count > limit + 1 else { continue }
            let every = (count + limit - 1) / limit
            let wider = ticks.step * Double(every)
            let offset = (0..<every).first { i in
                let q = ticks.values[i] / wider
                return abs(q - q.rounded()) < NiceTicks.wholeMultipleTolerance
            } ?? 0
            let kept = ticks.values.indices.filter { $0 >= offset && ($0 - offset) % every == 0 }
            return NiceTicks(values: kept.map { ticks.values[$0] }, step: wider, labels: kept.map { ticks.labels[$0] })
        }
        return nil
    }

    /// 1e-9, relative (to the step for linear ticks, to the bound for log ticks): how far a tick
    /// may lie outside the range and still be kept, so that a tick sitting on an end in exact
    /// arithmetic is not lost to the rounding of k·d or m·10^decade (a few ulps); it is far
    /// below anything visible.
    static let rangeEndTolerance = 1e-9

    /// 1e-6: a tick divided by a wider step counts as a whole multiple of it when this close to
    /// an integer. Ticks are k·d, a few ulps off, and a tick that is not a multiple of `every`·d
    /// is off by at least 1/`every`.
    static let wholeMultipleTolerance = 1e-6

    /// Strides between labelled decades tried after every decade: 2, 3, 5, then 10, 20, 50, …
    static let decadeStrides = [2, 3, 5] + (1...3).flatMap { e in [1, 2, 5].map { $0 * Int(pow(10, Double(e))) } }

    /// m·10^decade, correctly rounded for |decade| ≤ 22 (10^|decade| is exact in a Double, and
    /// a negative decade divides by it instead of multiplying by an inexact 10^decade).
    static func power(m: Double, decade: Int) -> Double {
        decade >= 0 ? m * pow(10, Double(decade)) : m / pow(10, Double(-decade))
    }

    /// One tick per category, at 0, 1, …, labelled with the category names.
    public init(categories: [String]) {
        self.init(values: categories.indices.map(Double.init), step: 1, labels: categories)
    }

    private init(values: [Double], step: Double, labels: [String], minorValues: [Double] = []) {
        self.values = values
        self.step = step
        self.labels = labels
        self.minorValues = minorValues
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
