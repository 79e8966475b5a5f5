import Foundation
import Testing
@testable import MindSpaceCore
@testable import MindSpaceNumerics
@testable import MindSpaceSynthetic
import MindSpaceTestSupport

/// The benchmark manifolds against scikit-dimension 0.5.0 (Fixtures/manifolds, VERSIONS.txt):
/// the (d, D) table exactly, the distributions through statistics of large samples, skdim's
/// face allocation for the cubes, and each manifold's defining equations.
@Suite struct SyntheticManifoldTests {
    typealias Fixtures = SyntheticFixtures

    /// Points of `manifold` from a fixed seed.
    private func sample(_ manifold: BenchmarkManifold, n: Int, seed: UInt64 = 7) -> Matrix<Double> {
        var generator = SeededGenerator(seed: seed)
        return manifold.points(n: n, generator: &generator)
    }

    @Test func catalogueEqualsScikitDimensionsTable() throws {
        let table = try Fixtures.document().table
        #expect(table.count == 24)
        #expect(table.map(\.name) == BenchmarkManifold.allCases.map(\.name), "names and order")
        for (row, manifold) in zip(table, BenchmarkManifold.allCases) {
            #expect(manifold.intrinsicDimension == row.d, "\(row.name) d")
            #expect(manifold.ambientDimension == row.D, "\(row.name) D")
            #expect(manifold.summary == row.description, "\(row.name) description")
            #expect(sample(manifold, n: 3).columns == row.D, "\(row.name) columns")
        }
    }

    /// Our n = 20000 sample and skdim's (same n, so the cubes' face allocation is the same) agree
    /// in every column's mean and variance, every consecutive-column cross moment and the mean
    /// squared norm, within 6 combined standard errors. With about 1900 comparisons over all
    /// manifolds, the chance that correct generators fail anywhere is ≈ 1900 · 2e-9 ≈ 4e-6; a
    /// wrong scale, offset, parameter range or coordinate order shows up as tens of errors.
    @Test(arguments: BenchmarkManifold.allCases)
    func distributionMatchesScikitDimension(manifold: BenchmarkManifold) throws {
        let document = try Fixtures.document()
        let theirs = try #require(document.manifolds[manifold.name])
        let ours = Fixtures.statistics(of: sample(manifold, n: document.n, seed: 2024))
        let problems = Fixtures.disagreements(ours, theirs, multiple: 6)
        #expect(problems.isEmpty, "\(manifold.name): \(problems.prefix(5).joined(separator: "; "))")
    }

    @Test(arguments: ["M10a_Cubic", "M10d_Cubic"])
    func cubeRowsFollowScikitDimensionsFaceOrder(name: String) throws {
        let expected = try #require(try Fixtures.document().cubic_faces[name])
        let manifold = try #require(BenchmarkManifold(name: name))
        let points = sample(manifold, n: 100)
        var faces: [[Int]] = []
        for row in 0..<points.rows {
            var codes: [Int] = []
            for axis in 0..<points.columns {
                if points[row, axis] == 0 { codes.append(2 * axis) }
                if points[row, axis] == 1 { codes.append(2 * axis + 1) }
            }
            faces.append(codes)
        }
        #expect(faces == expected)
    }

    @Test func namesIgnoreCase() {
        #expect(BenchmarkManifold(name: "m1_sphere") == .m1Sphere)
        #expect(BenchmarkManifold(name: "MBETA") == .mBeta)
        #expect(BenchmarkManifold(name: "M1 Sphere") == nil)
    }

    @Test func sameSeedSameBitsOtherSeedOtherPoints() {
        for manifold in BenchmarkManifold.allCases {
            #expect(sample(manifold, n: 50, seed: 1) == sample(manifold, n: 50, seed: 1), "\(manifold.name)")
            #expect(sample(manifold, n: 50, seed: 1) != sample(manifold, n: 50, seed: 2), "\(manifold.name)")
        }
    }

    // MARK: - Defining equations
    // Tolerances: coordinates are at most ~300 in size and each check recomputes them with a few
    // correctly rounded operations (atan2, hypot, sin, cos: ≤ 1 ulp each), so errors are a few
    // ulps of the largest quantity involved (≤ 1e-13); 1e-11 absolute is a safe bound that would
    // still catch any wrong constant, sign or coordinate.
    static let equationTolerance = 1e-11

    @Test func sphereLiesOnTheUnitSphere() {
        let points = sample(.m1Sphere, n: 2000)
        for row in 0..<points.rows {
            let norm = points.row(row).reduce(0) { $0 + $1 * $1 }.squareRoot()
            // Normalising by 1/‖v‖ leaves ‖x‖ within a few ulps of 1 (11 terms): 1e-14.
            #expect(abs(norm - 1) < Tolerance.roundOffOfTensOfOperations)
        }
    }

