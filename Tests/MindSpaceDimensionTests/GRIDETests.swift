import Foundation
import Testing
@testable import MindSpaceCore
@testable import MindSpaceNumerics
@testable import MindSpaceDimension
import MindSpaceTestSupport

@Suite struct GRIDETests {
    typealias Fixtures = IntrinsicDimensionFixtures
    typealias Peers = NeighborEstimatorFixtures

    // DADApy 0.3.4 and scikit-dimension 0.5.0 on the same float64 points (VERSIONS.txt). 1e-6
    // relative, as the project requires. DADApy bisects the score to 1e-7 absolute (≈ 2e-8
    // relative at d ≈ 4) while we solve to ~1e-14, and its distances come from a GEMM
    // (‖x‖² + ‖y‖² − 2x·y, relative error ~1e-15 here); 1e-6 covers both with room.
    static let peerTolerance = Tolerance.peerEstimate

    static func doubles(_ object: [String: Any], _ key: String) throws -> [Double] {
        try #require(object[key] as? [Double], "missing \(key)")
    }

    @Test(arguments: Fixtures.setNames)
    func scaleCurveMatchesDADApy(set: String) throws {
        let (points, _) = try Fixtures.pointSet(set)
        let peer = try Peers.object(set, "dadapy_gride_scaling")
        let (ids, errors, scales) = (try Self.doubles(peer, "ids"), try Self.doubles(peer, "errors"), try Self.doubles(peer, "scales"))
        let ranks = try #require(peer["n2"] as? [Int])
        let curve = try GRIDEEstimator.scaleCurve(points, maximumRank: 64, options: EstimationOptions())
        #expect(curve.method == "gride")
        #expect(curve.points.count == ids.count)
        for (index, point) in curve.points.enumerated() where index < ids.count {
            #expect(point.neighborRank == ranks[index] / 2)
            #expect(relativeDifference(point.dimension, ids[index]) < Self.peerTolerance, "n1 = \(point.neighborRank ?? 0)")
            #expect(relativeDifference(point.standardError, errors[index]) < Self.peerTolerance)
            #expect(relativeDifference(point.scale, scales[index]) < Self.peerTolerance)
            // Wald interval around the estimate, as documented.
            let z = StandardNormal.twoSidedCritical(level: 0.95)
            #expect(abs(point.ciHigh - point.dimension - z * point.standardError) < Tolerance.roundOffOfThousandsOfOperations * point.dimension)
            #expect(point.ciLow < point.dimension && point.dimension < point.ciHigh)
        }
        // Ascending scale, as ScaleCurve promises.
        #expect(zip(curve.points, curve.points.dropFirst()).allSatisfy { $0.scale < $1.scale })
    }

    @Test(arguments: Fixtures.setNames)
    func singleScaleMatchesDADApyAndScikitDimension(set: String) throws {
        let (points, _) = try Fixtures.pointSet(set)
        let peer = try Peers.object(set, "dadapy_gride_scaling")
        let (ids, errors) = (try Self.doubles(peer, "ids"), try Self.doubles(peer, "errors"))
        let context = try NeighborContext(points, k: 8, options: EstimationOptions())
        for (n1, scaleIndex) in [(1, 0), (4, 2)] {
            let ours = try GRIDEEstimator(n1: n1).estimate(from: context, options: EstimationOptions())
            #expect(ours.estimator == "gride")
            #expect(ours.parameters["n2"] == .int(2 * n1))
            #expect(relativeDifference(ours.dimension, ids[scaleIndex]) < Self.peerTolerance)
            #expect(relativeDifference(ours.dimension, try Peers.estimate(set, "skdim_gride_n1_\(n1)")) < Self.peerTolerance)
            guard case .double(let error)? = ours.diagnostics["standard_error"] else {
                Issue.record("no standard error"); continue
            }
            #expect(relativeDifference(error, errors[scaleIndex]) < Self.peerTolerance)
            #expect(ours.ci.method == .analytic && ours.ci.low < ours.dimension && ours.dimension < ours.ci.high)
        }
        // n1 = 1 is TwoNN's maximum likelihood (N − 1)/Σ log μ when the outlier cut removes nothing.
        let gride = try GRIDEEstimator().estimate(from: context, options: EstimationOptions())
        let twoNN = try TwoNNEstimator(fit: .maximumLikelihood).estimate(from: context, options: EstimationOptions())
        if gride.diagnostics["outliers_removed"] == .int(0) {
            #expect(relativeDifference(gride.dimension, twoNN.dimension) < Tolerance.roundOffOfThousandsOfOperations)
        }
    }

