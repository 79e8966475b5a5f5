import MindSpaceCore
import MindSpaceNumerics
import MindSpaceSynthetic

/// Calibration of the neighbour-rank ratio statistic (`RankRatioStatistic`) against uniform
/// reference samples: what the statistic reads on n uniform points of a known dimension m, and
/// the inverse map from a measured value back to m. The idea is DANCo's and MiND_KL's (Ceruti,
/// Bassis, Rozza, Lombardi, Casiraghi & Campadelli 2014, "DANCo: an intrinsic dimensionality
/// estimator exploiting angle and norm concentration", Pattern Recognition 47:2569; Rozza et al.
/// 2012, "Novel high intrinsic dimensionality estimators", Machine Learning 89:37): compare the
/// data with synthetic data of each candidate dimension **at the same sample size**, so the
/// finite-sample bias (neighbours that reach far in high dimension, boundaries) is the same on
/// both sides and cancels.
///
/// **Curve.** For a candidate m, `replicates` samples of `sampleSize` points are drawn uniformly
/// from the reference shape of dimension m (`UniformShape`: the m-ball, m-cube or m-sphere), each
/// searched for its 2·max(scales) nearest neighbours (float32), and the log ratios pooled:
///   f_j(m) = (ψ(2j) − ψ(j)) / mean over all reference points of log(r₂ⱼ/rⱼ),
/// the same estimator the data get. Candidates form a fixed grid (`candidateDimensions`): every
/// integer to 8, then steps of about 20 % up to `maximumDimension`.
///
/// **Inversion.** f_j is increasing in m up to sampling noise. `invert` walks the grid from the
/// largest candidate not above the target t (f_j(m) ≤ m nearly always, so the answer is at or
/// above it) to the first pair m_a < m_b with f_j(m_a) ≤ t < f_j(m_b), and interpolates linearly
/// in log m against log f (the curves are close to power laws there). Only the candidates the
/// walks visit are ever sampled, and each is sampled once (cached), so the cost follows the answer:
/// a few candidates around it, not the whole grid. Below f_j(1) the answer is 1·t/f_j(1);
/// above f_j(maximumDimension) it is `maximumDimension`, flagged as a lower bound.
///
/// **Noise.** The reference mean carries sampling noise of the same relative size as the data's
/// statistic on one sample of the same size, divided by √replicates; `AutoEstimator` widens its
/// interval accordingly. Curves are not smoothed across m: adjacent candidates are independent
/// samples, and the walk uses only the bracketing pair.
///
/// **Determinism.** The sample for (shape, m, replicate) comes from a `SeededGenerator` whose seed
/// is derived from `seed`, the shape, m and the replicate only, so a curve point never depends on
/// which other candidates were visited, and results do not depend on the thread count.
///
/// **Cost.** One exact neighbour search of `sampleSize` points in m (m + 1 for the sphere)
/// coordinates per visited candidate and replicate: O(n²·m) each.
public struct DimensionCalibration: Sendable {
    /// Where the inverted value lies relative to the calibrated range.
    public enum Bound: String, Sendable {
        /// Between two evaluated candidates (interpolated).
        case within
        /// Below the statistic of a 1-dimensional reference: extrapolated proportionally.
        case belowSmallest = "below-smallest"
        /// Above the statistic at `maximumDimension`: the answer is that maximum, a lower bound.
        case aboveLargest = "above-largest"
    }

    /// The dimension whose reference statistic equals a given value.
    public struct Inversion: Sendable, Equatable {
        public var dimension: Double
        public var bound: Bound
    }

    /// The reference geometry.
    public let reference: UniformShape
    /// n, the points per reference sample (the data's sample size).
    public let sampleSize: Int
    /// The neighbour-rank scales j of the statistic.
    public let scales: [Int]
    /// Reference samples averaged per candidate (≥ 1).
    public let replicates: Int
    /// The largest candidate dimension.
    public let maximumDimension: Int
    /// Seed every reference sample is derived from.
    public let seed: UInt64
    /// f_j(m) for every candidate m sampled so far (one value per scale).
    public private(set) var curve: [Int: [Double]] = [:]

    /// A calibration; nothing is sampled until `expectedRaw` or `invert` needs it.
    /// Requires sampleSize > 2·max(scales), replicates ≥ 1 and maximumDimension ≥ 1.
    public init(reference: UniformShape, sampleSize: Int, scales: [Int], replicates: Int,
                maximumDimension: Int, seed: UInt64) {
        precondition(!scales.isEmpty && scales.allSatisfy { $0 >= 1 }, "scales must be positive")
        precondition(sampleSize > 2 * (scales.max() ?? 1), "the sample is too small for the largest scale")
        precondition(replicates >= 1 && maximumDimension >= 1, "need a replicate and a candidate")
        self.reference = reference
        self.sampleSize = sampleSize
        self.scales = scales
        self.replicates = replicates
        self.maximumDimension = maximumDimension
        self.seed = seed
    }

