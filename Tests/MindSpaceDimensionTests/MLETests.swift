import Foundation
import Testing
@testable import MindSpaceCore
@testable import MindSpaceNumerics
@testable import MindSpaceDimension
import MindSpaceTestSupport

@Suite struct MLETests {
    typealias Fixtures = IntrinsicDimensionFixtures

    // scikit-dimension 0.5.0 `MLE` on the same float64 points (VERSIONS.txt). 1e-6 relative,
    // as required; both sides use exact float64 distances and the same closed form, so the
    // real agreement is ~1e-13.
    static let peerTolerance = Tolerance.peerEstimate

    @Test(arguments: Fixtures.setNames)
    func matchesScikitDimension(set: String) throws {
        let (points, entry) = try Fixtures.pointSet(set)
        let context = try NeighborContext(points, k: 20, options: EstimationOptions())
        let cases: [(MLEEstimator, String)] = [
            (MLEEstimator(), "skdim_mle_k20"),
            (MLEEstimator(unbiased: true), "skdim_mle_k20_unbiased"),
            (MLEEstimator(k: 10), "skdim_mle_k10"),
            (MLEEstimator(pooling: .mean), "skdim_mle_k20_mean"),
        ]
        for (estimator, key) in cases {
            let ours = try estimator.estimate(from: context, options: EstimationOptions())
            #expect(relativeDifference(ours.dimension, try Fixtures.estimate(entry, key)) < Self.peerTolerance, "\(key)")
        }
    }

    @Test func pointwiseEstimatesMatchScikitDimension() throws {
        let (points, entry) = try Fixtures.pointSet("cube5")
        let ours = try MLEEstimator().estimate(points, options: EstimationOptions())
        let peer = try #require(entry["skdim_mle_k20_pointwise"] as? [Double])
        let pointwise = try #require(ours.pointwise)
        #expect(pointwise.count == peer.count)
        let worst = zip(pointwise, peer).map { relativeDifference($0, $1) }.max() ?? .infinity
        #expect(worst < Self.peerTolerance)
        // The pooled value is 1 / mean(1 / local), by definition.
        let pooled = 1 / (pointwise.map { 1 / $0 }.reduce(0, +) / Double(pointwise.count))
        #expect(relativeDifference(ours.dimension, pooled) < Tolerance.roundOffOfThousandsOfOperations)
    }

    @Test func medianPoolingIsTheMedianOfLocalEstimates() throws {
        let points = Fixtures.uniformCube(count: 301, dimension: 3, seed: 5)
        let ours = try MLEEstimator(k: 10, pooling: .median).estimate(points, options: EstimationOptions())
        let sorted = try #require(ours.pointwise).sorted()
        #expect(ours.dimension == sorted[150])   // odd count: the middle value, exactly
    }

