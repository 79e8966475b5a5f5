import Foundation
import Testing
@testable import MindSpaceCore
@testable import MindSpaceNumerics
@testable import MindSpaceDimension
import MindSpaceTestSupport

@Suite struct LocalPCATests {
    typealias Fixtures = LocalDimensionFixtures

    /// scikit-dimension's `lPCA(ver=…)` name of each of our versions (the fixture keys).
    static let peerVersion: [SpectrumRule.Version: String] = [
        .fukunagaOlsen: "FO", .varianceRatio: "ratio", .participationRatio: "participation_ratio",
        .marchenkoPastur: "MP", .maxGap: "maxgap", .kaiser: "Kaiser", .brokenStick: "broken_stick", .fan: "Fan",
    ]

    // scikit-dimension 0.5.0 on the same float64 points (VERSIONS.txt). 1e-6 relative, as the
    // project requires. Both sides compute exact float64 neighbour sets and covariance spectra
    // (ours by dsyevr on the covariance, sklearn's by SVD), which agree to ~1e-15·λ₁; the
    // integer rules agree exactly unless an eigenvalue sits within that of a threshold, and
    // the participation ratio to ~1e-13.
    static let peerTolerance = Tolerance.peerEstimate

    @Test(arguments: Fixtures.setNames)
    func localVersionsMatchScikitDimension(set: String) throws {
        let (points, entry) = try Fixtures.pointSet(set)
        let table = try ExactNeighbors.search(points, k: 100)
        for version in SpectrumRule.Version.allCases {
            let key = "lpca_local_\(Self.peerVersion[version] ?? "?")"
            let ours = try LocalPCAEstimator(rule: SpectrumRule(version)).estimate(neighbors: table, points: points,
                                                                                 options: EstimationOptions())
            let peer = try Fixtures.estimate(entry, key)
            #expect(agrees(ours.dimension, peer, within: Self.peerTolerance), "\(set) \(key): \(ours.dimension) vs \(peer)")
        }
        // scikit-dimension's own default for 'ratio' (alphaRatio = 0.05).
        let ratio5 = try LocalPCAEstimator(rule: SpectrumRule(.varianceRatio, varianceFraction: 0.05))
            .estimate(neighbors: table, points: points, options: EstimationOptions())
        #expect(agrees(ratio5.dimension, try Fixtures.estimate(entry, "lpca_local_ratio_alpha0.05"), within: Self.peerTolerance))
    }

