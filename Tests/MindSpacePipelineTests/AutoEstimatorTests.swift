import Foundation
import Testing
@testable import MindSpaceCore
@testable import MindSpaceIO
@testable import MindSpaceNumerics
@testable import MindSpaceSynthetic
@testable import MindSpaceDimension
@testable import MindSpacePipeline
import MindSpaceTestSupport

/// `auto` (`AutoEstimator`) and its parts: the rank-ratio statistic, the calibration, the
/// plateau rule, the subsample split; accuracy and interval coverage on data of known dimension;
/// determinism; duplicates; the reasoning in the JSON; the CLI default.
@Suite struct AutoEstimatorTests {
    // MARK: - Parts

    @Test func harmonicGapIsTheDigammaDifference() {
        // ψ(2j) − ψ(j) = Σ_{i=j}^{2j−1} 1/i: exactly 1 at j = 1, 1/2 + 1/3 at j = 2, and
        // → log 2 as j grows (ψ(x) ~ log x); the asymptotic error is ≈ 1/(4j).
        #expect(RankRatioStatistic.harmonicGap(scale: 1) == 1)
        #expect(abs(RankRatioStatistic.harmonicGap(scale: 2) - (1.0 / 2 + 1.0 / 3)) < Tolerance.roundOffOfFewOperations)
        let nextAsymptoticTerm = 1e-6  // the expansion's O(1/j²) term at j = 1000
        #expect(abs(RankRatioStatistic.harmonicGap(scale: 1000) - log(2)) < 1 / 4000.0 + nextAsymptoticTerm)
    }

