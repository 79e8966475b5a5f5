import Foundation
import Testing
@testable import MindSpaceCore
@testable import MindSpaceNumerics
@testable import MindSpaceDimension
import MindSpaceTestSupport

@Suite struct CorrIntTests {
    typealias Fixtures = IntrinsicDimensionFixtures
    typealias Peers = NeighborEstimatorFixtures

    // scikit-dimension 0.5.0 `CorrInt` on the same float64 points. Pair counts are integers
    // and agree exactly unless a pair's distance is within GEMM round-off (~1e-15 relative) of
    // a radius, which does not happen here (N is even, so each radius is the mean of two
    // distances, not a distance); the rest is one log ratio: 1e-6 relative is ample.
    static let peerTolerance = Tolerance.peerEstimate

    @Test(arguments: Fixtures.setNames)
    func matchesScikitDimension(set: String) throws {
        let (points, _) = try Fixtures.pointSet(set)
        let context = try NeighborContext(points, k: 20, options: EstimationOptions())
        for (estimator, key) in [(CorrIntEstimator(), "skdim_corrint_10_20"), (CorrIntEstimator(k1: 5, k2: 15), "skdim_corrint_5_15")] {
            let ours = try estimator.estimate(from: context, points: points, options: EstimationOptions())
            #expect(ours.estimator == "corrint")
            #expect(relativeDifference(ours.dimension, try Peers.estimate(set, key)) < Self.peerTolerance, "\(key)")
            #expect(ours.pointwise == nil)
            #expect(ours.ci.low < ours.dimension && ours.dimension < ours.ci.high)
        }
    }

    @Test func pairCountsEqualBruteForce() throws {
        // Against the obvious O(N²) count with distances computed directly in Double, for
        // float64 and float32 rows, one and several threads, radii that are exact distances
        // (strict comparison: a pair at exactly r is not counted) and ones between them.
        let points = Fixtures.gaussian(count: 300, dimension: 7, seed: 13)
        let exact = BruteForceNeighbors.distance(points, 3, 17)
        let radii = [exact, 1.5, 2.5, 0]
        func bruteForce<Scalar: BinaryFloatingPoint>(_ points: Matrix<Scalar>) -> [[Int]] {
            radii.map { radius in
                (0..<points.rows).map { i in
                    (0..<points.rows).filter { $0 != i && BruteForceNeighbors.distance(points, i, $0) < radius }.count
                }
            }
        }
        for threads in [1, 3] {
            #expect(ThreadLimitScope.with(threads) { RadiusNeighborCounts.count(points, radii: radii) } == bruteForce(points))
            let single = points.converted(to: Float.self)
            #expect(ThreadLimitScope.with(threads) { RadiusNeighborCounts.count(single, radii: radii) } == bruteForce(single))
        }
        // Identical rows are within every positive radius of each other.
        let twins = Matrix<Double>([[1, 2], [1, 2], [5, 5]])
        #expect(ThreadLimitScope.with(1) { RadiusNeighborCounts.count(twins, radii: [1e-300]) } == [[1, 1, 0]])
    }

    @Test(arguments: [2, 5, 10])
    func uniformHypercubesLandWhereThePeerDoes(dimension: Int) throws {
        // hypercube.json: scikit-dimension over 15 seeds of N = 2000 points in [0, 1]^d. The
        // correlation dimension between the 10th and 20th neighbour scales reads far low in
        // high d (≈ 8.0 at d = 10: edge effects and too few points, Eckmann & Ruelle 1992);
        // |ours − mean| ≤ 4 sd + 1 %.
        let peer = try Peers.hypercube("corrint", dimension: dimension)
        let points = Fixtures.uniformCube(count: peer.n, dimension: dimension, seed: UInt64(500 + dimension))
        let ours = try CorrIntEstimator().estimate(points, options: EstimationOptions())
        #expect(abs(ours.dimension - peer.mean) <= 4 * peer.std + 0.01 * peer.mean,
                "d=\(dimension): \(ours.dimension) vs \(peer.mean) ± \(peer.std)")
        #expect(ours.ci.low < ours.dimension && ours.dimension < ours.ci.high)
        #expect(ours.ci.high - ours.ci.low < 0.2 * ours.dimension)
    }

    @Test func repeatedRowsAreRemovedByDefault() throws {
        let clean = Fixtures.uniformCube(count: 2000, dimension: 4, seed: 87)
        let dirty = Fixtures.withRepeatedRows(clean, extra: 200, seed: 88)
        let reference = try CorrIntEstimator().estimate(clean, options: EstimationOptions())
        let deduplicated = try CorrIntEstimator().estimate(dirty, options: EstimationOptions())
        // The same distinct points: identical counts and radii, so equal to rounding (1e-9).
        #expect(deduplicated.dimension.isFinite)
        #expect(relativeDifference(deduplicated.dimension, reference.dimension) < Tolerance.sameRowsReordered)
        #expect(deduplicated.diagnostics["duplicates_removed"] == .int(200))
        // Kept: 200 twin pairs add 400 ordered pairs at distance 0 to both counts; finite, lower.
        let kept = try CorrIntEstimator().estimate(dirty, options: EstimationOptions(duplicates: .keep))
        #expect(kept.dimension.isFinite && kept.dimension < reference.dimension)
    }

    @Test func degenerateInputIsRefusedWithAReason() throws {
        let small = Fixtures.uniformCube(count: 15, dimension: 3, seed: 14)
        #expect { try CorrIntEstimator().estimate(small, options: EstimationOptions()) } throws: { error in
            (error as? MindSpaceError)?.kind == .malformedData
                && (error as? MindSpaceError)?.reason.contains("too few points") == true
        }
        #expect { try CorrIntEstimator(k1: 5, k2: 5).estimate(small, options: EstimationOptions()) } throws: { error in
            (error as? MindSpaceError)?.kind == .usage
        }
        // A 1-D lattice: the 1st and 2nd neighbours of interior points are equidistant.
        let lattice = Matrix(rows: 40, columns: 1, storage: (0..<40).map { Double($0) })
        #expect { try CorrIntEstimator(k1: 1, k2: 2).estimate(lattice, options: EstimationOptions()) } throws: { error in
            (error as? MindSpaceError)?.reason.contains("equal") == true
        }
        let context = try NeighborContext(small, k: 5, options: EstimationOptions())
        #expect { try CorrIntEstimator(k1: 2, k2: 4).estimate(from: context, points: Fixtures.uniformCube(count: 16, dimension: 3, seed: 1),
                                                                options: EstimationOptions()) } throws: { error in
            (error as? MindSpaceError)?.kind == .usage
        }
    }
}
