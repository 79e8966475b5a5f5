import MindSpaceCore
import MindSpaceTestSupport
import Testing
@testable import MindSpaceSimilarity

/// RBF CKA, SVCCA, PWCCA and Procrustes against the fixture script's transcriptions of their
/// reference implementations, and the properties every row-based metric shares.
///
/// Tolerance 1e-10 (`Tolerance.twoDoubleMethods`): the same quantities by other backward-stable
/// routes (eigendecompositions for pseudo-inverses and SVDs, selection for sorting) on
/// well-conditioned 60 × 12 data; a wrong formula shows at 1e-4 or more.
struct RowMetricTests {
    static let tolerance = Tolerance.twoDoubleMethods

    /// A metric behind closures, so the tests can list metrics of different `Prepared` types.
    struct AnyMetric: CustomStringConvertible, Sendable {
        let description: String
        let score: @Sendable (Matrix<Double>, Matrix<Double>, RowPairing) throws -> Double
        let physical: @Sendable (Matrix<Double>, Matrix<Double>, RowPairing) throws -> (paired: Double, physical: Double)

        init<Metric: RepresentationMetric>(_ metric: Metric) {
            description = metric.name.rawValue
            score = { a, b, pairing in try metric.score(metric.prepare(a), metric.prepare(b), pairing: pairing) }
            physical = { a, b, pairing in try RepresentationSamples.pairedAndPhysical(metric, a, b, pairing: pairing) }
        }
    }

    static let all = [AnyMetric(LinearCKA(debiased: false)), AnyMetric(LinearCKA(debiased: true)),
                      AnyMetric(RBFCKA(sigmaFraction: 1)), AnyMetric(RBFCKA(sigmaFraction: 0.5)),
                      AnyMetric(SVCCA(dimensions: 4)), AnyMetric(PWCCA()), AnyMetric(ProcrustesSimilarity())]

    @Test func matchReferenceTranscriptions() throws {
        let reference = try CompareFixtures.reference()
        for item in reference.cases {
            let a = try CompareFixtures.matrix(item.a), b = try CompareFixtures.matrix(item.b)
            let checks: [(String, Double?, AnyMetric)] = [
                ("rbf", item.rbf_cka, AnyMetric(RBFCKA(sigmaFraction: 1))),
                ("rbf/2", item.rbf_cka_half, AnyMetric(RBFCKA(sigmaFraction: 0.5))),
                ("svcca", item.svcca5, AnyMetric(SVCCA(dimensions: 5))),
                ("pwcca", item.pwcca, AnyMetric(PWCCA())),
                ("procrustes", item.procrustes, AnyMetric(ProcrustesSimilarity())),
            ]
            for (label, expected, metric) in checks {
                guard let expected else {
                    #expect(throws: MindSpaceError.self) { try metric.score(a, b, .identity) }
                    continue
                }
                let value = try metric.score(a, b, .identity)
                #expect(abs(value - expected) <= Self.tolerance, "\(label) \(item.a) \(item.b): \(value) vs \(expected)")
            }
            // scikit-learn's iterative CCA agrees with the exact one (recorded for information).
            #expect(abs(item.svcca5_sklearn - item.svcca5) <= 1e-9)
        }
    }

    @Test(arguments: all)
    func selfSimilarityIsOne(metric: AnyMetric) throws {
        let a = RepresentationSamples.gaussian(rows: 50, columns: 7, seed: 21, shift: 3)
        #expect(abs(try metric.score(a, a, .identity) - 1) <= Self.tolerance)
    }

    @Test(arguments: all)
    func pairingsEqualPhysicallyRearrangedRows(metric: AnyMetric) throws {
        let n = 45
        let a = RepresentationSamples.gaussian(rows: n, columns: 6, seed: 22, shift: 1)
        var b = RepresentationSamples.gaussian(rows: n, columns: 8, seed: 23)
        for i in 0..<n { b[i, 0] += 2 * a[i, 0]; b[i, 1] -= a[i, 2] }
        let pairings = [RowPairing(partner: RepresentationSamples.permutation(n, seed: 24)),
                        RowPairing(multiplicity: RepresentationSamples.bootstrap(n, seed: 25)),
                        RowPairing(partner: RepresentationSamples.permutation(n, seed: 26),
                                   multiplicity: RepresentationSamples.bootstrap(n, seed: 27))]
        for pairing in pairings {
            let (paired, physical) = try metric.physical(a, b, pairing)
            #expect(abs(paired - physical) <= Self.tolerance, "\(metric)")
        }
    }

