import Foundation
import Testing
@testable import MindSpaceCore
@testable import MindSpaceNumerics
@testable import MindSpaceDimension
import MindSpaceTestSupport

/// `EstimationOptions.intervalMethod` (`mindspace id --ci`): which interval each estimator
/// reports under `auto`, `none`, `analytic` and `bootstrap`, that the estimate itself never
/// depends on it, and that a missing interval is always explained.
@Suite struct IntervalMethodTests {
    /// N exact Pareto(d) ratios r₂/r₁ (r₁ = 1): log μ ~ Exponential(d), TwoNN's and GRIDE's
    /// model (n₁ = 1, n₂ = 2) holds exactly.
    private func paretoTable(count: Int, dimension: Double, seed: UInt64) -> NeighborTable<Double> {
        var generator = SeededGenerator(seed: seed)
        var distances: [Double] = []
        for _ in 0..<count {
            distances += [1, pow(1 - generator.nextUnitDouble(), -1 / dimension)]
        }
        return NeighborTable(pointCount: count, k: 2, indices: [Int32](repeating: 0, count: 2 * count), distances: distances)
    }

    /// N points uniform in the unit d-cube.
    private func cube(n: Int, d: Int, seed: UInt64) -> Matrix<Double> {
        var generator = SeededGenerator(seed: seed)
        var points = Matrix<Double>(rows: n, columns: d)
        for i in 0..<points.storage.count { points.storage[i] = generator.nextUnitDouble() }
        return points
    }

    private func options(_ method: IntervalMethod, seed: UInt64 = 0) -> EstimationOptions {
        EstimationOptions(intervalMethod: method, seed: seed)
    }

    /// The estimators with an analytic interval.
    static let analyticEstimators: Set<String> = ["twonn-mle", "gride"]