    /// Ratios drawn from GRIDE's own model: u = μ^(−d) ~ Beta(n1, n2 − n1), Beta from two
    /// Gamma(integer) variables as sums of exponentials; the table holds r = 1 up to rank n1
    /// and r = μ from there to n2.
    func modelTable(count: Int, dimension: Double, n1: Int, n2: Int, generator: inout SeededGenerator) -> NeighborTable<Double> {
        func gamma(_ shape: Int) -> Double { (0..<shape).reduce(0.0) { total, _ in total - log(1 - generator.nextUnitDouble()) } }
        var distances: [Double] = []
        for _ in 0..<count {
            let a = gamma(n1), b = gamma(n2 - n1)
            let mu = pow(a / (a + b), -1 / dimension)
            distances += [Double](repeating: 1, count: n1) + [Double](repeating: mu, count: n2 - n1)
        }
        return NeighborTable(pointCount: count, k: n2, indices: [Int32](repeating: 0, count: count * n2), distances: distances)
    }

    @Test func waldIntervalHasNominalCoverageUnderTheModel() throws {
        // 300 samples of N = 400 model ratios with d = 5, n1 = 4: the Wald interval must cover 5
        // in ≈ 95 % of them. Binomial sd = √(0.95·0.05/300) ≈ 0.0126; the Wald interval's own
        // asymptotic error at N = 400 is ~1 %, so accept ±0.055 (≈ 4 sd).
        var generator = SeededGenerator(seed: 2022)
        var covered = 0
        let estimator = GRIDEEstimator(n1: 4)
        for _ in 0..<300 {
            let estimate = try estimator.estimate(neighbors: modelTable(count: 400, dimension: 5, n1: 4, n2: 8, generator: &generator),
                                                  options: EstimationOptions())
            if estimate.ci.low <= 5 && 5 <= estimate.ci.high { covered += 1 }
        }
        #expect(abs(Double(covered) / 300 - 0.95) < 0.055)
    }

    @Test func recoversTheModelDimensionAtLargeN() throws {
        var generator = SeededGenerator(seed: 7)
        let table = modelTable(count: 20_000, dimension: 9, n1: 2, n2: 4, generator: &generator)
        let estimate = try GRIDEEstimator(n1: 2).estimate(neighbors: table, options: EstimationOptions())
        // The information bound gives SE ≈ 9/√(20000·~1.4) ≈ 0.05; accept 5 SE.
        #expect(abs(estimate.dimension - 9) < 5 * 0.054)
        #expect(estimate.ci.high - estimate.ci.low < 0.05 * estimate.dimension)
    }

