import Foundation
import Testing
@testable import MindSpaceCore
@testable import MindSpaceNumerics
import MindSpaceTestSupport

/// PCA against independent truth: analytic spectra (exact constructions and Gaussian samples with
/// a known covariance), the two routes against each other, and scikit-learn fixtures
/// (`Fixtures/pca/make_fixtures.py`, versions in `Fixtures/pca/VERSIONS.txt`).
@Suite struct PCATests {
    // MARK: - Exact constructions

    /// Points ±a·e₁, ±b·e₂ (+ an offset c) in D = 3: mean c, scatter diag(2a², 2b², 0), so with
    /// N − 1 = 3 the covariance is diag(2a²/3, 2b²/3, 0) = diag(6, 2/3, 0) for a = 3, b = 1, and the
    /// axes are e₁, e₂, ±e₃. Only rounding separates the result from these values: 1e-14 relative
    /// (about 50 ulps) covers the few sums and one eigensolve on a 3×3 matrix.
    @Test(arguments: [PCA.Method.covariance, .gram])
    func exactSpectrumOfSymmetricPoints(method: PCA.Method) throws {
        let offset: [Double] = [10, -4, 0.5]
        let points: [[Double]] = [[3, 0, 0], [-3, 0, 0], [0, 1, 0], [0, -1, 0]]
        let data = Matrix(points.map { p in (0..<3).map { p[$0] + offset[$0] } })
        let result = try PCA(method: method).fit(data)
        #expect(result.method == method)
        #expect(result.spectrum.explainedVariance.count == 3)  // min(N, D) = min(4, 3)
        expectClose(result.spectrum.explainedVariance, [6, 2.0 / 3, 0], absolute: Tolerance.roundOffOfTensOfOperations * 6)
        expectClose(result.mean, offset, absolute: Tolerance.roundOffOfTensOfOperations * 10)
        #expect(abs(result.spectrum.totalVariance - 20.0 / 3) <= Tolerance.roundOffOfTensOfOperations * 20 / 3)
        expectClose(result.spectrum.explainedVarianceRatio, [0.9, 0.1, 0], absolute: Tolerance.roundOffOfTensOfOperations)
        // σ = √((N − 1)·λ) turns round-off δ on the zero eigenvalue into √(3δ): 1e-7 allows δ up
        // to 3e-15, a few ulps of λ₁ = 6.
        let rootOfRoundOff = 1e-7
        expectClose(result.spectrum.singularValues, [(18.0).squareRoot(), (2.0).squareRoot(), 0], absolute: rootOfRoundOff)
        // Axes e₁, e₂, e₃, each with its single nonzero loading made positive by the sign rule.
        expectClose(result.components.storage, [1, 0, 0, 0, 1, 0, 0, 0, 1], absolute: Tolerance.roundOffOfTensOfOperations)
        // The ratio 0.9 is exact in arithmetic but 6/(20/3) may round below 0.9: still 1 component.
        #expect(result.spectrum.componentsFor(fraction: 0.9) == 1)
        #expect(result.spectrum.componentsFor(fraction: 0.95) == 2)
        #expect(result.spectrum.componentsFor(fraction: 1.0) == 2)
        #expect(result.spectrum.componentsFor(fraction: 0) == 0)
    }

    /// The same four points in D = 10 > N = 4 take the Gram route: spectrum length min(N, D) = 4 with
    /// two exact zeros (centring removes one dimension, D > N the rest), and the two zero-variance
    /// axes are the deterministic orthonormal completion: e₃ and e₄ (the first basis vectors outside
    /// the span of e₁, e₂).
    @Test func wideExactCaseCompletesZeroVarianceAxes() throws {
        var data = Matrix<Double>(rows: 4, columns: 10)
        data[0, 0] = 3; data[1, 0] = -3; data[2, 1] = 1; data[3, 1] = -1
        let result = try PCA().fit(data)
        #expect(result.method == .gram)
        expectClose(result.spectrum.explainedVariance, [6, 2.0 / 3, 0, 0], absolute: Tolerance.roundOffOfTensOfOperations * 6)
        #expect(result.components.rows == 4)
        var expected = [Double](repeating: 0, count: 40)
        expected[0] = 1; expected[11] = 1; expected[22] = 1; expected[33] = 1
        expectClose(result.components.storage, expected, absolute: Tolerance.roundOffOfTensOfOperations)
    }

    // MARK: - Gaussian samples with a known covariance