    /// The candidate grid up to `maximum` (ascending, ending at `maximum`): 1…8, then each step
    /// about 20 % above the last, so linear interpolation in log–log is accurate to well under 1 %
    /// on these smooth curves while a candidate of 100 is reached in about 15 steps.
    public static func candidateDimensions(upTo maximum: Int) -> [Int] {
        precondition(maximum >= 1)
        var grid: [Int] = []
        var m = 1
        while m < maximum {
            grid.append(m)
            m = m < 8 ? m + 1 : max(m + 1, Int((Double(m) * 1.2).rounded()))
        }
        grid.append(maximum)
        return grid
    }

    /// Reference samples drawn so far (candidates visited × replicates).
    public var samplesDrawn: Int { curve.count * replicates }

    /// f_j(m) for every scale: the statistic on uniform samples of dimension m (cached).
    /// - Throws: the neighbour search's errors (none for valid settings).
    public mutating func expectedRaw(dimension m: Int) throws -> [Double] {
        precondition(m >= 1 && m <= maximumDimension, "candidate out of range")
        if let known = curve[m] { return known }
        var sums = [Double](repeating: 0, count: scales.count)
        var count = 0
        for replicate in 0..<replicates {
            var generator = SeededGenerator(seed: Self.streamSeed(seed, reference.hashTag, UInt64(m), UInt64(replicate)))
            let sample = reference.points(n: sampleSize, dimension: m, generator: &generator).converted(to: Float.self)
            let table = try ExactNeighbors.search(sample, k: 2 * (scales.max() ?? 1))
            let ratios = RankRatioStatistic.logRatios(table, scales: scales).values
            for (row, values) in ratios.enumerated() { sums[row] += values.reduce(0, +) }
            count += ratios.first?.count ?? 0
        }
        let values = zip(sums, scales).map { sum, j in
            RankRatioStatistic.rawDimension(meanLogRatio: sum / Double(max(count, 1)), scale: j)
        }
        curve[m] = values
        return values
    }

    /// The dimension m with f_j(m) = `raw` at scale `scales[scaleIndex]` (see the type's
    /// documentation for the walk, the interpolation and the two out-of-range cases).
    public mutating func invert(_ raw: Double, scaleIndex: Int) throws -> Inversion {
        precondition(raw > 0 && raw.isFinite, "the statistic must be positive and finite")
        let grid = Self.candidateDimensions(upTo: maximumDimension)
        var index = max(0, (grid.lastIndex { Double($0) <= raw }) ?? 0)
        var value = try expectedRaw(dimension: grid[index])[scaleIndex]
        var upper: (m: Int, value: Double)
        if value > raw {
            // Walk down to the first candidate at or below the target.
            upper = (grid[index], value)
            while value > raw {
                guard index > 0 else {
                    return Inversion(dimension: Double(grid[0]) * raw / value, bound: .belowSmallest)
                }
                upper = (grid[index], value)
                index -= 1
                value = try expectedRaw(dimension: grid[index])[scaleIndex]
            }
        } else {
            // Walk up to the first candidate above the target.
            while true {
                guard index + 1 < grid.count else {
                    return Inversion(dimension: Double(grid[index]), bound: .aboveLargest)
                }
                let next = try expectedRaw(dimension: grid[index + 1])[scaleIndex]
                if next > raw { upper = (grid[index + 1], next); break }
                index += 1
                value = next
            }
        }
        let lower = (m: grid[index], value: value)
        let fraction = (log(raw) - log(lower.value)) / (log(upper.value) - log(lower.value))
        let logM = log(Double(lower.m)) + fraction * (log(Double(upper.m)) - log(Double(lower.m)))
        return Inversion(dimension: exp(logM), bound: .within)
    }

    /// A seed for one independent stream, mixed from `seed` and the parts by SplitMix64-seeded
    /// xoshiro draws (deterministic on every platform).
    static func streamSeed(_ seed: UInt64, _ parts: UInt64...) -> UInt64 {
        var generator = SeededGenerator(seed: seed)
        var mixed = generator.next()
        for part in parts {
            var next = SeededGenerator(seed: mixed ^ (part &* 0x9E37_79B9_7F4A_7C15))
            mixed = next.next()
        }
        return mixed
    }
}

extension UniformShape {
    /// A fixed tag per shape for deriving calibration streams.
    var hashTag: UInt64 {
        switch self {
        case .hypercube: return 1
        case .ball: return 2
        case .sphere: return 3
        case .gaussian: return 4
        }
    }
}
