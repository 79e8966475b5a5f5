import MindSpaceCore

/// Special functions the DANCo and FisherS estimators need, in double precision (checked
/// against SciPy in the tests to ~1e-13 relative).
package enum SpecialFunctions {
    /// 1e-15: Halley's iteration for Lambert W stops at a relative change of at most this.
    /// Halley converges cubically, so a step of 1e-15 (≈ 4.5·ε) leaves an error far below the
    /// rounding of w·e^w itself; the result is good to a few ulps.
    static let lambertWConvergence = 1e-15

    /// The digamma function ψ(x) = Γ′(x)/Γ(x) for x > 0: the recurrence ψ(x) = ψ(x + 1) − 1/x up
    /// to x ≥ 10, then the asymptotic series ln x − 1/(2x) − Σ B₂ₙ/(2n·x²ⁿ) (n ≤ 7, error < 1e-17).
    package static func digamma(_ x: Double) -> Double {
        precondition(x > 0, "digamma is used for positive arguments only")
        var value = x, shift = 0.0
        while value < 10 {
            shift -= 1 / value
            value += 1
        }
        let inverseSquare = 1 / (value * value)
        // B₂ₙ/(2n) for n = 1…7: 1/12, −1/120, 1/252, −1/240, 1/132, −691/32760, 1/12.
        let coefficients: [Double] = [1.0 / 12, -1.0 / 120, 1.0 / 252, -1.0 / 240, 1.0 / 132, -691.0 / 32760, 1.0 / 12]
        var series = 0.0, power = inverseSquare
        for coefficient in coefficients {
            series += coefficient * power
            power *= inverseSquare
        }
        return shift + log(value) - 0.5 / value - series
    }

    /// log I_ν(x) for ν ∈ {0, 1} and x ≥ 0, I_ν the modified Bessel function of the first kind:
    /// the power series Σ (x/2)^(2m+ν) / (m!·(m+ν)!) (positive terms, no cancellation) for
    /// x < 40, the Hankel asymptotic expansion e^x/√(2πx)·Σ (−1)ʲ aⱼ(ν)/xʲ beyond (20 terms;
    /// relative error below 1e-16 there). Finite for every finite x, where I_ν itself overflows
    /// above x ≈ 713.
    package static func logBesselI(order nu: Int, _ x: Double) -> Double {
        precondition(nu == 0 || nu == 1, "only I0 and I1 are implemented")
        precondition(x >= 0, "Bessel I is used for non-negative arguments only")
        if x == 0 { return nu == 0 ? 0 : -.infinity }
        if x < 40 {
            let quarterSquare = x * x / 4
            var term = nu == 0 ? 1.0 : x / 2
            var sum = term
            var m = 1.0
            while true {
                term *= quarterSquare / (m * (m + Double(nu)))
                sum += term
                if term < sum * NumericTolerance.seriesTruncation { break }
                m += 1
            }
            return log(sum)
        }
        // aⱼ(ν) = Π_{i=1}^{j} (4ν² − (2i − 1)²) / (j!·8ʲ); the series alternates in sign via (−1)ʲ.
        let mu = 4 * Double(nu * nu)
        var term = 1.0, sum = 1.0
        for j in 1...20 {
            let odd = Double(2 * j - 1)
            term *= -(mu - odd * odd) / (Double(j) * 8 * x)
            sum += term
        }
        return x - 0.5 * log(2 * Double.pi * x) + log(sum)
    }

    /// The principal branch W₀(x) of the Lambert W function (w·e^w = x) for x ≥ 0, by Halley's
    /// iteration from log x − log log x (x > e) or log(1 + x) (small x), to a relative change of
    /// 1e-15.
    package static func lambertW(_ x: Double) -> Double {
        precondition(x >= 0, "Lambert W is used for non-negative arguments only")
        if x == 0 { return 0 }
        if x == .infinity { return .infinity }
        var w = x > 2.718281828459045 ? log(x) - log(log(x)) : log1p(x)
        for _ in 0..<100 {
            let e = exp(w)
            let f = w * e - x
            let next = w - f / (e * (w + 1) - (w + 2) * f / (2 * w + 2))
            if abs(next - w) <= lambertWConvergence * abs(next) { return next }
            w = next
        }
        return w
    }
}
