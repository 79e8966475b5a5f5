import Testing
@testable import MindSpaceCore
@testable import MindSpaceNumerics
@testable import MindSpaceSimilarity

/// `NeighborClassifierTest`: exact out-of-fold neighbours, a uniform p-value under the null and
/// perfect accuracy on separated groups.
@Suite struct NeighborClassifierTestTests {
    /// The lists read from a (deliberately shallow) table equal a brute-force search among the
    /// other folds' points.
    @Test func outOfFoldNeighborsAreExact() throws {
        var generator = SeededGenerator(seed: 2)
        let rows = GroupSamples.gaussian(80, dimension: 3, generator: &generator)
        let points = Matrix(rows)
        let fold = OutOfFoldNeighbors.assignFolds(count: 80, folds: 4, generator: &generator)
        #expect((0..<4).map { f in fold.filter { $0 == f }.count } == [20, 20, 20, 20])
        let shallow = try ExactNeighbors.search(points, k: 6)
        let lists = OutOfFoldNeighbors(points: points, table: shallow, fold: fold, k: 5)
        #expect(lists.directSearches > 0)
        for i in 0..<80 {
            let others = (0..<80).filter { fold[$0] != fold[i] }
            let distances = others.map { WithinShareTests.distance(rows[i], rows[$0]) }
            let order = others.indices.sorted { distances[$0] < distances[$1] }
            let brute = order.prefix(5).map { Int32(others[$0]) }
            #expect(Array(lists.indices[(i * 5)..<(i * 5 + 5)]) == brute, "point \(i)")
        }
    }

    /// Under the null (two samples of one distribution) the p-value is uniform: over 60 seeds
    /// the Kolmogorov–Smirnov distance to U(0, 1) stays under 0.21 (the 5% critical value at
    /// n = 60 is 0.172; the permutation p-value of a discrete accuracy is slightly
    /// conservative, hence the margin), and small p-values are no more frequent than they should be.
    @Test func pValueIsUniformUnderTheNull() throws {
        var pValues: [Double] = []
        for seed in 0..<60 {
            var generator = SeededGenerator(seed: UInt64(1000 + seed))
            let points = Matrix(GroupSamples.gaussian(40, dimension: 2, generator: &generator))
            let inSecond = (0..<40).map { $0 >= 20 }
            let table = try ExactNeighbors.search(points, k: 20)
            let test = NeighborClassifierTest(points: points, table: table, inSecond: inSecond, k: 5, folds: 5,
                                              permutations: 99, resamples: 10, generator: &generator)
            pValues.append(test.test.pValue)
        }
        pValues.sort()
        let n = Double(pValues.count)
        let ks = pValues.enumerated().map { i, p in max(abs(Double(i + 1) / n - p), abs(p - Double(i) / n)) }.max() ?? 1
        #expect(ks < 0.21, "KS distance \(ks): \(pValues)")
        #expect(pValues.filter { $0 <= 0.1 }.count <= 12, "\(pValues)")
        #expect(pValues.filter { $0 <= 0.5 }.count >= 20, "\(pValues)")
    }

    @Test func separatedGroupsAreClassifiedPerfectly() throws {
        var generator = SeededGenerator(seed: 4)
        let a = GroupSamples.gaussian(60, dimension: 3, generator: &generator)
        let b = GroupSamples.gaussian(40, dimension: 3, offset: 20, generator: &generator)
        let points = Matrix(a + b)
        let table = try ExactNeighbors.search(points, k: 22)
        let test = NeighborClassifierTest(points: points, table: table, inSecond: (0..<100).map { $0 >= 60 }, k: 7,
                                          folds: 5, permutations: 199, generator: &generator)
        #expect(test.accuracy.value == 1 && test.balancedAccuracy == 1)
        #expect(test.test.pValue == 1.0 / 200)
        #expect(test.test.nullMean < 0.65)
    }
}
