import Foundation
import MindSpaceCore

/// The 24 benchmark manifolds with known intrinsic dimension of Hein & Audibert (2005, "Intrinsic
/// dimensionality estimation of submanifolds in Rᵈ", M1–M13) and Campadelli, Casiraghi, Ceruti &
/// Rozza (2015, "Intrinsic dimension estimation: relevant techniques and a benchmark framework",
/// Mβ, Mn, Mp), exactly as scikit-dimension 0.5.0 generates them
/// (`skdim.datasets.BenchmarkManifolds`, adapted there from GeoMLE): the same names, the same
/// intrinsic dimension d and number of variables D (skdim's `_dict_truth` table, which is what
/// `generate(name="all")` uses), the same geometry and the same sampling distributions.
///
/// Our stream (`SeededGenerator`) is not NumPy's, so the points differ from skdim's for any seed;
/// the distributions are the same (checked against skdim's own samples in the tests). Where skdim
/// draws a whole array per parameter we draw per row, which changes nothing in distribution.
/// U denotes a uniform [0, 1) deviate, N(0, 1) a standard normal one, all independent.
///
/// Quirks of skdim's definitions that we reproduce on purpose (documented per case below):
/// - `M13b_Spiral` has D = 13 but only its first 3 coordinates vary (10 zero columns).
/// - `M10*_Cubic` rows are ordered face by face and the allocation per face follows skdim's
///   integer arithmetic: the last faces get fewer points, and for n < 2(d + 1) some faces get none.
/// - `M11_Moebius` turns its segment by 5φ: 10 half-twists, so the band is in fact orientable.
/// - `M9_Affine` and `M12_Norm` have d = D (no embedding at all); `M6`, `M8`, `Mbeta`, `Mn1`,
///   `Mn2` repeat their coordinates (the data span fewer than D linear dimensions).
/// - `M5a_Helix1d` shifts its angle by 2π/n (no effect: every coordinate is 2π-periodic in it).
/// - skdim's `generate(name)` without `dim` and `d` raises a TypeError; only `name="all"` or an
///   explicit (d, dim) works there. We always use the table's values.
///
/// Adding a manifold: one new case, with its entry in `intrinsicDimension`, `ambientDimension`,
/// `summary` and `points`.
public enum BenchmarkManifold: String, CaseIterable, Sendable {
    /// S¹⁰ ⊂ ℝ¹¹: x = v/‖v‖, v ~ N(0, I₁₁).
    case m1Sphere = "M1_Sphere"
    /// A 3-dimensional affine subspace of ℝ⁵: x = A·p + b, p ~ U[0, 4)³, with skdim's fixed
    /// A = [[1.2, −0.5, 0], [0.5, 0.9, 0], [−0.5, −0.2, 1], [0.4, −0.9, −0.1], [1.1, −0.3, 0]] and
    /// b = (3, −1, 0, 0, 8).
    case m2Affine3to5 = "M2_Affine_3to5"
    /// p ~ U[0, 1)⁴; x = (p₁²cos 2πp₀, p₂²sin 2πp₀, p₁ + p₂ + (p₁ − p₃)², p₁ − 2p₂ + (p₀ − p₃)²,
    /// −p₁ − 2p₂ + (p₂ − p₃)², p₀² − p₁² + p₂² − p₃²) ∈ ℝ⁶.
    case m3Nonlinear4to6 = "M3_Nonlinear_4to6"
    /// The "nonlinear" family with d = 4, D = 8 (m = 1 copy); see `nonlinear` below.
    case m4Nonlinear = "M4_Nonlinear"
    /// A closed curve on a torus in ℝ³: t = 2π/n + 2πU;
    /// x = ((2 + cos 8t)·cos t, (2 + cos 8t)·sin t, sin 8t).
    case m5aHelix1d = "M5a_Helix1d"
    /// A helicoid-like surface in ℝ³: r = 10πU, p = 10πU; x = (r cos p, r sin p, p/2)
    /// (uniform in the parameters, not in surface area).
    case m5bHelix2d = "M5b_Helix2d"
    /// The "nonlinear" family with d = 6, D = 36 (m = 3 copies).
    case m6Nonlinear = "M6_Nonlinear"
    /// Swiss roll in ℝ³: t = 1.5π(1 + 2U), p = 21U; x = (t cos t, p, t sin t).
    case m7Roll = "M7_Roll"
    /// The "nonlinear" family with d = 12, D = 72 (m = 3 copies).
    case m8Nonlinear = "M8_Nonlinear"
    /// The cube [−2.5, 2.5)²⁰ in ℝ²⁰ (skdim's `np.eye(dim, d)` embedding with d = D = 20).
    case m9Affine = "M9_Affine"
    /// Boundary of the unit 11-cube (d = 10, D = 11); see `cubic` below.
    case m10aCubic = "M10a_Cubic"
    /// Boundary of the unit 18-cube (d = 17, D = 18).
    case m10bCubic = "M10b_Cubic"
    /// Boundary of the unit 25-cube (d = 24, D = 25).
    case m10cCubic = "M10c_Cubic"
    /// Boundary of the unit 71-cube (d = 70, D = 71).
    case m10dCubic = "M10d_Cubic"
    /// A twisted band in ℝ³: φ = 2πU, s = 2U − 1;
    /// x = ((1 + s/2·cos 5φ)·cos φ, (1 + s/2·cos 5φ)·sin φ, s/2·sin 5φ). The segment turns by 5φ,
    /// i.e. 10 half-twists (skdim: "10-times twisted"); with an even number of half-twists the band
    /// is orientable, not a true Möbius band.
    case m11Moebius = "M11_Moebius"
    /// N(0, I₂₀) in ℝ²⁰.
    case m12Norm = "M12_Norm"
    /// S-curve in ℝ³: t = 3π(U − 1/2), p = 2U; x = (sin t, p, sign(t)·(cos t − 1)).
    case m13aScurve = "M13a_Scurve"
    /// A helix in ℝ¹³: t = 10πU; x = (100 cos t, 100 sin t, t, 0, …, 0) (10 zero coordinates).
    case m13bSpiral = "M13b_Spiral"
    /// Campadelli's Mβ, d = 10, D = 40: X ~ Beta(10, 1/2)¹⁰ (a smooth non-uniform density);
    /// per coordinate t₁ = X·sin(cos 2πX), t₂ = X·cos(sin 2πX); x = (t₁, t₂, t₁, t₂) blockwise.
    case mBeta = "Mbeta"
    /// Campadelli's Mn with d = 18, D = 72; see `campadelliN` below.
    case mn1Nonlinear = "Mn1_Nonlinear"
    /// Campadelli's Mn with d = 24, D = 96.
    case mn2Nonlinear = "Mn2_Nonlinear"
    /// Campadelli's paraboloid with d = 3, D = 12; see `paraboloid` below.
    case mp1Paraboloid = "Mp1_Paraboloid"
    /// Campadelli's paraboloid with d = 6, D = 21.
    case mp2Paraboloid = "Mp2_Paraboloid"
    /// Campadelli's paraboloid with d = 9, D = 30.
    case mp3Paraboloid = "Mp3_Paraboloid"

