import Foundation
import Testing
@testable import MindSpaceCore
@testable import MindSpaceDimension
import MindSpaceTestSupport

/// MOM, TLE and MADA: local estimates from each point's k nearest neighbours, pooled by their
/// mean (scikit-dimension's convention).
@Suite struct LocalNeighborEstimatorTests {
    typealias Fixtures = IntrinsicDimensionFixtures
    typealias Peers = NeighborEstimatorFixtures

    // scikit-dimension 0.5.0 on the same float64 points (VERSIONS.txt). 1e-6 relative, as
    // required. The same distances (exact float64) and closed forms on both sides; only the
    // summation order differs (~1e-15 per local value), so real agreement is ~1e-13.
    static let peerTolerance = Tolerance.peerEstimate

    @Test(arguments: Fixtures.setNames)
    func matchScikitDimension(set: String) throws {
        let (points, _) = try Fixtures.pointSet(set)
        let context = try NeighborContext(points, k: 100, options: EstimationOptions())
        let neighborCases: [(any NeighborDimensionEstimator, String)] = [
            (MOMEstimator(), "skdim_mom_k100"), (MOMEstimator(k: 20), "skdim_mom_k20"),
            (MOMEstimator(pooling: .median), "skdim_mom_k100_median"),
            (MADAEstimator(), "skdim_mada_k20"), (MADAEstimator(k: 10), "skdim_mada_k10"),
            (MADAEstimator(pooling: .median), "skdim_mada_k20_median"),
        ]
        for (estimator, key) in neighborCases {
            let ours = try estimator.estimate(from: context, options: EstimationOptions())
            #expect(relativeDifference(ours.dimension, try Peers.estimate(set, key)) < Self.peerTolerance, "\(key)")
        }
        let coordinateCases: [(TLEEstimator, String)] = [
            (TLEEstimator(), "skdim_tle_k20"), (TLEEstimator(k: 10), "skdim_tle_k10"),
            (TLEEstimator(pooling: .median), "skdim_tle_k20_median"),
        ]
        for (estimator, key) in coordinateCases {
            let ours = try estimator.estimate(from: context, points: points, options: EstimationOptions())
            #expect(relativeDifference(ours.dimension, try Peers.estimate(set, key)) < Self.peerTolerance, "\(key)")
        }
    }

    @Test func pointwiseValuesMatchScikitDimension() throws {
        let (points, _) = try Fixtures.pointSet("cube5")
        let context = try NeighborContext(points, k: 100, options: EstimationOptions())
        let cases: [(DimensionEstimate, String)] = [
            (try MOMEstimator().estimate(from: context, options: EstimationOptions()), "skdim_mom_k100_pointwise"),
            (try MADAEstimator().estimate(from: context, options: EstimationOptions()), "skdim_mada_k20_pointwise"),
            (try TLEEstimator().estimate(from: context, points: points, options: EstimationOptions()), "skdim_tle_k20_pointwise"),
        ]
        for (ours, key) in cases {
            let peer = try Peers.pointwise("cube5", key)
            let pointwise = try #require(ours.pointwise)
            #expect(pointwise.count == peer.count)
            let worst = zip(pointwise, peer).map { relativeDifference($0, $1) }.max() ?? .infinity
            #expect(worst < Self.peerTolerance, "\(key): worst relative difference \(worst)")
            // The global value is the mean of the local ones, by definition.
            #expect(relativeDifference(ours.dimension, pointwise.reduce(0, +) / Double(pointwise.count)) < Tolerance.roundOffOfThousandsOfOperations)
        }
    }

