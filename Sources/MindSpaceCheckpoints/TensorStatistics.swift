import MindSpaceIO

/// Summary statistics of a tensor's values, computed in `Double` in one streaming pass over the
/// stored bytes, so a tensor larger than memory costs one block per thread.
///
/// Conventions (match NumPy on finite data):
/// - `count` is every element; `nonFinite` counts NaN and ±Inf. `min`, `max`, `sum`, `mean`,
///   `std` and `l2` are over the finite elements only (NumPy would return NaN as soon as one
///   element is NaN; we report the NaN count instead and keep the rest useful). ±0 compare equal.
/// - `sum` uses Neumaier's compensated summation (Neumaier 1974; error O(ε·Σ|x|) independent of
///   length); `mean` = sum / finite count.
/// - `std` is the population standard deviation (NumPy's default `ddof = 0`), from per-block
///   two-pass moments merged with Chan, Golub & LeVeque's (1979) pairwise update
///   M2 = M2a + M2b + δ²·na·nb/(na + nb), δ = mean_b − mean_a.
/// - `l2` = √(Σ x²); if Σ x² (or, for `std`, the squared deviations) overflow `Double`, a second
///   pass rescales by max |x|.
/// - With no finite element, `min`, `max`, `mean`, `std` are `nil`, `sum` and `l2` are 0.
///
/// Two ways, one result up to rounding:
/// - float32, float16, bfloat16 and float64 in native byte order (every weight format that
///   matters) go through `blockwise`: fixed blocks of `chunkElements` read with `pread` into
///   per-thread buffers and reduced by a SIMD kernel on the raw bytes
///   (`GramKernels.valueStatistics`: sub-blocks of 8192 in 32 lanes, M2 from sums shifted by the
///   previous sub-block's mean or from a second pass in cache, Σx² = M2 + n·mean² per sub-block),
///   the blocks on every core, merged in block order: the same bits for any thread count.
/// - Other dtypes (integers, bool, big-endian) and float64 data whose sums overflow use
///   `reference`: chunks widened to `Double` on one core, Σx and Σx² by Neumaier per element.
public struct TensorStatistics: Codable, Equatable, Sendable {
    public var count: Int
    public var nonFinite: Int
    public var min: Double?
    public var max: Double?
    public var sum: Double
    public var mean: Double?
    public var std: Double?
    public var l2: Double

    /// Elements per block of the blockwise pass (256 KiB of float32) and per chunk of the
    /// reference pass.
    public static let defaultChunkElements = 1 << 16

    /// Statistics of every element of `tensor` (any dtype; integers and bools converted).
    /// `chunkElements` is the unit read and reduced at once; the result depends on it only
    /// through rounding, and never on the number of threads.
    public static func compute(_ tensor: StoredTensor, chunkElements: Int = defaultChunkElements) throws -> TensorStatistics {
        if let result = try blockwise(tensor, blockElements: chunkElements) { return result }
        return try reference(tensor, chunkElements: chunkElements)
    }

    /// The one-core pass over `Double` chunks, for any dtype (and the yardstick of `blockwise`
    /// in tests).
    static func reference(_ tensor: StoredTensor, chunkElements: Int = defaultChunkElements) throws -> TensorStatistics {
        var accumulator = Accumulator()
        try tensor.forEachChunk(as: Double.self, chunkElements: chunkElements) { chunk, _ in
            accumulator.add(chunk)
        }
        var result = accumulator.result()
        if result.l2.isInfinite, let maxAbs = accumulator.maxAbs, maxAbs.isFinite, maxAbs > 0 {
            var scaled = NeumaierSum()
            try tensor.forEachChunk(as: Double.self, chunkElements: chunkElements) { chunk, _ in
                for value in chunk where value.isFinite {
                    let ratio = value / maxAbs
                    scaled.add(ratio * ratio)
                }
            }
            result.l2 = maxAbs * scaled.value.squareRoot()
        }
        if let std = result.std, !std.isFinite, let mean = result.mean, let maxAbs = accumulator.maxAbs,
           maxAbs.isFinite, maxAbs > 0 {
            // Squared deviations overflowed: a second pass on deviations scaled by max |x|.
            var scaled = NeumaierSum()
            try tensor.forEachChunk(as: Double.self, chunkElements: chunkElements) { chunk, _ in
                for value in chunk where value.isFinite {
                    let ratio = (value / maxAbs) - (mean / maxAbs)
                    scaled.add(ratio * ratio)
                }
            }
            result.std = maxAbs * (scaled.value / Double(result.count - result.nonFinite)).squareRoot()
        }
        return result
    }