    /// The name as skdim spells it (`M1_Sphere`, …, `Mp3_Paraboloid`).
    public var name: String { rawValue }

    /// The manifold named `name`, ignoring case (`m1_sphere` works); `nil` if there is none.
    public init?(name: String) {
        let key = name.lowercased()
        guard let match = Self.allCases.first(where: { $0.rawValue.lowercased() == key }) else { return nil }
        self = match
    }

    /// d, the intrinsic dimension (skdim's "Intrinsic Dimension").
    public var intrinsicDimension: Int {
        switch self {
        case .m1Sphere: return 10
        case .m2Affine3to5: return 3
        case .m3Nonlinear4to6, .m4Nonlinear: return 4
        case .m5aHelix1d, .m13bSpiral: return 1
        case .m5bHelix2d, .m7Roll, .m11Moebius, .m13aScurve: return 2
        case .m6Nonlinear: return 6
        case .m8Nonlinear: return 12
        case .m9Affine, .m12Norm: return 20
        case .m10aCubic, .mBeta: return 10
        case .m10bCubic: return 17
        case .m10cCubic, .mn2Nonlinear: return 24
        case .m10dCubic: return 70
        case .mn1Nonlinear: return 18
        case .mp1Paraboloid: return 3
        case .mp2Paraboloid: return 6
        case .mp3Paraboloid: return 9
        }
    }

