import Foundation
import Testing
@testable import MindSpaceCore
@testable import MindSpaceIO
@testable import MindSpaceCheckpoints
import MindSpaceTestSupport

/// The blockwise pass (SIMD kernel per block, blocks on every core) against the one-core
/// reference pass in `Double`, and its determinism across kernel versions and thread counts.
@Suite struct TensorStatisticsBlockwiseTests {
    static let fastTypes: [DType] = [.float32, .float16, .bfloat16, .float64]
    /// Lengths around the kernel's groups of 32 lanes and 8192-element sub-blocks.
    static let lengths = [0, 1, 5, 31, 32, 33, 63, 64, 65, 97, 8191, 8192, 8193, 20_000, 70_001]

    /// `count` elements of `dtype` as stored bytes: mostly normal-ish values at mixed scales,
    /// with NaN, ±Inf, ±0 and (for the narrow types) arbitrary bit patterns (subnormals, the
    /// largest finite values, other NaNs) mixed in.
    static func storedBytes(_ dtype: DType, count: Int, seed: UInt64) -> [UInt8] {
        var generator = SeededGenerator(seed: seed)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count * dtype.byteSize)
        func append<T>(_ value: T) { withUnsafeBytes(of: value) { bytes.append(contentsOf: $0) } }
        for _ in 0..<count {
            let u = generator.nextUnitDouble()
            let special: Double? = u < 0.01 ? .nan : u < 0.015 ? .infinity : u < 0.02 ? -.infinity
                : u < 0.025 ? -0.0 : nil
            let scale = [1e-3, 1, 7, 1e3][Int(generator.next() % 4)]
            let value = special ?? (generator.nextUnitDouble() - 0.3) * scale
            let arbitrary = u > 0.97 && dtype != .float64
            switch dtype {
            case .float16:
                append(arbitrary ? UInt16(truncatingIfNeeded: generator.next()) : Float16(value).bitPattern)
            case .bfloat16:
                append(arbitrary ? UInt16(truncatingIfNeeded: generator.next())
                                 : UInt16(truncatingIfNeeded: Float(value).bitPattern >> 16))
            case .float32:
                append(arbitrary ? UInt32(truncatingIfNeeded: generator.next()) : Float(value).bitPattern)
            default:
                append(value.bitPattern)
            }
        }
        return bytes
    }

    static func tensor(_ dtype: DType, _ bytes: [UInt8]) -> StoredTensor {
        StoredTensor(name: "t", dtype: dtype, shape: [bytes.count / dtype.byteSize],
                     source: MemoryByteSource(path: "mem", bytes: bytes))
    }

    /// Every field as bits, so that two results compare exactly (NaN and −0 included).
    static func bits(_ s: TensorStatistics) -> [UInt64?] {
        [UInt64(s.count), UInt64(s.nonFinite), s.min?.bitPattern, s.max?.bitPattern, s.sum.bitPattern,
         s.mean?.bitPattern, s.std?.bitPattern, s.l2.bitPattern]
    }

    @Test(arguments: fastTypes)
    func matchesTheReferencePass(dtype: DType) throws {
        for (index, length) in Self.lengths.enumerated() {
            let stored = Self.tensor(dtype, Self.storedBytes(dtype, count: length, seed: UInt64(100 + index)))
            let reference = try TensorStatistics.reference(stored)
            for block in [1000, 8192 * 3 + 5, TensorStatistics.defaultChunkElements] {
                let fast = try #require(try TensorStatistics.blockwise(stored, blockElements: block), "\(dtype) \(length)")
                let label = "\(dtype), \(length) elements, blocks of \(block)"
                #expect(fast.count == reference.count && fast.nonFinite == reference.nonFinite, "\(label)")
                #expect(fast.min == reference.min && fast.max == reference.max, "\(label)")
                // Σ|x| bounds the error of both sums: the reference's Neumaier sum is within
                // 2ε·|Σx| + O(nε²)·Σ|x|; the kernel's lanes add at most 128 values each without
                // compensation (narrow types) before their compensated combination: ≤ 128ε·Σ|x|.
                var absoluteSum = 0.0
                try stored.forEachChunk(as: Double.self) { chunk, _ in
                    for value in chunk where value.isFinite { absoluteSum += abs(value) }
                }
                #expect(abs(fast.sum - reference.sum) <= Tolerance.roundOffOfHundredsOfOperations * absoluteSum, "\(label)")
                if let mean = fast.mean, let expected = reference.mean {
                    let finite = Double(fast.count - fast.nonFinite)
                    #expect(abs(mean - expected) <= Tolerance.roundOffOfHundredsOfOperations * absoluteSum / finite, "\(label)")
                } else {
                    #expect(fast.mean == nil && reference.mean == nil, "\(label)")
                }
                // Sums of non-negative terms: relative error ≤ (terms per plain partial sum)·ε on
                // either side, the reference's chunk M2 being a plain sum of up to 2¹⁶ terms
                // (≈ 2⁸·ε in practice): thousands of operations.
                if let std = fast.std, let expected = reference.std {
                    #expect(abs(std - expected) <= Tolerance.roundOffOfThousandsOfOperations * expected, "\(label)")
                } else {
                    #expect(fast.std == nil && reference.std == nil, "\(label)")
                }
                #expect(abs(fast.l2 - reference.l2) <= Tolerance.roundOffOfHundredsOfOperations * reference.l2, "\(label)")
            }
        }
    }

    @Test(arguments: fastTypes)
    func kernelVersionsGiveTheSameBits(dtype: DType) throws {
        let format = try #require(GramKernels.ValueFormat(dtype))
        for (index, length) in Self.lengths.enumerated() {
            let bytes = Self.storedBytes(dtype, count: length, seed: UInt64(200 + index))
            let (portable, simd) = bytes.withUnsafeBytes { raw -> (TensorStatistics.Block, TensorStatistics.Block) in
                let base = raw.baseAddress ?? UnsafeRawPointer(bitPattern: 64)!
                return (GramKernels.valueStatistics(base, format: format, count: length, version: .portable),
                        GramKernels.valueStatistics(base, format: format, count: length, version: .avx512))
            }
            let fields: (TensorStatistics.Block) -> [UInt64] = { b in
                [UInt64(b.finite), UInt64(b.nonFinite), b.sum.bitPattern, b.sumCompensation.bitPattern,
                 b.squares.bitPattern, b.squaresCompensation.bitPattern, b.mean.bitPattern, b.m2.bitPattern,
                 b.minimum.bitPattern, b.maximum.bitPattern]
            }
            #expect(fields(portable) == fields(simd), "\(dtype), \(length) elements")
        }
    }

    @Test(arguments: fastTypes)
    func oneAndTwoThreadsGiveTheSameBits(dtype: DType) throws {
        let stored = Self.tensor(dtype, Self.storedBytes(dtype, count: 300_001, seed: 7))
        let one = try ThreadLimitScope.with(1) { try TensorStatistics.compute(stored, chunkElements: 10_000) }
        let two = try ThreadLimitScope.with(2) { try TensorStatistics.compute(stored, chunkElements: 10_000) }
        let three = try ThreadLimitScope.with(3) { try TensorStatistics.compute(stored, chunkElements: 10_000) }
        #expect(Self.bits(one) == Self.bits(two) && Self.bits(one) == Self.bits(three))
    }

    /// Means that jump between sub-blocks (so that the shift, the previous sub-block's mean, is
    /// far off and the kernel takes its second pass) and a constant run (spread exactly 0).
    @Test(arguments: [DType.float32, .float64])
    func shiftedAndTwoPassMomentsMatchTheReference(dtype: DType) throws {
        var generator = SeededGenerator(seed: 11)
        let levels = [0.0, 1e3, -1e6, 0.5]
        var bytes: [UInt8] = []
        for index in 0..<60_000 {
            let value = levels[(index / 5000) % levels.count] + (generator.nextUnitDouble() - 0.5) * 1e-2
            if dtype == .float32 {
                withUnsafeBytes(of: Float(value)) { bytes.append(contentsOf: $0) }
            } else {
                withUnsafeBytes(of: value) { bytes.append(contentsOf: $0) }
            }
        }
        let stored = Self.tensor(dtype, bytes)
        let reference = try TensorStatistics.reference(stored)
        for block in [1000, 8192 * 3 + 5, TensorStatistics.defaultChunkElements] {
            let fast = try #require(try TensorStatistics.blockwise(stored, blockElements: block))
            // As in `matchesTheReferencePass`: sums of non-negative terms on either side.
            #expect(abs(fast.std! - reference.std!) <= Tolerance.roundOffOfThousandsOfOperations * reference.std!)
            #expect(abs(fast.l2 - reference.l2) <= Tolerance.roundOffOfHundredsOfOperations * reference.l2)
            #expect(fast.min == reference.min && fast.max == reference.max)
        }
        let constant = [Float](repeating: 0.1, count: 30_000).withUnsafeBytes { Array($0) }
        let flat = try #require(try TensorStatistics.blockwise(Self.tensor(.float32, constant), blockElements: 10_000))
        #expect(flat.std == 0 && flat.mean == Double(Float(0.1)) && flat.min == flat.max)
    }

    /// float64 sums that overflow are left to the reference pass, which rescales: the same
    /// answer, bit for bit, as the reference gives.
    @Test func float64OverflowFallsBackToTheReference() throws {
        for values in [[1e200, -1e200, 3], [1e308, 1e308, -1e308, 5], [1.5e154, 1.5e154, .nan]] {
            let bytes = values.withUnsafeBytes { Array($0) }
            let stored = Self.tensor(.float64, bytes)
            #expect(try TensorStatistics.blockwise(stored, blockElements: 2) == nil, "\(values)")
            #expect(Self.bits(try TensorStatistics.compute(stored)) == Self.bits(try TensorStatistics.reference(stored)),
                    "\(values)")
        }
    }

    /// The narrow types reach ±3.4·10³⁸ at most, whose squares and sums fit in Double: no
    /// fallback, and l2 and std stay exact to rounding.
    @Test func largestFloat32ValuesNeedNoRescaling() throws {
        let values: [Float] = [.greatestFiniteMagnitude, -.greatestFiniteMagnitude, .greatestFiniteMagnitude, 1]
        let bytes = values.withUnsafeBytes { Array($0) }
        let stored = Self.tensor(.float32, bytes)
        let fast = try #require(try TensorStatistics.blockwise(stored, blockElements: 3))
        let reference = try TensorStatistics.reference(stored)
        let top = Double(Float.greatestFiniteMagnitude)
        #expect(fast.max == top && fast.min == -top)
        #expect(abs(fast.l2 - reference.l2) <= Tolerance.roundOffOfFewOperations * reference.l2)
        #expect(abs(fast.std! - reference.std!) <= Tolerance.roundOffOfFewOperations * reference.std!)
    }

    /// Integers, bool and big-endian data take the reference pass.
    @Test func otherLayoutsUseTheReference() throws {
        let ints = StoredTensor(name: "i", dtype: .int32, shape: [3],
                                source: MemoryByteSource(path: "mem", bytes: [1, 0, 0, 0, 2, 0, 0, 0, 9, 0, 0, 0]))
        #expect(try TensorStatistics.blockwise(ints, blockElements: 16) == nil)
        #expect(try TensorStatistics.compute(ints).sum == 12)
        let big = StoredTensor(name: "b", dtype: .float32, shape: [1], byteOrder: .big,
                               source: MemoryByteSource(path: "mem", bytes: [0x3F, 0x80, 0, 0]))
        #expect(try TensorStatistics.blockwise(big, blockElements: 16) == nil)
        #expect(try TensorStatistics.compute(big).sum == 1)
    }
}