    /// Statistics of values already in memory (same conventions).
    public static func compute(_ values: UnsafeBufferPointer<Double>) -> TensorStatistics {
        var accumulator = Accumulator()
        accumulator.add(values)
        return accumulator.result()
    }

    /// Streaming state: counts, compensated sums and merged moments.
    struct Accumulator {
        var count = 0
        var nonFinite = 0
        var finite = 0
        var minimum = Double.infinity
        var maximum = -Double.infinity
        var sum = NeumaierSum()
        var squares = NeumaierSum()
        var mean = 0.0
        var m2 = 0.0
        var maxAbs: Double? { finite > 0 ? Swift.max(abs(minimum), abs(maximum)) : nil }

        mutating func add(_ chunk: UnsafeBufferPointer<Double>) {
            count += chunk.count
            var chunkSum = NeumaierSum()
            var chunkFinite = 0
            for value in chunk {
                guard value.isFinite else { nonFinite += 1; continue }
                chunkFinite += 1
                chunkSum.add(value)
                squares.add(value * value)
                if value < minimum { minimum = value }
                if value > maximum { maximum = value }
            }
            guard chunkFinite > 0 else { return }
            sum.add(chunkSum.value)
            // Two-pass moments of the chunk, then Chan et al.'s merge into the running moments.
            let chunkMean = chunkSum.value / Double(chunkFinite)
            var chunkM2 = 0.0
            for value in chunk where value.isFinite {
                let deviation = value - chunkMean
                chunkM2 += deviation * deviation
            }
            mergeMoments(count: chunkFinite, mean: chunkMean, m2: chunkM2)
        }

        /// Adds a block's totals (from `GramKernels.valueStatistics`): its sums with their
        /// compensations, extremes and moments. `count` is left to the caller.
        mutating func merge(_ block: Block) {
            nonFinite += block.nonFinite
            sum.add(block.sum, compensation: block.sumCompensation)
            squares.add(block.squares, compensation: block.squaresCompensation)
            guard block.finite > 0 else { return }
            if block.minimum < minimum { minimum = block.minimum }
            if block.maximum > maximum { maximum = block.maximum }
            mergeMoments(count: block.finite, mean: block.mean, m2: block.m2)
        }

        /// Chan, Golub & LeVeque (1979): the running (finite, mean, m2) merged with a part of
        /// `count` > 0 finite values: δ = mean_b − mean_a, mean += δ·n_b/n,
        /// M2 += M2_b + δ²·(n_a·n_b/n).
        private mutating func mergeMoments(count partCount: Int, mean partMean: Double, m2 partM2: Double) {
            let total = finite + partCount
            if finite == 0 {
                mean = partMean
                m2 = partM2
            } else {
                let delta = partMean - mean
                mean += delta * Double(partCount) / Double(total)
                m2 += partM2 + delta * delta * (Double(finite) * Double(partCount) / Double(total))
            }
            finite = total
        }

        func result() -> TensorStatistics {
            TensorStatistics(
                count: count, nonFinite: nonFinite,
                min: finite > 0 ? minimum : nil, max: finite > 0 ? maximum : nil,
                sum: sum.value,
                mean: finite > 0 ? sum.value / Double(finite) : nil,
                std: finite > 0 ? (m2 / Double(finite)).squareRoot() : nil,
                l2: squares.value.squareRoot())
        }
    }
}

/// Neumaier's improved Kahan summation: the running sum plus a compensation term that carries
/// the low-order bits lost by each addition (Neumaier 1974).
struct NeumaierSum {
    private var total = 0.0
    private var compensation = 0.0

    mutating func add(_ value: Double) {
        let next = total + value
        guard next.isFinite else { total = next; return }  // overflow: keep ±Inf, not NaN
        if abs(total) >= abs(value) {
            compensation += (total - next) + value
        } else {
            compensation += (value - next) + total
        }
        total = next
    }

    /// Adds `value` and a compensation already known for it (a partial Neumaier sum).
    mutating func add(_ value: Double, compensation extra: Double) {
        add(value)
        compensation += extra
    }

    var value: Double { total + compensation }
}
