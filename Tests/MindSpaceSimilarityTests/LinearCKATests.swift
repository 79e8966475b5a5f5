import MindSpaceCore
import MindSpaceTestSupport
import Testing
@testable import MindSpaceSimilarity
import MindSpaceNumerics

/// Linear CKA (biased and debiased) against google-research's `feature_space_linear_cka` and
/// `cka(gram_linear(·))`, its invariances, and its pairings against physically rearranged rows.
///
/// Tolerance 1e-10 (`Tolerance.twoDoubleMethods`): the same quantities as the reference from
/// sums of at most a few thousand products, in another order; any real fault shows at 1e-6.
struct LinearCKATests {
    static let tolerance = Tolerance.twoDoubleMethods
    static let metrics: [LinearCKA] = [
        LinearCKA(debiased: false), LinearCKA(debiased: true),
        LinearCKA(debiased: false, route: .gram), LinearCKA(debiased: true, route: .gram),
        LinearCKA(debiased: false, route: .features), LinearCKA(debiased: true, route: .features),
    ]

    @Test func matchesGoogleResearchReference() throws {
        let reference = try CompareFixtures.reference()
        #expect(reference.cases.count == 4)
        for item in reference.cases {
            let a = try CompareFixtures.matrix(item.a), b = try CompareFixtures.matrix(item.b)
            for metric in Self.metrics {
                let expected = metric.debiased ? item.linear_cka_debiased : item.linear_cka
                let gramExpected = metric.debiased ? item.linear_cka_debiased_gram : item.linear_cka_gram
                let value = try RepresentationSamples.score(metric, a, b)
                #expect(abs(value - expected) <= Self.tolerance, "\(item.a) \(item.b) \(metric.route) \(metric.debiased)")
                #expect(abs(value - gramExpected) <= Self.tolerance)
            }
        }
    }

    @Test(arguments: [(40, 6, 9), (15, 30, 8), (12, 20, 25)])
    func invariantToOrthogonalMapsAndScaling(n: Int, d1: Int, d2: Int) throws {
        let a = RepresentationSamples.gaussian(rows: n, columns: d1, seed: 1)
        var b = RepresentationSamples.gaussian(rows: n, columns: d2, seed: 2)
        for i in 0..<n { for j in 0..<min(d1, d2) { b[i, j] += a[i, j] } }
        let rotated = RepresentationSamples.transform(b, by: RepresentationSamples.orthogonal(d2, seed: 3), scale: 7.5, shift: -3)
        for metric in Self.metrics {
            let base = try RepresentationSamples.score(metric, a, b)
            #expect(abs(try RepresentationSamples.score(metric, a, rotated) - base) <= Self.tolerance)
            #expect(abs(try RepresentationSamples.score(metric, a, a) - 1) <= Self.tolerance)
            #expect(abs(try RepresentationSamples.score(metric, b, a) - base) <= Self.tolerance)
        }
    }

    @Test(arguments: [(40, 6, 9), (15, 30, 8), (12, 20, 25)])
    func featureAndGramRoutesAgree(n: Int, d1: Int, d2: Int) throws {
        let a = RepresentationSamples.gaussian(rows: n, columns: d1, seed: 4, shift: 2)
        let b = RepresentationSamples.gaussian(rows: n, columns: d2, seed: 5)
        let pairings = [RowPairing.identity, RowPairing(partner: RepresentationSamples.permutation(n, seed: 6)),
                        RowPairing(partner: RepresentationSamples.permutation(n, seed: 7),
                                   multiplicity: RepresentationSamples.bootstrap(n, seed: 8))]
        for debiased in [false, true] {
            let features = LinearCKA(debiased: debiased, route: .features), gram = LinearCKA(debiased: debiased, route: .gram)
            for pairing in pairings {
                let f = try features.score(features.prepare(a), features.prepare(b), pairing: pairing)
                let g = try gram.score(gram.prepare(a), gram.prepare(b), pairing: pairing)
                #expect(abs(f - g) <= Self.tolerance)
            }
        }
    }

