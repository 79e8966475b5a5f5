import Foundation
import Testing
@testable import MindSpaceCore
@testable import MindSpaceNumerics
import MindSpaceTestSupport

/// The float32 product kernels (`SinglePrecisionProducts`) against products summed in Double from
/// the same float32 values: within the error bound of 256-row float32 blocks, on sizes that leave
/// partial register tiles (12 × 32) and partial row blocks; the bits never depend on the thread
/// count; the symmetric form equals the general one.
@Suite struct SinglePrecisionProductsTests {
    private static func floats(_ count: Int, seed: UInt64, offset: Float = 0) -> [Float] {
        var generator = SeededGenerator(seed: seed)
        return (0..<count).map { _ in Float(generator.nextGaussian()) + offset }
    }

    /// Σ_r a[r][i]·b[r][j] in Double, and Σ_r |a[r][i]·b[r][j]| (the scale of its rounding).
    private static func reference(_ a: [Float], _ b: [Float], k: Int, m: Int, n: Int) -> (value: [Double], scale: [Double]) {
        var value = [Double](repeating: 0, count: m * n), scale = value
        for r in 0..<k {
            for i in 0..<m {
                let x = Double(a[r * m + i])
                for j in 0..<n {
                    let product = x * Double(b[r * n + j])
                    value[i * n + j] += product
                    scale[i * n + j] += abs(product)
                }
            }
        }
        return (value, scale)
    }

    private static func product(_ a: [Float], _ b: [Float], k: Int, m: Int, n: Int, start: Double = 0,
                                symmetric: Bool = false, version: SinglePrecisionProducts.InstructionSet = .avx512) -> [Double] {
        var c = [Double](repeating: start, count: m * n)
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                c.withUnsafeMutableBufferPointer { c in
                    SinglePrecisionProducts.accumulateTransposedProduct(
                        rows: k, a: a.baseAddress!, lda: m, m: m, b: b.baseAddress!, ldb: n, n: n, into: c.baseAddress!, ldc: n,
                        symmetric: symmetric, version: version)
                }
            }
        }
        return c
    }

    /// k spans one partial block, several blocks, and several parts (k ≥ 16384 → 2 parts); 257
    /// terms with 2 A panels put the register tile at a place the kernel must realign.
    @Test(arguments: [(1, 5, 7), (257, 13, 40), (300, 13, 33), (1000, 37, 65), (17_000, 25, 40)],
          [SinglePrecisionProducts.InstructionSet.avx512, .portable])
    func crossProductMatchesDoubleWithinTheBlockBound(size: (Int, Int, Int), version: SinglePrecisionProducts.InstructionSet) {
        let (k, m, n) = size
        let a = Self.floats(k * m, seed: UInt64(k + m)), b = Self.floats(k * n, seed: UInt64(k + n), offset: 0.5)
        let (expected, scale) = Self.reference(a, b, k: k, m: m, n: n)
        let c = Self.product(a, b, k: k, m: m, n: n, start: 1, version: version)
        let bound = Double(SinglePrecisionProducts.blockRows) * Double(Float.ulpOfOne)
        for index in c.indices {
            #expect(abs(c[index] - 1 - expected[index]) <= bound * scale[index] + 1e-12, "entry \(index)")
        }
    }

    @Test func symmetricEqualsGeneralAndIsSymmetric() {
        let k = 700, m = 50
        let a = Self.floats(k * m, seed: 11)
        let general = Self.product(a, a, k: k, m: m, n: m)
        let symmetric = Self.product(a, a, k: k, m: m, n: m, symmetric: true)
        for i in 0..<m {
            for j in 0..<m {
                #expect(symmetric[i * m + j] == symmetric[j * m + i])
                #expect(symmetric[i * m + j] == general[min(i, j) * m + max(i, j)], "(\(i), \(j))")
            }
        }
    }

    /// The same bits for 1, 2 and 3 threads, general and symmetric, with k split into parts.
    @Test func bitsDoNotDependOnTheThreadCount() {
        let k = 17_000, m = 40, n = 70
        let a = Self.floats(k * m, seed: 21), b = Self.floats(k * n, seed: 22)
        let saved = ParallelLoop.threadLimit
        defer { ParallelLoop.threadLimit = saved }
        var results: [[Double]] = []
        for threads in [1, 2, 3] {
            ParallelLoop.threadLimit = threads
            results.append(Self.product(a, b, k: k, m: m, n: n) + Self.product(a, a, k: k, m: m, n: m, symmetric: true))
        }
        #expect(results[0] == results[1] && results[1] == results[2])
    }

    /// X·Yᵀ in float32 against Double sums: within k·ε₃₂ of Σ|xy| (k = 700, three blocks).
    @Test(arguments: [SinglePrecisionProducts.InstructionSet.avx512, .portable])
    func blockProductMatchesDouble(version: SinglePrecisionProducts.InstructionSet) {
        let m = 29, n = 45, d = 700
        let x = Self.floats(m * d, seed: 31), y = Self.floats(n * d, seed: 32)
        var c = [Float](repeating: .nan, count: m * n)
        x.withUnsafeBufferPointer { x in
            y.withUnsafeBufferPointer { y in
                c.withUnsafeMutableBufferPointer { c in
                    SinglePrecisionProducts.multiplyTransposed(x.baseAddress!, y.baseAddress!, into: c.baseAddress!, m: m, n: n, d: d,
                                                               version: version)
                }
            }
        }
        for i in 0..<m {
            for j in 0..<n {
                var sum = 0.0, scale = 0.0
                for r in 0..<d {
                    let product = Double(x[i * d + r]) * Double(y[j * d + r])
                    sum += product
                    scale += abs(product)
                }
                #expect(abs(Double(c[i * n + j]) - sum) <= Double(d) * Double(Float.ulpOfOne) * scale, "(\(i), \(j))")
            }
        }
    }
}
