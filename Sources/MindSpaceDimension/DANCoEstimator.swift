import Foundation
import MindSpaceCore
import MindSpaceNumerics

/// DANCo: Dimensionality from Angle and Norm Concentration (Ceruti, Bassis, Rozza, Lombardi,
/// Casiraghi & Campadelli 2014, "DANCo: an intrinsic dimensionality estimator exploiting angle
/// and norm concentration", Pattern Recognition 47:2569), as scikit-dimension 0.5.0's
/// `DANCo()` (k = 10, D = the number of columns, `fractal=True`, simulated calibration).
///
/// **Statistics of a point set** (k = `k`, N points):
/// - d̂: MiND_MLk (`MiNDLikelihood`), the maximiser on (0, D] of the likelihood of
///   ρᵢ = r₁/r_{k+1};
/// - for each point, the C(k, 2) angles θ between the vectors to its k nearest neighbours
///   (cos θ = u·v/(|u||v|), clamped to [−1, 1]); their von Mises maximum-likelihood fit
///   νᵢ = atan(Σ sin θ / Σ cos θ) (arctangent of the ratio, not atan2, as the reference code),
///   ηᵢ = √(mean(cos θ)² + mean(sin θ)²), τᵢ = A⁻¹(ηᵢ) with Best & Fisher's (1981) piecewise
///   approximation of the inverse of A(τ) = I₁(τ)/I₀(τ);
/// - μ_ν = mean νᵢ and μ_τ = mean τᵢ (μ_τ = 1 for one-column data, as the reference code).
///
/// **Calibration.** For every candidate d = 1…D, N points are drawn uniformly from the unit
/// d-ball (Gaussian direction, radius U^(1/d)) with a `SeededGenerator` seeded from
/// `EstimationOptions.seed` and d, and the same statistics are computed (d̂ bounded by 2d + 5).
/// Nothing is cached: every call recalibrates, so the estimate depends only on the input and
/// the options.
///
/// **Selection.** For each d the Kullback–Leibler divergence between data and calibration is
///   KL(d) = H_k·q − log q − (k − 1)·Σ_{i=0}^{k} (−1)ⁱ·C(k, i)·ψ(1 + i/q)        (q = d̂_cal/d̂, H_k harmonic)
///         + log(I₀(τ_cal)/I₀(μ_τ)) + I₁(μ_τ)/I₀(μ_τ)·(μ_τ − τ_cal·cos(μ_ν − ν_cal))
/// (I₀, I₁ clamped at the largest double, as the reference code), with ψ digamma. The integer
/// estimate is the d with the smallest KL; the reported (fractal, default) estimate is the
/// minimum of SciPy's `interp1d` spline of KL over 1…D (cubic for more than 3 columns,
/// quadratic for 3, linear for 2; `InterpolatingSpline`) on [d − 1, d + 1] ∩ [1, D], found
/// exactly — except when d = D, where the estimate is D: the spline has no support beyond D,
/// where the minimum may lie. scikit-dimension runs L-BFGS-B (tol 1e-3) from d on the same
/// spline: it stops short of the minimum (by up to ~0.1 on our fixtures), and at d = D its
/// search steps past D into `interp1d`'s fill value D + 1 and stops at D — hence our rule.
///
/// **Interval.** A seeded percentile bootstrap over points with the calibration fixed: each
/// resample reweights the ρᵢ (d̂ re-solved), νᵢ and τᵢ, and recomputes KL and the minimum. It
/// shows the sampling noise of the data's statistics, not the calibration's own noise (the
/// spread across `seed`s; a few tenths of a dimension at N ≈ 1000).
///
/// **Known biases.** The estimate cannot exceed D: on a 10-cube in 10 columns it is typically
/// 10 (cube boundaries and the ball calibration differ). Noise pushes it up. Results move with
/// the calibration seed by about the interval's width.
///
/// **Duplicates.** Removed by default. Kept, points with r₁ = 0 are dropped from d̂ (as in
/// `MiNDMLEstimator`) and zero vectors are left out of the angles (a point with no valid pair
/// is left out of μ_ν, μ_τ).
///
/// **Cost.** The data's (k+1)-NN search and O(N·k²·D) for the angles, then for each of the D
/// calibration sets a k-NN search in d dimensions (O(N²·d)) and O(N·k²·d): in total about
/// N²·D²/4 multiply-adds for the searches. Cheap for D ≲ 50; for hundreds of columns, reduce D
/// with `maximumDimension` or with PCA first. Timings observed: docs/estimators/danco-cost.md.
public struct DANCoEstimator: DimensionEstimator {
    /// Neighbours per point (k ≥ 2; default 10).
    public let k: Int
    /// The largest candidate dimension D; `nil` for the number of columns.
    public let maximumDimension: Int?
    /// Report the spline minimum (default) instead of the best integer.
    public let fractal: Bool