    @Test func rawStatisticIsUnbiasedOnAPoissonProcessOnACircle() throws {
        // A uniform sample of a circle of circumference 1 with n = 4000 is locally a 1-D Poisson
        // process (no boundary; curvature is negligible at neighbour distances ~1/4000), so
        // every scale's raw value estimates 1. Standard error at scale 1: 1/√n ≈ 0.016; larger
        // scales are more precise. 0.06 is about 4 standard errors.
        var generator = SeededGenerator(seed: 21)
        let n = 4000
        var points = Matrix<Double>(rows: n, columns: 2)
        for row in 0..<n {
            let angle = 2 * Double.pi * generator.nextUnitDouble()
            points.storage[2 * row] = cos(angle) / (2 * .pi)
            points.storage[2 * row + 1] = sin(angle) / (2 * .pi)
        }
        let table = try ExactNeighbors.search(points, k: 16)
        let raw = RankRatioStatistic.rawDimensions(table, scales: [1, 2, 4, 8])
        for value in raw { #expect(abs(value - 1) < 0.06, "\(raw)") }
    }

    @Test func candidateGridIsFineThenGeometricAndEndsAtTheCap() {
        let grid = DimensionCalibration.candidateDimensions(upTo: 100)
        #expect(Array(grid.prefix(8)) == Array(1...8))
        #expect(grid.last == 100)
        for (a, b) in zip(grid, grid.dropFirst()) {
            #expect(b > a)
            #expect(Double(b) <= max(Double(a + 1), 1.2 * Double(a) + 0.5) || b == 100)
        }
        #expect(DimensionCalibration.candidateDimensions(upTo: 1) == [1])
        #expect(DimensionCalibration.candidateDimensions(upTo: 3) == [1, 2, 3])
    }

    @Test func calibrationInvertsItsOwnCurveAndIsIndependentOfVisitOrder() throws {
        var first = DimensionCalibration(reference: .ball, sampleSize: 400, scales: [1, 2], replicates: 1,
                                         maximumDimension: 30, seed: 5)
        let atTen = try first.expectedRaw(dimension: 10)
        // Inverting the curve's own value at a candidate gives that candidate back, up to the
        // interpolation's floating-point round-off.
        let inverted = try first.invert(atTen[0], scaleIndex: 0)
        #expect(inverted.bound == .within && abs(inverted.dimension - 10) < Tolerance.interpolatedInverse, "\(inverted)")
        // A curve point depends only on (seed, shape, m, replicate), not on what was visited first.
        var second = DimensionCalibration(reference: .ball, sampleSize: 400, scales: [1, 2], replicates: 1,
                                          maximumDimension: 30, seed: 5)
        _ = try second.expectedRaw(dimension: 3)
        #expect(try second.expectedRaw(dimension: 10) == atTen)
        // Out of range: above the cap is the cap, flagged; tiny values extrapolate below 1.
        #expect(try first.invert(1e6, scaleIndex: 0).bound == .aboveLargest)
        #expect(try first.invert(1e6, scaleIndex: 0).dimension == 30)
        let low = try first.invert(0.5, scaleIndex: 0)
        #expect(low.bound == .belowSmallest && low.dimension < 1)
    }

    @Test func plateauRuleSkipsSignificantFallsOnly() {
        let scales = [1, 2, 4, 8]
        // Falling significantly twice (noise), then flat: the plateau starts at scale 4.
        let noisy = ScalePlateau.firstPlateau(estimates: [9, 6, 4, 3.9], lows: [8.5, 5.6, 3.8, 3.7],
                                              highs: [9.5, 6.4, 4.2, 4.1], scales: scales)
        #expect(noisy.index == 2 && noisy.plateauFound)
        // Rising with scale (curvature): stay at the smallest scale.
        let rising = ScalePlateau.firstPlateau(estimates: [2, 2.5, 3, 3.5], lows: [1.9, 2.4, 2.9, 3.4],
                                               highs: [2.1, 2.6, 3.1, 3.6], scales: scales)
        #expect(rising.index == 0 && rising.plateauFound)
        // Falling within the intervals: scale 1.
        let flat = ScalePlateau.firstPlateau(estimates: [10, 9.6, 9.5, 9.4], lows: [9.2, 9.2, 9.2, 9.1],
                                             highs: [10.8, 10, 9.8, 9.7], scales: scales)
        #expect(flat.index == 0)
        // Falling significantly at every step: the largest scale, flagged.
        let falling = ScalePlateau.firstPlateau(estimates: [20, 15, 10, 6], lows: [19, 14, 9, 5],
                                                highs: [21, 16, 11, 7], scales: scales)
        #expect(falling.index == 3 && !falling.plateauFound)
    }

    @Test(arguments: [(20000, 8, 2500), (4999, 1, 4999), (5000, 2, 2500), (30000, 8, 3750), (100, 1, 100)])
    func subsamplesAreDisjointAndEqual(n: Int, count: Int, size: Int) {
        var generator = SeededGenerator(seed: 1)
        let split = DisjointSubsamples(pointCount: n, targetSize: 2500, maximumCount: 8, generator: &generator)
        #expect(split.count == count && split.size == size)
        let all = split.rows.flatMap { $0 }
        #expect(Set(all).count == all.count && all.allSatisfy { (0..<n).contains($0) })
        #expect(split.rows.allSatisfy { $0.count == size && $0 == $0.sorted() })
    }

    // MARK: - Accuracy on data of known dimension

    /// n uniform points of `shape` with intrinsic dimension d, in its own coordinates, padded
    /// with zero columns to `ambient` coordinates when given (distances are unchanged).
    private func uniform(_ shape: UniformShape, d: Int, n: Int, seed: UInt64, ambient: Int? = nil) -> Matrix<Double> {
        var generator = SeededGenerator(seed: seed)
        let own = shape.points(n: n, dimension: d, generator: &generator)
        guard let ambient, ambient > own.columns else { return own }
        var padded = Matrix<Double>(rows: n, columns: ambient)
        for row in 0..<n {
            for column in 0..<own.columns { padded[row, column] = own[row, column] }
        }
        return padded
    }

    /// Uniform cubes and balls of d = 2, 5, 10, 20 with N = 2000, padded to D = 50 so that the
    /// calibration's cap min(D, n − 1) is far above d (in their own d coordinates the cap D = d
    /// would clip estimates and intervals at d and make the test trivially pass).
    ///
    /// Tolerance: |d̂ − d| ≤ 0.1·d. At N = 2000 the scale-1 statistic has a relative standard error
    /// of about 1/√2000 ≈ 2.2 %, amplified by the calibration's slope (d log m / d log f ≈ 1.3
    /// at d = 20) to ≈ 3 %, plus the calibration's own noise (×1.22); and the cube is calibrated
    /// against balls, whose boundary differs (development: cubes read ≈ 4 % low at d = 20). 10 % is
    /// about these combined at two standard errors; a calibration that failed would leave the
    /// raw downward bias (≈ 20 % at d = 20) or overshoot.
    ///
    /// Coverage rule: the interval is a nominal 95 % interval widened for the unknown geometry,
    /// so it should contain d in nearly every case; we require at least 7 of the 8 cases (one miss
    /// allowed for the dependence between points' ratios, which makes bootstrap intervals a little
    /// narrow).
    @Test func uniformCubesAndBallsAreWithinTenPercentAndMostlyCovered() throws {
        var covered = 0
        var cases = 0
        for shape in [UniformShape.hypercube, .ball] {
            for d in [2, 5, 10, 20] {
                let estimate = try AutoEstimator().estimate(uniform(shape, d: d, n: 2000, seed: 100 + UInt64(d), ambient: 50),
                                                            options: EstimationOptions(seed: 3))
                #expect(abs(estimate.dimension - Double(d)) <= 0.1 * Double(d), "\(shape) d=\(d): \(estimate.dimension)")
                #expect(estimate.ci.low <= estimate.dimension && estimate.dimension <= estimate.ci.high)
                if estimate.ci.low <= Double(d) && Double(d) <= estimate.ci.high { covered += 1 }
                cases += 1
            }
        }
        #expect(covered >= cases - 1, "\(covered) of \(cases) intervals contain the true dimension")
    }

    /// Cheap benchmark manifolds at seeds other than 0 (seed 0 is the README's held-out
    /// benchmark), n = 2000, in their own coordinates. Tolerance 10 % of d, as above; these
    /// manifolds (an affine 3-space, a Swiss roll, the boundary of an 11-cube) have no strongly
    /// non-uniform density, the known failure of every neighbour-ratio method (development
    /// errors at n = 2500, seeds 1–5: ≤ 2.4 % on average for each).
    @Test(arguments: [BenchmarkManifold.m2Affine3to5, .m7Roll, .m10aCubic])
    func benchmarkManifoldsAtDevelopmentSeeds(_ manifold: BenchmarkManifold) throws {
        var generator = SeededGenerator(seed: 2)
        let points = manifold.points(n: 2000, generator: &generator)
        let estimate = try AutoEstimator().estimate(points, options: EstimationOptions(seed: 2))
        let d = Double(manifold.intrinsicDimension)
        #expect(abs(estimate.dimension - d) <= 0.1 * d, "\(manifold.name): \(estimate.dimension)")
    }

    // MARK: - Determinism, duplicates, edge cases

    @Test func sameSeedGivesTheSameEstimate() throws {
        let points = uniform(.ball, d: 6, n: 600, seed: 9)
        let options = EstimationOptions(seed: 11)
        let first = try AutoEstimator().estimate(points, options: options)
        let second = try AutoEstimator().estimate(points, options: options)
        #expect(first == second)
        #expect(try ReportEncoding.json(first) == ReportEncoding.json(second))
    }

    @Test func duplicateRowsAreRemovedOrDroppedWithANote() throws {
        let distinct = uniform(.hypercube, d: 4, n: 500, seed: 13)
        var storage = distinct.storage
        storage += distinct.storage.prefix(100 * 4)   // the first 100 rows again
        let withDuplicates = Matrix(rows: 600, columns: 4, storage: storage)
        let options = EstimationOptions(seed: 4)
        // Removal keeps first occurrences in order, so the distinct rows are exactly `distinct`
        // and the estimate is the same number.
        let removed = try AutoEstimator().estimate(withDuplicates, options: options)
        let reference = try AutoEstimator().estimate(distinct, options: options)
        #expect(removed.dimension == reference.dimension)
        #expect(removed.diagnostics["duplicates_removed"] == .int(100))
        #expect(removed.notes.contains { $0.contains("duplicate") })
        // Kept: the 200 rows with a twin have r₁ = 0 and are dropped, with a note; still finite.
        var keepOptions = options
        keepOptions.duplicates = .keep
        let kept = try AutoEstimator().estimate(withDuplicates, options: keepOptions)
        #expect(kept.diagnostics["zero_distance_points_dropped"] == .int(200))
        #expect(kept.dimension.isFinite && kept.notes.contains { $0.contains("dropped") })
    }

    @Test func refusesTooFewDistinctPointsAndNonFiniteValues() {
        let identical = Matrix<Double>(rows: 30, columns: 3, repeating: 1)
        #expect { try AutoEstimator().estimate(identical, options: EstimationOptions()) } throws: { error in
            (error as? MindSpaceError)?.kind == .malformedData && "\(error)".contains("identical")
        }
        let two = Matrix<Double>([[0, 0], [1, 1]])
        #expect { try AutoEstimator().estimate(two, options: EstimationOptions()) } throws: { error in
            (error as? MindSpaceError)?.kind == .malformedData
        }
        var nan = uniform(.ball, d: 2, n: 50, seed: 1)
        nan.storage[7] = .nan
        #expect { try AutoEstimator().estimate(nan, options: EstimationOptions()) } throws: { error in
            (error as? MindSpaceError)?.kind == .malformedData && "\(error)".contains("row 3, column 1")
        }
    }

    @Test func smallSamplesUseOnlyTheSmallestScale() throws {
        // 40 points: 2j ≤ max(2, 40/32) allows only j = 1; candidates stop at min(D, n − 1) = 3.
        let estimate = try AutoEstimator().estimate(uniform(.ball, d: 3, n: 40, seed: 8), options: EstimationOptions())
        #expect(estimate.diagnostics["scales_used"] == .string("1"))
        #expect(estimate.diagnostics["maximum_dimension"] == .int(3))
        #expect(estimate.dimension.isFinite && estimate.dimension <= 3)
    }

    // MARK: - Reasoning in the JSON, and the CLI default

    @Test func reasoningIsInTheJSON() throws {
        let estimate = try AutoEstimator().estimate(uniform(.sphere, d: 4, n: 800, seed: 17), options: EstimationOptions())
        let json = try #require(try JSONSerialization.jsonObject(with: ReportEncoding.json(estimate)) as? [String: Any])
        #expect(json["estimator"] as? String == "auto")
        let diagnostics = try #require(json["diagnostics"] as? [String: Any])
        for key in ["chosen_scale", "plateau_found", "raw_scale_1", "calibrated_scale_1", "ball_dimension",
                    "hypercube_dimension", "sphere_dimension", "sample_size", "maximum_dimension"] {
            #expect(diagnostics[key] != nil, "missing diagnostics[\(key)]")
        }
        let notes = try #require(json["notes"] as? [String])
        #expect(notes.contains { $0.hasPrefix("calibration:") })
        #expect(notes.contains { $0.contains("chosen") })
        #expect(notes.contains { $0.hasPrefix("interval:") })
        let parameters = try #require(json["parameters"] as? [String: Any])
        #expect(parameters["reference"] as? String == "ball")
    }

    @Test func autoIsTheFirstCatalogEntryAndTheCommandDefault() throws {
        #expect(EstimatorCatalog.entries.first?.name == "auto")
        #expect(IDJob(dataPath: "x", outputFolder: "y").estimatorNames == ["auto"])
        let folder = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("ball.npy")
        try NpyWriter.encode(uniform(.ball, d: 3, n: 600, seed: 2)).write(to: url)
        let result = try CommandRunner.run(["id", url.path, "--json", "--out", folder.appendingPathComponent("out").path])
        #expect(result.status == 0, "\(result.stderr)")
        let estimates = try #require(result.json?["estimates"] as? [[String: Any]])
        #expect(estimates.count == 1 && estimates[0]["estimator"] as? String == "auto")
        #expect((estimates[0]["notes"] as? [String])?.isEmpty == false)
    }
}
