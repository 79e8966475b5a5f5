import Foundation
import Testing
@testable import MindSpaceCore
@testable import MindSpaceNumerics
@testable import MindSpaceDimension
import MindSpaceTestSupport

@Suite struct TwoNNScaleCurveTests {
    typealias Fixtures = IntrinsicDimensionFixtures
    typealias Peers = NeighborEstimatorFixtures

    @Test(arguments: Fixtures.setNames)
    func levelsAndValuesAgreeWithDADApy(set: String) throws {
        let (points, _) = try Fixtures.pointSet(set)
        let peer = try Peers.object(set, "dadapy_twonn_decimation")
        let sizes = try #require(peer["sizes"] as? [Int])
        let (means, sds) = (try #require(peer["id_mean"] as? [Double]), try #require(peer["id_std"] as? [Double]))
        let (scaleMeans, scaleSDs) = (try #require(peer["scale_mean"] as? [Double]), try #require(peer["scale_std"] as? [Double]))
        let seed0 = try #require(peer["id_seed0"] as? [Double])

        // Structure: the same subset sizes (DADApy's n_min = 20), ascending scale.
        let curve = try TwoNNScaleCurve().curve(points, options: EstimationOptions())
        #expect(curve.points.map(\.size) == sizes)
        #expect(curve.points.map(\.repetitions) == sizes.map { Int((Double(points.rows) / Double($0)).rounded(.toNearestOrEven)) })
        #expect(zip(curve.points, curve.points.dropFirst()).allSatisfy { $0.scale < $1.scale })

        for (index, point) in curve.points.enumerated() where index < sizes.count {
            if index == 0 {
                // The whole set is deterministic: DADApy's value and our TwoNN estimator's, to
                // the 1e-6 the project requires (both are the same closed-form fit).
                #expect(relativeDifference(point.dimension, seed0[0]) < Tolerance.peerEstimate)
                #expect(relativeDifference(point.scale, scaleMeans[0]) < Tolerance.peerEstimate)
                #expect(point.standardError == 0)
                continue
            }
            // Random subsets: ours is one draw from the distribution DADApy's 10 seeds sample.
            // ours − mean has sd σ·√(1 + 1/10); the sample sd of 10 seeds may understate σ by
            // ~35 % (χ² 5 % point), so accept 5 sd, plus 1e-9 where the spread vanishes.
            let tolerance = 5 * sds[index] * (1.1).squareRoot() + Tolerance.peerFloat64Answer
            #expect(abs(point.dimension - means[index]) <= tolerance,
                    "size \(point.size): \(point.dimension) vs \(means[index]) ± \(sds[index])")
            #expect(abs(point.scale - scaleMeans[index]) <= 5 * scaleSDs[index] * (1.1).squareRoot() + Tolerance.peerFloat64Answer * scaleMeans[index])
            #expect(point.ciLow < point.dimension && point.dimension < point.ciHigh)
            #expect(point.standardError > 0)
        }
        // Level 0 is exactly the estimator on the whole set, interval included.
        let whole = try TwoNNEstimator().estimate(points, options: EstimationOptions())
        #expect(curve.points.first?.dimension == whole.dimension)
        #expect(curve.points.first?.ciLow == whole.ci.low && curve.points.first?.ciHigh == whole.ci.high)
    }

    @Test func levelSizesFollowDADApysRounding() {
        // N = 2000: round(2000/2^i) for i < ⌊log₂ 2000⌋ − 1 = 9 → …, 125, 62 (62.5 to even), 31,
        // 16 (15.6), 8; n_min = 10 keeps 16, the default 20 stops at 31.
        let levels = TwoNNScaleCurve.levels(pointCount: 2000, minimumSize: 10)
        #expect(levels.map(\.size) == [2000, 1000, 500, 250, 125, 62, 31, 16])
        #expect(levels.map(\.repetitions) == [1, 2, 4, 8, 16, 32, 65, 125])
        #expect(TwoNNScaleCurve.levels(pointCount: 2000, minimumSize: 20).last?.size == 31)
        // N = 1024: ⌊log₂⌋ computed exactly (DADApy's float log gives the same 10 here).
        #expect(TwoNNScaleCurve.levels(pointCount: 1024, minimumSize: 0).map(\.size) == [1024, 512, 256, 128, 64, 32, 16, 8, 4])
    }

    @Test func seededAndReproducible() throws {
        let points = Fixtures.uniformCube(count: 400, dimension: 4, seed: 9)
        let first = try TwoNNScaleCurve().curve(points, options: EstimationOptions(seed: 5))
        let again = try TwoNNScaleCurve().curve(points, options: EstimationOptions(seed: 5))
        let other = try TwoNNScaleCurve().curve(points, options: EstimationOptions(seed: 6))
        #expect(first == again)
        #expect(first.points[1].dimension != other.points[1].dimension)
        #expect(first.points[0].dimension == other.points[0].dimension)   // whole set: no draw
        let data = try JSONEncoder().encode(first)
        #expect(try JSONDecoder().decode(ScaleCurve.self, from: data) == first)
    }

    @Test func intervalsWidenAsSubsetsShrink() throws {
        // Under maximum likelihood each subset's interval is exact; averaging R subsets of N/R
        // points gives about the same total information, so widths stay within a factor ~2 of
        // the whole set's, and all intervals contain their estimate.
        let points = Fixtures.uniformCube(count: 2000, dimension: 3, seed: 10)
        let curve = try TwoNNScaleCurve(estimator: TwoNNEstimator(fit: .maximumLikelihood)).curve(points, options: EstimationOptions())
        let widths = curve.points.map { $0.ciHigh - $0.ciLow }
        for (point, width) in zip(curve.points, widths) {
            #expect(point.ciLow < point.dimension && point.dimension < point.ciHigh)
            #expect(width > 0.5 * widths[0] && width < 2.5 * widths[0], "size \(point.size): width \(width) vs \(widths[0])")
        }
    }

    @Test func repeatedRowsAreRemovedBeforeDecimating() throws {
        let clean = Fixtures.uniformCube(count: 2000, dimension: 5, seed: 83)
        let dirty = Fixtures.withRepeatedRows(clean, extra: 200, seed: 84)
        let reference = try TwoNNScaleCurve().curve(clean, options: EstimationOptions())
        let curve = try TwoNNScaleCurve().curve(dirty, options: EstimationOptions())
        // The whole-set level is the same fit on the same distinct rows (1e-9); the decimated
        // levels draw other subsets (the distinct rows come in another order), so they are only
        // required to be finite and within 5 % (+ the repetition noise of the level, ≤ 3 SE).
        #expect(curve.points.map(\.size) == reference.points.map(\.size))
        #expect(relativeDifference(curve.points[0].dimension, reference.points[0].dimension) < Tolerance.sameRowsReordered)
        for (ours, clean) in zip(curve.points, reference.points) {
            #expect(ours.dimension.isFinite)
            let noise = 3 * (ours.standardError + clean.standardError)
            #expect(abs(ours.dimension - clean.dimension) <= Tolerance.afterDuplicateRemoval * clean.dimension + noise)
        }
        #expect(curve.notes.first?.contains("200 duplicate rows") == true)
    }

    @Test func tooFewPointsAreRefused() throws {
        let points = Fixtures.uniformCube(count: 20, dimension: 2, seed: 3)
        #expect { try TwoNNScaleCurve().curve(points, options: EstimationOptions()) } throws: { error in
            (error as? MindSpaceError)?.kind == .malformedData
                && (error as? MindSpaceError)?.reason.contains("too few points") == true
        }
        #expect { try TwoNNScaleCurve(minimumSize: 1).curve(points, options: EstimationOptions()) } throws: { error in
            (error as? MindSpaceError)?.kind == .usage
        }
    }

    @Test func normalQuantilesAreAccurate() {
        // Reference values from the closed-form definitions (R's qnorm to 16 digits).
        #expect(abs(StandardNormal.quantile(0.975) - 1.959963984540054) < Tolerance.specialFunctionAccuracy)
        #expect(abs(StandardNormal.quantile(0.5)) < Tolerance.roundOffOfFewOperations)
        #expect(abs(StandardNormal.quantile(0.001) + 3.090232306167814) < Tolerance.specialFunctionAccuracy)
        #expect(abs(StandardNormal.quantile(0.995) - 2.575829303548901) < Tolerance.specialFunctionAccuracy)
    }
}
