import Foundation
import Testing
@testable import MindSpaceCore
@testable import MindSpaceNumerics
@testable import MindSpaceSynthetic
import MindSpaceTestSupport

/// Uniform shapes, ambient placement, noise, the recipe's checks and the random variates behind
/// them: against skdim's `hyperBall`/`hyperSphere` and NumPy samples (Fixtures/manifolds) and
/// against analytic moments.
@Suite struct SyntheticShapeTests {
    typealias Fixtures = SyntheticFixtures

    private func sample(_ shape: UniformShape, n: Int, dimension: Int, seed: UInt64 = 11) -> Matrix<Double> {
        var generator = SeededGenerator(seed: seed)
        return shape.points(n: n, dimension: dimension, generator: &generator)
    }

    /// Same comparison and tolerance as the manifolds (6 combined standard errors; see
    /// `SyntheticManifoldTests.distributionMatchesScikitDimension`).
    @Test(arguments: [("ball_5", UniformShape.ball, 5), ("sphere_4", .sphere, 4),
                      ("hypercube_6", .hypercube, 6), ("gaussian_7", .gaussian, 7)])
    func distributionMatchesPeers(key: String, shape: UniformShape, dimension: Int) throws {
        let document = try Fixtures.document()
        let theirs = try #require(document.shapes[key])
        let ours = Fixtures.statistics(of: sample(shape, n: document.n, dimension: dimension))
        let problems = Fixtures.disagreements(ours, theirs, multiple: 6)
        #expect(problems.isEmpty, "\(key): \(problems.prefix(5).joined(separator: "; "))")
    }

    @Test func sphereHasUnitNormAndOneExtraCoordinate() {
        let points = sample(.sphere, n: 1000, dimension: 3)
        #expect(points.columns == 4)
        for row in 0..<points.rows {
            // Normalised by 1/‖g‖: a few ulps from 1.
            #expect(abs(points.row(row).reduce(0) { $0 + $1 * $1 }.squareRoot() - 1) < Tolerance.roundOffOfTensOfOperations)
        }
    }

    /// In a uniform d-ball P(‖x‖ ≤ r) = rᵈ; at r = 2^(−1/d) that is 1/2. The count of n = 20000
    /// points inside is Binomial(n, 1/2): standard deviation √n/2 ≈ 71, and 6 of those bound it.
    @Test(arguments: [1, 3, 10])
    func ballRadiiFollowTheVolumeLaw(dimension: Int) {
        let n = 20000
        let points = sample(.ball, n: n, dimension: dimension)
        let median = pow(0.5, 1 / Double(dimension))
        var inside = 0
        for row in 0..<n {
            let radius = points.row(row).reduce(0) { $0 + $1 * $1 }.squareRoot()
            #expect(radius <= 1 + Tolerance.roundOffOfFewOperations)
            if radius <= median { inside += 1 }
        }
        #expect(abs(Double(inside) - Double(n) / 2) <= 6 * Double(n).squareRoot() / 2)
    }

    @Test func hypercubeStaysInTheUnitCube() {
        let points = sample(.hypercube, n: 1000, dimension: 8)
        #expect(points.storage.allSatisfy { $0 >= 0 && $0 < 1 })
    }

    @Test func paddingAddsZeroColumnsOnly() throws {
        let dataset = try SyntheticRecipe(family: .shape(.hypercube), n: 200, dimension: 3, ambient: 7, seed: 5).generate()
        let native = sample(.hypercube, n: 200, dimension: 3, seed: 5)
        #expect(dataset.points.columns == 7 && dataset.trueDimension == 3)
        for row in 0..<200 {
            #expect(Array(dataset.points.row(row).prefix(3)) == Array(native.row(row)))
            #expect(dataset.points.row(row).dropFirst(3).allSatisfy { $0 == 0 })
        }
    }

