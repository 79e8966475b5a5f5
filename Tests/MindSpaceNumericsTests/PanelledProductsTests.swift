import Foundation
import Testing
@testable import MindSpaceCore
@testable import MindSpaceNumerics
import MindSpaceTestSupport

/// The products MindSpace spreads over cores itself (`BLAS.panelledSyrkUpper`, `panelledGemm`):
/// they equal one plain BLAS call up to rounding, and their bits, and PCA's built on them, do not
/// depend on the thread count (they did while OpenBLAS threaded them).
@Suite struct PanelledProductsTests {
    private static func randomMatrix(rows: Int, columns: Int, seed: UInt64) -> [Double] {
        var generator = SeededGenerator(seed: seed)
        return (0..<(rows * columns)).map { _ in generator.nextGaussian() }
    }

    /// Sizes that leave a partial last panel and span several panels (panel width 64).
    @Test(arguments: [true, false], [1, 63, 64, 65, 200])
    func syrkEqualsOneCallUpToRounding(transpose: Bool, n: Int) {
        let k = 37
        let a = Self.randomMatrix(rows: transpose ? k : n, columns: transpose ? n : k, seed: UInt64(n))
        let lda = transpose ? n : k
        var plain = Self.randomMatrix(rows: n, columns: n, seed: 7)
        var panelled = plain
        a.withUnsafeBufferPointer { a in
            guard let base = a.baseAddress else { return }
            plain.withUnsafeMutableBufferPointer { c in
                BLAS.syrkUpper(transpose: transpose, n: n, k: k, alpha: 0.5, a: base, lda: lda, beta: 2, c: c.baseAddress!, ldc: n)
            }
            panelled.withUnsafeMutableBufferPointer { c in
                BLAS.panelledSyrkUpper(transpose: transpose, n: n, k: k, alpha: 0.5, a: base, lda: lda, beta: 2, c: c.baseAddress!, ldc: n)
            }
        }
        // Upper triangles agree to the rounding of k = 37 products (1e-12 of the entries' size,
        // which is about √k); the strict lower triangle is untouched by both.
        for i in 0..<n {
            for j in 0..<n {
                if j >= i {
                    #expect(abs(plain[i * n + j] - panelled[i * n + j]) <= 1e-12 * 10, "(\(i), \(j))")
                } else {
                    #expect(plain[i * n + j] == panelled[i * n + j])
                }
            }
        }
    }

    @Test(arguments: [false, true], [1, 64, 150])
    func gemmEqualsOneCallUpToRounding(transposeA: Bool, m: Int) {
        let n = 9, k = 21
        let a = Self.randomMatrix(rows: transposeA ? k : m, columns: transposeA ? m : k, seed: 3)
        let b = Self.randomMatrix(rows: n, columns: k, seed: 4)
        var plain = [Double](repeating: 1, count: m * n)
        var panelled = plain
        let lda = transposeA ? m : k
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                plain.withUnsafeMutableBufferPointer { c in
                    BLAS.gemm(transposeA: transposeA, transposeB: true, m: m, n: n, k: k, alpha: 1, a: a.baseAddress!, lda: lda,
                              b: b.baseAddress!, ldb: k, beta: 1, c: c.baseAddress!, ldc: n)
                }
                panelled.withUnsafeMutableBufferPointer { c in
                    BLAS.panelledGemm(transposeA: transposeA, transposeB: true, m: m, n: n, k: k, alpha: 1, a: a.baseAddress!, lda: lda,
                                      b: b.baseAddress!, ldb: k, beta: 1, c: c.baseAddress!, ldc: n)
                }
            }
        }
        #expect(zip(plain, panelled).allSatisfy { abs($0 - $1) <= 1e-12 * 10 })
    }

    /// PCA on both routes, with D and N spanning several panels: the same bits for 1, 2 and 3
    /// threads, spectrum, axes and scores.
    @Test(arguments: [PCA.Method.covariance, .gram])
    func pcaBitsDoNotDependOnTheThreadCount(method: PCA.Method) throws {
        let (rows, columns) = method == .covariance ? (700, 230) : (150, 400)
        let data = Matrix<Double>(rows: rows, columns: columns, storage: Self.randomMatrix(rows: rows, columns: columns, seed: 11))
        let pca = PCA(components: 20, method: method, blockSize: 128)
        var results: [([Double], [Double], [Double])] = []
        for threads in [1, 2, 3] {
            let result = try ThreadLimitScope.with(threads) { () throws -> ([Double], [Double], [Double]) in
                let fit = try pca.fit(data)
                return (fit.spectrum.eigenvalues, fit.components.storage, try fit.scores(of: data).storage)
            }
            results.append(result)
        }
        for other in results.dropFirst() {
            #expect(other.0 == results[0].0)
            #expect(other.1 == results[0].1)
            #expect(other.2 == results[0].2)
        }
    }
}