    /// Σ = H·diag(λ)·H with H = I − 2wwᵀ/‖w‖² (an orthogonal reflection), λ = (9, 4, 2, 1, 0.25),
    /// N = 20000 Gaussian points. Sample eigenvalues of distinct population eigenvalues are
    /// asymptotically normal with standard deviation λᵢ·√(2/(N−1)) (Anderson 1963), ≈ 1 % here:
    /// each must lie within 5 of those. The sample axis vᵢ deviates from the true one by
    /// E[sin²θᵢ] ≈ Σ_{j≠i} λᵢλⱼ / (N·(λᵢ − λⱼ)²) (same source); we allow 20 times that (a χ²
    /// variable with at most 4 degrees of freedom exceeds 20× its mean with probability < 1e-3).
    /// The seed is fixed, so the test is deterministic; the bounds say why it is not luck.
    @Test func gaussianSampleSpectrumWithinSamplingError() throws {
        let truth: [Double] = [9, 4, 2, 1, 0.25]
        let d = truth.count, n = 20_000
        var generator = SeededGenerator(seed: 2024)
        let w = (0..<d).map { _ in generator.nextGaussian() }
        let reflection = Self.householder(w)
        var data = Matrix<Double>(rows: n, columns: d)
        for i in 0..<n {
            let z = (0..<d).map { truth[$0].squareRoot() * generator.nextGaussian() }
            for j in 0..<d { data[i, j] = (0..<d).reduce(0.0) { $0 + reflection[j][$1] * z[$1] } + 1.5 }
        }
        let result = try PCA().fit(data)
        for i in 0..<d {
            let sigma = truth[i] * (2.0 / Double(n - 1)).squareRoot()
            #expect(abs(result.spectrum.explainedVariance[i] - truth[i]) <= 5 * sigma, "eigenvalue \(i)")
            let axis = (0..<d).map { reflection[$0][i] }  // column i of H
            let cosine = zip(axis, result.components.row(i)).reduce(0.0) { $0 + $1.0 * $1.1 }
            let expectedSinSquared = (0..<d).filter { $0 != i }.reduce(0.0) {
                $0 + truth[i] * truth[$1] / (Double(n) * (truth[i] - truth[$1]) * (truth[i] - truth[$1]))
            }
            #expect(1 - cosine * cosine <= 20 * expectedSinSquared, "axis \(i)")
        }
        // Total variance: trace of the sample covariance, whose standard deviation is
        // √(2·Σλᵢ²/(N−1)) ≈ 0.14; 5 of those.
        let traceSigma = (2 * truth.reduce(0) { $0 + $1 * $1 } / Double(n - 1)).squareRoot()
        #expect(abs(result.spectrum.totalVariance - truth.reduce(0, +)) <= 5 * traceSigma)
    }

    // MARK: - Internal consistency

    /// Both routes solve the same problem; backward-stable eigensolvers differ by about D·ε·λ_max
    /// in eigenvalues and by ε·λ_max/gap in axes. With these spectra (gaps ≳ 1e-3·λ_max) both are
    /// below 1e-12, so 1e-10 relative (to λ_max for values, to 1 for unit axes) is generous yet
    /// fails on any real discrepancy. Only axes with nonzero variance are compared (the others are
    /// arbitrary directions of a zero eigenspace).
    @Test(arguments: [(200, 30), (20, 60)])
    func gramRouteEqualsCovarianceRoute(n: Int, d: Int) throws {
        let data = Self.sample(rows: n, columns: d, seed: UInt64(n * 1000 + d), offset: 7)
        let viaCovariance = try PCA(method: .covariance).fit(data)
        let viaGram = try PCA(method: .gram).fit(data)
        let top = viaCovariance.spectrum.explainedVariance[0]
        expectClose(viaGram.spectrum.explainedVariance, viaCovariance.spectrum.explainedVariance, absolute: Tolerance.twoDoubleMethods * top)
        expectClose(viaGram.spectrum.explainedVarianceRatio, viaCovariance.spectrum.explainedVarianceRatio, absolute: Tolerance.twoDoubleMethods)
        // Means: plain column sums (Gram) vs shifted sums (covariance); both ~N·ε·|x| ≈ 1e-13 here.
        expectClose(viaGram.mean, viaCovariance.mean, absolute: Tolerance.roundOffOfThousandsOfOperations)
        #expect(isApproximatelyEqual(viaGram.spectrum.totalVariance, viaCovariance.spectrum.totalVariance, relativeTolerance: Tolerance.twoDoubleMethods))
        let nonzero = min(n - 1, d)
        expectClose(Array(viaGram.components.storage.prefix(nonzero * d)),
                    Array(viaCovariance.components.storage.prefix(nonzero * d)), absolute: Tolerance.twoDoubleMethods)
        Self.expectOrthonormal(viaGram.components, tolerance: Tolerance.twoDoubleMethods)
        Self.expectOrthonormal(viaCovariance.components, tolerance: Tolerance.twoDoubleMethods)
    }

