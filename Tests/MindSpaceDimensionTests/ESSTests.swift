import Foundation
import Testing
@testable import MindSpaceCore
@testable import MindSpaceNumerics
@testable import MindSpaceDimension
import MindSpaceTestSupport

@Suite struct ESSTests {
    typealias Fixtures = LocalDimensionFixtures

    // scikit-dimension 0.5.0 `ESS()` / `ESS(ver="b")` on the same float64 points. With k = 100
    // it uses all 4950 pairs, as we do, so the statistic is deterministic and identical up to
    // summation order and its 2×2 determinants (LU vs our closed form): ~1e-12. 1e-6 relative,
    // as the project requires.
    static let peerTolerance = Tolerance.peerEstimate

    @Test(arguments: Fixtures.setNames)
    func matchesScikitDimension(set: String) throws {
        let (points, entry) = try Fixtures.pointSet(set)
        let table = try ExactNeighbors.search(points, k: 100)
        let a = try ESSEstimator().estimate(neighbors: table, points: points, options: EstimationOptions(bootstrapResamples: 20))
        let b = try ESSEstimator(version: .b).estimate(neighbors: table, points: points, options: EstimationOptions(bootstrapResamples: 20))
        #expect(a.estimator == "ess" && b.estimator == "ess-b")
        #expect(relativeDifference(a.dimension, try Fixtures.estimate(entry, "ess_a")) < Self.peerTolerance)
        #expect(relativeDifference(b.dimension, try Fixtures.estimate(entry, "ess_b")) < Self.peerTolerance)
    }

    @Test func pointwiseValuesMatchScikitDimension() throws {
        let (points, entry) = try Fixtures.pointSet("cube5")
        let ours = try #require(try ESSEstimator().estimate(points, options: EstimationOptions()).pointwise)
        let peer = try #require(entry["ess_a_pointwise"] as? [Double])
        #expect(ours.count == peer.count)
        #expect(zip(ours, peer).allSatisfy { relativeDifference($0, $1) < Self.peerTolerance })
    }

    @Test func referenceCurvesHaveTheirClosedForms() {
        // Uniform directions on the circle: E|sin θ| = E|cos θ| = 2/π; a: f(1) = 0; b: g(1) = 1.
        let a = ESSEstimator(), b = ESSEstimator(version: .b)
        #expect(a.reference(1) == 0)
        #expect(abs(a.reference(2) - 2 / Double.pi) < Tolerance.roundOffOfTensOfOperations)
        #expect(abs(b.reference(1) - 1) < Tolerance.roundOffOfTensOfOperations)
        #expect(abs(b.reference(2) - 2 / Double.pi) < Tolerance.roundOffOfTensOfOperations)
        // In 3-D: E|cos θ| = 1/2, and E|sin θ| = π/4.
        #expect(abs(b.reference(3) - 0.5) < Tolerance.roundOffOfTensOfOperations)
        #expect(abs(a.reference(3) - Double.pi / 4) < Tolerance.roundOffOfTensOfOperations)
        // Inversion is linear between integers and exact at them.
        #expect(abs(a.dimension(ofSkewness: a.reference(7)) - 7) < Tolerance.interpolatedInverse)
        let halfway = (a.reference(4) + a.reference(5)) / 2
        #expect(abs(a.dimension(ofSkewness: halfway) - 4.5) < Tolerance.roundOffOfThousandsOfOperations)
        #expect(abs(b.dimension(ofSkewness: b.reference(12)) - 12) < Tolerance.interpolatedInverse)
        #expect(a.dimension(ofSkewness: 0) == 1)
    }

    @Test(arguments: [2, 5, 10])
    func uniformHypercubesLandWhereThePeerDoes(dimension: Int) throws {
        // hypercube.json: scikit-dimension ESS over 2 seeds (it takes minutes per run) of
        // N = 2500 uniform points in [0, 1]^d; tolerance `hypercubeTolerance`. ESS is the
        // low-bias estimator of this family: loosely within 8 % of d.
        let n = try Fixtures.hypercube().n
        let points = IntrinsicDimensionFixtures.uniformCube(count: n, dimension: dimension, seed: UInt64(400 + dimension))
        let ours = try ESSEstimator().estimate(points, options: EstimationOptions(bootstrapResamples: 20))
        let peer = try Fixtures.hypercubeReference("ess_a", dimension: dimension)
        #expect(abs(ours.dimension - peer.mean) <= Fixtures.hypercubeTolerance(peer), "d=\(dimension): \(ours.dimension) vs \(peer.mean) ± \(peer.std)")
        #expect(relativeDifference(ours.dimension, Double(dimension)) < 0.08)
    }

    @Test func repeatedRowsAreRemovedByDefault() throws {
        let clean = IntrinsicDimensionFixtures.uniformCube(count: 600, dimension: 4, seed: 21)
        let dirty = IntrinsicDimensionFixtures.withRepeatedRows(clean, extra: 60, seed: 22)
        let estimator = ESSEstimator(k: 40)
        let reference = try estimator.estimate(clean, options: EstimationOptions(bootstrapResamples: 20))
        let deduplicated = try estimator.estimate(dirty, options: EstimationOptions(bootstrapResamples: 20))
        // Removal restores the clean rows: equal to rounding (1e-9), inside the required 5 %.
        #expect(deduplicated.dimension.isFinite)
        #expect(relativeDifference(deduplicated.dimension, reference.dimension) < Tolerance.sameRowsReordered)
        #expect(deduplicated.diagnostics["duplicates_removed"] == .int(60))
        // Kept, copies are parallel vectors in their neighbourhoods: finite, biased down.
        let kept = try estimator.estimate(dirty, options: EstimationOptions(duplicates: .keep, bootstrapResamples: 20))
        #expect(kept.dimension.isFinite && kept.dimension < reference.dimension)
    }

    @Test func intervalContainsTheEstimate() throws {
        let (points, _) = try Fixtures.pointSet("manifold3in10")
        let estimate = try ESSEstimator(k: 30).estimate(points, options: EstimationOptions(bootstrapResamples: 50, seed: 4))
        #expect(estimate.ci.low < estimate.dimension && estimate.dimension < estimate.ci.high)
        #expect(estimate.ci.method == .bootstrap)
        #expect(estimate == (try ESSEstimator(k: 30).estimate(points, options: EstimationOptions(bootstrapResamples: 50, seed: 4))))
    }

    @Test func tooFewPointsThrow() throws {
        let points = IntrinsicDimensionFixtures.uniformCube(count: 100, dimension: 3, seed: 2)
        #expect(throws: MindSpaceError(.malformedData, "ess: too few points: needs at least 101, got 100")) {
            try ESSEstimator().estimate(points, options: EstimationOptions())
        }
        #expect(throws: MindSpaceError.self) { try ESSEstimator(k: 2).estimate(points, options: EstimationOptions()) }
    }
}