    @Test(arguments: IntervalMethod.allCases)
    func eachEstimatorReportsTheMethodItUsedAndTheSameEstimate(method: IntervalMethod) throws {
        // 300 points of a 3-cube: enough for every estimator's default k (100 for mom, lpca, ess).
        let points = cube(n: 300, d: 3, seed: 11)
        for entry in EstimatorCatalog.entries {
            let estimator = entry.make(nil)
            let reference = try estimator.estimate(points, options: options(.auto))
            let estimate = try estimator.estimate(points, options: options(method))
            // The interval method never changes the estimate (auto's scale choice included).
            #expect(estimate.dimension == reference.dimension, "\(entry.name) under \(method)")
            let hasAnalytic = Self.analyticEstimators.contains(entry.name)
            let expected: ConfidenceInterval.Method
            switch method {
            case .auto: expected = hasAnalytic ? .analytic : .bootstrap
            case .none: expected = .none
            case .analytic: expected = hasAnalytic ? .analytic : .none
            case .bootstrap: expected = .bootstrap
            }
            #expect(estimate.ci.method == expected, "\(entry.name) under \(method): \(estimate.ci.method)")
            if expected == .none {
                #expect(!estimate.ci.hasBounds && estimate.ci.low.isNaN && estimate.ci.high.isNaN)
                // Never silent: the reason is the detail and one of the notes.
                #expect(estimate.notes.contains(estimate.ci.detail), "\(entry.name): \(estimate.notes)")
                #expect(estimate.ci.detail.contains(method == .none ? "none requested" : "no analytic interval"),
                        "\(entry.name): \(estimate.ci.detail)")
                // No bootstrap ran.
                #expect(estimate.diagnostics["bootstrap_finite_replicates"] == nil, "\(entry.name)")
            } else {
                #expect(estimate.ci.low <= estimate.dimension && estimate.dimension <= estimate.ci.high,
                        "\(entry.name) under \(method): \(estimate.ci)")
            }
            // Where the requested method is the one auto picks, the whole estimate is auto's.
            if expected == reference.ci.method { #expect(estimate == reference, "\(entry.name) under \(method)") }
        }
    }

    @Test func bootstrapOfTheAnalyticEstimatorsAgreesWithTheirAnalyticIntervals() throws {
        // Under the exact model the percentile bootstrap and the analytic interval estimate the
        // same sampling distribution. N = 2000, d = 4: the analytic half-width is ≈ 1.96·d/√N
        // (4.4 %). With B = 200 the 2.5 % and 97.5 % replicate quantiles have a sampling sd of
        // ≈ √(0.025·0.975/200)/φ(1.96) ≈ 0.19 σ ≈ 0.1 half-widths, and the sample's own spread
        // of log μ differs from the model's by ≈ 1/√(N/2) ≈ 3 %. Allowed: 0.4 half-widths per
        // bound (4 sd of the bootstrap's quantile noise).
        let table = paretoTable(count: 2000, dimension: 4, seed: 7)
        let estimators: [any NeighborDimensionEstimator] = [TwoNNEstimator(fit: .maximumLikelihood), GRIDEEstimator()]
        for estimator in estimators {
            let analytic = try estimator.estimate(neighbors: table, options: options(.auto))
            let bootstrap = try estimator.estimate(neighbors: table, options: options(.bootstrap))
            #expect(analytic.ci.method == .analytic && bootstrap.ci.method == .bootstrap)
            #expect(bootstrap.dimension == analytic.dimension)
            let halfWidth = (analytic.ci.high - analytic.ci.low) / 2
            #expect(abs(bootstrap.ci.low - analytic.ci.low) < 0.4 * halfWidth, "\(estimator.name): \(bootstrap.ci) vs \(analytic.ci)")
            #expect(abs(bootstrap.ci.high - analytic.ci.high) < 0.4 * halfWidth, "\(estimator.name): \(bootstrap.ci) vs \(analytic.ci)")
            #expect(bootstrap.diagnostics["bootstrap_finite_replicates"] == .int(200))
        }
    }

    @Test func bootstrapIsDeterministicForASeed() throws {
        let table = paretoTable(count: 500, dimension: 3, seed: 8)
        let estimators: [any NeighborDimensionEstimator] = [TwoNNEstimator(fit: .maximumLikelihood), GRIDEEstimator(),
                                                            TwoNNEstimator(), MLEEstimator(k: 2)]
        for estimator in estimators {
            let first = try estimator.estimate(neighbors: table, options: options(.bootstrap, seed: 5))
            let again = try estimator.estimate(neighbors: table, options: options(.bootstrap, seed: 5))
            let other = try estimator.estimate(neighbors: table, options: options(.bootstrap, seed: 6))
            #expect(first == again, "\(estimator.name)")
            #expect(first.ci.low != other.ci.low || first.ci.high != other.ci.high, "\(estimator.name): the seed is used")
        }
    }

    @Test func censoredTotalTimeOfAResampleEqualsTheMaterialisedResample() {
        // The multiplicity form must equal T computed on the resample written out in full.
        var generator = SeededGenerator(seed: 3)
        let logRatios = (0..<50).map { _ in generator.nextUnitDouble() * 2 }.sorted()
        for kept in [2, 25, 45, 50] {
            var counts = [Int](repeating: 0, count: logRatios.count)
            for _ in 0..<logRatios.count { counts[generator.nextIndex(below: logRatios.count)] += 1 }
            var resample: [Double] = []
            for (index, count) in counts.enumerated() { resample += Array(repeating: logRatios[index], count: count) }
            let direct = resample.prefix(kept).reduce(0, +) + Double(resample.count - kept) * resample[kept - 1]
            let viaCounts = counts.withUnsafeBufferPointer {
                TwoNNEstimator.censoredTotalTime(logRatios, kept: kept, counts: $0)
            }
            // Same terms, grouped as count·x instead of x + x + …: ≤ a few ulps of T.
            #expect(abs(viaCounts - direct) <= Tolerance.roundOffOfThousandsOfOperations * direct, "kept \(kept)")
        }
    }

    @Test func anEstimateWithoutAnIntervalEncodesANullCIAndRoundTrips() throws {
        let table = paretoTable(count: 300, dimension: 3, seed: 9)
        let estimate = try TwoNNEstimator().estimate(neighbors: table, options: options(.analytic))
        let data = try JSONEncoder().encode(estimate)
        let object = try #require(JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(object["ci"] is NSNull)
        #expect(object["ci_method"] as? String == "none")
        #expect((object["ci_detail"] as? String)?.contains("twonn has no analytic interval") == true)
        let decoded = try JSONDecoder().decode(DimensionEstimate.self, from: data)
        #expect(decoded == estimate)
        #expect(decoded.notes.filter { $0 == estimate.ci.detail }.count == 1)
    }
}
