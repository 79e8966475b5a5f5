import Foundation
import Testing
@testable import MindSpaceCore
@testable import MindSpaceCheckpoints

/// The random-walk null against its analytic limit (Antognini & Sohl-Dickstein 2018) and the
/// Bartlett simulation against walks drawn directly in ℝᴾ.
@Suite struct RandomWalkNullTests {
    /// Long walks with equal steps in a very high dimension: the k-th ratio → 6/(π²k²). For
    /// n = 401 points the discrete walk's ratios (eigenvalues of the centred min(i, j) matrix,
    /// NumPy) are 6/(π²k²)·(1 + 1.1e-5, 2.7e-5, 5.2e-5, 8.8e-5, 1.3e-4) for k = 1 … 5, and in
    /// P = 10¹² dimensions the directions' inner products (~1e-6) move the ratios by less than
    /// 1e-4: 1e-3 relative leaves a margin of 10 over both.
    @Test func equalStepsApproachSixOverPiSquaredOverKSquared() throws {
        let null = try #require(try RandomWalkNull(stepLengths: [Double](repeating: 0.5, count: 400),
                                                   dimension: 1_000_000_000_000, draws: 4, seed: 7))
        #expect(null.explainedVarianceRatio.count == 400)
        for k in 1...5 {
            let limit = 6 / (Double.pi * Double.pi * Double(k * k))
            #expect(abs(null.explainedVarianceRatio[k - 1] / limit - 1) < 1e-3, "component \(k)")
            #expect(null.band[k - 1].low <= null.explainedVarianceRatio[k - 1])
            #expect(null.band[k - 1].high >= null.explainedVarianceRatio[k - 1])
        }
        #expect(abs(null.explainedVarianceRatio[0] - 0.6079) < 1e-3)
        // 6/π²·Σ_{k ≤ 5} 1/k² = 0.890 < 0.9 ≤ 6/π²·Σ_{k ≤ 6} 1/k² = 0.907.
        #expect(null.componentsFor["0.9"]?.median == 6)
    }

    /// The limit path is the Lissajous curve: PC1 ∝ cos(πt), PC2 ∝ cos(2πt) up to sign and
    /// O(1/n) (t = i/(n − 1)); correlation above 0.999 at n = 401.
    @Test func typicalPathIsLissajous() throws {
        let null = try #require(try RandomWalkNull(stepLengths: [Double](repeating: 1, count: 400),
                                                   dimension: 1_000_000, draws: 1, seed: 0))
        let n = 401
        let t = (0..<n).map { Double($0) / Double(n - 1) }
        func correlation(_ a: [Double], _ b: [Double]) -> Double {
            let ma = a.reduce(0, +) / Double(a.count), mb = b.reduce(0, +) / Double(b.count)
            let ab = zip(a, b).reduce(0) { $0 + ($1.0 - ma) * ($1.1 - mb) }
            let aa = a.reduce(0) { $0 + ($1 - ma) * ($1 - ma) }, bb = b.reduce(0) { $0 + ($1 - mb) * ($1 - mb) }
            return ab / (aa * bb).squareRoot()
        }
        let pc1 = (0..<n).map { null.typicalPath[$0, 0] }, pc2 = (0..<n).map { null.typicalPath[$0, 1] }
        #expect(abs(correlation(pc1, t.map { cos(Double.pi * $0) })) > 0.999)
        #expect(abs(correlation(pc2, t.map { cos(2 * Double.pi * $0) })) > 0.999)
        #expect(pc1[n - 1] > pc1[0])  // training-style sign: from the first point towards the last
    }

    /// The Bartlett draws have the law of walks whose directions are normalised Gaussians in ℝᴾ:
    /// the mean PC1 ratio over 3000 draws of each agrees within 4 standard errors (a false
    /// alarm rate of 6e-5), for P = n − 1 (directions in general position) and P = 3 < n − 1
    /// (the rows past P live in the span of the earlier ones).
    @Test(arguments: [10, 3])
    func bartlettDrawsMatchDirectGaussianWalks(dimension: Int) throws {
        let steps: [Double] = [1, 2, 0.5, 1, 3, 1, 1, 0.25, 2, 1]
        let draws = 3000
        let null = try #require(try RandomWalkNull(stepLengths: steps, dimension: dimension, draws: draws, seed: 11))
        #expect(null.explainedVarianceRatio.count == min(dimension, steps.count))
        var generator = SeededGenerator(seed: 12)
        var firsts: [Double] = []
        for _ in 0..<draws {
            var positions = [Double](repeating: 0, count: (steps.count + 1) * dimension)
            for (j, step) in steps.enumerated() {
                let g = (0..<dimension).map { _ in generator.nextGaussian() }
                let norm = g.reduce(0) { $0 + $1 * $1 }.squareRoot()
                for i in 0..<dimension { positions[(j + 1) * dimension + i] = positions[j * dimension + i] + step * g[i] / norm }
            }
            let spectrum = try RandomWalkNull.centredSpectrum(positions: &positions, rows: steps.count + 1, columns: dimension,
                                                              components: min(dimension, steps.count))
            firsts.append(spectrum.explainedVarianceRatio[0])
        }
        let mean = firsts.reduce(0, +) / Double(draws)
        let variance = firsts.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(draws - 1)
        let standardError = (2 * variance / Double(draws)).squareRoot()  // of the difference of two means
        #expect(abs(null.explainedVarianceRatio[0] - mean) < 4 * standardError,
                "Bartlett \(null.explainedVarianceRatio[0]) vs direct \(mean) ± \(standardError)")
    }

    @Test func seededAndReproducible() throws {
        let steps: [Double] = [1, 1, 2, 1, 0, 1]
        let a = try RandomWalkNull(stepLengths: steps, dimension: 50, draws: 30, seed: 5)
        let b = try RandomWalkNull(stepLengths: steps, dimension: 50, draws: 30, seed: 5)
        let c = try RandomWalkNull(stepLengths: steps, dimension: 50, draws: 30, seed: 6)
        #expect(a == b)
        #expect(a != c)
        let bands = try #require(a).band
        #expect(bands.allSatisfy { $0.low <= $0.high && $0.low >= 0 && $0.high <= 1 })
    }

    @Test func edges() throws {
        #expect(try RandomWalkNull(stepLengths: [0, 0, 0], dimension: 100, seed: 0) == nil)
        #expect(try RandomWalkNull(stepLengths: [], dimension: 100, seed: 0) == nil)
        let one = try #require(try RandomWalkNull(stepLengths: [2], dimension: 100, draws: 5, seed: 0))
        #expect(one.explainedVarianceRatio == [1])
        #expect(one.band == [.init(low: 1, high: 1)])
        #expect(one.pc1PValue(1) == 1)
        let few = try #require(try RandomWalkNull(stepLengths: [1, 1, 1, 1], dimension: 2, draws: 5, seed: 0))
        #expect(few.explainedVarianceRatio.count == 2)
        #expect(abs(few.explainedVarianceRatio.reduce(0, +) - 1) < 1e-12)
    }

    /// Monte Carlo p-value (1 + #{PC1 ≥ observed})/(1 + draws).
    @Test func pValueCountsDrawsAtLeastAsConcentrated() throws {
        let null = try #require(try RandomWalkNull(stepLengths: [1, 1, 1, 1, 1], dimension: 4, draws: 99, seed: 3))
        #expect(null.pc1PValue(1.01) == 1.0 / 100)
        #expect(null.pc1PValue(0) == 1)
        let median = null.sortedFirstRatios[49]
        #expect(null.pc1PValue(median) == Double(1 + 50) / 100)
    }
}
