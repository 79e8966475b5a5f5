import Foundation
import MindSpaceCore
import MindSpaceTestSupport
import Testing
@testable import MindSpaceSimilarity

/// PERMANOVA against scikit-bio (one-way) and a NumPy transcription of vegan's
/// `adonis2(by = "terms")` (sequential), its calibration under the null and its refusals.
struct PermanovaTests {
    static func matrix(_ m: Int, _ values: [Double]) -> Matrix<Double> { Matrix(rows: m, columns: m, storage: values) }

    /// Two Monte Carlo p-values of the same test from B₁ and B₂ permutations differ by a normal
    /// variable of standard deviation √(p(1 − p)(1/B₁ + 1/B₂)); we accept 4 of those, plus one
    /// count of the coarser grid.
    static func monteCarloBound(_ p: Double, _ b1: Int, _ b2: Int) -> Double {
        let q = min(max(p, 0.01), 0.99)
        return 4 * (q * (1 - q) * (1 / Double(b1) + 1 / Double(b2))).squareRoot() + 1 / Double(min(b1, b2))
    }

    // Sums of squares are traces over 12–16 observations (a few thousand roundings): 1e-12
    // relative (`Tolerance.roundOffOfThousandsOfOperations`); pseudo-F is a ratio of them.
    static let sumTolerance = Tolerance.roundOffOfThousandsOfOperations

    @Test func oneWayMatchesScikitBio() throws {
        let fixture = try KnnPermanovaFixture.load()
        #expect(fixture.one_way.count == 3)
        for item in fixture.one_way {
            let result = try Permanova.oneWay(distances: Self.matrix(item.m, item.distances), labels: item.labels,
                                              permutations: 999, seed: 1)
            let term = try #require(result.terms.first)
            let f = try #require(term.pseudoF)
            #expect(abs(f - item.pseudo_f) <= Self.sumTolerance * item.pseudo_f, "\(item.name)")
            #expect(abs(term.rSquared - item.r_squared) <= Self.sumTolerance, "\(item.name)")
            let p = try #require(term.pValue)
            #expect(abs(p - item.p_value) <= Self.monteCarloBound(item.p_value, 999, item.permutations), "\(item.name)")
        }
    }

