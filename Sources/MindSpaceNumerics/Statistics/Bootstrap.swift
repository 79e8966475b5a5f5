import MindSpaceCore

/// Seeded nonparametric bootstrap (Efron 1979) with percentile confidence intervals
/// (Efron & Tibshirani 1993, ch. 13), for estimators without an analytic interval.
///
/// A resample of n items is drawn with replacement and handed to the statistic as
/// **multiplicities**: `counts[i]` is how many times item i was drawn (Σ counts = n). Estimators
/// whose statistic is a sum, or a function of sorted values, then work in O(n) per resample
/// without materialising or re-sorting the resample.
///
/// Caveat for intrinsic dimension: the items resampled are points' statistics computed from a
/// fixed neighbour graph (μᵢ, local estimates), treated as independent. Neighbouring points
/// share neighbours, so the items are mildly dependent and the interval can be somewhat too
/// narrow; it reflects sampling noise in the statistic, not the estimator's bias.
public enum Bootstrap {
    /// The percentile interval of `statistic` over `resamples` bootstrap resamples.
    ///
    /// - Parameters:
    ///   - itemCount: n, the number of items resampled (≥ 1).
    ///   - resamples: B, the number of resamples (≥ 1).
    ///   - level: coverage in (0, 1); the bounds are the (1 − level)/2 and (1 + level)/2
    ///     quantiles of the B replicates, linearly interpolated between order statistics
    ///     (NumPy's default `linear` method: position h = (B − 1)·q).
    ///   - generator: the seeded source of every draw (n·B calls to `nextIndex(below:)`).
    ///   - statistic: the estimate from one resample's multiplicities; non-finite replicates
    ///     are left out of the interval and counted.
    /// - Returns: the bounds and the number of finite replicates (`nil` bounds when none).
    /// - Complexity: O(B·(n + cost of the statistic) + B log B).
    public static func percentileInterval(
        itemCount: Int, resamples: Int, level: Double, generator: inout SeededGenerator,
        statistic: (UnsafeBufferPointer<Int>) throws -> Double
    ) rethrows -> (low: Double, high: Double, finiteReplicates: Int)? {
        precondition(level > 0 && level < 1)
        let replicates = try sortedFiniteReplicates(itemCount: itemCount, resamples: resamples,
                                                    generator: &generator, statistic: statistic)
        guard !replicates.isEmpty else { return nil }
        return (interpolatedQuantile(replicates, (1 - level) / 2),
                interpolatedQuantile(replicates, (1 + level) / 2),
                replicates.count)
    }

    /// The finite replicates of `statistic` over `resamples` bootstrap resamples, ascending: the
    /// draws and values `percentileInterval` takes its quantiles from, for intervals built
    /// otherwise (e.g. re-centred on the estimate).
    ///
    /// - Parameters: as for `percentileInterval`.
    /// - Returns: the finite replicates, sorted ascending (empty when none is finite).
    /// - Complexity: O(B·(n + cost of the statistic) + B log B).
    public static func sortedFiniteReplicates(
        itemCount: Int, resamples: Int, generator: inout SeededGenerator,
        statistic: (UnsafeBufferPointer<Int>) throws -> Double
    ) rethrows -> [Double] {
        precondition(itemCount >= 1 && resamples >= 1)
        var replicates: [Double] = []
        replicates.reserveCapacity(resamples)
        var counts = [Int](repeating: 0, count: itemCount)
        for _ in 0..<resamples {
            draw(&counts, generator: &generator)
            let value = try counts.withUnsafeBufferPointer { try statistic($0) }
            if value.isFinite { replicates.append(value) }
        }
        replicates.sort()
        return replicates
    }

    /// One resample's multiplicities: `counts` (n entries) set to how many times each of n items
    /// is drawn in n draws with replacement (`nextIndex(below: n)` n times). Every bootstrap of
    /// the library draws its resamples this way, so a seed gives the same resamples everywhere.
    public static func draw(_ counts: inout [Int], generator: inout SeededGenerator) {
        let n = counts.count
        for index in counts.indices { counts[index] = 0 }
        for _ in 0..<n { counts[generator.nextIndex(below: n)] += 1 }
    }

    /// The q-quantile of ascending `sorted` values, interpolating linearly between the order
    /// statistics at positions ⌊h⌋ and ⌈h⌉, h = (count − 1)·q.
    package static func interpolatedQuantile(_ sorted: [Double], _ q: Double) -> Double {
        let position = Double(sorted.count - 1) * q
        let below = Int(position.rounded(.down))
        let above = min(below + 1, sorted.count - 1)
        let fraction = position - Double(below)
        return sorted[below] + (sorted[above] - sorted[below]) * fraction
    }
}