    /// D, the number of coordinates (skdim's "Number of variables").
    public var ambientDimension: Int {
        switch self {
        case .m1Sphere, .m10aCubic: return 11
        case .m2Affine3to5: return 5
        case .m3Nonlinear4to6: return 6
        case .m4Nonlinear: return 8
        case .m5aHelix1d, .m5bHelix2d, .m7Roll, .m11Moebius, .m13aScurve: return 3
        case .m6Nonlinear: return 36
        case .m8Nonlinear, .mn1Nonlinear: return 72
        case .m9Affine, .m12Norm: return 20
        case .m10bCubic: return 18
        case .m10cCubic: return 25
        case .m10dCubic: return 71
        case .m13bSpiral: return 13
        case .mBeta: return 40
        case .mn2Nonlinear: return 96
        case .mp1Paraboloid: return 12
        case .mp2Paraboloid: return 21
        case .mp3Paraboloid: return 30
        }
    }

    /// skdim's one-line description.
    public var summary: String {
        switch self {
        case .m1Sphere: return "10D sphere linearly embedded"
        case .m2Affine3to5, .m9Affine: return "Affine space"
        case .m3Nonlinear4to6: return "Concentrated figure, mistakable with a 3D one"
        case .m4Nonlinear, .m6Nonlinear: return "Nonlinear manifold"
        case .m5aHelix1d: return "1D helix"
        case .m5bHelix2d: return "2D helix"
        case .m7Roll: return "Swiss Roll"
        case .m8Nonlinear: return "Nonlinear (highly curved) manifold"
        case .m10aCubic, .m10bCubic, .m10cCubic, .m10dCubic: return "\(intrinsicDimension)D hypercube"
        case .m11Moebius: return "Möebius band 10-times twisted"
        case .m12Norm: return "Isotropic multivariate Gaussian"
        case .m13aScurve: return "2D S-curve"
        case .m13bSpiral: return "1D helix curve"
        case .mBeta: return "Manifold generated with a smooth nonuniform pdf (see paper for description)"
        case .mn1Nonlinear, .mn2Nonlinear: return "Nonlinearly embedded manifold of high ID (see paper for description)"
        // skdim writes "(3(3+1))D" for Mp1 but "(3*(6+1))D" and "(3*(9+1))D" for the others.
        case .mp1Paraboloid: return "3D paraboloid, nonlinearly embedded in (3(3+1))D space, \(Self.burr)"
        case .mp2Paraboloid: return "6D paraboloid, nonlinearly embedded in (3*(6+1))D space, \(Self.burr)"
        case .mp3Paraboloid: return "9D paraboloid, nonlinearly embedded in (3*(9+1))D space, \(Self.burr)"
        }
    }

    private static let burr = "according to a multivariate Burr distribution (alpha=1)"

    /// skdim's fixed shape parameters, recorded in reports (empty for most manifolds).
    public var fixedParameters: [String: ParameterValue] {
        switch self {
        case .mBeta: return ["beta_alpha": .double(10), "beta_beta": .double(0.5)]
        case .m4Nonlinear, .m6Nonlinear, .m8Nonlinear:
            return ["copies": .int(ambientDimension / (2 * intrinsicDimension))]
        default: return [:]
        }
    }