    /// Centring before the products: points near 1e8 with spread ~1 must give the same PCA as the
    /// same points moved to the origin (x − 1e8 is exact for these values, Sterbenz's lemma, so
    /// both inputs hold the same geometry). The uncentred formula XᵀX/N − x̄x̄ᵀ would lose all
    /// digits here (ε·1e16 ≈ 2 against variances ≈ 1); the one-pass shifted sums lose none: both
    /// fits agree to round-off, 1e-10 relative to λ_max and for unit axes.
    @Test func largeOffsetDoesNotCancel() throws {
        let centred = Self.sample(rows: 400, columns: 8, seed: 17, offset: 0)
        let far = Matrix(rows: 400, columns: 8, storage: centred.storage.map { $0 + 1e8 })
        let near = Matrix(rows: 400, columns: 8, storage: far.storage.map { $0 - 1e8 })
        let a = try PCA().fit(far), b = try PCA().fit(near)
        expectClose(a.spectrum.explainedVariance, b.spectrum.explainedVariance, absolute: Tolerance.twoDoubleMethods * b.spectrum.explainedVariance[0])
        expectClose(a.components.storage, b.components.storage, absolute: Tolerance.twoDoubleMethods)
        let ulpsOfTheOffset = 1e-7  // the far mean is held near 1e8, where an ulp is ≈ 1.5e-8
        expectClose(a.mean.map { $0 - 1e8 }, b.mean, absolute: ulpsOfTheOffset)
    }

    /// K leading axes equal the first K rows of the full result (one tridiagonalisation either way,
    /// same MRRR representation: differences are round-off, 1e-10 as above), the spectrum is the
    /// whole spectrum whatever K is, and a K above min(N, D) is clamped.
    @Test func topKEqualsLeadingRowsOfFullResult() throws {
        let data = Self.sample(rows: 300, columns: 20, seed: 5, offset: -2)
        let full = try PCA().fit(data)
        let top3 = try PCA(components: 3).fit(data)
        #expect(top3.components.rows == 3 && full.components.rows == 20)
        expectClose(top3.spectrum.explainedVariance, full.spectrum.explainedVariance, absolute: Tolerance.roundOffOfThousandsOfOperations * full.spectrum.explainedVariance[0])
        expectClose(top3.components.storage, Array(full.components.storage.prefix(3 * 20)), absolute: Tolerance.twoDoubleMethods)
        #expect(top3.spectrum.componentsFor(fraction: 0.9) == full.spectrum.componentsFor(fraction: 0.9))
        #expect(try PCA(components: 100).fit(data).components.rows == 20)
        let spectrumOnly = try PCA(components: 0).fit(data)
        #expect(spectrumOnly.components.rows == 0 && spectrumOnly.spectrum.explainedVariance.count == 20)
    }

    /// Float input is widened to Double before any arithmetic, so it must agree with the Double
    /// fit of the same (float-rounded) values to round-off: 1e-12 relative (an accumulation in
    /// Float would be off by ~1e-7). Against the original unrounded doubles it agrees to the
    /// rounding of the input (relative 2⁻²⁴ ≈ 6e-8 per entry): 1e-5 relative is that with margin.
    @Test func floatInputMatchesDoubleInput() throws {
        let original = Self.sample(rows: 500, columns: 16, seed: 11, offset: 3)
        let single: Matrix<Float> = original.converted()
        let fromFloat = try PCA().fit(single)
        let fromRounded = try PCA().fit(single.converted(to: Double.self))
        let fromOriginal = try PCA().fit(original)
        let top = fromRounded.spectrum.explainedVariance[0]
        expectClose(fromFloat.spectrum.explainedVariance, fromRounded.spectrum.explainedVariance, absolute: Tolerance.roundOffOfThousandsOfOperations * top)
        expectClose(fromFloat.components.storage, fromRounded.components.storage, absolute: Tolerance.roundOffOfThousandsOfOperations)
        expectClose(fromFloat.mean, fromRounded.mean, absolute: Tolerance.roundOffOfThousandsOfOperations)
        let roundingOfTheInput = 1e-5  // 2⁻²⁴ ≈ 6e-8 per entry, with margin (see above)
        expectClose(fromFloat.spectrum.explainedVariance, fromOriginal.spectrum.explainedVariance, absolute: roundingOfTheInput * top)
        let scoresFloat = try fromFloat.scores(of: single)
        let scoresRounded = try fromRounded.scores(of: single.converted(to: Double.self))
        expectClose(scoresFloat.storage, scoresRounded.storage, absolute: Tolerance.twoDoubleMethods)
    }

