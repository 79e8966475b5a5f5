import Foundation
import Testing
@testable import MindSpaceCore
@testable import MindSpaceDimension
import MindSpaceTestSupport

@Suite struct MiNDMLTests {
    typealias Fixtures = LocalDimensionFixtures

    @Test(arguments: Fixtures.setNames)
    func matchesScikitDimension(set: String) throws {
        let (points, entry) = try Fixtures.pointSet(set)
        let options = EstimationOptions(bootstrapResamples: 20)
        for (bound, suffix) in [(10, "D10"), (points.columns, "Dcols")] {
            let continuous = try MiNDMLEstimator(maximumDimension: bound).estimate(points, options: options)
            // The exact maximiser (SciPy brentq on ℓ′ in the fixture script, xtol 1e-14): we
            // solve the same equation to machine precision, so 1e-10 relative.
            #expect(relativeDifference(continuous.dimension, try Fixtures.estimate(entry, "mind_exact_\(suffix)")) < Tolerance.twoDoubleMethods)
            // scikit-dimension's L-BFGS-B stops within ~1e-8 relative of it: 1e-6 as required.
            #expect(relativeDifference(continuous.dimension, try Fixtures.estimate(entry, "mind_mlk_\(suffix)")) < Tolerance.peerEstimate)
            let integer = try MiNDMLEstimator(maximumDimension: bound, version: .integer).estimate(points, options: options)
            #expect(integer.dimension == (try Fixtures.estimate(entry, "mind_mli_\(suffix)")))
            #expect(integer.estimator == "mind-mli" && continuous.estimator == "mind-mlk")
        }
        // The default bound is the number of columns.
        let byDefault = try MiNDMLEstimator().estimate(points, options: options)
        #expect(relativeDifference(byDefault.dimension, try Fixtures.estimate(entry, "mind_exact_Dcols")) < Tolerance.twoDoubleMethods)
        #expect(byDefault.parameters["max_dimension"] == .int(points.columns))
    }

    @Test func likelihoodMaximiserSolvesTheScoreEquation() {
        // Exact model draws, by inverting the model's F(ρ) = 1 − (1 − ρ^d)^k: the maximiser must
        // be a root of ℓ′ and recover d.
        var generator = SeededGenerator(seed: 5)
        let d = 6.0, k = 20
        let logRatios = (0..<20_000).map { _ -> Double in
            let u = generator.nextUnitDouble()
            return log(pow(1 - pow(1 - u, 1 / Double(k)), 1 / d))
        }
        let likelihood = MiNDLikelihood(logRatios: logRatios, k: k)
        let estimate = likelihood.maximizer(upTo: 50)
        // ℓ′ sums one term of order 1 per draw; the iteration stops at a step of 1e-14·d, so a
        // residual of 1e-6 per term is a root to far better than the sampling spread below.
        let scorePerDrawAtTheRoot = 1e-6
        #expect(abs(likelihood.derivatives(estimate).first) < scorePerDrawAtTheRoot * Double(logRatios.count))
        // sd of the MLE = 1/√(N·I), Fisher information I ≥ 1/d²: ≤ 6/√20000 ≈ 0.042; 4 sd.
        #expect(abs(estimate - d) < 0.17)
        #expect(likelihood.integerMaximizer(upTo: 50) == 6)
        // A bound below the maximum is returned as is.
        #expect(likelihood.maximizer(upTo: 3) == 3)
    }

    @Test(arguments: [2, 5, 10])
    func uniformHypercubesLandWhereThePeerDoes(dimension: Int) throws {
        // hypercube.json: scikit-dimension MiND_ML (k = 20, D = 10) over 5 seeds of N = 2500
        // uniform points in [0, 1]^d; tolerance `hypercubeTolerance`. Loosely against d: 5 %
        // (d = 2), 10 % (d = 5), 20 % (d = 10) — MiND reads low on cubes like every
        // nearest-neighbour likelihood.
        let n = try Fixtures.hypercube().n
        let points = IntrinsicDimensionFixtures.uniformCube(count: n, dimension: dimension, seed: UInt64(500 + dimension))
        let ours = try MiNDMLEstimator(maximumDimension: 10).estimate(points, options: EstimationOptions(bootstrapResamples: 20))
        let peer = try Fixtures.hypercubeReference("mind_mlk", dimension: dimension)
        #expect(abs(ours.dimension - peer.mean) <= Fixtures.hypercubeTolerance(peer), "d=\(dimension): \(ours.dimension) vs \(peer.mean) ± \(peer.std)")
        let loose: Double = dimension == 2 ? 0.05 : (dimension == 5 ? 0.10 : 0.20)
        #expect(relativeDifference(ours.dimension, Double(dimension)) < loose)
    }

    @Test func repeatedRowsAreRemovedByDefault() throws {
        let clean = IntrinsicDimensionFixtures.uniformCube(count: 2000, dimension: 5, seed: 31)
        let dirty = IntrinsicDimensionFixtures.withRepeatedRows(clean, extra: 200, seed: 32)
        let estimator = MiNDMLEstimator()
        let reference = try estimator.estimate(clean, options: EstimationOptions())
        let deduplicated = try estimator.estimate(dirty, options: EstimationOptions())
        #expect(deduplicated.dimension.isFinite)
        #expect(relativeDifference(deduplicated.dimension, reference.dimension) < Tolerance.sameRowsReordered)   // same rows: rounding only
        #expect(deduplicated.diagnostics["duplicates_removed"] == .int(200))
        let kept = try estimator.estimate(dirty, options: EstimationOptions(duplicates: .keep))
        #expect(kept.dimension.isFinite)
        #expect(kept.diagnostics["undefined_ratio_points_dropped"] == .int(400))
    }

    @Test func intervalContainsTheEstimate() throws {
        let (points, _) = try Fixtures.pointSet("manifold3in10")
        for version in [MiNDMLEstimator.Version.continuous, .integer] {
            let estimate = try MiNDMLEstimator(version: version).estimate(points, options: EstimationOptions(seed: 8))
            #expect(estimate.ci.low <= estimate.dimension && estimate.dimension <= estimate.ci.high)
        }
    }

    @Test func tooFewPointsAndBadSettingsThrow() throws {
        let points = IntrinsicDimensionFixtures.uniformCube(count: 21, dimension: 3, seed: 3)
        #expect(throws: MindSpaceError(.malformedData, "mind-mlk: too few points: needs at least 22, got 21")) {
            try MiNDMLEstimator().estimate(points, options: EstimationOptions())
        }
        #expect(throws: MindSpaceError.self) { try MiNDMLEstimator(k: 0).estimate(points, options: EstimationOptions()) }
        #expect(throws: MindSpaceError.self) { try MiNDMLEstimator(k: 5, maximumDimension: 0).estimate(points, options: EstimationOptions()) }
    }
}
