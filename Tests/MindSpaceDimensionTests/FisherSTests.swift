import Foundation
import Testing
@testable import MindSpaceCore
@testable import MindSpaceNumerics
@testable import MindSpaceDimension
import MindSpaceTestSupport

@Suite struct FisherSTests {
    typealias Fixtures = LocalDimensionFixtures

    // scikit-dimension 0.5.0 `FisherS()` is deterministic (no random choice): same PCA cut,
    // whitening, projection, counts and Lambert-W formula. The counts are integers that can
    // only differ if an inner product lies within ~1e-16 of a grid α; the rest is smooth:
    // 1e-6 relative, as the project requires.
    static let peerTolerance = Tolerance.peerEstimate

    @Test(arguments: Fixtures.setNames)
    func matchesScikitDimension(set: String) throws {
        let (points, entry) = try Fixtures.pointSet(set)
        let ours = try FisherSEstimator().estimate(points, options: EstimationOptions(bootstrapResamples: 20))
        #expect(ours.estimator == "fishers")
        #expect(relativeDifference(ours.dimension, try Fixtures.estimate(entry, "fishers")) < Self.peerTolerance,
                "\(set): \(ours.dimension)")
    }

    @Test func alphaGridIsNumPysArange() {
        #expect(FisherSEstimator.alphas.count == 20)
        #expect(FisherSEstimator.alphas[0] == 0.6)
        #expect(FisherSEstimator.alphas[1] == 0.62)
        #expect(abs(FisherSEstimator.alphas[19] - 0.98) < Tolerance.roundOffOfFewOperations)
    }

    @Test func lambertWMatchesSciPy() throws {
        for (x, expected) in try Fixtures.special("lambertw") {
            #expect(relativeDifference(SpecialFunctions.lambertW(x), expected) < Tolerance.specialFunctionAccuracy, "W(\(x))")
        }
        #expect(abs(SpecialFunctions.lambertW(exp(1.0)) - 1) < Tolerance.roundOffOfFewOperations)   // W(e) = 1
    }

    @Test func inverseFormulaRecoversTheSphereDimension() {
        // Feed the theoretical p̄(α) of a uniform n-sphere, (1 − α²)^((n−1)/2)/(α·√(2πn)): the
        // Lambert-W inversion is exact for it, so every α returns n and the selection does too.
        for n in [3.0, 7.5, 20.0] {
            let fractions = FisherSEstimator.alphas.map { pow(1 - $0 * $0, (n - 1) / 2) / ($0 * (2 * Double.pi * n).squareRoot()) }
            let (dimension, alpha) = FisherSEstimator.selectedDimension(meanFractions: fractions)
            #expect(abs(dimension - n) < Tolerance.twoDoubleMethods * n)
            #expect(abs(alpha - 0.88) < Tolerance.roundOffOfThousandsOfOperations)   // 0.9·0.98 = 0.882 → 0.88
        }
        // No α with inseparable points: undefined.
        #expect(FisherSEstimator.selectedDimension(meanFractions: [Double](repeating: 0, count: 20)).dimension.isNaN)
    }

    @Test(arguments: [2, 5, 10])
    func uniformHypercubesLandWhereThePeerDoes(dimension: Int) throws {
        // hypercube.json: scikit-dimension FisherS over 5 seeds of N = 2500 uniform points in
        // [0, 1]^d; tolerance `hypercubeTolerance`.
        let n = try Fixtures.hypercube().n
        let points = IntrinsicDimensionFixtures.uniformCube(count: n, dimension: dimension, seed: UInt64(600 + dimension))
        let ours = try FisherSEstimator().estimate(points, options: EstimationOptions(bootstrapResamples: 20))
        let peer = try Fixtures.hypercubeReference("fishers", dimension: dimension)
        #expect(abs(ours.dimension - peer.mean) <= Fixtures.hypercubeTolerance(peer), "d=\(dimension): \(ours.dimension) vs \(peer.mean) ± \(peer.std)")
    }

    @Test func repeatedRowsAreRemovedByDefault() throws {
        let clean = IntrinsicDimensionFixtures.uniformCube(count: 1500, dimension: 6, seed: 41)
        let dirty = IntrinsicDimensionFixtures.withRepeatedRows(clean, extra: 150, seed: 42)
        let reference = try FisherSEstimator().estimate(clean, options: EstimationOptions(bootstrapResamples: 20))
        let deduplicated = try FisherSEstimator().estimate(dirty, options: EstimationOptions(bootstrapResamples: 20))
        // Same rows in another order: the counts are equal, the mean to rounding (1e-9).
        #expect(deduplicated.dimension.isFinite)
        #expect(relativeDifference(deduplicated.dimension, reference.dimension) < Tolerance.sameRowsReordered)
        #expect(deduplicated.diagnostics["duplicates_removed"] == .int(150))
        let kept = try FisherSEstimator().estimate(dirty, options: EstimationOptions(duplicates: .keep, bootstrapResamples: 20))
        #expect(kept.dimension.isFinite && kept.dimension < reference.dimension)   // twins are inseparable
    }

    @Test func intervalContainsTheEstimate() throws {
        let (points, _) = try Fixtures.pointSet("manifold3in10")
        let estimate = try FisherSEstimator().estimate(points, options: EstimationOptions(seed: 6))
        #expect(estimate.ci.low <= estimate.dimension && estimate.dimension <= estimate.ci.high)
        #expect(estimate.diagnostics["components_retained"] != nil)
    }

    @Test func tooFewPointsAndDegenerateDataThrow() throws {
        let two = Matrix<Double>([[0, 1], [1, 0]])
        #expect(throws: MindSpaceError(.malformedData, "fishers: too few points: needs at least 3, got 2")) {
            try FisherSEstimator().estimate(two, options: EstimationOptions())
        }
        let constant = Matrix<Double>(rows: 10, columns: 3, repeating: 1)
        #expect(throws: MindSpaceError.self) {
            try FisherSEstimator().estimate(constant, options: EstimationOptions(duplicates: .keep))
        }
        #expect(throws: MindSpaceError.self) {
            try FisherSEstimator(conditionNumber: 1).estimate(IntrinsicDimensionFixtures.uniformCube(count: 50, dimension: 3, seed: 1),
                                                              options: EstimationOptions())
        }
    }
}