    @Test(arguments: [2, 5, 10])
    func uniformHypercubesLandWhereThePeerDoes(dimension: Int) throws {
        // hypercube.json: scikit-dimension over 15 seeds of N = 2000 uniform points in [0, 1]^d.
        // All three read low on bounded sets as d grows (MOM ≈ 7.8, MADA ≈ 8.6, TLE ≈ 8.9 at
        // d = 10); the truth tested is the peer's distribution: |ours − mean| ≤ 4 sd + 1 %
        // (the sd from 15 seeds is uncertain by ~20 %, and at d = 2 it is tiny).
        let reference = try Peers.hypercube()
        let points = Fixtures.uniformCube(count: reference.n, dimension: dimension, seed: UInt64(400 + dimension))
        let context = try NeighborContext(points, k: 100, options: EstimationOptions())
        let results: [(DimensionEstimate, String)] = [
            (try MOMEstimator().estimate(from: context, options: EstimationOptions()), "mom"),
            (try MADAEstimator().estimate(from: context, options: EstimationOptions()), "mada"),
            (try TLEEstimator().estimate(from: context, points: points, options: EstimationOptions()), "tle"),
        ]
        for (ours, key) in results {
            let peer = try #require(reference.cases[String(dimension)]?[key])
            #expect(abs(ours.dimension - peer.mean) <= 4 * peer.std + 0.01 * peer.mean,
                    "\(key) d=\(dimension): \(ours.dimension) vs \(peer.mean) ± \(peer.std)")
            // Bootstrap interval: brackets the estimate; at N = 2000 the mean of local values
            // has a relative SE of a few % at most, so the 95 % interval is < 15 % wide.
            #expect(ours.ci.low < ours.dimension && ours.dimension < ours.ci.high)
            #expect(ours.ci.high - ours.ci.low < 0.15 * ours.dimension)
        }
    }

    @Test func repeatedRowsAreRemovedByDefault() throws {
        let clean = Fixtures.uniformCube(count: 2000, dimension: 5, seed: 85)
        let dirty = Fixtures.withRepeatedRows(clean, extra: 200, seed: 86)
        let cleanContext = try NeighborContext(clean, k: 100, options: EstimationOptions())
        let dirtyContext = try NeighborContext(dirty, k: 100, options: EstimationOptions())
        let keptContext = try NeighborContext(dirty, k: 100, options: EstimationOptions(duplicates: .keep))
        let estimators: [any NeighborDimensionEstimator] = [MOMEstimator(), MADAEstimator()]
        for estimator in estimators {
            let reference = try estimator.estimate(from: cleanContext, options: EstimationOptions())
            let deduplicated = try estimator.estimate(from: dirtyContext, options: EstimationOptions())
            // Required: finite and within 5 %; the distinct rows are the clean rows, so 1e-9.
            #expect(deduplicated.dimension.isFinite)
            #expect(relativeDifference(deduplicated.dimension, reference.dimension) < Tolerance.sameRowsReordered, "\(estimator.name)")
            #expect(try #require(deduplicated.pointwise).count == 2200)
            let kept = try estimator.estimate(from: keptContext, options: EstimationOptions(duplicates: .keep))
            #expect(kept.dimension.isFinite, "\(estimator.name) with duplicates kept")
        }
        let tle = TLEEstimator()
        let reference = try tle.estimate(from: cleanContext, points: clean, options: EstimationOptions())
        let deduplicated = try tle.estimate(from: dirtyContext, points: dirty, options: EstimationOptions())
        #expect(relativeDifference(deduplicated.dimension, reference.dimension) < Tolerance.sameRowsReordered)
        #expect(deduplicated.diagnostics["duplicates_removed"] == .int(200))
        // Kept: twins enter TLE's boundary cases (D = 0, V = 0) as in scikit-dimension; finite.
        let kept = try tle.estimate(from: keptContext, points: dirty, options: EstimationOptions(duplicates: .keep))
        #expect(kept.dimension.isFinite)
        #expect(relativeDifference(kept.dimension, reference.dimension) < 0.25)
    }

    @Test func medianPoolingIsTheMedianOfLocalValues() throws {
        let points = Fixtures.uniformCube(count: 301, dimension: 3, seed: 11)
        for estimator in [MOMEstimator(k: 20, pooling: .median), MADAEstimator(pooling: .median)] as [any NeighborDimensionEstimator] {
            let ours = try estimator.estimate(points, options: EstimationOptions())
            let sorted = try #require(ours.pointwise).sorted()
            #expect(ours.dimension == sorted[150])   // odd count: the middle value, exactly
        }
    }

    @Test func tleHandlesEqualDistancesAsScikitDimension() {
        // A point whose k neighbours are all at the same distance (the corners of a square
        // around it): every log-sample sum is 0 > −epsilon → the local value is 0 (boundary
        // case 5); all neighbours at distance 0 → undefined (NaN).
        let k = 4
        let distances: [Double] = [1, 1, 1, 1]
        let side = 2.0.squareRoot()
        let pairwise: [Double] = [0, side, 2, side, side, 0, side, 2, 2, side, 0, side, side, 2, side, 0]
        let value = TLEEstimator.localEstimate(distances: distances, pairwise: pairwise, k: k, epsilon: 1e-4)
        #expect(value == 0)
        let zeros = [Double](repeating: 0, count: k)
        #expect(TLEEstimator.localEstimate(distances: zeros, pairwise: [Double](repeating: 0, count: k * k), k: k, epsilon: 1e-4).isNaN)
    }

    @Test func tooFewPointsOrBadSettingsAreRefused() throws {
        let points = Fixtures.uniformCube(count: 50, dimension: 3, seed: 12)
        // MOM's default k = 100 needs 101 points; scikit-dimension would quietly use k = 49.
        #expect { try MOMEstimator().estimate(points, options: EstimationOptions()) } throws: { error in
            (error as? MindSpaceError)?.kind == .malformedData
                && (error as? MindSpaceError)?.reason.contains("too few points") == true
        }
        #expect { try TLEEstimator(k: 60).estimate(points, options: EstimationOptions()) } throws: { error in
            (error as? MindSpaceError)?.kind == .malformedData
        }
        #expect { try MADAEstimator(k: 1).estimate(points, options: EstimationOptions()) } throws: { error in
            (error as? MindSpaceError)?.kind == .usage
        }
        #expect { try TLEEstimator(epsilon: -1).estimate(points, options: EstimationOptions()) } throws: { error in
            (error as? MindSpaceError)?.kind == .usage
        }
        // Every row the same point: after removing duplicates one row is left.
        let same = Matrix(rows: 30, columns: 2, storage: [Double](repeating: 1, count: 60))
        #expect { try MADAEstimator().estimate(same, options: EstimationOptions()) } throws: { error in
            (error as? MindSpaceError)?.kind == .malformedData
        }
    }
}