    /// n points (an n × D matrix) drawn from this manifold's distribution, noise-free. Cost
    /// O(n·D); the stream of `generator` is advanced. n ≥ 0.
    public func points(n: Int, generator: inout SeededGenerator) -> Matrix<Double> {
        precondition(n >= 0, "negative point count")
        let d = intrinsicDimension
        switch self {
        case .m1Sphere:
            return Self.sample(n: n, columns: 11, &generator) { row, _, g in g.fillUnitVector(row) }
        case .m2Affine3to5:
            return Self.affine3to5(n: n, &generator)
        case .m3Nonlinear4to6:
            return Self.nonlinear4to6(n: n, &generator)
        case .m4Nonlinear, .m6Nonlinear, .m8Nonlinear:
            return Self.nonlinear(n: n, d: d, copies: ambientDimension / (2 * d), &generator)
        case .m5aHelix1d:
            let shift = 2 * Double.pi / Double(max(n, 1))
            return Self.sample(n: n, columns: 3, &generator) { row, _, g in
                let t = shift + 2 * Double.pi * g.nextUnitDouble()
                let radius = 2 + cos(8 * t)
                row[0] = radius * cos(t)
                row[1] = radius * sin(t)
                row[2] = sin(8 * t)
            }
        case .m5bHelix2d:
            return Self.sample(n: n, columns: 3, &generator) { row, _, g in
                let r = 10 * Double.pi * g.nextUnitDouble()
                let p = 10 * Double.pi * g.nextUnitDouble()
                row[0] = r * cos(p)
                row[1] = r * sin(p)
                row[2] = 0.5 * p
            }
        case .m7Roll:
            return Self.sample(n: n, columns: 3, &generator) { row, _, g in
                let t = 1.5 * Double.pi * (1 + 2 * g.nextUnitDouble())
                let p = 21 * g.nextUnitDouble()
                row[0] = t * cos(t)
                row[1] = p
                row[2] = t * sin(t)
            }
        case .m9Affine:
            return Self.sample(n: n, columns: 20, &generator) { row, _, g in
                for j in row.indices { row[j] = 5 * g.nextUnitDouble() - 2.5 }
            }
        case .m10aCubic, .m10bCubic, .m10cCubic, .m10dCubic:
            return Self.cubic(n: n, d: d, &generator)
        case .m11Moebius:
            return Self.sample(n: n, columns: 3, &generator) { row, _, g in
                let phi = 2 * Double.pi * g.nextUnitDouble()
                let s = 2 * g.nextUnitDouble() - 1
                let radius = 1 + 0.5 * s * cos(5 * phi)
                row[0] = radius * cos(phi)
                row[1] = radius * sin(phi)
                row[2] = 0.5 * s * sin(5 * phi)
            }
        case .m12Norm:
            return Self.sample(n: n, columns: 20, &generator) { row, _, g in
                for j in row.indices { row[j] = g.nextGaussian() }
            }
        case .m13aScurve:
            return Self.sample(n: n, columns: 3, &generator) { row, _, g in
                let t = 3 * Double.pi * (g.nextUnitDouble() - 0.5)
                let p = 2 * g.nextUnitDouble()
                let sign: Double = t > 0 ? 1 : (t < 0 ? -1 : 0)
                row[0] = sin(t)
                row[1] = p
                row[2] = sign * (cos(t) - 1)
            }
        case .m13bSpiral:
            return Self.sample(n: n, columns: 13, &generator) { row, _, g in
                let t = 10 * Double.pi * g.nextUnitDouble()
                row[0] = 100 * cos(t)
                row[1] = 100 * sin(t)
                row[2] = t
            }
        case .mBeta:
            return Self.campadelliBeta(n: n, d: d, &generator)
        case .mn1Nonlinear, .mn2Nonlinear:
            return Self.campadelliN(n: n, d: d, &generator)
        case .mp1Paraboloid, .mp2Paraboloid, .mp3Paraboloid:
            return Self.paraboloid(n: n, d: d, &generator)
        }
    }

