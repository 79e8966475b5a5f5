import Foundation

/// The low-dimensional similarity curve of UMAP, φ(d) = 1/(1 + a·d^{2b}), with a and b fitted
/// to the offset exponential ψ(d) = 1 for d < min_dist, exp(−(d − min_dist)/spread) beyond
/// (McInnes, Healy & Melville 2018, §3.2 and Definition 11), as umap-learn's `find_ab_params`:
/// nonlinear least squares on 300 equally spaced d in [0, 3·spread] from (a, b) = (1, 1).
///
/// umap-learn calls SciPy's `curve_fit` (MINPACK Levenberg–Marquardt with a finite-difference
/// Jacobian); we run Levenberg–Marquardt with the analytic Jacobian
/// ∂φ/∂a = −d^{2b}/(1 + a·d^{2b})², ∂φ/∂b = −2a·d^{2b}·ln d/(1 + a·d^{2b})², which converges to
/// the same minimum (agreement to ~1e-6 relative; both stop at their own tolerances).
/// For min_dist = 0.1, spread = 1: a ≈ 1.577, b ≈ 0.895.
public enum UMAPCurve {
    /// 1e-13: Levenberg–Marquardt stops after an accepted step smaller than this fraction of
    /// 1 + |a| and of 1 + |b|: (a, b) have then stopped moving at a precision far beyond the
    /// ~1e-5 to which SciPy's `curve_fit` in umap-learn determines them.
    static let stepConvergence = 1e-13

    /// (a, b) for the given `spread` > 0 and `minDistance` ≥ 0. Deterministic, O(300) per step.
    public static func fit(spread: Double, minDistance: Double) -> (a: Double, b: Double) {
        precondition(spread > 0 && minDistance >= 0)
        let count = 300
        let xs = (0..<count).map { 3 * spread * Double($0) / Double(count - 1) }
        let ys = xs.map { $0 < minDistance ? 1 : exp(-($0 - minDistance) / spread) }

        func cost(_ a: Double, _ b: Double) -> Double {
            var sum = 0.0
            for (x, y) in zip(xs, ys) {
                let r = 1 / (1 + a * pow(x, 2 * b)) - y
                sum += r * r
            }
            return sum
        }

        var a = 1.0, b = 1.0, damping = 1e-3
        var current = cost(a, b)
        for _ in 0..<1000 {
            // Normal equations JᵀJ·δ = −Jᵀr.
            var jaa = 0.0, jab = 0.0, jbb = 0.0, ga = 0.0, gb = 0.0
            for (x, y) in zip(xs, ys) where x > 0 {
                let power = pow(x, 2 * b)
                let denominator = 1 + a * power
                let r = 1 / denominator - y
                let da = -power / (denominator * denominator)
                let db = -2 * a * power * log(x) / (denominator * denominator)
                jaa += da * da; jab += da * db; jbb += db * db
                ga += da * r; gb += db * r
            }
            var accepted = false
            while damping < 1e16 {
                let maa = jaa * (1 + damping), mbb = jbb * (1 + damping)
                let determinant = maa * mbb - jab * jab
                guard determinant > 0 else { damping *= 10; continue }
                let stepA = -(mbb * ga - jab * gb) / determinant
                let stepB = -(maa * gb - jab * ga) / determinant
                let trial = cost(a + stepA, b + stepB)
                if trial.isFinite && trial <= current && a + stepA > 0 {
                    let small = abs(stepA) <= stepConvergence * (1 + abs(a)) && abs(stepB) <= stepConvergence * (1 + abs(b))
                    a += stepA; b += stepB
                    current = trial
                    damping = max(damping / 10, 1e-12)
                    accepted = true
                    if small { return (a, b) }
                    break
                }
                damping *= 10
            }
            if !accepted { break }
        }
        return (a, b)
    }
}