    /// Same input → identical result; every axis has its largest-|loading| entry positive (first
    /// index on ties); negating the data flips the mean but not the axes (the same lines, and the
    /// sign rule picks the same orientation).
    @Test func deterministicWithSignRule() throws {
        let data = Self.sample(rows: 120, columns: 9, seed: 3, offset: 1)
        let first = try PCA().fit(data), second = try PCA().fit(data)
        #expect(first == second)
        for i in 0..<first.components.rows {
            let row = Array(first.components.row(i))
            let index = try #require(ComponentSigns.decidingIndex(of: row))
            #expect(row[index] > 0)
        }
        let negated = Matrix(rows: data.rows, columns: data.columns, storage: data.storage.map { -$0 })
        let flipped = try PCA().fit(negated)
        expectClose(flipped.components.storage, first.components.storage, absolute: Tolerance.roundOffOfThousandsOfOperations)
        expectClose(flipped.mean, first.mean.map { -$0 }, absolute: Tolerance.roundOffOfThousandsOfOperations)
        // Tie rule: both entries have |v| = 1/√2; the first (negative) one decides, so it flips.
        var tie = [-(0.5).squareRoot(), (0.5).squareRoot()]
        ComponentSigns.makeLargestLoadingPositive(&tie, count: 1, length: 2)
        #expect(tie == [(0.5).squareRoot(), -(0.5).squareRoot()])
    }

    /// Scores have zero mean and variance λ per column; with all components the data is rebuilt
    /// as scores·V + x̄ to round-off (‖X‖-relative 1e-12: V is orthogonal to ~1e-15).
    @Test func scoresCentreProjectAndReconstruct() throws {
        let data = Self.sample(rows: 80, columns: 6, seed: 9, offset: 50)
        let result = try PCA().fit(data)
        let scores = try result.transform(data)
        #expect(scores.rows == 80 && scores.columns == 6)
        for k in 0..<6 {
            let column = (0..<80).map { scores[$0, k] }
            let mean = column.reduce(0, +) / 80
            let variance = column.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / 79
            #expect(abs(mean) <= Tolerance.roundOffOfThousandsOfOperations * 50)
            #expect(abs(variance - result.spectrum.explainedVariance[k]) <= Tolerance.twoDoubleMethods * result.spectrum.explainedVariance[0])
        }
        for i in 0..<80 {
            for j in 0..<6 {
                let rebuilt = (0..<6).reduce(result.mean[j]) { $0 + scores[i, $1] * result.components[$1, j] }
                #expect(abs(rebuilt - data[i, j]) <= Tolerance.roundOffOfThousandsOfOperations * 60)
            }
        }
        #expect(throws: MindSpaceError.self) { try result.scores(of: Matrix<Double>(rows: 2, columns: 5)) }
    }

    // MARK: - Errors

