import Foundation
import MindSpaceCore
import MindSpaceNumerics

/// TLE, tight local intrinsic-dimensionality estimation (Amsaleg, Chelly, Houle,
/// Kawarabayashi, Radovanović & Treeratanajaru 2019, "Intrinsic dimensionality estimation
/// within tight localities", SIAM SDM 2019, pp. 181–189), matching scikit-dimension 0.5.0's
/// `skdim.id.TLE` — the variant with central measurements and reflections (`idtlec.m` of the
/// authors' MATLAB code) — including its boundary cases.
///
/// **Local estimate.** For a point x with neighbours y₁ … y_k at distances D₁ ≤ … ≤ D_k = r,
/// every ordered pair (i, j) of neighbours gives two more distance samples inside the ball of
/// radius r: sᵢⱼ, the distance from yᵢ to yⱼ rescaled as if yᵢ were the centre of a tight
/// neighbourhood of radius r, and tᵢⱼ, the same for the reflection 2x − yⱼ of yⱼ through x
/// (‖yᵢ − (2x − yⱼ)‖² = Zᵢⱼ²). With Vᵢⱼ = ‖yᵢ − yⱼ‖ and Zᵢⱼ² = 2Dᵢ² + 2Dⱼ² − Vᵢⱼ²:
///   sᵢⱼ = r·(√((Dᵢ² + Vᵢⱼ² − Dⱼ²)² + 4Vᵢⱼ²(r² − Dᵢ²)) − (Dᵢ² + Vᵢⱼ² − Dⱼ²)) / (2(r² − Dᵢ²)),
///   tᵢⱼ = the same with Zᵢⱼ² in place of Vᵢⱼ²,
/// (for Dᵢ = r: sᵢⱼ = rVᵢⱼ²/(r² + Vᵢⱼ² − Dⱼ²), tᵢⱼ = rZᵢⱼ²/(r² + Zᵢⱼ² − Dⱼ²)). Pooling these
/// k² − k pairs of samples with the k distances themselves in the maximum-likelihood estimate
/// of the extreme-value model F(ρ) = (ρ/r)^m gives
///   m̂ = −2(k² − n_dropped) / (Σ log(sᵢⱼ/r) + Σ log(tᵢⱼ/r) + 2 Σ log(Dᵢ/r)),
/// the per-point value (`pointwise`); the global estimate pools them (default: the mean, as
/// scikit-dimension's `comb="mean"`).
///
/// **Boundary cases** (as scikit-dimension): Dᵢ = 0 → sᵢⱼ = tᵢⱼ = Dⱼ; Dⱼ = 0 →
/// sᵢⱼ = tᵢⱼ = rVᵢⱼ/(r + Vᵢⱼ); Vᵢⱼ = 0 (i ≠ j) → the pair is dropped; samples below
/// `epsilon` or NaN are dropped, and so are distances Dᵢ < `epsilon`; if the two sums of
/// log-samples exceed −`epsilon` (all distances nearly equal) the local value is 0. A point whose
/// k neighbours are all at distance 0 has no value (NaN; scikit-dimension raises an error).
///
/// **Defaults** as scikit-dimension: k = 20 (`_N_NEIGHBORS`), `epsilon` = 1e−4. Note that
/// `epsilon` is an **absolute distance** in the data's units: on data whose neighbour
/// distances are around 1e−4 or below, most samples are dropped; rescale such data first.
/// Where scikit-dimension lowers k to N − 1 for small sets, we refuse (`.malformedData`).
///
/// **Interval.** Seeded percentile bootstrap over points of the pooled value (`Bootstrap`).
///
/// **Known biases.** Lower variance than MLE/MOM at the same k (k² samples instead of k);
/// reads low on bounded or curved sets in high dimension, high under noise. Distances are
/// computed in Double from the coordinates (also for float32 input).
///
/// **Cost.** O(N·k²·D) for the distances between neighbours, spread over `ParallelLoop.threadLimit` threads.
///
/// **Duplicates.** Removed by default. With duplicates kept, twins give Dᵢ = 0 or Vᵢⱼ = 0 and
/// are handled by the boundary cases above (as scikit-dimension does).
public struct TLEEstimator: CoordinateNeighborDimensionEstimator {
    /// Neighbours per point (k ≥ 2; default 20).
    public let k: Int
    /// Samples and distances below this absolute distance are dropped (default 1e−4).
    public let epsilon: Double
    /// How local estimates are combined (default `.mean`).
    public let pooling: LocalEstimatePooling

    /// TLE with `k` neighbours (default 20), cut-off `epsilon` (default 1e−4, in data units)
    /// and `pooling` of the local estimates.
    public init(k: Int = 20, epsilon: Double = 1e-4, pooling: LocalEstimatePooling = .mean) {
        self.k = k
        self.epsilon = epsilon
        self.pooling = pooling
    }

    public var name: String { "tle" }
    public var neighborCount: Int { k }
    public var parameters: [String: ParameterValue] {
        ["k": .int(k), "epsilon": .double(epsilon), "pooling": .string(pooling.rawValue)]
    }

