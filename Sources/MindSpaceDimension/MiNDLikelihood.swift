import MindSpaceCore
import MindSpaceNumerics

/// The MiND likelihood of Rozza et al. (2012, "Novel high intrinsic dimensionality estimators",
/// Machine Learning 89:37), shared by `MiNDMLEstimator` and `DANCoEstimator`.
///
/// For each point, ρ = r₁/r_{k+1} is the distance to its nearest neighbour over the distance to
/// its (k+1)-th. If the k + 1 neighbours are uniform in a d-ball, ρ has density
/// g(ρ) = k·d·ρ^(d−1)·(1 − ρ^d)^(k−1) on (0, 1), so for N points
///   ℓ(d) = N·log(k·d) + (d − 1)·Σ log ρᵢ + (k − 1)·Σ log(1 − ρᵢ^d),
///   ℓ′(d) = N/d + Σ log ρᵢ − (k − 1)·Σ ρᵢ^d·log ρᵢ / (1 − ρᵢ^d),
///   ℓ″(d) = −N/d² − (k − 1)·Σ (log ρᵢ)²·ρᵢ^d / (1 − ρᵢ^d)² < 0.
/// ℓ is strictly concave with ℓ′(0⁺) = +∞, so its maximiser on (0, D] is unique: the root of ℓ′,
/// or D when ℓ′(D) ≥ 0. (ρᵢ^d and 1 − ρᵢ^d are evaluated as exp and −expm1 of d·log ρᵢ.)
struct MiNDLikelihood {
    /// log ρᵢ for the usable points (ρᵢ in (0, 1), so every entry is negative and finite).
    let logRatios: [Double]
    /// k, the neighbour rank in the model (ρ uses the (k+1)-th neighbour).
    let k: Int

    /// ℓ(d), each point weighted by `counts[i]` when given (a bootstrap resample).
    func logLikelihood(_ d: Double, counts: UnsafeBufferPointer<Int>? = nil) -> Double {
        var total = 0.0, sumLog = 0.0, sumTail = 0.0
        for (index, value) in logRatios.enumerated() {
            let weight = counts.map { Double($0[index]) } ?? 1
            if weight == 0 { continue }
            total += weight
            sumLog += weight * value
            sumTail += weight * log(-expm1(d * value))
        }
        return total * log(Double(k) * d) + (d - 1) * sumLog + Double(k - 1) * sumTail
    }

    /// (ℓ′(d), ℓ″(d)) with optional bootstrap weights.
    func derivatives(_ d: Double, counts: UnsafeBufferPointer<Int>? = nil) -> (first: Double, second: Double) {
        var total = 0.0, sumLog = 0.0, sumFirst = 0.0, sumSecond = 0.0
        for (index, value) in logRatios.enumerated() {
            let weight = counts.map { Double($0[index]) } ?? 1
            if weight == 0 { continue }
            let power = exp(d * value), complement = -expm1(d * value)
            total += weight
            sumLog += weight * value
            sumFirst += weight * power * value / complement
            sumSecond += weight * value * value * power / (complement * complement)
        }
        let k1 = Double(k - 1)
        return (total / d + sumLog - k1 * sumFirst, -total / (d * d) - k1 * sumSecond)
    }

    /// The maximiser of ℓ on (0, `bound`] (MiND_MLk): safeguarded Newton on ℓ′ inside a
    /// shrinking bracket, to a relative step of 1e-14 (≤ 200 iterations).
    func maximizer(upTo bound: Double, counts: UnsafeBufferPointer<Int>? = nil) -> Double {
        if derivatives(bound, counts: counts).first >= 0 { return bound }
        var low = 0.0, high = bound           // ℓ′ > 0 on (0, low], ℓ′ < 0 at high
        var x = bound / 2
        for _ in 0..<200 {
            let (first, second) = derivatives(x, counts: counts)
            if first > 0 { low = x } else { high = x }
            if first == 0 { return x }
            var next = x - first / second
            if !(next > low && next < high) { next = (low + high) / 2 }
            if abs(next - x) <= NumericTolerance.relativeStepConvergence * x { return next }
            x = next
        }
        return x
    }

    /// The integer d in 1…`bound` maximising ℓ (MiND_MLi; the smallest on ties).
    func integerMaximizer(upTo bound: Int, counts: UnsafeBufferPointer<Int>? = nil) -> Int {
        var best = -Double.infinity, bestDimension = 1
        for d in 1...max(1, bound) {
            let value = logLikelihood(Double(d), counts: counts)
            if value > best { best = value; bestDimension = d }
        }
        return bestDimension
    }

    /// The usable log ρᵢ = log(r₁/r_{k+1}) of a neighbour table with at least k + 1 neighbours,
    /// and how many points were dropped because r₁ = 0 (a duplicate) or r₁ = r_{k+1} (ρ = 1,
    /// k + 1 equidistant neighbours), where the model's density is 0.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    static func logRatios<Scalar: NeighborScalar>(_ neighbors: NeighborTable<Scalar>, k: Int) -> (values: [Double], dropped: Int) {
        precondition(neighbors.k >= k + 1, "MiND needs k + 1 neighbours per point")
        var values: [Double] = []
        values.reserveCapacity(neighbors.pointCount)
        for point in 0..<neighbors.pointCount {
            let ratio = Double(neighbors.distance(point, rank: 0)) / Double(neighbors.distance(point, rank: k))
            if ratio > 0 && ratio < 1 { values.append(log(ratio)) }
        }
        return (values, neighbors.pointCount - values.count)
    }
}
