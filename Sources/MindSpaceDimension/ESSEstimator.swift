import Foundation
import MindSpaceCore
import MindSpaceNumerics

/// Expected Simplex Skewness (ESS): intrinsic dimension from how "flat" the simplices spanned by
/// the centred points of a neighbourhood are (Johnsson, Soneson & Fontes 2015, "Low bias local
/// intrinsic dimension estimation from expected simplex skewness", IEEE TPAMI 37:196). This is
/// scikit-dimension 0.5.0's `ESS()` (a `LocalEstimator`: 100 neighbours, mean of local values).
///
/// **Local statistic.** The k = 100 nearest other points of point i are centred on **their own
/// mean**, giving vectors u₁…u_k. Over every pair (a < b):
/// - version `.a` (default): s = Σ |u_a|·|u_b|·|sin θ_ab| / Σ |u_a|·|u_b|, the area of the
///   parallelogram √det(Gram) over the product of lengths;
/// - version `.b`: s = Σ |u_a·u_b| / Σ |u_a|·|u_b| (|cos θ_ab|).
/// For vectors uniform in a ball of dimension n these have the expectations (simplex dimension 1)
///   a: f(n) = Γ(n/2)² / (Γ((n+1)/2)·Γ((n−1)/2)), f(1) = 0 (2/π at n = 2, → 1 as n grows);
///   b: g(n) = 2/(√π·n) · Γ((n+2)/2) / Γ((n+1)/2), g(1) = 1 (decreasing),
/// and the local dimension inverts them with linear interpolation between integers: with
/// f(n) ≤ s < f(n+1), d = n + (s − f(n))/(f(n+1) − f(n)) (for `.b`, g(n) > s ≥ g(n+1)), as
/// scikit-dimension's bisection over its tabulated f does. These are the per-point values;
/// the estimate is their mean, with a seeded bootstrap over points.
///
/// **Pairs.** scikit-dimension draws 5000 of the C(k, 2) pairs at random when there are more;
/// with its default k = 100 there are 4950 and it uses all of them, as we always do (so the
/// result is deterministic and equals scikit-dimension's for k ≤ 100). Only simplices of
/// dimension 1 (pairs) are implemented: scikit-dimension's default, and the only one its
/// version b supports.
///
/// **Known biases.** Designed for low bias on local, flat, uniformly filled patches; curvature
/// and noise within the neighbourhood bias it up, anisotropic sampling down. Data with D = 1
/// gives local value 1 (scikit-dimension returns s = 0 for `.a`, 1 for `.b`).
///
/// **Duplicates.** Removed by default. Kept, copies in a neighbourhood are parallel vectors
/// (sin θ = 0), pulling `.a` down; a neighbourhood whose vectors are all zero has an undefined
/// statistic (0/0) and is left out of the mean (per-point NaN).
///
/// **Cost.** One k-NN search, then O(k²·D) per point (the k×k Gram matrix of the centred
/// neighbours, `dsyrk`); points run in parallel.
public struct ESSEstimator: DimensionEstimator {
    /// Which skewness statistic.
    public enum Version: String, Sendable, Codable {
        /// Parallelogram areas (|sin θ|), increasing in dimension (default).
        case a
        /// Projections (|cos θ|), decreasing in dimension.
        case b
    }

    /// Neighbourhood size k (≥ 3; default 100).
    public let k: Int
    /// Statistic (default `.a`).
    public let version: Version

    /// ESS over `k` neighbours (default 100, scikit-dimension's), version `version` (default `.a`).
    public init(k: Int = 100, version: Version = .a) {
        self.k = k
        self.version = version
    }

    /// `ess` (version a) or `ess-b`.
    public var name: String { version == .a ? "ess" : "ess-b" }
    /// Neighbours per point.
    public var neighborCount: Int { k }
    public var parameters: [String: ParameterValue] {
        ["k": .int(k), "version": .string(version.rawValue), "simplex_dimension": .int(1)]
    }

