import Foundation
import Testing
@testable import MindSpaceCore
@testable import MindSpaceIO
@testable import MindSpaceCheckpoints
import MindSpaceTestSupport

@Suite struct TensorStatisticsTests {
    /// A float64 tensor held in memory.
    private func tensor(_ values: [Double]) -> StoredTensor {
        let bytes = values.withUnsafeBytes { Array($0) }
        return StoredTensor(name: "t", dtype: .float64, shape: [values.count],
                            source: MemoryByteSource(path: "mem", bytes: bytes))
    }

    @Test func matchesClosedFormsAcrossChunks() throws {
        // 1…n: sum n(n+1)/2, mean (n+1)/2, population variance (n²−1)/12, Σx² = n(n+1)(2n+1)/6.
        let n = 10_001
        let values = (1...n).map(Double.init)
        for chunk in [1, 7, 1000, 1 << 18] {
            let stats = try TensorStatistics.compute(tensor(values), chunkElements: chunk)
            let nd = Double(n)
            #expect(stats.count == n && stats.nonFinite == 0)
            #expect(stats.sum == nd * (nd + 1) / 2)
            #expect(stats.min == 1 && stats.max == nd)
            #expect(abs(stats.mean! - (nd + 1) / 2) <= Tolerance.roundOffOfThousandsOfOperations * nd)
            // Chunked merges reorder rounding: allow 1e-12 relative.
            #expect(abs(stats.std! - ((nd * nd - 1) / 12).squareRoot()) <= Tolerance.roundOffOfThousandsOfOperations * stats.std!)
            #expect(abs(stats.l2 - (nd * (nd + 1) * (2 * nd + 1) / 6).squareRoot()) <= Tolerance.roundOffOfThousandsOfOperations * stats.l2)
        }
    }

    @Test func compensatedSumSurvivesCancellation() throws {
        // 1e16 + 1 + 1 − 1e16: naive left-to-right summation in Double gives 0; the true sum is 2.
        let stats = try TensorStatistics.compute(tensor([1e16, 1, 1, -1e16]))
        #expect(stats.sum == 2)
    }

    @Test func nonFiniteValuesAreCountedAndExcluded() throws {
        let stats = try TensorStatistics.compute(tensor([1, .nan, 3, .infinity, -.infinity]))
        #expect(stats.count == 5 && stats.nonFinite == 3)
        #expect(stats.sum == 4 && stats.mean == 2 && stats.std == 1 && stats.min == 1 && stats.max == 3)
        let empty = try TensorStatistics.compute(tensor([.nan]))
        #expect(empty.mean == nil && empty.sum == 0 && empty.l2 == 0)
    }

    @Test func hugeValuesDoNotOverflowTheNorm() throws {
        // Σx² = 2e400 overflows Double; the rescaled second pass gives √2·1e200.
        let stats = try TensorStatistics.compute(tensor([1e200, -1e200]))
        #expect(abs(stats.l2 / (2.0.squareRoot() * 1e200) - 1) < Tolerance.roundOffOfFewOperations)
        // Population std of ±1e200 is 1e200; the squared deviations (1e400) overflow on the
        // first pass, so this exercises the rescaled second pass (a few ulps of rounding).
        #expect(abs(stats.std! / 1e200 - 1) < Tolerance.roundOffOfFewOperations)
    }
}
