import Foundation
import MindSpaceCore
import MindSpaceNumerics
import MindSpaceTestSupport
import Testing
@testable import MindSpaceSimilarity

/// `ComponentCountBootstrap`: its counts are PCA's, its interval holds the count and is exact
/// where the spectrum has a wide gap, and the first-order (fixed-axis) interval agrees with the
/// bootstrap that re-diagonalises every resample.
struct ComponentCountBootstrapTests {
    /// N points whose coordinate j has standard deviation `scales[j]`, rotated.
    static func scaled(_ n: Int, _ scales: [Double], seed: UInt64) -> Matrix<Double> {
        let d = scales.count
        var x = RepresentationSamples.gaussian(rows: n, columns: d, seed: seed)
        for i in 0..<n { for j in 0..<d { x[i, j] *= scales[j] } }
        return RepresentationSamples.transform(x, by: RepresentationSamples.orthogonal(d, seed: seed + 1))
    }

    @Test(arguments: [false, true])
    func countsArePCAsAndIntervalsHoldThem(single: Bool) throws {
        let x = Self.scaled(900, (0..<30).map { 1 / Double($0 + 1) }, seed: 3)
        let grouped = GroupedLinearCKA(rows: 900, seed: 4)
        let state = single ? try grouped.prepare(x.converted(to: Float.self)) : try grouped.prepare(x)
        let fractions = [0.5, 0.9, 0.99]
        let result = try ComponentCountBootstrap.estimate(state, fractions: fractions, resamples: 200, level: 0.9, seed: 5)
        let pca = try PCA().fit(x)
        #expect(result.counts == fractions.map { pca.spectrum.componentsFor(fraction: $0) })
        for (count, interval) in zip(result.counts, result.intervals) {
            #expect(interval[0] <= count && count <= interval[1], "\(count) outside \(interval)")
        }
        #expect(try ComponentCountBootstrap.estimate(state, fractions: fractions, resamples: 200, level: 0.9, seed: 5) == result)
        let none = try ComponentCountBootstrap.estimate(state, fractions: fractions, resamples: 0, level: 0.9, seed: 5)
        #expect(none.counts == result.counts && none.intervals.isEmpty, "no resamples, no interval")
    }

    /// Four strong directions (variance 100) and 16 weak ones (0.01): 90 % needs 4 components in
    /// every resample.
    @Test func aWideGapGivesAnExactInterval() throws {
        let x = Self.scaled(600, [10, 10, 10, 10] + Array(repeating: 0.1, count: 16), seed: 6)
        let grouped = GroupedLinearCKA(rows: 600, seed: 7)
        let result = try ComponentCountBootstrap.estimate(try grouped.prepare(x), fractions: [0.9], resamples: 100, level: 0.95,
                                                          seed: 8)
        #expect(result.counts == [4] && result.intervals == [[4, 4]])
    }

    /// A slowly decaying spectrum (counts that move between resamples): the fixed-axis interval
    /// and the one from re-diagonalising each resample (the same draws) agree within one component.
    @Test func firstOrderIntervalMatchesTheFullBootstrap() throws {
        let n = 300, d = 24
        let x = Self.scaled(n, (0..<d).map { pow(0.97, Double($0)) }, seed: 9)
        let grouped = GroupedLinearCKA(rows: n, seed: 10)
        let state = try grouped.prepare(x)
        let fractions = [0.5, 0.9]
        let resamples = 300, level = 0.9
        let ours = try ComponentCountBootstrap.estimate(state, fractions: fractions, resamples: resamples, level: level, seed: 11)
        // The same multiplicities, then the exact spectrum of each resample.
        var generator = SeededGenerator(seed: 11 ^ 0x5043_4143_4F55_4E54)
        var multiplicity = [[Int]](repeating: [Int](repeating: 0, count: resamples), count: n)
        var counts = [Int](repeating: 0, count: n)
        for b in 0..<resamples {
            Bootstrap.draw(&counts, generator: &generator)
            for r in 0..<n { multiplicity[r][b] = counts[r] }
        }
        let rows = state.rows.widened
        var replicates = fractions.map { _ in [Double]() }
        for b in 0..<resamples {
            var mean = [Double](repeating: 0, count: d)
            for r in 0..<n { for j in 0..<d { mean[j] += Double(multiplicity[r][b]) * rows.storage[r * d + j] / Double(n) } }
            var scatter = [Double](repeating: 0, count: d * d)
            for r in 0..<n where multiplicity[r][b] > 0 {
                for i in 0..<d {
                    for j in i..<d {
                        scatter[i * d + j] += Double(multiplicity[r][b]) * (rows.storage[r * d + i] - mean[i]) * (rows.storage[r * d + j] - mean[j])
                    }
                }
            }
            var trace = 0.0
            for j in 0..<d { trace += scatter[j * d + j] }
            let values = try LAPACK.symmetricEigen(&scatter, n: d, vectors: false).values.reversed()
            let spectrum = PCASpectrum(scatterEigenvalues: Array(values), scatterTrace: trace, pointCount: n)
            for (index, fraction) in fractions.enumerated() {
                replicates[index].append(Double(spectrum.componentsFor(fraction: fraction)))
            }
        }
        var moved = false
        for index in fractions.indices {
            let sorted = replicates[index].sorted()
            let low = Int(Bootstrap.interpolatedQuantile(sorted, (1 - level) / 2).rounded(.down))
            let high = Int(Bootstrap.interpolatedQuantile(sorted, (1 + level) / 2).rounded(.up))
            #expect(abs(ours.intervals[index][0] - low) <= 1 && abs(ours.intervals[index][1] - high) <= 1,
                    "fraction \(fractions[index]): \(ours.intervals[index]) vs re-diagonalised [\(low), \(high)]")
            moved = moved || high > low
        }
        #expect(moved, "the spectrum should make a count move between resamples")
    }
}
