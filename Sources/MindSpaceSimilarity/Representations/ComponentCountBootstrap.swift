import MindSpaceCore
import MindSpaceNumerics

/// The number of principal components that reach a share f of the variance (50/90/99 %), with a
/// bootstrap interval over rows, from a `GroupedLinearCKA` state (its centred rows and scatter
/// matrix), at the cost of one eigendecomposition and two products per representation.
///
/// **Count.** S = XᵀX of the centred rows is diagonalised once, S = V·Λ·Vᵀ; the count for f is
/// the smallest K with λ₁ + … + λ_K ≥ f·Σλ (`PCASpectrum.componentsFor(fraction:)`).
///
/// **Interval (first-order bootstrap).** B resamples of the N rows with replacement
/// (multiplicities m_r, Σ m_r = N; `Bootstrap`'s draws). With the rows projected on the full
/// sample's axes, P = X·V, a resample's variance along axis k is
///
///     λ*_k = Σ_r m_r p_rk² − (Σ_r m_r p_rk)² / N,
///
/// all B at once from two products Mᵀ(P∘P) and MᵀP (B × N by N × D, float32 kernels); its
/// count is taken from the λ*_k sorted descending, against the exact total Σ_k λ*_k (a trace does
/// not depend on the basis). Holding the axes fixed is the first-order (delta-method) form of
/// re-diagonalising each resample: an eigenvalue moves by v_kᵀ·δS·v_k to first order. The
/// rotation among nearly equal eigenvalues is second order; by Ky Fan's maximum principle it can
/// only raise a resample's top-K sum, so the resampled counts, and the interval, can lean high by
/// that much. The bounds are the percentile interval's (`Bootstrap.interpolatedQuantile`), widened
/// to whole counts (lower floor, upper ceiling).
public enum ComponentCountBootstrap {
    /// Counts for each of `fractions`, and their intervals ([low, high], in the same order; empty
    /// when no resample was asked for).
    public struct Result: Sendable, Equatable {
        public var counts: [Int]
        public var intervals: [[Int]]
    }

    /// - Throws: `MindSpaceError` when the eigensolver fails.
    public static func estimate(_ state: GroupedLinearCKA.Prepared, fractions: [Double], resamples: Int, level: Double,
                                seed: UInt64) throws -> Result {
        let d = state.rows.columns
        var upper = state.scatter
        precondition(upper.count == d * d, "the state's scatter was dropped (withoutGroups)")
        let solved = try LAPACK.symmetricEigen(&upper, n: d, vectors: true)
        let values = Array(solved.values.reversed())
        var trace = 0.0
        for j in 0..<d { trace += state.scatter[j * d + j] }
        let n = state.rows.rows
        let spectrum = PCASpectrum(scatterEigenvalues: values, scatterTrace: trace, pointCount: n)
        let counts = fractions.map { spectrum.componentsFor(fraction: $0) }
        guard resamples > 0 else { return Result(counts: counts, intervals: []) }

        // Axes as float32 rows, descending: axes[k·d + j] = V[j][d − 1 − k].
        var axes = [Float](repeating: 0, count: d * d)
        for k in 0..<d { for j in 0..<d { axes[k * d + j] = Float(solved.vectors[j * d + (d - 1 - k)]) } }
        let rows = state.rows.singlePrecision
        let projected = OwnedBuffer<Float>(repeating: 0, count: n * d)
        rows.withUnsafeBufferPointer { x in
            axes.withUnsafeBufferPointer { v in
                ParallelLoop.forEachRange(n, ranges: min(n, 16)) { _, range in
                    guard !range.isEmpty else { return }
                    SinglePrecisionProducts.multiplyTransposed(x.baseAddress! + range.lowerBound * d, v.baseAddress!,
                                                               into: projected.base + range.lowerBound * d,
                                                               m: range.count, n: d, d: d)
                }
            }
        }
        let squared = OwnedBuffer<Float>(repeating: 0, count: n * d)
        for index in 0..<(n * d) { squared[index] = projected[index] * projected[index] }

        // Multiplicities, N × B: column b is resample b (Bootstrap's scheme: N draws per resample).
        var generator = SeededGenerator(seed: seed ^ 0x5043_4143_4F55_4E54)
        var multiplicity = [Float](repeating: 0, count: n * resamples)
        var drawn = [Int](repeating: 0, count: n)
        for b in 0..<resamples {
            Bootstrap.draw(&drawn, generator: &generator)
            for r in 0..<n { multiplicity[r * resamples + b] = Float(drawn[r]) }
        }
        var sums = [Double](repeating: 0, count: resamples * d), squares = sums
        multiplicity.withUnsafeBufferPointer { m in
            sums.withUnsafeMutableBufferPointer { c in
                SinglePrecisionProducts.accumulateTransposedProduct(rows: n, a: m.baseAddress!, lda: resamples, m: resamples,
                                                                    b: projected.base, ldb: d, n: d, into: c.baseAddress!, ldc: d)
            }
            squares.withUnsafeMutableBufferPointer { c in
                SinglePrecisionProducts.accumulateTransposedProduct(rows: n, a: m.baseAddress!, lda: resamples, m: resamples,
                                                                    b: squared.base, ldb: d, n: d, into: c.baseAddress!, ldc: d)
            }
        }
        var replicates = fractions.map { _ in [Double]() }
        for b in 0..<resamples {
            var variances = (0..<d).map { k in max(0, squares[b * d + k] - sums[b * d + k] * sums[b * d + k] / Double(n)) }
            variances.sort(by: >)
            let total = variances.reduce(0, +)
            let resampled = PCASpectrum(scatterEigenvalues: variances, scatterTrace: total, pointCount: n)
            for (index, fraction) in fractions.enumerated() {
                replicates[index].append(Double(resampled.componentsFor(fraction: fraction)))
            }
        }
        let intervals = replicates.map { values -> [Int] in
            let sorted = values.sorted()
            return [Int(Bootstrap.interpolatedQuantile(sorted, (1 - level) / 2).rounded(.down)),
                    Int(Bootstrap.interpolatedQuantile(sorted, (1 + level) / 2).rounded(.up))]
        }
        return Result(counts: counts, intervals: intervals)
    }
}