    /// Local TLE values for every point, their pool and a bootstrap interval (see the type).
    /// Throws `.usage` for k < 2 or a negative or non-finite `epsilon`, `.malformedData` when
    /// fewer than two local values are finite.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func estimate<Scalar: NeighborScalar>(neighbors: NeighborTable<Scalar>, points: Matrix<Scalar>,
                                                 options: EstimationOptions) throws -> DimensionEstimate {
        try options.validate()
        guard k >= 2 else { throw MindSpaceError(.usage, "tle: k must be at least 2, got \(k)") }
        guard epsilon >= 0 && epsilon.isFinite else {
            throw MindSpaceError(.usage, "tle: epsilon must be a finite non-negative distance, got \(epsilon)")
        }
        precondition(neighbors.k >= k && neighbors.pointCount == points.rows, "neighbour table does not fit the points")
        let local = localEstimates(neighbors: neighbors, points: points)
        return try LocalEstimateSummary.estimate(
            estimator: name, local: local, pooling: pooling, parameters: parameters, options: options,
            undefinedReason: "all k neighbours at distance 0")
    }

    /// One local value per point, computed in chunks of points spread over `ParallelLoop.threadLimit` workers
    /// (each with its own k×k scratch), so the result does not depend on the thread count.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    private func localEstimates<Scalar: NeighborScalar>(neighbors: NeighborTable<Scalar>, points: Matrix<Scalar>) -> [Double] {
        let n = neighbors.pointCount, d = points.columns, k = self.k, epsilon = self.epsilon
        var local = [Double](repeating: .nan, count: n)
        let chunk = 64
        let chunkCount = (n + chunk - 1) / chunk
        let workers = max(1, min(ParallelLoop.threadLimit, chunkCount))
        points.storage.withUnsafeBufferPointer { rows in
            local.withUnsafeMutableBufferPointer { output in
                let output = output   // each worker writes only its own points' entries
                let work = { (worker: Int) in
                    let distances = UnsafeMutablePointer<Double>.allocate(capacity: k)
                    let pairwise = UnsafeMutablePointer<Double>.allocate(capacity: k * k)
                    defer { distances.deallocate(); pairwise.deallocate() }
                    for chunkIndex in stride(from: worker, to: chunkCount, by: workers) {
                        for point in (chunkIndex * chunk)..<min(n, (chunkIndex + 1) * chunk) {
                            let centre = point * d
                            for a in 0..<k {
                                let neighbor = neighbors.neighbor(point, rank: a) * d
                                distances[a] = Self.distance(rows, centre, neighbor, d)
                                pairwise[a * k + a] = 0
                                for b in 0..<a {
                                    let value = Self.distance(rows, neighbor, neighbors.neighbor(point, rank: b) * d, d)
                                    pairwise[a * k + b] = value
                                    pairwise[b * k + a] = value
                                }
                            }
                            output[point] = Self.localEstimate(distances: distances, pairwise: pairwise, k: k, epsilon: epsilon)
                        }
                    }
                }
                ParallelLoop.forEach(workers, work)
            }
        }
        return local
    }

    /// ‖row(a) − row(b)‖ in Double, rows given by their offsets into `rows`.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    @inline(__always)
    private static func distance<Scalar: BinaryFloatingPoint>(_ rows: UnsafeBufferPointer<Scalar>, _ a: Int, _ b: Int, _ d: Int) -> Double {
        var sum = 0.0
        for column in 0..<d {
            let difference = Double(rows[a + column]) - Double(rows[b + column])
            sum += difference * difference
        }
        return sum.squareRoot()
    }

    /// The TLE value of one point from its k ascending neighbour distances and the k×k matrix of
    /// distances between its neighbours (see the type for the formulas and boundary cases).
    /// NaN when every distance is 0.
    static func localEstimate(distances: UnsafePointer<Double>, pairwise: UnsafePointer<Double>, k: Int,
                              epsilon: Double) -> Double {
        let r = distances[k - 1]
        guard r > 0 else { return .nan }
        let r2 = r * r
        var sumT = 0.0, sumS = 0.0
        var droppedSamples = 0, droppedPairs = 0
        for i in 0..<k {
            let di = distances[i], di2 = di * di
            for j in 0..<k where j != i {
                let dj = distances[j], dj2 = dj * dj
                let v = pairwise[i * k + j], v2 = v * v
                let z2 = 2 * di2 + 2 * dj2 - v2
                var s: Double, t: Double
                if di == r {
                    s = r * v2 / (r2 + v2 - dj2)
                    t = r * z2 / (r2 + z2 - dj2)
                } else {
                    let bs = di2 + v2 - dj2, bt = di2 + z2 - dj2
                    s = r * ((bs * bs + 4 * v2 * (r2 - di2)).squareRoot() - bs) / (2 * (r2 - di2))
                    t = r * ((bt * bt + 4 * z2 * (r2 - di2)).squareRoot() - bt) / (2 * (r2 - di2))
                }
                if di == 0 { s = dj; t = dj }
                if dj == 0 { s = r * v / (r + v); t = s }
                if v == 0 { s = r; t = r; droppedPairs += 1 }
                if t < epsilon || s < epsilon || t.isNaN || s.isNaN {
                    droppedSamples += 1
                    s = r; t = r
                }
                sumT += log(t / r)
                sumS += log(s / r)
            }
        }
        var droppedDistances = 0
        var sumD = 0.0
        for i in 0..<k {
            if distances[i] < epsilon { droppedDistances += 1 } else { sumD += log(distances[i] / r) }
        }
        if sumT + sumS > -epsilon { return 0 }
        return -2 * Double(k * k - droppedSamples - droppedDistances - droppedPairs) / (sumT + sumS + 2 * sumD)
    }
}