    @Test(arguments: [2, 5, 10])
    func uniformHypercubesLandWhereDADApyDoes(dimension: Int) throws {
        // hypercube.json: DADApy's GRIDE at n1 = 1 and n1 = 4 over 15 seeds of N = 2000 uniform
        // points in [0, 1]^d. Boundaries bias d̂ down, more at larger n1 and d; the test is
        // |ours − peer mean| ≤ 4 sd + 1 % (the sd from 15 seeds is itself uncertain by ~20 %).
        for (n1, key) in [(1, "gride_n1_1"), (4, "gride_n1_4")] {
            let peer = try Peers.hypercube(key, dimension: dimension)
            let points = Fixtures.uniformCube(count: peer.n, dimension: dimension, seed: UInt64(300 + dimension))
            let ours = try GRIDEEstimator(n1: n1).estimate(points, options: EstimationOptions())
            #expect(abs(ours.dimension - peer.mean) <= 4 * peer.std + 0.01 * peer.mean,
                    "\(key) d=\(dimension): \(ours.dimension) vs \(peer.mean) ± \(peer.std)")
            // And the interval: around the estimate, a few % wide at N = 2000 (SE ≈ d/√N·~1).
            #expect(ours.ci.low < ours.dimension && ours.dimension < ours.ci.high)
            #expect(ours.ci.high - ours.ci.low < 0.25 * ours.dimension)
        }
    }

    @Test func repeatedRowsAreRemovedByDefault() throws {
        let clean = Fixtures.uniformCube(count: 2000, dimension: 5, seed: 81)
        let dirty = Fixtures.withRepeatedRows(clean, extra: 200, seed: 82)
        let reference = try GRIDEEstimator(n1: 2).estimate(clean, options: EstimationOptions())
        let deduplicated = try GRIDEEstimator(n1: 2).estimate(dirty, options: EstimationOptions())
        // Required: finite and within 5 %. The distinct rows are exactly the clean rows, so the
        // likelihood is the same up to summation order: 1e-9.
        #expect(deduplicated.dimension.isFinite)
        #expect(relativeDifference(deduplicated.dimension, reference.dimension) < Tolerance.afterDuplicateRemoval)
        #expect(relativeDifference(deduplicated.dimension, reference.dimension) < Tolerance.sameRowsReordered)
        #expect(deduplicated.diagnostics["duplicates_removed"] == .int(200))
        // Kept: at n1 = 1 the 400 twins have r(n1) = 0 and are dropped (counted); finite.
        let kept = try GRIDEEstimator(n1: 1).estimate(dirty, options: EstimationOptions(duplicates: .keep))
        #expect(kept.dimension.isFinite)
        #expect(kept.diagnostics["zero_distance_points_dropped"] == .int(400))
        let curve = try GRIDEEstimator.scaleCurve(dirty, options: EstimationOptions())
        let cleanCurve = try GRIDEEstimator.scaleCurve(clean, options: EstimationOptions())
        #expect(zip(curve.points, cleanCurve.points).allSatisfy { relativeDifference($0.dimension, $1.dimension) < Tolerance.sameRowsReordered })
        #expect(curve.notes.first?.contains("200 duplicate rows") == true)
    }

    @Test func degenerateInputIsRefusedWithAReason() throws {
        // Two points have no second neighbour.
        let two = Matrix<Double>([[0, 0], [1, 1]])
        #expect { try GRIDEEstimator().estimate(two, options: EstimationOptions()) } throws: { error in
            (error as? MindSpaceError)?.kind == .malformedData
                && (error as? MindSpaceError)?.reason.contains("too few points") == true
        }
        #expect { try GRIDEEstimator.scaleCurve(two, options: EstimationOptions()) } throws: { error in
            (error as? MindSpaceError)?.kind == .malformedData
        }
        // A 1-D lattice: r(n1) = r(n2) for every interior point at n1 = 1.
        let lattice = Matrix(rows: 50, columns: 1, storage: (0..<50).map { Double($0) })
        #expect { try GRIDEEstimator().estimate(lattice, options: EstimationOptions()) } throws: { error in
            (error as? MindSpaceError)?.reason.contains("lattice") == true
        }
        let points = Fixtures.uniformCube(count: 100, dimension: 3, seed: 1)
        #expect { try GRIDEEstimator(n1: 2, n2: 2).estimate(points, options: EstimationOptions()) } throws: { error in
            (error as? MindSpaceError)?.kind == .usage
        }
    }

    @Test func scaleCurveEncodesAndDecodes() throws {
        let points = Fixtures.uniformCube(count: 300, dimension: 3, seed: 2)
        let curve = try GRIDEEstimator.scaleCurve(points, maximumRank: 16, options: EstimationOptions())
        #expect(curve.points.map(\.neighborRank) == [1, 2, 4, 8])
        let data = try JSONEncoder().encode(curve)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let first = try #require((object["points"] as? [[String: Any]])?.first)
        #expect(first["ci_low"] is Double && first["neighbor_rank"] as? Int == 1)
        #expect(try JSONDecoder().decode(ScaleCurve.self, from: data) == curve)
    }
}
