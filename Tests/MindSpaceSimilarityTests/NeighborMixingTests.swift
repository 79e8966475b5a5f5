import Testing
@testable import MindSpaceCore
@testable import MindSpaceNumerics
@testable import MindSpaceSimilarity

/// `NeighborMixing`: its exact expectation under shuffled labels, and 0 for separated groups.
@Suite struct NeighborMixingTests {
    @Test func expectationIsTwoNANBOverNNMinusOne() {
        #expect(NeighborMixing.expected(first: 1, second: 1) == 1)
        #expect(abs(NeighborMixing.expected(first: 1000, second: 1500) - 2.0 * 1000 * 1500 / (2500 * 2499)) < 1e-15)
    }

    /// Labels assigned at random to one Gaussian cloud: the shuffled mean equals the analytic
    /// expectation (its standard error over 500 shuffles is ≈ 0.0006), and the observed mixing
    /// sits inside the null's 95% range.
    @Test func randomLabelsMixAsExpected() throws {
        var generator = SeededGenerator(seed: 11)
        let points = Matrix(GroupSamples.gaussian(400, dimension: 3, generator: &generator))
        var inSecond = (0..<400).map { $0 < 150 }
        generator.shuffle(&inSecond)
        let table = try ExactNeighbors.search(points, k: 10)
        let mixing = NeighborMixing(table: table, inSecond: inSecond, permutations: 500, generator: &generator)
        let expected = 2.0 * 150 * 250 / (400 * 399)
        #expect(abs(mixing.expected - expected) < 1e-12)
        #expect(abs(mixing.test.nullMean - expected) < 0.003, "null mean \(mixing.test.nullMean) vs \(expected)")
        #expect(mixing.test.nullInterval[0] <= mixing.mixing.value && mixing.mixing.value <= mixing.test.nullInterval[1])
        #expect(abs(mixing.ratio - 1) < 0.1)
        #expect(mixing.test.pValue > 0.05)
        #expect(mixing.mixing.ci[0] <= mixing.mixing.value && mixing.mixing.value <= mixing.mixing.ci[1])
    }

    @Test func separatedGroupsDoNotMix() throws {
        var generator = SeededGenerator(seed: 3)
        let a = GroupSamples.gaussian(100, dimension: 4, generator: &generator)
        let b = GroupSamples.gaussian(80, dimension: 4, offset: 50, generator: &generator)
        let table = try ExactNeighbors.search(Matrix(a + b), k: 10)
        let inSecond = (0..<180).map { $0 >= 100 }
        let mixing = NeighborMixing(table: table, inSecond: inSecond, permutations: 99, generator: &generator)
        #expect(mixing.mixing.value == 0 && mixing.ratio == 0)
        #expect(mixing.mixing.ci == [0, 0])
        #expect(mixing.test.pValue == 1.0 / 100)
    }
}