    // MARK: - Generators shared by several cases

    /// An n × `columns` zero matrix whose rows are filled in order by `fill(row, index, generator)`.
    private static func sample(
        n: Int, columns: Int, _ generator: inout SeededGenerator,
        fill: (UnsafeMutableBufferPointer<Double>, Int, inout SeededGenerator) -> Void
    ) -> Matrix<Double> {
        var result = Matrix<Double>(rows: n, columns: columns)
        result.storage.withUnsafeMutableBufferPointer { storage in
            for index in 0..<n {
                let row = UnsafeMutableBufferPointer(rebasing: storage[(index * columns)..<((index + 1) * columns)])
                fill(row, index, &generator)
            }
        }
        return result
    }

    private static let affineMatrix: [[Double]] = [
        [1.2, -0.5, 0], [0.5, 0.9, 0], [-0.5, -0.2, 1], [0.4, -0.9, -0.1], [1.1, -0.3, 0],
    ]
    private static let affineOffset: [Double] = [3, -1, 0, 0, 8]

    /// M2: x = A·p + b with p ~ U[0, 4)³ (A, b in the case's documentation).
    private static func affine3to5(n: Int, _ generator: inout SeededGenerator) -> Matrix<Double> {
        sample(n: n, columns: 5, &generator) { row, _, g in
            let p = (4 * g.nextUnitDouble(), 4 * g.nextUnitDouble(), 4 * g.nextUnitDouble())
            for i in 0..<5 {
                let a = affineMatrix[i]
                row[i] = a[0] * p.0 + a[1] * p.1 + a[2] * p.2 + affineOffset[i]
            }
        }
    }

    /// M3: the fixed map of p ~ U[0, 1)⁴ into ℝ⁶ given in the case's documentation.
    private static func nonlinear4to6(n: Int, _ generator: inout SeededGenerator) -> Matrix<Double> {
        sample(n: n, columns: 6, &generator) { row, _, g in
            let p0 = g.nextUnitDouble(), p1 = g.nextUnitDouble(), p2 = g.nextUnitDouble(), p3 = g.nextUnitDouble()
            row[0] = p1 * p1 * cos(2 * Double.pi * p0)
            row[1] = p2 * p2 * sin(2 * Double.pi * p0)
            row[2] = p1 + p2 + (p1 - p3) * (p1 - p3)
            row[3] = p1 - 2 * p2 + (p0 - p3) * (p0 - p3)
            row[4] = -p1 - 2 * p2 + (p2 - p3) * (p2 - p3)
            row[5] = p0 * p0 - p1 * p1 + p2 * p2 - p3 * p3
        }
    }

    /// M4, M6, M8 (Hein & Audibert's nonlinear family): p ~ U[0, 1)ᵈ; for i = 0…d−1,
    /// (x₂ᵢ, x₂ᵢ₊₁) = p₍ᵢ₊₁ mod d₎·(cos 2πpᵢ, sin 2πpᵢ); the 2d coordinates are repeated
    /// `copies` = D/(2d) times. Every pair is a point at angle 2πpᵢ and radius p₍ᵢ₊₁ mod d₎.
    private static func nonlinear(n: Int, d: Int, copies: Int, _ generator: inout SeededGenerator) -> Matrix<Double> {
        let block = 2 * d
        var parameters = [Double](repeating: 0, count: d)
        return sample(n: n, columns: block * copies, &generator) { row, _, g in
            for i in 0..<d { parameters[i] = g.nextUnitDouble() }
            for i in 0..<d {
                let angle = 2 * Double.pi * parameters[i]
                let radius = parameters[(i + 1) % d]
                row[2 * i] = radius * cos(angle)
                row[2 * i + 1] = radius * sin(angle)
            }
            for copy in 1..<max(copies, 1) {
                for j in 0..<block { row[copy * block + j] = row[j] }
            }
        }
    }

