import Testing
@testable import MindSpaceCore
@testable import MindSpaceCheckpoints
import MindSpaceTestSupport

/// The SIMD kernels of the checkpoint stream against plain Swift arithmetic, for every version
/// the processor runs (a version above the processor's best runs the best one, so on a machine
/// without AVX-512 two of the cases test the same code).
@Suite struct GramKernelsTests {
    static let versions = GramKernels.InstructionSet.allCases

    private func randomValues(_ count: Int, seed: UInt64) -> [Double] {
        var generator = SeededGenerator(seed: seed)
        return (0..<count).map { _ in generator.nextGaussian() * 3 + 0.5 }
    }

    /// C += upper(A·Aᵀ) against dot products summed in Swift. Both are double-precision sums of
    /// the same k products in different orders: they differ by at most about 2k·ε·Σ|aᵢ꜀aⱼ꜀|, so
    /// the tolerance is 4k·ε·Σ|aᵢ꜀aⱼ꜀|. Entries below the diagonal and padding must not change.
    @Test(arguments: versions)
    func gramUpperTriangleMatchesDotProducts(version: GramKernels.InstructionSet) {
        for n in [1, 3, 4, 5, 8, 17, 33, 50] {
            for k in [1, 7, 8, 9, 130, 300] {
                let lda = k + 5
                let a = randomValues(n * lda, seed: UInt64(n * 1000 + k))
                let ldc = n + 2
                var c = [Double](repeating: -7, count: n * ldc)
                a.withUnsafeBufferPointer { aBuffer in
                    c.withUnsafeMutableBufferPointer { cBuffer in
                        guard let aBase = aBuffer.baseAddress, let cBase = cBuffer.baseAddress else { return }
                        GramKernels.addUpperGram(n: n, k: k, a: aBase, lda: lda, c: cBase, ldc: ldc, version: version)
                    }
                }
                var worst = 0.0
                var untouched = true
                for i in 0..<n {
                    for j in 0..<(n + 2) {
                        let entry = c[i * ldc + j]
                        guard j < n, j >= i else {
                            untouched = untouched && entry == -7
                            continue
                        }
                        var dot = 0.0, magnitude = 0.0
                        for column in 0..<k {
                            dot += a[i * lda + column] * a[j * lda + column]
                            magnitude += abs(a[i * lda + column] * a[j * lda + column])
                        }
                        let error = abs(entry - (-7 + dot)) / (4 * Double(k) * Double.ulpOfOne * magnitude + 7 * Double.ulpOfOne)
                        worst = max(worst, error)
                    }
                }
                #expect(worst <= 1, "n \(n) k \(k) \(version)")
                #expect(untouched, "n \(n) k \(k) \(version): only the upper triangle may change")
            }
        }
    }

    /// Float32 widens exactly, on every version, for every tail length.
    @Test(arguments: versions)
    func widenIsExact(version: GramKernels.InstructionSet) {
        var generator = SeededGenerator(seed: 5)
        for count in [0, 1, 7, 8, 9, 23, 1000] {
            let floats = (0..<count).map { _ in Float(generator.nextGaussian()) * 1e3 }
            var doubles = [Double](repeating: .nan, count: count + 1)
            floats.withUnsafeBufferPointer { source in
                doubles.withUnsafeMutableBufferPointer { target in
                    guard let from = source.baseAddress, let to = target.baseAddress else { return }
                    GramKernels.widenFloat32(from, into: to, count: count, version: version)
                }
            }
            #expect(zip(floats, doubles).allSatisfy { Double($0) == $1 }, "count \(count)")
            #expect(doubles[count].isNaN, "nothing written past the end")
        }
    }

    /// Centring subtracts (Σ over rows in row order)·(1/rows) from each column: the same bits as
    /// this Swift transcription, on every version, leaving padding alone.
    @Test(arguments: versions)
    func centringIsTheDefinedMeanSubtraction(version: GramKernels.InstructionSet) {
        for (rows, width) in [(1, 5), (3, 8), (7, 13), (32, 100)] {
            let ld = width + 3
            let original = randomValues(rows * ld, seed: UInt64(rows * 100 + width))
            var expected = original
            for column in 0..<width {
                var total = 0.0
                for row in 0..<rows { total += original[row * ld + column] }
                let mean = total * (1 / Double(rows))
                for row in 0..<rows { expected[row * ld + column] = original[row * ld + column] - mean }
            }
            var values = original
            values.withUnsafeMutableBufferPointer { buffer in
                guard let base = buffer.baseAddress else { return }
                GramKernels.centreColumns(base, ld: ld, rows: rows, width: width, version: version)
            }
            #expect(values == expected, "rows \(rows) width \(width)")
        }
    }