    /// A random rotation keeps every pairwise distance and the rank of affine data, and moves the
    /// points off the first coordinates. Distances of points of size ≤ 10 are recomputed through
    /// a product with an orthonormal frame (rows orthonormal to ~1e-15): 1e-12 absolute.
    @Test func rotationPreservesDistancesAndRank() throws {
        let recipe = SyntheticRecipe(family: .benchmark(.m2Affine3to5), n: 300, ambient: 40, rotated: true, seed: 9)
        let rotated = try recipe.generate().points
        let plain = try SyntheticRecipe(family: .benchmark(.m2Affine3to5), n: 300, seed: 9).generate().points
        #expect(rotated.columns == 40)
        func distance(_ m: Matrix<Double>, _ a: Int, _ b: Int) -> Double {
            zip(m.row(a), m.row(b)).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }.squareRoot()
        }
        for a in stride(from: 0, to: 300, by: 7) {
            for b in stride(from: 1, to: 300, by: 11) {
                #expect(abs(distance(rotated, a, b) - distance(plain, a, b)) < Tolerance.roundOffOfThousandsOfOperations)
            }
        }
        // Norms are preserved too (the frame maps the origin to the origin).
        for row in 0..<300 {
            let r = rotated.row(row).reduce(0) { $0 + $1 * $1 }, p = plain.row(row).reduce(0) { $0 + $1 * $1 }
            #expect(abs(r - p) < Tolerance.twoDoubleMethods * p)
        }
        #expect(rotated.row(0).dropFirst(5).contains { abs($0) > 1e-3 }, "rotated away from the first 5 axes")
        let spectrum = try PCA(components: 1).fit(rotated).spectrum.explainedVariance
        // Exact rank 3 up to rounding (see SyntheticManifoldTests.expectRank).
        #expect(spectrum.filter { $0 > SyntheticManifoldTests.roundOffEigenvalueFraction * spectrum[0] }.count == 3)
    }

    /// The frame's rows are orthonormal: |⟨qᵢ, qⱼ⟩ − δᵢⱼ| ≤ 1e-14 (Gram–Schmidt twice leaves
    /// errors of a few ε·√D).
    @Test func frameIsOrthonormal() {
        var generator = SeededGenerator(seed: 3)
        let frame = AmbientPlacement.randomOrthonormalFrame(count: 12, ambient: 30, generator: &generator)
        for i in 0..<12 {
            for j in 0..<12 {
                let dot = zip(frame.row(i), frame.row(j)).reduce(0) { $0 + $1.0 * $1.1 }
                #expect(abs(dot - (i == j ? 1 : 0)) < Tolerance.roundOffOfTensOfOperations)
            }
        }
    }

    /// Uniform over frames: a single random unit vector's coordinates each have mean 0 and
    /// variance 1/D. Over 4000 frames (first row, D = 5) each coordinate's sample mean has
    /// standard error √(1/(5·4000)) ≈ 0.007: within 6 of those of 0; the mean of the squares is 0.2
    /// with standard error ≤ √(E[q⁴]/4000) ≈ 0.0046 (E[q⁴] = 3/(D(D+2))).
    @Test func frameDirectionIsUniform() {
        var generator = SeededGenerator(seed: 4)
        let frames = 4000
        var sums = [Double](repeating: 0, count: 5), squares = sums
        for _ in 0..<frames {
            let frame = AmbientPlacement.randomOrthonormalFrame(count: 2, ambient: 5, generator: &generator)
            for j in 0..<5 {
                sums[j] += frame[0, j]
                squares[j] += frame[0, j] * frame[0, j]
            }
        }
        let standardError = (1 / (5 * Double(frames))).squareRoot()
        let squareError = (3 / (5.0 * 7) / Double(frames)).squareRoot()
        for j in 0..<5 {
            #expect(abs(sums[j] / Double(frames)) < 6 * standardError)
            #expect(abs(squares[j] / Double(frames) - 0.2) < 6 * squareError)
        }
    }

    /// Noise of σ = 0.5 on zero padding: those columns are N(0, 0.25). Their sample variance over
    /// 20000 values has standard error σ²·√(2/n) = 0.0025; 6 of those bound it.
    @Test func noiseHasTheRequestedSigma() throws {
        let dataset = try SyntheticRecipe(family: .shape(.hypercube), n: 20000, dimension: 1, ambient: 2, noise: 0.5, seed: 1).generate()
        let column = (0..<20000).map { dataset.points[$0, 1] }
        let variance = column.reduce(0) { $0 + $1 * $1 } / 20000
        #expect(abs(variance - 0.25) < 6 * 0.25 * (2.0 / 20000).squareRoot())
        #expect(dataset.parameters["noise_sigma"] == .double(0.5))
    }

    @Test func recipeRefusesBadRequests() {
        func usage(_ recipe: SyntheticRecipe) -> Bool {
            do { _ = try recipe.generate(); return false } catch let error as MindSpaceError {
                return error.kind == .usage
            } catch { return false }
        }
        #expect(usage(SyntheticRecipe(family: .benchmark(.m7Roll), n: 0)))
        #expect(usage(SyntheticRecipe(family: .shape(.ball), n: 10)), "missing dimension")
        #expect(usage(SyntheticRecipe(family: .shape(.ball), n: 10, dimension: 0)))
        #expect(usage(SyntheticRecipe(family: .shape(.ball), n: 10, dimension: 5, ambient: 4)), "d > D")
        #expect(usage(SyntheticRecipe(family: .shape(.sphere), n: 10, dimension: 5, ambient: 5)), "sphere needs d + 1")
        #expect(usage(SyntheticRecipe(family: .benchmark(.m1Sphere), n: 10, dimension: 3)), "fixed d")
        #expect(usage(SyntheticRecipe(family: .benchmark(.m1Sphere), n: 10, ambient: 10)), "below the manifold's D")
        #expect(usage(SyntheticRecipe(family: .shape(.gaussian), n: 10, dimension: 2, noise: -1)))
        #expect(usage(SyntheticRecipe(family: .shape(.gaussian), n: 10, dimension: 2, noise: .nan)))
        #expect(usage(SyntheticRecipe(family: .shape(.gaussian), n: Int.max, dimension: 2)), "too large")
        #expect(!usage(SyntheticRecipe(family: .benchmark(.m1Sphere), n: 10, dimension: 10, ambient: 11)))
    }

    @Test func familiesResolveEveryListedName() {
        #expect(SyntheticFamily.allNames.count == 28)
        for name in SyntheticFamily.allNames {
            #expect(SyntheticFamily(name: name)?.name == name)
            #expect(SyntheticFamily(name: name.uppercased())?.name == name)
        }
        #expect(SyntheticFamily(name: "torus") == nil)
    }

    // MARK: - Random variates (analytic moments; 6 standard errors of the sample mean/variance)

    /// Sample mean and variance of `count` draws, checked against the exact mean and variance
    /// within 6 standard errors: √(var/n) for the mean, √((μ₄ − var²)/n) (from the sample) for
    /// the variance.
    private func expectMoments(_ count: Int, mean: Double, variance: Double, _ draw: () -> Double,
                               sourceLocation: SourceLocation = #_sourceLocation) {
        let values = (0..<count).map { _ in draw() }
        let sampleMean = values.reduce(0, +) / Double(count)
        let centred = values.map { ($0 - sampleMean) * ($0 - sampleMean) }
        let sampleVariance = centred.reduce(0, +) / Double(count)
        let fourth = centred.reduce(0) { $0 + $1 * $1 } / Double(count)
        #expect(abs(sampleMean - mean) < 6 * (variance / Double(count)).squareRoot(), sourceLocation: sourceLocation)
        #expect(abs(sampleVariance - variance) < 6 * ((fourth - sampleVariance * sampleVariance) / Double(count)).squareRoot(),
                sourceLocation: sourceLocation)
    }

    @Test func variatesHaveTheirMoments() {
        var generator = SeededGenerator(seed: 21)
        expectMoments(50000, mean: 1, variance: 1) { generator.nextExponential() }
        for shape in [0.5, 1.0, 2.5, 10.0] {
            expectMoments(50000, mean: shape, variance: shape) { generator.nextGamma(shape: shape) }
        }
        // Beta(α, β): mean α/(α+β), variance αβ/((α+β)²(α+β+1)); skdim's Mβ uses (10, 1/2).
        for (alpha, beta) in [(10.0, 0.5), (2.0, 3.0)] {
            let sum = alpha + beta
            expectMoments(50000, mean: alpha / sum, variance: alpha * beta / (sum * sum * (sum + 1))) {
                generator.nextBeta(alpha, beta)
            }
        }
        expectMoments(50000, mean: 0, variance: 1.0 / 12) { generator.nextUniform(-0.5, 0.5) }
    }
}