    @Test(arguments: all)
    func invariantToRotationShiftAndScale(metric: AnyMetric) throws {
        let n = 40
        let a = RepresentationSamples.gaussian(rows: n, columns: 6, seed: 28)
        var b = RepresentationSamples.gaussian(rows: n, columns: 5, seed: 29)
        for i in 0..<n { b[i, 0] += a[i, 1] }
        let moved = RepresentationSamples.transform(b, by: RepresentationSamples.orthogonal(5, seed: 30), scale: 0.25, shift: 4)
        let base = try metric.score(a, b, .identity)
        // SVCCA standardises columns first and PWCCA weighs by the columns, so for them only an
        // axis-aligned scaling (and shift) is checked.
        if metric.description == "svcca" || metric.description == "pwcca" {
            let scaled = RepresentationSamples.transform(b, by: Matrix(rows: 5, columns: 5, storage: (0..<25).map { $0 % 6 == 0 ? 3.0 : 0 }), shift: -2)
            #expect(abs(try metric.score(a, scaled, .identity) - base) <= Self.tolerance)
        } else {
            #expect(abs(try metric.score(a, moved, .identity) - base) <= Self.tolerance, "\(metric)")
        }
        #expect(abs(try metric.score(b, a, .identity) - base) <= Self.tolerance, "\(metric)")
    }

    @Test func procrustesWideRouteMatchesFeatureRoute() throws {
        // N < D: prepare works in N row-space coordinates; padding B's columns with zeros makes
        // it wider than N without changing ρ.
        let a = RepresentationSamples.gaussian(rows: 12, columns: 30, seed: 31)
        let b = RepresentationSamples.gaussian(rows: 12, columns: 8, seed: 32)
        var padded = Matrix<Double>(rows: 12, columns: 40)
        for i in 0..<12 { for j in 0..<8 { padded[i, j] = b[i, j] } }
        let metric = AnyMetric(ProcrustesSimilarity())
        #expect(abs(try metric.score(a, b, .identity) - metric.score(a, padded, .identity)) <= Self.tolerance)
        let pairing = RowPairing(partner: RepresentationSamples.permutation(12, seed: 33),
                                 multiplicity: RepresentationSamples.bootstrap(12, seed: 34))
        #expect(abs(try metric.score(a, b, pairing) - metric.score(a, padded, pairing)) <= Self.tolerance)
    }

    @Test func refusesUndefinedCases() {
        let constant = Matrix(rows: 10, columns: 3, repeating: 1.0)
        let data = RepresentationSamples.gaussian(rows: 10, columns: 4, seed: 35)
        let wide = RepresentationSamples.gaussian(rows: 10, columns: 12, seed: 36)
        #expect(throws: MindSpaceError.self) { try RBFCKA(sigmaFraction: 1).prepare(constant) }
        #expect(throws: MindSpaceError.self) { try RBFCKA(sigmaFraction: 0).prepare(data) }
        #expect(throws: MindSpaceError.self) { try SVCCA(dimensions: 5).prepare(data) }
        #expect(throws: MindSpaceError.self) { try SVCCA(dimensions: 0).prepare(data) }
        #expect(throws: MindSpaceError.self) { try PWCCA().prepare(wide) }
        #expect(throws: MindSpaceError.self) { try PWCCA().prepare(constant) }
        #expect(throws: MindSpaceError.self) { try ProcrustesSimilarity().prepare(constant) }
        #expect(throws: MindSpaceError.self) {
            try RBFCKA(sigmaFraction: 1).prepare(Matrix(rows: RBFCKA.maximumRows + 1, columns: 1))
        }
    }

    @Test func medianOfTheFullDistanceMatrixMatchesSorting() {
        var generator = SeededGenerator(seed: 37)
        for n in 2...9 {
            let upper = (0..<(n * (n - 1) / 2)).map { _ in Double(Int.random(in: 0..<5, using: &generator)) }
            var full = [Double](repeating: 0, count: n)
            full += upper + upper
            full.sort()
            let total = n * n
            let expected = total % 2 == 0 ? (full[total / 2 - 1] + full[total / 2]) / 2 : full[total / 2]
            var copy = upper
            #expect(RBFCKA.medianOfFullMatrix(&copy, rows: n) == expected, "n = \(n)")
        }
    }
}
