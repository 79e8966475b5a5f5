import Testing
@testable import MindSpaceCore
@testable import MindSpaceDimension
@testable import MindSpaceProjection
import MindSpaceTestSupport

@Suite struct NullModelTests {
    /// N points on a 2-D plane embedded in D = 6 (a linear manifold with correlated features).
    private func plane(n: Int, seed: UInt64) -> Matrix<Double> {
        var generator = SeededGenerator(seed: seed)
        var points = Matrix<Double>(rows: n, columns: 6)
        for i in 0..<n {
            let u = generator.nextUnitDouble(), v = generator.nextUnitDouble()
            let coordinates = [u, v, u + v, u - v, 2 * u, 0.5 * v + u]
            for j in 0..<6 { points[i, j] = coordinates[j] }
        }
        return points
    }

    @Test func permutedColumnsKeepEveryMarginalExactly() {
        let data = plane(n: 300, seed: 1)
        var generator = SeededGenerator(seed: 9)
        let null = NullModel.permutedColumns.sample(like: data, generator: &generator)
        for j in 0..<data.columns {
            let before = (0..<data.rows).map { data[$0, j] }.sorted()
            let after = (0..<null.rows).map { null[$0, j] }.sorted()
            #expect(before == after, "column \(j)")
        }
        #expect(null != data, "the rows were shuffled")
    }

    @Test(arguments: [NullModel.gaussian, .ball])
    func sameMeanAndTotalVariance(model: NullModel) {
        let data = plane(n: 4000, seed: 2)
        var generator = SeededGenerator(seed: 3)
        let null = model.sample(like: data, generator: &generator)
        let (dataMean, dataTotal) = NullModel.meanAndTotalVariance(data)
        let (nullMean, nullTotal) = NullModel.meanAndTotalVariance(null)
        // Sampling error of a total variance from N = 4000 points: relative sd ≈ sqrt(2/(N·D)) for
        // a Gaussian (≈ 0.009), smaller for the ball; 5% is over 5 sd.
        #expect(abs(nullTotal / dataTotal - 1) < 0.05)
        // Each mean coordinate has sd sqrt(TV/D/N) ≈ 0.006 here; allow 0.05.
        for j in 0..<6 { #expect(abs(nullMean[j] - dataMean[j]) < 0.05) }
    }

    @Test func nullRaisesTheDimensionWhileTheDataKeepTheirs() throws {
        // A 2-D plane in 6-D: the data's ID is 2; the permuted null fills the 6-D box, whose
        // TwoNN estimate at N = 2000 sits a little below 6 (boundary bias, as for any 6-cube).
        let data = plane(n: 2000, seed: 4)
        var generator = SeededGenerator(seed: 5)
        let null = NullModel.permutedColumns.sample(like: data, generator: &generator)
        let dataID = try TwoNNEstimator().estimate(data, options: EstimationOptions()).dimension
        let nullID = try TwoNNEstimator().estimate(null, options: EstimationOptions()).dimension
        #expect(abs(dataID - 2) < 0.3, "data \(dataID)")
        #expect(nullID > 4.8 && nullID < 6.5, "null \(nullID)")
    }

    @Test func seededAndDeterministic() {
        let data = plane(n: 100, seed: 6)
        for model in NullModel.allCases {
            var a = SeededGenerator(seed: 11), b = SeededGenerator(seed: 11), c = SeededGenerator(seed: 12)
            let first = model.sample(like: data, generator: &a)
            #expect(first == model.sample(like: data, generator: &b))
            #expect(first != model.sample(like: data, generator: &c))
        }
    }
}
