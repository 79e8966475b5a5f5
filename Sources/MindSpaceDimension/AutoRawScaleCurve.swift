import Foundation
import MindSpaceCore
import MindSpaceNumerics

extension AutoEstimator {
    /// Steps 1–2 of `auto` (see `AutoEstimator`): the distinct rows split into
    /// `DisjointSubsamples`, each searched for its neighbours, and the raw dimension
    /// d̂ⱼ = (ψ(2j) − ψ(j)) / mean log(r₂ⱼ/rⱼ) (`RankRatioStatistic`) pooled over the subsamples at
    /// every usable scale j, with its percentile bootstrap interval widened (in log space) by
    /// w = √(1 + count/replicates) for the noise of the reference it will be compared with.
    struct RawScaleCurve {
        /// The subsamples the statistic pools (n = `split.size` points each).
        let split: DisjointSubsamples
        /// The scales j kept, ascending: those the sample size allows
        /// (`AutoEstimator.scales(forSampleSize:)`) whose mean log ratio is positive.
        let scales: [Int]
        /// d̂ⱼ per scale.
        let raw: [Double]
        /// The lower end of d̂ⱼ's widened bootstrap interval, per scale.
        let low: [Double]
        /// The upper end of d̂ⱼ's widened bootstrap interval, per scale (+∞ where unbounded).
        let high: [Double]
        /// w = √(1 + count/replicates), the factor the intervals were widened by in log space.
        let widening: Double
        /// Points with a defined ratio, pooled over the subsamples.
        let pointsUsed: Int
        /// Points left out for a zero first-neighbour distance (only when duplicates are kept).
        let zeroDistancePoints: Int

        /// n, the points per subsample (and per reference sample).
        var sampleSize: Int { split.size }

        /// Splits `working` (the distinct rows) into subsamples of about `sampleSize` points, at
        /// most `maximumSamples` of them, and computes the curve; `referenceReplicates` sets the
        /// widening. The split is seeded from `options.seed`, the bootstrap by `BootstrapInterval`.
        /// - Throws: `.malformedData` when fewer than 2 points have a nonzero nearest-neighbour
        ///   distance or every first and second neighbour are equally far (lattice-like data).
        init<Scalar: NeighborScalar>(_ working: Matrix<Scalar>, sampleSize: Int, maximumSamples: Int,
                                     referenceReplicates: Int, options: EstimationOptions) throws {
            var splitGenerator = SeededGenerator(seed: DimensionCalibration.streamSeed(options.seed, 0x5355_4253))
            split = DisjointSubsamples(pointCount: working.rows, targetSize: sampleSize,
                                       maximumCount: maximumSamples, generator: &splitGenerator)
            let candidates = AutoEstimator.scales(forSampleSize: split.size)
            let ratios = try Self.pooledLogRatios(working, split: split, scales: candidates)
            let used = ratios.pooled[0].count
            guard used >= 2 else {
                throw MindSpaceError(.malformedData, "auto: too few points with a nonzero nearest-neighbour distance: \(used)")
            }
            let means = ratios.pooled.map { $0.reduce(0, +) / Double(used) }
            guard means[0] > 0 else {
                throw MindSpaceError(.malformedData,
                                     "auto: every point has equal first and second neighbour distances (lattice-like data); the ratio statistic is undefined")
            }
            // A larger scale with all ratios 1 (possible only on lattice-like data) is dropped.
            let finite = candidates.indices.filter { means[$0] > 0 }
            scales = finite.map { candidates[$0] }
            let pooled = finite.map { ratios.pooled[$0] }
            raw = zip(finite.map { means[$0] }, scales).map { RankRatioStatistic.rawDimension(meanLogRatio: $0, scale: $1) }
            pointsUsed = used
            zeroDistancePoints = ratios.skipped
            widening = (1 + Double(split.count) / Double(referenceReplicates)).squareRoot()
            (low, high) = Self.widenedBootstrapIntervals(pooled: pooled, raw: raw, scales: scales, widening: widening,
                                                         bootstrap: BootstrapInterval(options))
        }

        /// Per scale, each subsample's per-point log(r₂ⱼ/rⱼ) appended in subsample order, and the
        /// number of points skipped for a zero first-neighbour distance (`RankRatioStatistic.logRatios`).
        private static func pooledLogRatios<Scalar: NeighborScalar>(
            _ working: Matrix<Scalar>, split: DisjointSubsamples, scales: [Int]
        ) throws -> (pooled: [[Double]], skipped: Int) {
            var pooled = scales.map { _ in [Double]() }
            var skipped = 0
            for part in 0..<split.count {
                let table = try ExactNeighbors.search(split.matrix(working, part: part), k: 2 * (scales.last ?? 1))
                let ratios = RankRatioStatistic.logRatios(table, scales: scales)
                skipped += ratios.skipped
                for row in scales.indices { pooled[row].append(contentsOf: ratios.values[row]) }
            }
            return (pooled, skipped)
        }

        /// The bootstrap interval of each scale's raw dimension (the same resamples at every scale),
        /// widened about d̂ⱼ in log space by `widening`:
        /// low = exp(log d̂ − (log d̂ − log l)·w), high = exp(log d̂ + (log h − log d̂)·w), with
        /// [l, h] the percentile interval stretched to contain d̂ (high +∞ when h is not finite).
        private static func widenedBootstrapIntervals(pooled: [[Double]], raw: [Double], scales: [Int],
                                                      widening: Double,
                                                      bootstrap: BootstrapInterval) -> (low: [Double], high: [Double]) {
            let used = pooled[0].count
            var rawLow: [Double] = [], rawHigh: [Double] = []
            for (row, j) in scales.enumerated() {
                let values = pooled[row]
                let bounds = values.withUnsafeBufferPointer { items in
                    bootstrap.percentileBounds(itemCount: used) { counts in
                        var sum = 0.0
                        for index in 0..<used { sum += Double(counts[index]) * items[index] }
                        return RankRatioStatistic.rawDimension(meanLogRatio: sum / Double(used), scale: j)
                    }
                }
                let low = min(bounds?.low ?? raw[row], raw[row]), high = max(bounds?.high ?? raw[row], raw[row])
                rawLow.append(exp(log(raw[row]) - (log(raw[row]) - log(low)) * widening))
                rawHigh.append(high.isFinite ? exp(log(raw[row]) + (log(high) - log(raw[row])) * widening) : .infinity)
            }
            return (rawLow, rawHigh)
        }
    }
}