    @Test func sequentialTermsMatchAdonis2Transcription() throws {
        let fixture = try KnnPermanovaFixture.load()
        #expect(fixture.sequential.count == 6)
        for item in fixture.sequential {
            let factors = item.factors.map { PermanovaFactor(name: $0.name, labels: $0.labels) }
            let result = try Permanova(distances: Self.matrix(item.m, item.distances), factors: factors,
                                       permutations: 9999, seed: 2)
            let scale = item.total_sum_of_squares
            #expect(abs(result.totalSumOfSquares - scale) <= Self.sumTolerance * scale)
            #expect(result.residualDegreesOfFreedom == item.residual_df, "\(item.name)")
            #expect(abs(result.residualSumOfSquares - item.residual_sum_of_squares) <= Self.sumTolerance * scale)
            #expect(abs(result.residualRSquared - item.residual_r_squared) <= Self.sumTolerance)
            var shares = result.residualRSquared
            for (term, expected) in zip(result.terms, item.terms) {
                shares += term.rSquared
                #expect(term.degreesOfFreedom == expected.df, "\(item.name) \(term.name)")
                #expect(abs(term.sumOfSquares - expected.sum_of_squares) <= Self.sumTolerance * scale, "\(item.name) \(term.name)")
                #expect(abs(term.rSquared - expected.r_squared) <= Self.sumTolerance, "\(item.name) \(term.name)")
                if let expectedF = expected.pseudo_f, let expectedP = expected.p_value {
                    let f = try #require(term.pseudoF), p = try #require(term.pValue)
                    #expect(abs(f - expectedF) <= Self.sumTolerance * max(1, expectedF), "\(item.name) \(term.name)")
                    #expect(abs(p - expectedP) <= Self.monteCarloBound(expectedP, 9999, item.permutations),
                            "\(item.name) \(term.name): \(p) vs \(expectedP)")
                } else {
                    #expect(term.pseudoF == nil && term.pValue == nil, "an aliased term has no test")
                }
            }
            // The terms and the residual share the total: R²s sum to 1.
            #expect(abs(shares - 1) <= Self.sumTolerance, "\(item.name)")
        }
    }

    /// Random points with labels unrelated to them: over 400 data sets the p-values should be
    /// uniform on the grid {1/(B + 1), …, 1} (exchangeable under the null, Phipson & Smyth 2010).
    /// We check the share at or below 0.05 and 0.5 against binomial bounds: 400 draws give a
    /// standard deviation √(0.05·0.95/400) ≈ 0.011 (resp. 0.025); 4 of those.
    @Test func pValuesAreUniformUnderTheNull() throws {
        let replicates = 400, m = 12
        var atFive = 0, atHalf = 0
        var generator = SeededGenerator(seed: 77)
        for r in 0..<replicates {
            let points = (0..<(m * 3)).map { _ in generator.nextGaussian() }
            var distances = [Double](repeating: 0, count: m * m)
            for i in 0..<m {
                for j in 0..<m {
                    distances[i * m + j] = (0..<3).reduce(0.0) {
                        let delta = points[i * 3 + $1] - points[j * 3 + $1]
                        return $0 + delta * delta
                    }.squareRoot()
                }
            }
            let labels = (0..<m).map { "g\($0 % 3)" }
            let result = try Permanova.oneWay(distances: Self.matrix(m, distances), labels: labels,
                                              permutations: 99, seed: UInt64(1000 + r))
            let p = try #require(result.terms.first?.pValue)
            if p <= 0.05 { atFive += 1 }
            if p <= 0.5 { atHalf += 1 }
        }
        let five = Double(atFive) / Double(replicates), half = Double(atHalf) / Double(replicates)
        #expect(abs(five - 0.05) <= 4 * 0.011, "share of p ≤ 0.05: \(five)")
        #expect(abs(half - 0.5) <= 4 * 0.025, "share of p ≤ 0.5: \(half)")
    }

    @Test func sameResultForAnyThreadCount() throws {
        let fixture = try KnnPermanovaFixture.load()
        let item = try #require(fixture.sequential.first)
        let factors = item.factors.map { PermanovaFactor(name: $0.name, labels: $0.labels) }
        let run = { try Permanova(distances: Self.matrix(item.m, item.distances), factors: factors, permutations: 500, seed: 3) }
        let one = try ThreadLimitScope.with(1, run)
        let many = try ThreadLimitScope.with(4, run)
        #expect(one == many)
        #expect(try run() != Permanova(distances: Self.matrix(item.m, item.distances), factors: factors,
                                       permutations: 500, seed: 4))
    }

    @Test func refusesUnusableDesigns() {
        let square = Self.matrix(4, [0, 1, 2, 3, 1, 0, 1, 2, 2, 1, 0, 1, 3, 2, 1, 0])
        func refuses(_ distances: Matrix<Double>, _ factors: [PermanovaFactor]) {
            #expect(throws: MindSpaceError.self) { try Permanova(distances: distances, factors: factors, permutations: 9) }
        }
        let two = PermanovaFactor(name: "a", labels: ["x", "x", "y", "y"])
        refuses(Self.matrix(2, [0, 1, 1, 0]), [PermanovaFactor(name: "a", labels: ["x", "y"])])
        refuses(square, [PermanovaFactor(name: "one", labels: ["x", "x", "x", "x"])])
        refuses(square, [PermanovaFactor(name: "each", labels: ["p", "q", "r", "s"])])
        refuses(square, [PermanovaFactor(name: "short", labels: ["x", "y"])])
        refuses(square, [])
        // a (2 levels) then b (3 levels crossing it) use all 3 degrees of freedom: no residual.
        refuses(square, [two, PermanovaFactor(name: "b", labels: ["u", "v", "u", "w"])])
        var asymmetric = square
        asymmetric[0, 1] = 1.5
        refuses(asymmetric, [two])
        var diagonal = square
        diagonal[2, 2] = 0.1
        refuses(diagonal, [two])
        refuses(Matrix(rows: 4, columns: 3), [two])
        var negative = square
        negative[0, 3] = -1
        negative[3, 0] = -1
        refuses(negative, [two])
    }
}
