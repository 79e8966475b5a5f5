import Testing
@testable import MindSpaceCore
@testable import MindSpaceNumerics
@testable import MindSpaceSimilarity
import MindSpaceTestSupport

/// The comparison driver: its permutation null is calibrated, its draws do not depend on the
/// thread count, and its interval covers a known correlation.
@Suite struct RepresentationComparisonTests {
    /// |Pearson correlation| of the first columns: a metric whose null distribution is known
    /// (under independence, r·√(n − 2)/√(1 − r²) is Student t with n − 2 degrees of freedom), so
    /// the driver, not a metric, is what is tested.
    struct FirstColumnCorrelation: RepresentationMetric {
        var name: RepresentationMetricName { .linearCKA }
        func prepare(_ representation: Matrix<Double>) throws -> [Double] { (0..<representation.rows).map { representation[$0, 0] } }
        func score(_ a: [Double], _ b: [Double], pairing: RowPairing) throws -> Double {
            var weight = 0.0, meanA = 0.0, meanB = 0.0
            for i in a.indices {
                let w = Double(pairing.weightOf(i))
                weight += w; meanA += w * a[i]; meanB += w * b[pairing.partnerOf(i)]
            }
            meanA /= weight; meanB /= weight
            var ab = 0.0, aa = 0.0, bb = 0.0
            for i in a.indices {
                let w = Double(pairing.weightOf(i)), x = a[i] - meanA, y = b[pairing.partnerOf(i)] - meanB
                ab += w * x * y; aa += w * x * x; bb += w * y * y
            }
            return abs(ab) / (aa * bb).squareRoot()
        }
    }

    static func gaussian(_ n: Int, _ generator: inout SeededGenerator) -> [Double] { (0..<n).map { _ in generator.nextGaussian() } }

    /// Under independence the p-values are uniform: over 300 independent pairs, the share at or
    /// below 0.05 and 0.5 stays within binomial error, and the Kolmogorov–Smirnov distance to
    /// the uniform (the p-values are discrete, in steps of 1/(B + 1)) is below its 1 % critical
    /// value 1.63/√300 ≈ 0.094.
    @Test func permutationNullIsCalibrated() throws {
        var generator = SeededGenerator(seed: 11)
        var pValues: [Double] = []
        let settings = RepresentationComparison.Settings(bootstrap: 0, permutations: 199, seed: 3)
        for draw in 0..<300 {
            let a = Self.gaussian(40, &generator), b = Self.gaussian(40, &generator)
            let verdict = try RepresentationComparison.assess(FirstColumnCorrelation(), a, b, rows: 40, settings: settings,
                                                              stream: UInt64(draw))
            pValues.append(try #require(verdict.null).pValue)
        }
        let low = Double(pValues.filter { $0 <= 0.05 }.count) / 300
        let half = Double(pValues.filter { $0 <= 0.5 }.count) / 300
        // Binomial standard errors: 0.0126 at 5 %, 0.029 at 50 %; four of them.
        #expect(abs(low - 0.05) < 0.051, "share of p ≤ 0.05: \(low)")
        #expect(abs(half - 0.5) < 0.116, "share of p ≤ 0.5: \(half)")
        let sorted = pValues.sorted()
        let ks = sorted.enumerated().map { max(abs(Double($0.offset + 1) / 300 - $0.element), abs(Double($0.offset) / 300 - $0.element)) }.max() ?? 1
        #expect(ks < 0.094, "KS distance \(ks)")
    }

    /// A strong correlation is far beyond the null, with the smallest p-value B shuffles allow,
    /// and the interval covers the population value ρ = 0.8 in most of 40 samples.
    @Test func intervalCoversAndNullRejectsAStrongCorrelation() throws {
        var generator = SeededGenerator(seed: 12)
        var covered = 0
        for draw in 0..<40 {
            let a = Self.gaussian(200, &generator)
            let b = a.map { 0.8 * $0 + 0.6 * generator.nextGaussian() }
            let verdict = try RepresentationComparison.assess(
                FirstColumnCorrelation(), a, b, rows: 200,
                settings: .init(bootstrap: 300, level: 0.9, permutations: 99, seed: 1), stream: UInt64(draw))
            let ci = try #require(verdict.ci)
            if ci[0] <= 0.8 && 0.8 <= ci[1] { covered += 1 }
            #expect(ci[0] <= verdict.value && verdict.value <= ci[1])
            #expect(verdict.null?.pValue == 1.0 / 100)
            #expect((verdict.null?.mean ?? 1) < 0.15)
        }
        // 90 % intervals: 36 of 40 expected; the binomial 1 % lower tail is about 31.
        #expect(covered >= 31, "covered \(covered) of 40")
    }

    /// The same seed gives the same interval and null on one thread and on several.
    @Test func drawsDoNotDependOnThreadCount() throws {
        var generator = SeededGenerator(seed: 13)
        let a = Self.gaussian(100, &generator), b = a.map { $0 + generator.nextGaussian() }
        let settings = RepresentationComparison.Settings(bootstrap: 50, permutations: 50, seed: 9)
        let one = try ThreadLimitScope.with(1) {
            try RepresentationComparison.assess(FirstColumnCorrelation(), a, b, rows: 100, settings: settings, stream: 4)
        }
        let four = try ThreadLimitScope.with(4) {
            try RepresentationComparison.assess(FirstColumnCorrelation(), a, b, rows: 100, settings: settings, stream: 4)
        }
        #expect(one == four)
        let other = try RepresentationComparison.assess(FirstColumnCorrelation(), a, b, rows: 100, settings: settings, stream: 5)
        #expect(other.null != one.null, "another stream draws other shuffles")
    }

    /// Average linkage puts the members of each tight block next to each other.
    @Test func averageLinkageGroupsBlocks() {
        // Items 0, 2, 4 close together, 1 and 3 close together, the blocks far apart.
        let block = [0, 1, 0, 1, 0]
        var distances = [Double](repeating: 0, count: 25)
        for i in 0..<5 { for j in 0..<5 where i != j { distances[i * 5 + j] = block[i] == block[j] ? 0.1 + 0.01 * Double(i + j) : 0.9 } }
        let order = AverageLinkageOrder.order(distances: distances, count: 5)
        #expect(Set(order) == Set(0..<5))
        let blocks = order.map { block[$0] }
        #expect(blocks == [0, 0, 0, 1, 1], "order \(order)")
    }
}
