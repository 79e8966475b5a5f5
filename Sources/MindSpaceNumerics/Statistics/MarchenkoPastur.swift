import MindSpaceCore

/// The Marchenko–Pastur law (Marchenko & Pastur 1967, Math. USSR Sb. 1:457) of the eigenvalues
/// of a sample covariance of i.i.d. unit-variance noise, for aspect ratio β = p/n ∈ (0, 1]:
/// density f(x) = √((b − x)(x − a)) / (2πβx) on [a, b], a = (1 − √β)², b = (1 + √β)².
package enum MarchenkoPastur {
    /// The distribution function F(x) in closed form. With x = m − r·cos φ (m = 1 + β,
    /// r = 2√β, φ ∈ [0, π]) the integrand becomes r²·sin²ψ / (2πβ(m − r cos ψ)), and
    ///   ∫₀^φ sin²ψ/(m − r cos ψ) dψ = sin φ / r + m·φ / r² + (1 − m²/r²)·(2/(1 − β))·atan2(q·sin(φ/2), cos(φ/2)),
    /// q = (1 + √β)/(1 − √β) (the last term vanishes at β = 1, where 1 − m²/r² = 0).
    static func distribution(angle phi: Double, ratio beta: Double) -> Double {
        let root = beta.squareRoot()
        let m = 1 + beta, r = 2 * root
        var integral = sin(phi) / r + m * phi / (r * r)
        if beta < 1 {
            let q = (1 + root) / (1 - root)
            integral += (1 - m * m / (r * r)) * (2 / (1 - beta)) * atan2(q * sin(phi / 2), cos(phi / 2))
        }
        return r * r / (2 * Double.pi * beta) * integral
    }

    /// The median of the law for ratio β ∈ (0, 1]: F(x(φ)) = ½ solved for φ by bisection to
    /// full double precision (F is increasing in φ), then x = m − r·cos φ.
    package static func median(ratio beta: Double) -> Double {
        precondition(beta > 0 && beta <= 1, "Marchenko–Pastur ratio must be in (0, 1]")
        var low = 0.0, high = Double.pi
        for _ in 0..<200 {
            let middle = (low + high) / 2
            if middle <= low || middle >= high { break }
            if distribution(angle: middle, ratio: beta) < 0.5 { low = middle } else { high = middle }
        }
        let phi = (low + high) / 2
        return 1 + beta - 2 * beta.squareRoot() * cos(phi)
    }
}