    @Test func refusesTooFewPointsNonFiniteValuesAndNegativeK() throws {
        let one = Matrix<Double>([[1, 2, 3]])
        let tooFew = #expect(throws: MindSpaceError.self) { try PCA().fit(one) }
        #expect(tooFew?.kind == .malformedData)
        #expect(tooFew?.reason.contains("at least 2 points") == true)

        var withNaN = Self.sample(rows: 10, columns: 4, seed: 1, offset: 0)
        withNaN[7, 3] = .infinity
        withNaN[2, 1] = .nan
        let nan = #expect(throws: MindSpaceError.self) { try PCA().fit(withNaN) }
        #expect(nan?.kind == .malformedData)
        #expect(nan?.reason.contains("NaN at row 2, column 1") == true)
        #expect(nan?.located(in: "x.npy").description.hasPrefix("x.npy: ") == true)

        var withInf: Matrix<Float> = Self.sample(rows: 10, columns: 4, seed: 1, offset: 0).converted()
        withInf[9, 0] = -.infinity
        let inf = #expect(throws: MindSpaceError.self) { try PCA().fit(withInf) }
        #expect(inf?.reason.contains("-Inf at row 9, column 0") == true)

        let negative = #expect(throws: MindSpaceError.self) {
            try PCA(components: -1).fit(Self.sample(rows: 5, columns: 2, seed: 1, offset: 0))
        }
        #expect(negative?.kind == .usage)
    }

    // MARK: - Streaming accumulator

    /// Rows added in uneven blocks with the shift taken from the first row must give the covariance
    /// of a naive two-pass computation (exact mean first, then Σ(x − x̄)(x − x̄)ᵀ/(N − 1)), even with
    /// an offset of 1e6 that would ruin XᵀX − N·x̄x̄ᵀ. Both are limited by the representation of
    /// the inputs (ulp(1e6) ≈ 1.2e-10) on entries of order 1: 1e-8 absolute.
    @Test func covarianceAccumulatorMatchesTwoPass() throws {
        let n = 257, d = 7
        let data = Self.sample(rows: n, columns: d, seed: 21, offset: 1e6)
        var accumulator = CovarianceAccumulator(dimension: d, blockRows: 16)
        var start = 0
        for size in [1, 50, 100, 106] {
            accumulator.add(Matrix(rows: size, columns: d,
                                   storage: Array(data.storage[(start * d)..<((start + size) * d)])))
            start += size
        }
        #expect(accumulator.count == n)
        let mean = (0..<d).map { j in (0..<n).reduce(0.0) { $0 + data[$1, j] } / Double(n) }
        let representationOfTheOffset = 1e-8  // ulp(1e6) ≈ 1.2e-10 on each input, with margin
        expectClose(accumulator.mean, mean, absolute: representationOfTheOffset)
        let covariance = accumulator.covarianceUpper()
        for a in 0..<d {
            for b in a..<d {
                let exact = (0..<n).reduce(0.0) { $0 + (data[$1, a] - mean[a]) * (data[$1, b] - mean[b]) } / Double(n - 1)
                #expect(abs(covariance[a * d + b] - exact) <= representationOfTheOffset, "entry \(a),\(b)")
            }
        }
    }

    // MARK: - scikit-learn fixtures

    /// scikit-learn's `PCA(svd_solver="full")` (LAPACK SVD of the centred data) on the committed
    /// inputs. Both are backward stable, so eigenvalues agree to ~D·ε·λ_max and axes to
    /// ~ε·λ_max/gap; with these spectra (condition ≤ 1e4, gaps ≥ 1e-2·λ_max) that is < 1e-12, so
    /// 1e-10 relative holds with margin: eigenvalues and ratios relative to the largest, axes
    /// (unit vectors) absolute. Axes of zero variance (D > N) are arbitrary and not compared.
    /// Signs are compared directly: both sides apply the same rule and the script checks that no
    /// axis has a near-tie for its largest loading (margin ≥ 1e-3 ≫ 1e-10).
    @Test(arguments: ["tall", "wide"])
    func matchesScikitLearn(caseName: String) throws {
        let fixture = try PCAFixture.load(caseName)
        let data = Matrix(rows: fixture.n, columns: fixture.d, storage: try fixture.array("data"))
        let result = try PCA().fit(data)
        #expect(result.method == (fixture.n >= fixture.d ? .covariance : .gram))
        let variance = try fixture.array("explained_variance")
        let top = variance[0]
        expectClose(result.spectrum.explainedVariance, variance, absolute: Tolerance.twoDoubleMethods * top)
        expectClose(result.spectrum.explainedVarianceRatio, try fixture.array("explained_variance_ratio"), absolute: Tolerance.twoDoubleMethods)
        // Singular values are compared squared (σ² = (N − 1)·λ, same scale as the eigenvalues): a
        // zero singular value computed as √(round-off of λ) is ~1e-7·σ_max, not 1e-10, from any
        // eigenvalue-based method, while the SVD gets ~1e-15; squares agree to 1e-10·σ²_max.
        let squaredSingular = try fixture.array("singular_values").map { $0 * $0 }
        expectClose(result.spectrum.singularValues.map { $0 * $0 }, squaredSingular, absolute: Tolerance.twoDoubleMethods * squaredSingular[0])
        let meanScale = data.storage.map(abs).max() ?? 1
        expectClose(result.mean, try fixture.array("mean"), absolute: Tolerance.roundOffOfThousandsOfOperations * meanScale)
        let k = fixture.nonzeroComponents, d = fixture.d
        expectClose(Array(result.components.storage.prefix(k * d)),
                    Array(try fixture.array("components").prefix(k * d)), absolute: Tolerance.twoDoubleMethods)
        for (fraction, count) in fixture.componentsFor {
            let value = try #require(Double(fraction))
            #expect(result.spectrum.componentsFor(fraction: value) == count, "fraction \(fraction)")
        }
    }

    // MARK: - Helpers

    /// Gaussian N×D data with column scales 2·0.8ʲ (well separated spectrum) plus a common offset.
    static func sample(rows: Int, columns: Int, seed: UInt64, offset: Double) -> Matrix<Double> {
        var generator = SeededGenerator(seed: seed)
        var data = Matrix<Double>(rows: rows, columns: columns)
        let mixing = householder((0..<columns).map { _ in generator.nextGaussian() })
        for i in 0..<rows {
            let z = (0..<columns).map { 2 * pow(0.8, Double($0)) * generator.nextGaussian() }
            for j in 0..<columns {
                data[i, j] = (0..<columns).reduce(offset) { $0 + mixing[j][$1] * z[$1] }
            }
        }
        return data
    }

    /// H = I − 2wwᵀ/‖w‖², orthogonal and symmetric.
    static func householder(_ w: [Double]) -> [[Double]] {
        let norm2 = w.reduce(0) { $0 + $1 * $1 }
        return (0..<w.count).map { i in
            (0..<w.count).map { j in (i == j ? 1 : 0) - 2 * w[i] * w[j] / norm2 }
        }
    }

    static func expectOrthonormal(_ v: Matrix<Double>, tolerance: Double,
                                  sourceLocation: SourceLocation = #_sourceLocation) {
        for a in 0..<v.rows {
            for b in a..<v.rows {
                let dot = zip(v.row(a), v.row(b)).reduce(0.0) { $0 + $1.0 * $1.1 }
                #expect(abs(dot - (a == b ? 1 : 0)) <= tolerance, "rows \(a),\(b)", sourceLocation: sourceLocation)
            }
        }
    }
}

