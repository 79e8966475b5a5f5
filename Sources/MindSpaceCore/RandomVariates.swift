import Foundation

/// The random variates the synthetic generators draw, built on `SeededGenerator`'s uniform and
/// Gaussian streams so that a seed fixes every point on every platform. Each is exact in
/// distribution (no approximation beyond floating-point rounding).
extension SeededGenerator {
    /// A uniform double in [low, high): low + (high − low)·U, U = `nextUnitDouble()`.
    public mutating func nextUniform(_ low: Double, _ high: Double) -> Double {
        low + (high - low) * nextUnitDouble()
    }

    /// An Exponential(1) deviate by inversion, −log(1 − U) with U ∈ [0, 1), so the argument of
    /// the logarithm lies in (0, 1] and the result is finite (at most 53·log 2 ≈ 36.7).
    public mutating func nextExponential() -> Double {
        -log(1 - nextUnitDouble())
    }

    /// A Gamma(shape a, scale 1) deviate, a > 0.
    ///
    /// a ≥ 1: Marsaglia & Tsang (2000), "A simple method for generating gamma variables": with
    /// c = a − 1/3, draw Z ~ N(0, 1), v = (1 + Z/√(9c))³ and accept c·v when v > 0 and
    /// log U < Z²/2 + c·(1 − v + log v) (the squeeze U < 1 − 0.0331·Z⁴ accepts most draws without
    /// a logarithm). Expected draws per variate < 1.05.
    /// a < 1: the boost Gamma(a) = Gamma(a + 1)·U^(1/a) (same paper, section 7), with U ∈ (0, 1].
    public mutating func nextGamma(shape a: Double) -> Double {
        precondition(a > 0 && a.isFinite, "Gamma shape must be positive and finite")
        if a < 1 {
            let boost = pow(1 - nextUnitDouble(), 1 / a)
            return nextGamma(shape: a + 1) * boost
        }
        let c = a - 1.0 / 3.0
        let scale = 1 / (9 * c).squareRoot()
        while true {
            let z = nextGaussian()
            let root = 1 + scale * z
            guard root > 0 else { continue }
            let v = root * root * root
            let u = nextUnitDouble()
            let z2 = z * z
            if u < 1 - 0.0331 * z2 * z2 { return c * v }
            if u > 0, log(u) < 0.5 * z2 + c * (1 - v + log(v)) { return c * v }
        }
    }

    /// A Beta(α, β) deviate as X/(X + Y) with X ~ Gamma(α), Y ~ Gamma(β) independent (drawn in
    /// that order). The result lies in [0, 1]; for β < 1 much of the mass sits within rounding of
    /// 1 and values equal to 1.0 occur, as with NumPy's sampler.
    public mutating func nextBeta(_ alpha: Double, _ beta: Double) -> Double {
        let x = nextGamma(shape: alpha)
        let y = nextGamma(shape: beta)
        return x / (x + y)
    }

    /// Fills `vector` with a point uniform on the unit sphere S^(k−1) ⊂ ℝ^k (k = `vector.count` ≥ 1):
    /// a standard Gaussian vector divided by its norm (Muller 1959), redrawn in the (probability
    /// ~0) event that the norm is 0. For k = 1 this gives ±1 with equal probability.
    public mutating func fillUnitVector(_ vector: UnsafeMutableBufferPointer<Double>) {
        precondition(vector.count >= 1, "a unit vector needs at least one coordinate")
        while true {
            var squaredNorm = 0.0
            for index in vector.indices {
                let value = nextGaussian()
                vector[index] = value
                squaredNorm += value * value
            }
            guard squaredNorm > 0 else { continue }
            let inverse = 1 / squaredNorm.squareRoot()
            for index in vector.indices { vector[index] *= inverse }
            return
        }
    }
}