    /// Removes duplicates (unless kept), searches k neighbours and estimates. Throws
    /// `.malformedData` for fewer than k + 1 (distinct) points or a NaN/Inf.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func estimate<Scalar: NeighborScalar>(_ points: Matrix<Scalar>,
                                                 options: EstimationOptions) throws -> DimensionEstimate {
        try validate(options)
        let prepared = try PreparedRows(points, options: options, minimumRows: k + 1, estimator: name)
        let table = try ExactNeighbors.search(prepared.rows, k: k)
        return prepared.annotated(try estimate(neighbors: table, points: prepared.rows, options: options))
    }

    /// The estimate from `points` and their neighbour table (first k neighbours used).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func estimate<Scalar: NeighborScalar>(neighbors: NeighborTable<Scalar>, points: Matrix<Scalar>,
                                                 options: EstimationOptions) throws -> DimensionEstimate {
        try validate(options)
        precondition(neighbors.pointCount == points.rows && neighbors.k >= k, "neighbour table does not fit the points")
        let skewness = Self.localSkewness(points: points, neighbors: neighbors, k: k, version: version)
        let local = skewness.map { points.columns < 2 ? 1 : dimension(ofSkewness: $0) }
        return try LocalMeanSummary.estimate(estimator: name, local: local, parameters: parameters, options: options,
                                             undefinedReason: "all neighbour vectors are zero")
    }

    private func validate(_ options: EstimationOptions) throws {
        try options.validate()
        guard k >= 3 else { throw MindSpaceError(.usage, "\(name): k must be at least 3, got \(k)") }
    }

    /// The expected skewness of a uniform ball of dimension n ≥ 1 (f for `.a`, g for `.b`).
    func reference(_ n: Int) -> Double {
        let x = Double(n)
        switch version {
        case .a:
            guard n >= 2 else { return 0 }
            let logValue: Double = 2 * lgamma(x / 2) - lgamma((x + 1) / 2) - lgamma((x - 1) / 2)
            return exp(logValue)
        case .b:
            let logRatio: Double = lgamma((x + 2) / 2) - lgamma((x + 1) / 2)
            let scale: Double = 2 / (Double.pi.squareRoot() * x)
            return scale * exp(logRatio)
        }
    }

    /// Inverts the reference curve with linear interpolation between integer dimensions (NaN
    /// for a NaN statistic). The bracketing n is found by doubling then bisection.
    func dimension(ofSkewness s: Double) -> Double {
        guard s.isFinite else { return .nan }
        // below(n): s lies at or beyond f(n) on the increasing side (a), or before g(n) (b).
        func below(_ n: Int) -> Bool { version == .a ? reference(n) <= s : reference(n) > s }
        guard below(1) else { return 1 }   // only `.b` with s ≥ 1 (all vectors collinear)
        var high = 2
        while below(high) {
            high *= 2
            if high > 1 << 40 { return .infinity }
        }
        var low = high / 2    // below(low), !below(high)
        while high - low > 1 {
            let middle = (low + high) / 2
            if below(middle) { low = middle } else { high = middle }
        }
        let lower = reference(low), upper = reference(low + 1)
        return Double(low) + (s - lower) / (upper - lower)
    }

    /// The pairwise skewness statistic of each point's centred k-neighbourhood.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    static func localSkewness<Scalar: NeighborScalar>(points: Matrix<Scalar>, neighbors: NeighborTable<Scalar>,
                                                      k: Int, version: Version) -> [Double] {
        let n = points.rows, d = points.columns
        var result = [Double](repeating: .nan, count: n)
        let workers = max(1, min(ParallelLoop.threadLimit, n))
        result.withUnsafeMutableBufferPointer { output in
            let values = output
            ParallelLoop.forEach(workers) { worker in
                var patch = [Double](repeating: 0, count: k * d)
                var gram = [Double](repeating: 0, count: k * k)
                for point in stride(from: worker, to: n, by: workers) {
                    points.storage.withUnsafeBufferPointer { rows in
                        patch.withUnsafeMutableBufferPointer { buffer in
                            NeighborhoodPatch.gatherCentred(rows, columns: d, neighbors: neighbors, point: point, k: k, into: buffer)
                        }
                    }
                    patch.withUnsafeBufferPointer { a in
                        gram.withUnsafeMutableBufferPointer { c in
                            guard let aBase = a.baseAddress, let cBase = c.baseAddress else { return }
                            BLAS.syrkUpper(transpose: false, n: k, k: d, alpha: 1, a: aBase, lda: d,
                                           beta: 0, c: cBase, ldc: k)
                            values[point] = pairStatistic(UnsafeBufferPointer(c), k: k, version: version)
                        }
                    }
                }
            }
        }
        return result
    }

    /// Σ_{a<b} numerator / Σ_{a<b} |u_a||u_b| from the upper triangle of the Gram matrix G:
    /// numerator √|G_aa·G_bb − G_ab²| (`.a`) or |G_ab| (`.b`).
    private static func pairStatistic(_ gram: UnsafeBufferPointer<Double>, k: Int, version: Version) -> Double {
        var numerator = 0.0, weights = 0.0
        for a in 0..<k {
            let aa = gram[a * k + a]
            for b in (a + 1)..<k {
                let bb = gram[b * k + b], ab = gram[a * k + b]
                weights += (aa * bb).squareRoot()
                numerator += version == .a ? abs(aa * bb - ab * ab).squareRoot() : abs(ab)
            }
        }
        return numerator / weights
    }
}