    /// M10 (the boundary of the (d+1)-cube, as skdim builds it): with m = ⌊n/(2(d+1))⌋ + 1, the
    /// candidate rows are, for each face axis i = 0…d and each side s = 0, 1 in turn, m points
    /// U[0, 1)^(d+1) with coordinate i set to s; the first n candidates are kept, in that order.
    /// So rows are grouped by face, the last faces hold fewer points (the 2(d+1)·m − n dropped
    /// ones come from the end), and when n < 2(d+1) only the first n faces hold a point (one each).
    private static func cubic(n: Int, d: Int, _ generator: inout SeededGenerator) -> Matrix<Double> {
        let perFace = n / (2 * (d + 1)) + 1
        return sample(n: n, columns: d + 1, &generator) { row, index, g in
            for j in row.indices { row[j] = g.nextUnitDouble() }
            let face = index / perFace
            row[face / 2] = Double(face % 2)
        }
    }

    /// Mβ: X ~ Beta(α = 10, β = 1/2)ᵈ; x = (t₁, t₂, t₁, t₂) with t₁ᵢ = Xᵢ·sin(cos 2πXᵢ) and
    /// t₂ᵢ = Xᵢ·cos(sin 2πXᵢ) (Campadelli et al. 2015).
    private static func campadelliBeta(n: Int, d: Int, _ generator: inout SeededGenerator) -> Matrix<Double> {
        sample(n: n, columns: 4 * d, &generator) { row, _, g in
            for i in 0..<d {
                let x = g.nextBeta(10, 0.5)
                let t1 = x * sin(cos(2 * Double.pi * x))
                let t2 = x * cos(sin(2 * Double.pi * x))
                row[i] = t1
                row[d + i] = t2
                row[2 * d + i] = t1
                row[3 * d + i] = t2
            }
        }
    }

    /// Mn1, Mn2: X ~ U[0, 1)ᵈ; t₁ᵢ = tan(Xᵢ·cos X₍d−1−i₎), t₂ᵢ = arctan(X₍d−1−i₎·sin Xᵢ);
    /// x = (t₁, t₂, t₁, t₂) (Campadelli et al. 2015). Arguments of tan stay in [0, 1), so every
    /// coordinate is bounded.
    private static func campadelliN(n: Int, d: Int, _ generator: inout SeededGenerator) -> Matrix<Double> {
        var parameters = [Double](repeating: 0, count: d)
        return sample(n: n, columns: 4 * d, &generator) { row, _, g in
            for i in 0..<d { parameters[i] = g.nextUnitDouble() }
            for i in 0..<d {
                let x = parameters[i], mirrored = parameters[d - 1 - i]
                let t1 = tan(x * cos(mirrored))
                let t2 = atan(mirrored * sin(x))
                row[i] = t1
                row[d + i] = t2
                row[2 * d + i] = t1
                row[3 * d + i] = t2
            }
        }
    }

    /// Mp (Campadelli's paraboloids, D = 3(d + 1)): E ~ Exponential(1)^(d+1);
    /// Xᵢ = 1/(1 + Eᵢ₊₁/E₀) for i < d (a multivariate Burr sample, α = 1), X_d = Σᵢ Xᵢ²;
    /// x = (X, sin X, X²) with the functions applied to all d + 1 coordinates of X.
    private static func paraboloid(n: Int, d: Int, _ generator: inout SeededGenerator) -> Matrix<Double> {
        let width = d + 1
        return sample(n: n, columns: 3 * width, &generator) { row, _, g in
            // E₀ = 0 (probability 2⁻⁵³) would make 0/0 when another Eᵢ is also 0: redraw it.
            var e0 = g.nextExponential()
            while e0 == 0 { e0 = g.nextExponential() }
            var squaredSum = 0.0
            for i in 0..<d {
                let x = 1 / (1 + g.nextExponential() / e0)
                row[i] = x
                squaredSum += x * x
            }
            row[d] = squaredSum
            for i in 0..<width {
                row[width + i] = sin(row[i])
                row[2 * width + i] = row[i] * row[i]
            }
        }
    }
}