    /// One tile row: v (float32 widened, or the doubles in place), v − reference written back
    /// (or v without one), Σ v and Σ v² in 32 lanes (lane l: indices ≡ l mod 32) combined in
    /// order: the same bits on every version as this Swift transcription, nothing written past
    /// the end.
    @Test(arguments: versions)
    func differenceRowIsTheDefinedPass(version: GramKernels.InstructionSet) {
        var generator = SeededGenerator(seed: 11)
        for count in [0, 1, 7, 8, 31, 32, 33, 100, 1027] {
            for (widening, subtracting) in [(true, true), (true, false), (false, true), (false, false)] {
                let floats = (0..<count).map { _ in Float(generator.nextGaussian()) * 0.02 }
                let doubles = randomValues(count, seed: UInt64(count + 7))
                let reference = randomValues(count, seed: UInt64(count + 8))
                let input = widening ? floats.map(Double.init) : doubles
                var lanes = [Double](repeating: 0, count: 32), squareLanes = lanes
                for (index, value) in input.enumerated() {
                    lanes[index % 32] += value
                    squareLanes[index % 32] += value * value
                }
                let expectedValues = subtracting ? zip(input, reference).map { $0 - $1 } : input
                var values = (widening ? [Double](repeating: .nan, count: count) : doubles) + [.nan]
                let totals = floats.withUnsafeBufferPointer { source in
                    reference.withUnsafeBufferPointer { referenceBuffer in
                        values.withUnsafeMutableBufferPointer { target in
                            GramKernels.differenceRow(widening: widening ? source.baseAddress : nil,
                                                      values: target.baseAddress.unsafelyUnwrapped,
                                                      minus: subtracting ? referenceBuffer.baseAddress : nil,
                                                      count: count, version: version)
                        }
                    }
                }
                let label = "count \(count) widening \(widening) subtracting \(subtracting)"
                #expect(Array(values[0..<count]) == expectedValues, "\(label)")
                #expect(values[count].isNaN, "\(label): nothing written past the end")
                #expect(totals.sum == lanes.reduce(0, +) && totals.squares == squareLanes.reduce(0, +), "\(label)")
            }
        }
    }

    /// The workspace route: several column blocks accumulated, then flushed into C, equals the
    /// dot products over all columns (same tolerance as above: a different order of the same
    /// products), touches only the upper triangle, and leaves the workspace zero.
    @Test(arguments: versions)
    func gramWorkspaceAccumulatesAcrossCalls(version: GramKernels.InstructionSet) {
        for n in [1, 2, 5, 31, 32, 49] {
            let widths = [3, 8, 600, 1]
            let k = widths.reduce(0, +), lda = k + 3, ldc = n + 1
            let a = randomValues(n * lda, seed: UInt64(n + 77))
            let size = GramKernels.gramWorkspaceCount(n: n, version: version)
            let workspace = UnsafeMutableRawBufferPointer.allocate(byteCount: max(64, size * 8), alignment: 64)
            defer { workspace.deallocate() }
            workspace.initializeMemory(as: UInt8.self, repeating: 0)
            let lanes = workspace.baseAddress.unsafelyUnwrapped.assumingMemoryBound(to: Double.self)
            var c = [Double](repeating: 1, count: n * ldc)
            a.withUnsafeBufferPointer { aBuffer in
                guard let aBase = aBuffer.baseAddress else { return }
                var start = 0
                for width in widths {
                    GramKernels.accumulateGram(n: n, k: width, a: aBase + start, lda: lda, workspace: lanes, version: version)
                    start += width
                }
            }
            c.withUnsafeMutableBufferPointer { cBuffer in
                guard let cBase = cBuffer.baseAddress else { return }
                GramKernels.flushGram(n: n, workspace: lanes, c: cBase, ldc: ldc, version: version)
            }
            var worst = 0.0, untouched = true
            for i in 0..<n {
                for j in 0..<ldc {
                    guard j < n, j >= i else {
                        untouched = untouched && c[i * ldc + j] == 1
                        continue
                    }
                    var dot = 0.0, magnitude = 0.0
                    for column in 0..<k {
                        dot += a[i * lda + column] * a[j * lda + column]
                        magnitude += abs(a[i * lda + column] * a[j * lda + column])
                    }
                    worst = max(worst, abs(c[i * ldc + j] - (1 + dot)) / (4 * Double(k) * Double.ulpOfOne * magnitude + Double.ulpOfOne))
                }
            }
            #expect(worst <= 1, "n \(n) \(version)")
            #expect(untouched, "n \(n) \(version): only the upper triangle may change")
            #expect((0..<size).allSatisfy { lanes[$0] == 0 }, "n \(n) \(version): the flush empties the workspace")
        }
    }
}