    @Test(arguments: [2, 5, 10])
    func uniformHypercubesLandWhereThePeerDoes(dimension: Int) throws {
        // hypercube.json: scikit-dimension MLE (k = 20) over 20 seeds of N = 4000 uniform points
        // in [0, 1]^d. Levina–Bickel reads low on bounded sets, increasingly with d (≈ 8.3 at
        // d = 10, as Levina & Bickel 2004 report for cubes), so the test compares with the
        // peer's distribution: |ours − mean| ≤ 4 sd + 1 % (the sd from 20 seeds is itself
        // uncertain by ~16 %, and its size here, 0.01–0.03, is comparable to seed effects).
        // Loosely against d: within 5 % (d = 2), 12 % (d = 5), 20 % (d = 10).
        let reference = try Fixtures.hypercubeReference()
        let points = Fixtures.uniformCube(count: reference.n, dimension: dimension, seed: UInt64(200 + dimension))
        let ours = try MLEEstimator().estimate(points, options: EstimationOptions())
        let peer = try #require(reference.cases[String(dimension)]?["mle_k20"])
        #expect(abs(ours.dimension - peer.mean) <= 4 * peer.std + 0.01 * peer.mean,
                "d=\(dimension): \(ours.dimension) vs \(peer.mean) ± \(peer.std)")
        let looseBound: Double = dimension == 2 ? 0.05 : (dimension == 5 ? 0.12 : 0.20)
        #expect(relativeDifference(ours.dimension, Double(dimension)) < looseBound)
        #expect(ours.ci.low < ours.dimension && ours.dimension < ours.ci.high)
    }

    @Test func repeatedRowsAreRemovedByDefault() throws {
        let clean = Fixtures.uniformCube(count: 2000, dimension: 5, seed: 79)
        let dirty = Fixtures.withRepeatedRows(clean, extra: 200, seed: 80)
        let reference = try MLEEstimator().estimate(clean, options: EstimationOptions())
        let deduplicated = try MLEEstimator().estimate(dirty, options: EstimationOptions())
        // Required: finite and within 5 %. Deduplication restores the clean rows exactly, so
        // the estimate agrees to rounding (1e-9).
        #expect(deduplicated.dimension.isFinite)
        #expect(relativeDifference(deduplicated.dimension, reference.dimension) < Tolerance.afterDuplicateRemoval)
        #expect(relativeDifference(deduplicated.dimension, reference.dimension) < Tolerance.sameRowsReordered)
        // Per-point values cover all 2200 rows; a repeated row carries its twin's value.
        let pointwise = try #require(deduplicated.pointwise)
        #expect(pointwise.count == 2200)
        let distinct = DeduplicatedPoints(dirty)
        for group in distinct.duplicateGroups {
            #expect(Set(group.map { pointwise[$0] }).count == 1)
        }
        #expect(Set(pointwise).isSuperset(of: Set(try #require(reference.pointwise))))

        // Opting out: the 400 rows with a twin have T₁ = 0 and are dropped, value NaN.
        let kept = try MLEEstimator().estimate(dirty, options: EstimationOptions(duplicates: .keep))
        #expect(kept.dimension.isFinite)
        #expect(kept.diagnostics["zero_distance_points_dropped"] == .int(400))
        #expect(try #require(kept.pointwise).filter { $0.isNaN }.count == 400)
    }

    @Test func bootstrapIntervalIsSeededAndMatchesNormalTheory() throws {
        // The percentile interval of a mean of 400 unit exponentials should be close to
        // mean ± 1.96·s/√n. With B = 2000 resamples the percentile bounds are accurate to a
        // few % of the half-width, and the skewness of the mean of 400 exponentials (0.1) moves
        // them by a few % more; accept 15 %.
        var generator = SeededGenerator(seed: 1)
        let values = (0..<400).map { _ in -log(1 - generator.nextUnitDouble()) }
        let mean = values.reduce(0, +) / 400
        let sd = (values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 399).squareRoot()
        func interval(seed: UInt64) -> (low: Double, high: Double, finiteReplicates: Int)? {
            var resampling = SeededGenerator(seed: seed)
            return Bootstrap.percentileInterval(itemCount: 400, resamples: 2000, level: 0.95,
                                                generator: &resampling) { counts in
                var total = 0.0
                for index in 0..<400 { total += Double(counts[index]) * values[index] }
                return total / 400
            }
        }
        let first = try #require(interval(seed: 7))
        let halfWidth = 1.959964 * sd / 20
        #expect(abs((first.high - first.low) / 2 - halfWidth) < 0.15 * halfWidth)
        #expect(abs((first.high + first.low) / 2 - mean) < 0.15 * halfWidth)
        #expect(first.finiteReplicates == 2000)
        let same = try #require(interval(seed: 7)), other = try #require(interval(seed: 8))
        #expect(same.low == first.low && same.high == first.high)
        #expect(other.low != first.low)
    }

    @Test func quantileInterpolationFollowsNumPy() {
        // numpy.quantile([1, 2, 3, 4], [0.25, 0.5, 0.9]) == [1.75, 2.5, 3.7] (method "linear").
        #expect(Bootstrap.interpolatedQuantile([1, 2, 3, 4], 0.25) == 1.75)
        #expect(Bootstrap.interpolatedQuantile([1, 2, 3, 4], 0.5) == 2.5)
        #expect(abs(Bootstrap.interpolatedQuantile([1, 2, 3, 4], 0.9) - 3.7) < Tolerance.roundOffOfFewOperations)
    }

    @Test func invalidSettingsThrow() {
        let points = Fixtures.uniformCube(count: 50, dimension: 3, seed: 1)
        #expect(throws: MindSpaceError.self) { try MLEEstimator(k: 1).estimate(points, options: EstimationOptions()) }
        #expect(throws: MindSpaceError.self) { try MLEEstimator(k: 50).estimate(points, options: EstimationOptions()) }
        #expect(throws: MindSpaceError.self) {
            try MLEEstimator().estimate(points, options: EstimationOptions(bootstrapResamples: 1))
        }
    }
}