    /// M2 is A·p + b with p ∈ [0, 4)³: recover p from the first three coordinates (their 3×3
    /// block of A is invertible) and check the other two; PCA sees exactly 3 directions.
    @Test func affineThreeToFiveIsTheImageOfACube() throws {
        let points = sample(.m2Affine3to5, n: 2000)
        for row in 0..<points.rows {
            let x = Array(points.row(row))
            let u = x[0] - 3, v = x[1] + 1
            let p0 = (0.9 * u + 0.5 * v) / 1.33, p1 = (1.2 * v - 0.5 * u) / 1.33
            let p2 = x[2] + 0.5 * p0 + 0.2 * p1
            for p in [p0, p1, p2] { #expect(p > -Tolerance.roundOffOfThousandsOfOperations && p < 4 + Tolerance.roundOffOfThousandsOfOperations) }
            #expect(abs(x[3] - (0.4 * p0 - 0.9 * p1 - 0.1 * p2)) < Self.equationTolerance)
            #expect(abs(x[4] - (1.1 * p0 - 0.3 * p1 + 8)) < Self.equationTolerance)
        }
        try expectRank(points, 3)
    }

    /// Below this fraction of λmax a PCA eigenvalue of exactly low-rank data is round-off: the
    /// rounding of order ε·|x| moves eigenvalues by ~ε·λmax ≈ 1e-15 relative.
    static let roundOffEigenvalueFraction = 1e-10
    /// Above this fraction of λmax an eigenvalue is a true direction of the data: the smallest
    /// true one is far larger in every family checked here.
    static let trueEigenvalueFraction = 1e-4

    /// Exactly `rank` nonzero PCA eigenvalues: `rank` above `trueEigenvalueFraction`·λmax and
    /// the rest below `roundOffEigenvalueFraction`·λmax.
    private func expectRank(_ points: Matrix<Double>, _ rank: Int, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let spectrum = try PCA(components: 1).fit(points).spectrum.explainedVariance
        let largest = try #require(spectrum.first)
        let nonzero = spectrum.filter { $0 > Self.roundOffEigenvalueFraction * largest }
        #expect(nonzero.count == rank, "spectrum \(spectrum)", sourceLocation: sourceLocation)
        #expect(nonzero.allSatisfy { $0 > Self.trueEigenvalueFraction * largest }, "spectrum \(spectrum)", sourceLocation: sourceLocation)
    }

    @Test func affineTwentyFillsItsCube() throws {
        let points = sample(.m9Affine, n: 2000)
        #expect(points.storage.allSatisfy { $0 >= -2.5 && $0 < 2.5 })
        try expectRank(points, 20)
    }

    /// M4, M6, M8: pair i is the point at angle 2π·pᵢ and radius p₍ᵢ₊₁ mod d₎, so the radius of
    /// pair i equals the angle (in turns) of pair i + 1; all copies are identical.
    @Test(arguments: [BenchmarkManifold.m4Nonlinear, .m6Nonlinear, .m8Nonlinear])
    func nonlinearPairsChainAnglesAndRadii(manifold: BenchmarkManifold) {
        let d = manifold.intrinsicDimension
        let points = sample(manifold, n: 500)
        for row in 0..<points.rows {
            let x = Array(points.row(row))
            for i in 0..<d {
                let radius = (x[2 * i] * x[2 * i] + x[2 * i + 1] * x[2 * i + 1]).squareRoot()
                let next = (i + 1) % d
                var turns = atan2(x[2 * next + 1], x[2 * next]) / (2 * Double.pi)
                if turns < 0 { turns += 1 }
                let gap = abs(radius - turns)
                #expect(min(gap, 1 - gap) < Self.equationTolerance, "\(manifold.name) row \(row) pair \(i)")
            }
            for column in (2 * d)..<x.count { #expect(x[column] == x[column % (2 * d)]) }
        }
    }

    @Test func helixOneLiesOnItsTorusCurve() {
        let points = sample(.m5aHelix1d, n: 2000)
        for row in 0..<points.rows {
            let x = points[row, 0], y = points[row, 1], z = points[row, 2]
            let t = atan2(y, x)
            #expect(abs((x * x + y * y).squareRoot() - (2 + cos(8 * t))) < Self.equationTolerance)
            #expect(abs(z - sin(8 * t)) < Self.equationTolerance)
        }
    }

    @Test func helixTwoIsItsParametrisation() {
        let points = sample(.m5bHelix2d, n: 2000)
        for row in 0..<points.rows {
            let x = points[row, 0], y = points[row, 1], z = points[row, 2]
            let p = 2 * z, r = (x * x + y * y).squareRoot()
            #expect(p >= 0 && p < 10 * Double.pi && r < 10 * Double.pi)
            #expect(abs(x - r * cos(p)) < Self.equationTolerance && abs(y - r * sin(p)) < Self.equationTolerance)
        }
    }

    @Test func swissRollIsItsParametrisation() {
        let points = sample(.m7Roll, n: 2000)
        for row in 0..<points.rows {
            let x = points[row, 0], y = points[row, 1], z = points[row, 2]
            let t = (x * x + z * z).squareRoot()
            #expect(t >= 1.5 * Double.pi - Tolerance.roundOffOfThousandsOfOperations && t < 4.5 * Double.pi + Tolerance.roundOffOfThousandsOfOperations)
            #expect(abs(x - t * cos(t)) < Self.equationTolerance && abs(z - t * sin(t)) < Self.equationTolerance)
            #expect(y >= 0 && y < 21)
        }
    }

    /// Every cube point lies in [0, 1]^(d+1) with one coordinate on a face, rows grouped by face.
    @Test func cubePointsLieOnTheBoundary() {
        let points = sample(.m10bCubic, n: 1000)
        let perFace = 1000 / 36 + 1
        for row in 0..<points.rows {
            #expect(points.row(row).allSatisfy { $0 >= 0 && $0 <= 1 })
            let face = row / perFace
            #expect(points[row, face / 2] == Double(face % 2))
        }
    }

    /// With φ = atan2(y, x) (the radius 1 + s/2·cos 5φ ≥ 1/2 keeps it well defined), the offset
    /// (ρ − 1, z) = (s/2)·(cos 5φ, sin 5φ) with |s| ≤ 1.
    @Test func moebiusBandIsItsParametrisation() {
        let points = sample(.m11Moebius, n: 2000)
        for row in 0..<points.rows {
            let x = points[row, 0], y = points[row, 1], z = points[row, 2]
            let phi = atan2(y, x), offset = (x * x + y * y).squareRoot() - 1
            #expect(abs(offset * sin(5 * phi) - z * cos(5 * phi)) < Self.equationTolerance)
            #expect((offset * offset + z * z).squareRoot() <= 0.5 + Tolerance.roundOffOfThousandsOfOperations)
        }
    }

    /// Both halves of the S lie on unit circles: x² + (1 − |z|)² = 1.
    @Test func sCurveLiesOnTwoArcs() {
        let points = sample(.m13aScurve, n: 2000)
        for row in 0..<points.rows {
            let x = points[row, 0], y = points[row, 1], z = points[row, 2]
            #expect(abs(x * x + (1 - abs(z)) * (1 - abs(z)) - 1) < Self.equationTolerance)
            #expect(y >= 0 && y < 2 && abs(z) <= 2)
        }
    }

    /// The spiral is (100 cos t, 100 sin t, t) with t ∈ [0, 10π) and ten zero coordinates.
    @Test func spiralIsAHelixWithTenZeroColumns() throws {
        let points = sample(.m13bSpiral, n: 2000)
        for row in 0..<points.rows {
            let t = points[row, 2]
            #expect(t >= 0 && t < 10 * Double.pi)
            #expect(abs(points[row, 0] - 100 * cos(t)) < Self.equationTolerance)
            #expect(abs(points[row, 1] - 100 * sin(t)) < Self.equationTolerance)
            #expect(points.row(row).dropFirst(3).allSatisfy { $0 == 0 })
        }
        try expectRank(points, 3)
    }

    /// Mβ and Mn repeat their two d-column blocks: x = (t₁, t₂, t₁, t₂).
    @Test(arguments: [BenchmarkManifold.mBeta, .mn1Nonlinear, .mn2Nonlinear])
    func campadelliBlocksRepeat(manifold: BenchmarkManifold) {
        let d = manifold.intrinsicDimension
        let points = sample(manifold, n: 500)
        for row in 0..<points.rows {
            let x = Array(points.row(row))
            #expect(x[0..<(2 * d)] == x[(2 * d)..<(4 * d)])
            if manifold != .mBeta {
                // tan(X·cos X') with X, X' ∈ [0, 1) lies in [0, tan 1); arctan(X'·sin X) in [0, arctan(sin 1)).
                #expect(x[0..<d].allSatisfy { $0 >= 0 && $0 < tan(1.0) })
                #expect(x[d..<(2 * d)].allSatisfy { $0 >= 0 && $0 < atan(sin(1.0)) })
            } else {
                #expect(x.allSatisfy { abs($0) <= 1 })
            }
        }
    }

    /// Paraboloid: (X, sin X, X²) with X_d = Σᵢ<d Xᵢ² and Xᵢ ∈ [0, 1].
    @Test(arguments: [BenchmarkManifold.mp1Paraboloid, .mp2Paraboloid, .mp3Paraboloid])
    func paraboloidIsItsDefiningMap(manifold: BenchmarkManifold) {
        let d = manifold.intrinsicDimension, width = d + 1
        let points = sample(manifold, n: 500)
        for row in 0..<points.rows {
            let x = Array(points.row(row))
            #expect(x[0..<d].allSatisfy { $0 >= 0 && $0 <= 1 })
            let squares = x[0..<d].reduce(0) { $0 + $1 * $1 }
            // The same d squares summed: equal up to the summation order, ≤ d ulps of ≤ 9.
            #expect(abs(x[d] - squares) < Tolerance.roundOffOfHundredsOfOperations)
            for i in 0..<width {
                #expect(x[width + i] == sin(x[i]))
                #expect(x[2 * width + i] == x[i] * x[i])
            }
        }
    }
}
