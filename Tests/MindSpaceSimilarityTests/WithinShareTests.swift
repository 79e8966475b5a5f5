import Testing
@testable import MindSpaceCore
@testable import MindSpaceNumerics
@testable import MindSpaceSimilarity

/// `WithinShare`: ≈ 1 for two samples of one distribution, ≈ 0 for separated ones.
@Suite struct WithinShareTests {
    @Test func twoSamplesOfOneDistributionAreWithinEachOther() throws {
        var generator = SeededGenerator(seed: 5)
        let a = GroupSamples.gaussian(600, dimension: 3, generator: &generator)
        let b = GroupSamples.gaussian(400, dimension: 3, generator: &generator)
        let set = GroupSamples.union(a, b)
        let within = try WithinShare(points: set.points, first: set.first, second: set.second, generator: &generator)
        // B's fraction under τ estimates A's own (≥ 0.95) with a binomial standard error of
        // ≈ 0.011 at n_B = 400: 0.06 is more than five of them.
        #expect(abs(within.share.value - 1) < 0.06, "share \(within.share.value)")
        #expect(within.share.ci[0] <= 1 && 1 <= within.share.ci[1] + 0.02)
        #expect(abs(within.distanceRatio - 1) < 0.15, "ratio \(within.distanceRatio)")
        #expect(within.quantile == 0.95 && within.threshold > 0)
    }

    @Test func separatedSamplesAreNotWithin() throws {
        var generator = SeededGenerator(seed: 6)
        let a = GroupSamples.gaussian(300, dimension: 3, generator: &generator)
        let b = GroupSamples.gaussian(200, dimension: 3, offset: 8, generator: &generator)
        let set = GroupSamples.union(a, b)
        let within = try WithinShare(points: set.points, first: set.first, second: set.second, generator: &generator)
        #expect(within.share.value < 0.05, "share \(within.share.value)")
        #expect(within.distanceRatio > 5)
    }

    static func distance(_ x: [Double], _ y: [Double]) -> Double {
        var sum = 0.0
        for (a, b) in zip(x, y) { sum += (a - b) * (a - b) }
        return sum.squareRoot()
    }

    /// The cross distances equal a brute-force minimum, in Float too.
    @Test func nearestDistancesAreExact() {
        var generator = SeededGenerator(seed: 9)
        let rows = GroupSamples.gaussian(60, dimension: 5, generator: &generator)
        let points = Matrix(rows).converted(to: Float.self)
        let sources = Array(0..<20), targets = Array(20..<60)
        let found = WithinShare.nearestDistances(points, from: sources, to: targets)
        for (position, s) in sources.enumerated() {
            let brute = targets.map { t in Self.distance(rows[s], rows[t]) }.min() ?? 0
            #expect(abs(found[position] - brute) < 1e-5 * max(1, brute))
        }
    }
}