    @Test func pointwiseValuesMatchScikitDimension() throws {
        let (points, entry) = try Fixtures.pointSet("cube5")
        let fo = try #require(try LocalPCAEstimator().estimate(points, options: EstimationOptions()).pointwise)
        let peerFO = try #require(entry["lpca_local_FO_pointwise"] as? [Int])
        #expect(fo == peerFO.map(Double.init))   // integer counts: exactly equal
        let pr = try #require(try LocalPCAEstimator(rule: SpectrumRule(.participationRatio))
            .estimate(points, options: EstimationOptions()).pointwise)
        let peerPR = try #require(entry["lpca_local_participation_ratio_pointwise"] as? [Double])
        #expect(pr.count == peerPR.count)
        #expect(zip(pr, peerPR).allSatisfy { agrees($0, $1, within: Self.peerTolerance) })
    }

    @Test(arguments: Fixtures.setNames)
    func globalVersionsMatchScikitDimension(set: String) throws {
        let (points, entry) = try Fixtures.pointSet(set)
        for version in SpectrumRule.Version.allCases {
            let key = "lpca_global_\(Self.peerVersion[version] ?? "?")"
            let ours = try PCADimensionEstimator(rule: SpectrumRule(version))
                .estimate(points, options: EstimationOptions(bootstrapResamples: 20))
            let peer = try Fixtures.estimate(entry, key)
            if set == "gauss4in30" && version == .maxGap {
                // Rank 4 in 30 columns: 26 eigenvalues are round-off (~1e-32·λ₁). scikit-dimension
                // compares their ratios and answers 17; we zero them first (`SpectrumRule`), so the
                // largest gap is the infinite one after λ₄.
                #expect(peer == 17 && ours.dimension == 4)
                continue
            }
            #expect(agrees(ours.dimension, peer, within: Self.peerTolerance), "\(set) \(key): \(ours.dimension) vs \(peer)")
            #expect(ours.ci.low <= ours.dimension && ours.dimension <= ours.ci.high, "\(key) interval")
            #expect(ours.estimator == "pca-\(version.rawValue)")
        }
        let fo10 = try PCADimensionEstimator(rule: SpectrumRule(foThreshold: 0.1))
            .estimate(points, options: EstimationOptions(bootstrapResamples: 10))
        #expect(fo10.dimension == (try Fixtures.estimate(entry, "lpca_global_FO_alpha0.1")))
    }

    @Test func gramRouteAgreesWithPCAOfEachPatch() throws {
        // k = 20 < D = 30 sends each patch down the k×k Gram route; the independent check is
        // `PCA` on the same 20 rows (its own Gram route), whose spectrum is then read by the rule.
        // Both are Double eigen-solutions of the same matrix: 1e-10 relative on the PR.
        let (points, _) = try Fixtures.pointSet("gauss4in30")
        let table = try ExactNeighbors.search(points, k: 20)
        let rule = SpectrumRule(.participationRatio)
        let local = try #require(try LocalPCAEstimator(k: 20, rule: rule)
            .estimate(neighbors: table, points: points, options: EstimationOptions()).pointwise)
        for point in [0, 17, 399, 799] {
            let patch = Matrix((0..<20).map { Array(points.row(table.neighbor(point, rank: $0))) })
            let spectrum = try PCA().fit(patch).spectrum.explainedVariance
            #expect(spectrum.count == 20)
            let expected = rule.dimension(eigenvalues: spectrum, sampleCount: 20, featureCount: 30)
            #expect(relativeDifference(local[point], expected) < Tolerance.twoDoubleMethods)
        }
        // The data have rank 4: the largest gap of every patch is the infinite one after λ₄,
        // and no patch has more than 4 eigenvalues above the FO threshold.
        let maxGap = try #require(try LocalPCAEstimator(k: 20, rule: SpectrumRule(.maxGap))
            .estimate(neighbors: table, points: points, options: EstimationOptions()).pointwise)
        #expect(maxGap.allSatisfy { $0 == 4 })
        let fo = try #require(try LocalPCAEstimator(k: 20)
            .estimate(neighbors: table, points: points, options: EstimationOptions()).pointwise)
        #expect(fo.allSatisfy { $0 >= 1 && $0 <= 4 })
    }

    @Test func marchenkoPasturMedianMatchesSciPy() throws {
        // SciPy: brentq on quad of the density (~1e-12); ours: closed-form CDF and bisection.
        for (beta, expected) in try Fixtures.special("mp_median") {
            #expect(relativeDifference(MarchenkoPastur.median(ratio: beta), expected) < Tolerance.peerFloat64Answer, "beta \(beta)")
        }
        // The closed form integrates to 1 at the upper edge.
        for beta in [0.05, 0.5, 1.0] {
            #expect(abs(MarchenkoPastur.distribution(angle: .pi, ratio: beta) - 1) < Tolerance.roundOffOfThousandsOfOperations)
        }
    }

    @Test func spectrumRulesOnKnownSpectra() {
        // Hand-checked: λ = (4, 2, 1, 0.1), n = 100 points, p = 4 features.
        let spectrum = [4.0, 2, 1, 0.1]
        func value(_ rule: SpectrumRule) -> Double { rule.dimension(eigenvalues: spectrum, sampleCount: 100, featureCount: 4) }
        #expect(value(SpectrumRule(.fukunagaOlsen)) == 3)                         // > 0.2
        #expect(value(SpectrumRule(.fukunagaOlsen, foThreshold: 0.3)) == 2)       // > 1.2
        #expect(value(SpectrumRule(.varianceRatio)) == 3)                         // 7/7.1 = 0.986 ≥ 0.95
        #expect(value(SpectrumRule(.varianceRatio, varianceFraction: 0.8)) == 2)  // 6/7.1 = 0.845
        #expect(abs(value(SpectrumRule(.participationRatio)) - 7.1 * 7.1 / 21.01) < Tolerance.roundOffOfThousandsOfOperations)
        #expect(value(SpectrumRule(.maxGap)) == 3)                                // 1/0.1 = 10
        #expect(value(SpectrumRule(.kaiser)) == 2)                                // mean 1.775
        // Broken stick, m = 4: b = (0.5208, 0.2708, 0.1458, 0.0625); λ/Σ = (0.563, 0.282, 0.141, …).
        #expect(value(SpectrumRule(.brokenStick)) == 2)
        // Equal eigenvalues: PR = count; zero spectrum: 0.
        #expect(SpectrumRule(.participationRatio).dimension(eigenvalues: [2, 2, 2], sampleCount: 10, featureCount: 3) == 3)
        #expect(SpectrumRule(.fukunagaOlsen).dimension(eigenvalues: [0, 0], sampleCount: 10, featureCount: 2) == 0)
    }

    @Test(arguments: [2, 5, 10])
    func uniformHypercubesLandWhereThePeerDoes(dimension: Int) throws {
        // hypercube.json: mean and sd of scikit-dimension's lPCA over 5 seeds of N = 2500 uniform
        // points in [0, 1]^d, locally (fit_pw, k = 100, mean) and globally. Tolerance: see
        // `hypercubeTolerance`. Loosely against d: local FO is exact on cubes (the patches are
        // nearly isotropic) and the global FO and ratio rules are exact too.
        let n = try Fixtures.hypercube().n
        let points = IntrinsicDimensionFixtures.uniformCube(count: n, dimension: dimension, seed: UInt64(300 + dimension))
        let table = try ExactNeighbors.search(points, k: 100)
        let options = EstimationOptions(bootstrapResamples: 10)
        for version in SpectrumRule.Version.allCases {
            let peerName = Self.peerVersion[version] ?? "?"
            let local = try LocalPCAEstimator(rule: SpectrumRule(version)).estimate(neighbors: table, points: points, options: options)
            let localPeer = try Fixtures.hypercubeReference("lpca_local_\(peerName)", dimension: dimension)
            #expect(abs(local.dimension - localPeer.mean) <= Fixtures.hypercubeTolerance(localPeer),
                    "local \(peerName) d=\(dimension): \(local.dimension) vs \(localPeer.mean) ± \(localPeer.std)")
            let global = try PCADimensionEstimator(rule: SpectrumRule(version)).estimate(points, options: options)
            let globalPeer = try Fixtures.hypercubeReference("lpca_global_\(peerName)", dimension: dimension)
            #expect(abs(global.dimension - globalPeer.mean) <= Fixtures.hypercubeTolerance(globalPeer),
                    "global \(peerName) d=\(dimension): \(global.dimension) vs \(globalPeer.mean) ± \(globalPeer.std)")
        }
        let localFO = try LocalPCAEstimator().estimate(neighbors: table, points: points, options: options)
        #expect(abs(localFO.dimension - Double(dimension)) < 0.05 * Double(dimension))
        #expect(try PCADimensionEstimator().estimate(points, options: options).dimension == Double(dimension))
    }

    @Test func repeatedRowsAreRemovedByDefault() throws {
        // 10 % repeated rows. Removal restores exactly the clean rows (in another order; the
        // neighbourhoods are the same sets), so the estimate agrees to rounding (1e-9), well
        // inside the required 5 %.
        let clean = IntrinsicDimensionFixtures.uniformCube(count: 1000, dimension: 4, seed: 11)
        let dirty = IntrinsicDimensionFixtures.withRepeatedRows(clean, extra: 100, seed: 12)
        for rule in [SpectrumRule(.fukunagaOlsen), SpectrumRule(.participationRatio)] {
            let estimator = LocalPCAEstimator(k: 50, rule: rule)
            let reference = try estimator.estimate(clean, options: EstimationOptions(bootstrapResamples: 20))
            let deduplicated = try estimator.estimate(dirty, options: EstimationOptions(bootstrapResamples: 20))
            #expect(deduplicated.dimension.isFinite)
            #expect(relativeDifference(deduplicated.dimension, reference.dimension) < Tolerance.sameRowsReordered)
            #expect(deduplicated.diagnostics["duplicates_removed"] == .int(100))
            #expect(deduplicated.diagnostics["points"] == .int(1100))
            #expect(deduplicated.pointwise?.count == 1100)
            let kept = try estimator.estimate(dirty, options: EstimationOptions(duplicates: .keep, bootstrapResamples: 20))
            #expect(kept.dimension.isFinite)
            #expect(kept.parameters["duplicates"] == .string("keep"))
            let global = PCADimensionEstimator(rule: rule)
            #expect(relativeDifference(try global.estimate(dirty, options: EstimationOptions(bootstrapResamples: 20)).dimension,
                                       try global.estimate(clean, options: EstimationOptions(bootstrapResamples: 20)).dimension) < Tolerance.sameRowsReordered)
        }
    }

    @Test func intervalsContainTheEstimateAndAreSeeded() throws {
        let (points, _) = try Fixtures.pointSet("manifold3in10")
        for rule in SpectrumRule.Version.allCases.map({ SpectrumRule($0) }) {
            let local = try LocalPCAEstimator(k: 30, rule: rule).estimate(points, options: EstimationOptions(bootstrapResamples: 50))
            #expect(local.ci.low <= local.dimension && local.dimension <= local.ci.high, "lpca \(rule.version)")
            #expect(local.ci.method == .bootstrap && local.ci.level == 0.95)
        }
        let options = EstimationOptions(bootstrapResamples: 50, seed: 9)
        let first = try PCADimensionEstimator(rule: SpectrumRule(.participationRatio)).estimate(points, options: options)
        let second = try PCADimensionEstimator(rule: SpectrumRule(.participationRatio)).estimate(points, options: options)
        #expect(first == second)   // seeded: identical
        #expect(first.ci.low < first.dimension && first.dimension < first.ci.high)
    }

    @Test func tooFewPointsAndBadSettingsThrow() throws {
        let points = IntrinsicDimensionFixtures.uniformCube(count: 60, dimension: 3, seed: 1)
        #expect(throws: MindSpaceError(.malformedData, "lpca-fo: too few points: needs at least 101, got 60")) {
            try LocalPCAEstimator().estimate(points, options: EstimationOptions())
        }
        let single = Matrix<Double>(rows: 1, columns: 3, storage: [1, 2, 3])
        #expect(throws: MindSpaceError.self) { try PCADimensionEstimator().estimate(single, options: EstimationOptions()) }
        #expect(throws: MindSpaceError.self) {
            try LocalPCAEstimator(k: 10, rule: SpectrumRule(foThreshold: 1.5)).estimate(points, options: EstimationOptions())
        }
        #expect(throws: MindSpaceError.self) { try LocalPCAEstimator(k: 1).estimate(points, options: EstimationOptions()) }
        var withNaN = points
        withNaN[3, 1] = .nan
        #expect(throws: MindSpaceError.self) { try PCADimensionEstimator().estimate(withNaN, options: EstimationOptions()) }
    }
}