    /// DANCo with `k` (default 10), D = `maximumDimension` (default: the number of columns) and
    /// the fractal (spline) estimate unless `fractal` is false.
    public init(k: Int = 10, maximumDimension: Int? = nil, fractal: Bool = true) {
        self.k = k
        self.maximumDimension = maximumDimension
        self.fractal = fractal
    }

    public var name: String { "danco" }
    public var parameters: [String: ParameterValue] {
        var result: [String: ParameterValue] = ["k": .int(k), "fractal": .bool(fractal)]
        result["max_dimension"] = maximumDimension.map { .int($0) } ?? .string("columns")
        return result
    }

    /// The three statistics DANCo compares.
    struct Statistics: Equatable {
        /// d̂ (MiND_MLk).
        var dimension: Double
        /// μ_ν, mean of the von Mises locations.
        var meanNu: Double
        /// μ_τ, mean of the von Mises concentrations.
        var meanTau: Double
    }

    /// Per-point ingredients of the statistics, kept for the bootstrap.
    struct PointStatistics {
        /// log ρᵢ of the points with 0 < ρ < 1, and their point indices.
        var logRatios: [Double]
        var ratioPoints: [Int]
        /// νᵢ and τᵢ (NaN when a point has no valid angle).
        var nu: [Double]
        var tau: [Double]
        /// The data's column count (μ_τ = 1 for one column).
        var columns: Int

        /// The statistics, each point weighted by `counts[i]` when given.
        func statistics(k: Int, bound: Double, counts: UnsafeBufferPointer<Int>?) -> Statistics {
            let likelihood = MiNDLikelihood(logRatios: logRatios, k: k)
            let dimension: Double
            if let counts {
                let sub = ratioPoints.map { counts[$0] }
                dimension = sub.withUnsafeBufferPointer { likelihood.maximizer(upTo: bound, counts: $0) }
            } else {
                dimension = likelihood.maximizer(upTo: bound)
            }
            var nuSum = 0.0, tauSum = 0.0, weightSum = 0.0
            for point in nu.indices where !nu[point].isNaN && !tau[point].isNaN {
                let weight = counts.map { Double($0[point]) } ?? 1
                nuSum += weight * nu[point]
                tauSum += weight * tau[point]
                weightSum += weight
            }
            return Statistics(dimension: dimension, meanNu: nuSum / weightSum,
                              meanTau: columns == 1 ? 1 : tauSum / weightSum)
        }
    }