/// Element-wise |actual − expected| ≤ absolute, with equal lengths.
private func expectClose(_ actual: [Double], _ expected: [Double], absolute: Double,
                 sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(actual.count == expected.count, "lengths differ", sourceLocation: sourceLocation)
    for (index, (a, e)) in zip(actual, expected).enumerated() where !(abs(a - e) <= absolute) {
        #expect(abs(a - e) <= absolute, "index \(index): \(a) vs \(e)", sourceLocation: sourceLocation)
        return
    }
}

/// One case of `Fixtures/pca/cases.json` and its raw little-endian float64 arrays.
private struct PCAFixture: Decodable {
    let name: String
    let n: Int
    let d: Int
    let nonzeroComponents: Int
    let componentsFor: [String: Int]
    let files: [String: String]

    enum CodingKeys: String, CodingKey {
        case name, n, d, nonzeroComponents = "nonzero_components", componentsFor = "components_for"
    }

    init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        n = try container.decode(Int.self, forKey: .n)
        d = try container.decode(Int.self, forKey: .d)
        nonzeroComponents = try container.decode(Int.self, forKey: .nonzeroComponents)
        componentsFor = try container.decode([String: Int].self, forKey: .componentsFor)
        let all = try decoder.singleValueContainer().decode([String: AnyScalar].self)
        files = all.compactMapValues { $0.string.flatMap { $0.hasSuffix(".bin") ? $0 : nil } }
    }

    /// A JSON value that is kept only when it is a string.
    struct AnyScalar: Decodable {
        let string: String?
        init(from decoder: Decoder) throws {
            string = try? decoder.singleValueContainer().decode(String.self)
        }
    }

    static var directory: URL {
        get throws {
            let root = try #require(TestFixtures.root)
            return root.appendingPathComponent("pca")
        }
    }

    static func load(_ name: String) throws -> PCAFixture {
        struct Cases: Decodable { let cases: [PCAFixture] }
        let data = try Data(contentsOf: try directory.appendingPathComponent("cases.json"))
        let cases = try JSONDecoder().decode(Cases.self, from: data).cases
        return try #require(cases.first { $0.name == name })
    }

    /// The named array, decoded from raw little-endian float64.
    func array(_ key: String) throws -> [Double] {
        let file = try #require(files[key], "no file for \(key)")
        let bytes = try Data(contentsOf: try Self.directory.appendingPathComponent(file))
        return bytes.withUnsafeBytes { raw in
            (0..<(raw.count / 8)).map { Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 8, as: UInt64.self))) }
        }
    }
}
