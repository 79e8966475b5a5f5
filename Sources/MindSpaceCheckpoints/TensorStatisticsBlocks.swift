import MindSpaceCore
import MindSpaceIO

extension TensorStatistics {
    /// The totals of one run of elements, as `GramKernels.valueStatistics` returns them: the
    /// finite and non-finite counts, Σx and Σx² each as a Neumaier sum and its compensation, the
    /// mean and the sum of squared deviations about it (M2) of the finite values, and their
    /// extremes (+Inf/−Inf with no finite value).
    struct Block: Sendable {
        var finite: Int
        var nonFinite: Int
        var sum: Double
        var sumCompensation: Double
        var squares: Double
        var squaresCompensation: Double
        var mean: Double
        var m2: Double
        var minimum: Double
        var maximum: Double
    }

    /// Blocks per round of the parallel loop: one synchronisation per round, and the memory for
    /// their totals, whatever the tensor's size.
    static let blocksPerRound = 256

    /// The statistics of a float32, float16, bfloat16 or float64 tensor in native byte order,
    /// or `nil` for any other (or when Σx, Σx² or M2 overflow `Double`, which only float64 data
    /// can do; `reference` then rescales).
    ///
    /// The elements are cut into blocks of `blockElements` from the first (fixed by the tensor
    /// alone). Each block is read with one `pread` into its thread's buffer and reduced there by
    /// `GramKernels.valueStatistics`; blocks run on up to `ParallelLoop.threadLimit` threads and
    /// are merged in block order (sums by Neumaier 1974, moments by Chan, Golub & LeVeque 1979),
    /// so the result is the same bits for any thread count. Memory: one block per thread plus
    /// `blocksPerRound` totals. A read error is thrown as the reader reports it (the first failing
    /// block in block order).
    static func blockwise(_ tensor: StoredTensor, blockElements: Int) throws -> TensorStatistics? {
        guard let format = GramKernels.ValueFormat(tensor.dtype), tensor.byteOrder == .native else { return nil }
        let total = tensor.elementCount, byteSize = tensor.dtype.byteSize
        let block = Swift.max(1, Swift.min(blockElements, total))
        let blocks = (total + block - 1) / block
        let buffers = PerThreadBuffers(byteCount: block * byteSize)
        let round = Swift.min(blocksPerRound, Swift.max(1, blocks))
        let totals = UnsafeMutableBufferPointer<Block?>.allocate(capacity: round)
        let failures = UnsafeMutableBufferPointer<(any Error)?>.allocate(capacity: round)
        failures.initialize(repeating: nil)
        defer {
            totals.deallocate()
            _ = failures.deinitialize()
            failures.deallocate()
        }
        var accumulator = Accumulator()
        for roundStart in stride(from: 0, to: blocks, by: round) {
            let count = Swift.min(round, blocks - roundStart)
            totals.initialize(repeating: nil)
            ParallelLoop.forEach(count) { index in
                let first = (roundStart + index) * block
                let elements = Swift.min(block, total - first)
                let buffer = buffers.buffer()
                do {
                    try tensor.source.read(at: first * byteSize,
                                           into: UnsafeMutableRawBufferPointer(start: buffer, count: elements * byteSize))
                    totals[index] = GramKernels.valueStatistics(buffer, format: format, count: elements)
                } catch {
                    failures[index] = error
                }
            }
            for index in 0..<count {
                if let failure = failures[index] { throw failure }
                if let part = totals[index] { accumulator.merge(part) }
            }
        }
        accumulator.count = total
        guard accumulator.sum.value.isFinite, accumulator.squares.value.isFinite, accumulator.m2.isFinite else { return nil }
        return accumulator.result()
    }
}