    /// Removes duplicates (unless kept), calibrates and estimates. Throws `.usage` for k < 2 or
    /// D < 1 and `.malformedData` for fewer than k + 2 (distinct) points, a NaN/Inf, or data
    /// whose statistics are undefined.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func estimate<Scalar: NeighborScalar>(_ points: Matrix<Scalar>,
                                                 options: EstimationOptions) throws -> DimensionEstimate {
        try validate(options)
        let prepared = try PreparedRows(points, options: options, minimumRows: k + 2, estimator: name)
        let bound = maximumDimension ?? prepared.rows.columns
        let calibration = try Self.calibrate(pointCount: prepared.rows.rows, k: k, maximumDimension: bound,
                                             seed: options.seed)
        return prepared.annotated(try estimate(prepared.rows, options: options, calibration: calibration))
    }

    /// The estimate of `points` (duplicate handling already done) against a given calibration
    /// (one `Statistics` per candidate d = 1…D; D = `calibration.count`).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func estimate<Scalar: NeighborScalar>(_ points: Matrix<Scalar>, options: EstimationOptions,
                                          calibration: [Statistics]) throws -> DimensionEstimate {
        let bound = calibration.count
        let table = try ExactNeighbors.search(points, k: k + 1)
        let perPoint = Self.pointStatistics(points, neighbors: table, k: k)
        guard perPoint.logRatios.count >= 2, perPoint.nu.contains(where: { !$0.isNaN }) else {
            throw MindSpaceError(.malformedData, "danco: too few points with usable neighbour distances and angles")
        }
        let data = perPoint.statistics(k: k, bound: Double(bound), counts: nil)
        guard data.dimension.isFinite, data.meanNu.isFinite, data.meanTau.isFinite else {
            throw MindSpaceError(.malformedData, "danco: the data's statistics are undefined (d̂ \(data.dimension), μν \(data.meanNu), μτ \(data.meanTau))")
        }
        let columns = points.columns
        let (integer, dimension, divergence) = try select(data, calibration: calibration, columns: columns)

        var parameters = self.parameters
        parameters["max_dimension"] = .int(bound)
        var diagnostics: [String: ParameterValue] = [
            "points_used": .int(points.rows), "integer_estimate": .int(integer),
            "kl_divergence": .double(divergence), "mind_mlk": .double(data.dimension),
            "mean_nu": .double(data.meanNu), "mean_tau": .double(data.meanTau),
            "calibration_sets": .int(bound),
        ]
        var notes = ["calibrated on \(bound) uniform hyperballs of \(points.rows) points (seed \(options.seed))"]
        if integer == bound {
            notes.append("the KL divergence is smallest at the largest candidate dimension \(bound); the dimension may be higher")
        }
        let interval = options.percentileBootstrapInterval(
            estimator: name, around: dimension, itemCount: points.rows,
            description: "percentile bootstrap over points with the calibration fixed",
            diagnostics: &diagnostics) { counts in
                let resampled = perPoint.statistics(k: k, bound: Double(bound), counts: counts)
                return (try? select(resampled, calibration: calibration, columns: columns).estimate) ?? .nan
            }
        if interval.method == .bootstrap {
            notes[0] += "; the interval leaves out the calibration's own noise"
        }
        return DimensionEstimate(estimator: name, dimension: dimension, ci: interval, pointwise: nil,
                                 parameters: parameters, diagnostics: diagnostics, notes: notes)
    }

    private func validate(_ options: EstimationOptions) throws {
        try options.validate()
        guard k >= 2 else { throw MindSpaceError(.usage, "danco: k must be at least 2, got \(k)") }
        if let maximumDimension, maximumDimension < 1 {
            throw MindSpaceError(.usage, "danco: the maximum dimension must be at least 1, got \(maximumDimension)")
        }
    }

    // MARK: - Selection

    /// The integer and reported estimates and the KL at the integer one.
    func select(_ data: Statistics, calibration: [Statistics],
                columns: Int) throws -> (integer: Int, estimate: Double, divergence: Double) {
        let divergences = calibration.map { Self.divergence(data, $0, k: k) }
        guard let best = divergences.indices.filter({ divergences[$0].isFinite })
            .min(by: { divergences[$0] < divergences[$1] }) else {
            throw MindSpaceError(.malformedData, "danco: the KL divergence is undefined for every candidate dimension")
        }
        let integer = best + 1
        guard fractal else { return (integer, Double(integer), divergences[best]) }
        return (integer, Self.fractalMinimum(divergences, integer: integer, columns: columns), divergences[best])
    }

    /// The minimum of the interpolating spline of KL(1…D) on [d − 1, d + 1] ∩ [1, D] (degree 3
    /// for more than 3 columns, 2 for 3, 1 for 2 — lowered when D has too few points; non-finite
    /// KL values are replaced by the largest finite one); D itself when d = D.
    static func fractalMinimum(_ divergences: [Double], integer: Int, columns: Int) -> Double {
        let count = divergences.count
        guard count >= 2, integer < count else { return Double(integer) }
        let largestFinite = divergences.filter { $0.isFinite }.max() ?? 0
        let values = divergences.map { $0.isFinite ? $0 : largestFinite }
        let degree = min(columns > 3 ? 3 : max(columns - 1, 1), count - 1)
        let spline = InterpolatingSpline(x: (1...count).map(Double.init), y: values, degree: degree)
        return spline.minimum(in: Double(max(1, integer - 1)), Double(min(count, integer + 1)))
    }

    /// KL(data ‖ calibration) as documented on the type.
    static func divergence(_ data: Statistics, _ calibration: Statistics, k: Int) -> Double {
        let q = calibration.dimension / data.dimension
        var harmonic = 0.0
        for i in 1...k { harmonic += 1 / Double(i) }
        var alternating = 0.0, binomial = 1.0
        for i in 0...k {
            if i > 0 { binomial = binomial * Double(k - i + 1) / Double(i) }
            let sign: Double = i % 2 == 0 ? 1 : -1
            alternating += sign * binomial.rounded() * SpecialFunctions.digamma(1 + Double(i) / q)
        }
        let dimensionTerm = harmonic * q - log(q) - Double(k - 1) * alternating
        let logLargest = log(Double.greatestFiniteMagnitude)
        func clampedLogI(_ order: Int, _ x: Double) -> Double {
            min(SpecialFunctions.logBesselI(order: order, x), logLargest)
        }
        let (tau1, tau2) = (data.meanTau, calibration.meanTau)
        let ratio = exp(clampedLogI(1, tau1) - clampedLogI(0, tau1))
        let angleTerm = clampedLogI(0, tau2) - clampedLogI(0, tau1)
            + ratio * (tau1 - tau2 * cos(data.meanNu - calibration.meanNu))
        return dimensionTerm + angleTerm
    }

    // MARK: - Statistics

    /// Calibration statistics for d = 1…`maximumDimension`: N uniform points in the unit d-ball,
    /// each d from its own generator (seed derived from `seed` and d), d̂ bounded by 2d + 5.
    static func calibrate(pointCount n: Int, k: Int, maximumDimension: Int, seed: UInt64) throws -> [Statistics] {
        try (1...maximumDimension).map { d in
            var generator = SeededGenerator(seed: seed &+ UInt64(d) &* 0x9E37_79B9_7F4A_7C15)
            let ball = uniformBall(count: n, dimension: d, generator: &generator)
            let table = try ExactNeighbors.search(ball, k: k + 1)
            return pointStatistics(ball, neighbors: table, k: k)
                .statistics(k: k, bound: Double(2 * d + 5), counts: nil)
        }
    }

    /// `count` points uniform in the unit `dimension`-ball: g/|g|·U^(1/d), g standard normal.
    static func uniformBall(count: Int, dimension d: Int, generator: inout SeededGenerator) -> Matrix<Double> {
        var storage = [Double](repeating: 0, count: count * d)
        for row in 0..<count {
            var norm = 0.0
            for column in 0..<d {
                let value = generator.nextGaussian()
                storage[row * d + column] = value
                norm += value * value
            }
            let scale = pow(generator.nextUnitDouble(), 1 / Double(d)) / norm.squareRoot()
            for column in 0..<d { storage[row * d + column] *= scale }
        }
        return Matrix(rows: count, columns: d, storage: storage)
    }

    /// log ρᵢ and the von Mises fit (νᵢ, τᵢ) of each point from its first k + 1 neighbours.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    static func pointStatistics<Scalar: NeighborScalar>(_ points: Matrix<Scalar>, neighbors: NeighborTable<Scalar>,
                                                        k: Int) -> PointStatistics {
        let n = points.rows, d = points.columns
        var logRatios: [Double] = [], ratioPoints: [Int] = []
        for point in 0..<n {
            let ratio = Double(neighbors.distance(point, rank: 0)) / Double(neighbors.distance(point, rank: k))
            if ratio > 0 && ratio < 1 {
                logRatios.append(log(ratio))
                ratioPoints.append(point)
            }
        }
        var nu = [Double](repeating: .nan, count: n), tau = [Double](repeating: .nan, count: n)
        var vectors = [Double](repeating: 0, count: k * d)
        points.storage.withUnsafeBufferPointer { rows in
            for point in 0..<n {
                for rank in 0..<k {
                    let other = neighbors.neighbor(point, rank: rank)
                    for column in 0..<d {
                        vectors[rank * d + column] = Double(rows[other * d + column]) - Double(rows[point * d + column])
                    }
                }
                (nu[point], tau[point]) = vonMisesFit(vectors, count: k, columns: d)
            }
        }
        return PointStatistics(logRatios: logRatios, ratioPoints: ratioPoints, nu: nu, tau: tau, columns: d)
    }

    /// (ν, τ) of the angles between all pairs of the `count` vectors (rows of `vectors`);
    /// pairs with a zero vector are skipped; NaN when none is left.
    static func vonMisesFit(_ vectors: [Double], count: Int, columns d: Int) -> (Double, Double) {
        var lengths = [Double](repeating: 0, count: count)
        for a in 0..<count {
            var sum = 0.0
            for column in 0..<d { sum += vectors[a * d + column] * vectors[a * d + column] }
            lengths[a] = sum.squareRoot()
        }
        var sinSum = 0.0, cosSum = 0.0, pairs = 0
        for a in 0..<count where lengths[a] > 0 {
            for b in (a + 1)..<max(a + 1, count) where lengths[b] > 0 {
                var dot = 0.0
                for column in 0..<d { dot += vectors[a * d + column] * vectors[b * d + column] }
                let theta = acos(min(1, max(-1, dot / (lengths[a] * lengths[b]))))
                sinSum += sin(theta)
                cosSum += cos(theta)
                pairs += 1
            }
        }
        guard pairs > 0 else { return (.nan, .nan) }
        let nu = atan(sinSum / cosSum)
        let eta = ((cosSum / Double(pairs)) * (cosSum / Double(pairs)) + (sinSum / Double(pairs)) * (sinSum / Double(pairs))).squareRoot()
        return (nu, inverseA(eta))
    }

    /// Best & Fisher's (1981) approximation of A⁻¹(η), A(τ) = I₁(τ)/I₀(τ), as the reference code.
    static func inverseA(_ eta: Double) -> Double {
        if eta < 0.53 { return 2 * eta + eta * eta * eta + 5 * pow(eta, 5) / 6 }
        if eta < 0.85 { return -0.4 + 1.39 * eta + 0.43 / (1 - eta) }
        return 1 / (eta * eta * eta - 4 * eta * eta + 3 * eta)
    }
}