    @Test(arguments: [(40, 6, 9), (15, 30, 8)])
    func pairingsEqualPhysicallyRearrangedRows(n: Int, d1: Int, d2: Int) throws {
        let a = RepresentationSamples.gaussian(rows: n, columns: d1, seed: 9, shift: 1)
        var b = RepresentationSamples.gaussian(rows: n, columns: d2, seed: 10)
        for i in 0..<n { b[i, 0] += 2 * a[i, 0] }
        let pairings = [RowPairing(partner: RepresentationSamples.permutation(n, seed: 11)),
                        RowPairing(multiplicity: RepresentationSamples.bootstrap(n, seed: 12)),
                        RowPairing(partner: RepresentationSamples.permutation(n, seed: 13),
                                   multiplicity: RepresentationSamples.bootstrap(n, seed: 14))]
        for metric in Self.metrics {
            for pairing in pairings {
                let (paired, physical) = try RepresentationSamples.pairedAndPhysical(metric, a, b, pairing: pairing)
                #expect(abs(paired - physical) <= Self.tolerance, "\(metric.route) \(metric.debiased)")
            }
        }
    }

    @Test func resultsDoNotDependOnTheThreadCount() throws {
        let a = RepresentationSamples.gaussian(rows: 3000, columns: 150, seed: 15)
        let b = RepresentationSamples.gaussian(rows: 3000, columns: 130, seed: 16)
        let pairing = RowPairing(partner: RepresentationSamples.permutation(3000, seed: 17),
                                 multiplicity: RepresentationSamples.bootstrap(3000, seed: 18))
        let metric = LinearCKA(debiased: true)
        let one = try ThreadLimitScope.with(1) { try metric.score(metric.prepare(a), metric.prepare(b), pairing: pairing) }
        let two = try ThreadLimitScope.with(2) { try metric.score(metric.prepare(a), metric.prepare(b), pairing: pairing) }
        #expect(one == two)
    }

    @Test func refusesConstantRepresentations() {
        let constant = Matrix(rows: 10, columns: 3, repeating: 2.5)
        for metric in Self.metrics {
            #expect(throws: MindSpaceError.self) { try metric.prepare(constant) }
        }
    }

    /// Float32 input (kept in float32 where the AVX-512 kernels run, products summed in Double per
    /// 256 rows) scores as the float64 path on the same values to 1e−6, for every pairing, with
    /// column means far from 0, and its bits do not depend on the thread count.
    @Test func float32InputMatchesFloat64() throws {
        let n = 1_300
        let a = RepresentationSamples.gaussian(rows: n, columns: 40, seed: 19, shift: 30)
        var b = RepresentationSamples.gaussian(rows: n, columns: 24, seed: 20)
        for i in 0..<n { b[i, 0] += 2 * a[i, 0] - a[i, 1] }
        let narrowA = a.converted(to: Float.self), narrowB = b.converted(to: Float.self)
        let wideA = narrowA.converted(to: Double.self), wideB = narrowB.converted(to: Double.self)
        let pairings = [RowPairing.identity, RowPairing(partner: RepresentationSamples.permutation(n, seed: 21)),
                        RowPairing(partner: RepresentationSamples.permutation(n, seed: 22),
                                   multiplicity: RepresentationSamples.bootstrap(n, seed: 23))]
        for debiased in [false, true] {
            let metric = LinearCKA(debiased: debiased)
            let single = (try metric.prepare(single: narrowA), try metric.prepare(single: narrowB))
            if SinglePrecisionProducts.isAccelerated, case .double = single.0.values {
                Issue.record("float32 input should stay float32 where the kernels run")
            }
            let double = (try metric.prepare(wideA), try metric.prepare(wideB))
            for pairing in pairings {
                let value = try metric.score(single.0, single.1, pairing: pairing)
                #expect(abs(value - (try metric.score(double.0, double.1, pairing: pairing))) <= 1e-6, "debiased \(debiased)")
                let other = try ThreadLimitScope.with(1) { try metric.score(single.0, single.1, pairing: pairing) }
                #expect(value == other)
            }
        }
    }
}
