import Foundation
import MindSpaceCore
import MindSpaceTestSupport
import Testing
@testable import MindSpaceSimilarity

/// `MutualNeighbors`, `CKNNA` and `RelativeRepresentationAgreement` against NumPy transcriptions
/// of their references, their invariances, their pairings and their null expectation.
struct NeighborAnchorMetricsTests {
    static func gaussian(_ rows: Int, _ columns: Int, seed: UInt64) -> Matrix<Double> {
        var generator = SeededGenerator(seed: seed)
        return Matrix(rows: rows, columns: columns, storage: (0..<(rows * columns)).map { _ in generator.nextGaussian() })
    }

    /// A random orthogonal D × D matrix (Gram–Schmidt of Gaussian columns), times `scale`.
    static func scaledRotation(_ d: Int, scale: Double, seed: UInt64) -> Matrix<Double> {
        let g = gaussian(d, d, seed: seed)
        var q = [[Double]]()
        for c in 0..<d {
            var v = (0..<d).map { g[$0, c] }
            for u in q { let dot = zip(u, v).reduce(0) { $0 + $1.0 * $1.1 }; for i in 0..<d { v[i] -= dot * u[i] } }
            let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
            q.append(v.map { $0 / norm })
        }
        return Matrix(rows: d, columns: d, storage: (0..<(d * d)).map { scale * q[$0 % d][$0 / d] })
    }

    static func multiply(_ x: Matrix<Double>, _ y: Matrix<Double>) -> Matrix<Double> {
        var out = Matrix<Double>(rows: x.rows, columns: y.columns)
        for i in 0..<x.rows {
            for j in 0..<y.columns {
                var sum = 0.0
                for k in 0..<x.columns { sum += x[i, k] * y[k, j] }
                out[i, j] = sum
            }
        }
        return out
    }

    /// B's rows reordered so that row i is B's row partner[i].
    static func permuteRows(_ x: Matrix<Double>, _ partner: [Int]) -> Matrix<Double> {
        Matrix(rows: x.rows, columns: x.columns, storage: partner.flatMap { x.row($0) })
    }

    static func randomPermutation(_ n: Int, seed: UInt64) -> [Int] {
        var generator = SeededGenerator(seed: seed)
        var order = Array(0..<n)
        generator.shuffle(&order)
        return order
    }

    static func score<Metric: RepresentationMetric>(_ metric: Metric, _ a: Matrix<Double>, _ b: Matrix<Double>,
                                                    _ pairing: RowPairing = .identity) throws -> Double {
        try metric.score(metric.prepare(a), metric.prepare(b), pairing: pairing)
    }

    // The HSICs of CKNNA sum O(N·k) products of cosines and cancel terms of similar size
    // (T₁ + S_K·S_L/((m−1)(m−2)) − 2T₂/(m−2)); summed in another order than NumPy's dense
    // products, the ratio agrees within 6e-16 on the fixtures. 1e-13 (a few hundred roundings,
    // `Tolerance.roundOffOfHundredsOfOperations`) leaves room for other BLAS builds and still
    // fails on any change of mask or formula (those move the score by 1e-3 or more).
    static let cknnaTolerance = Tolerance.roundOffOfHundredsOfOperations

    @Test func matchesPlatonicRepTranscription() throws {
        let fixture = try KnnPermanovaFixture.load()
        #expect(fixture.metrics.count == 3)
        for item in fixture.metrics {
            for (kText, expected) in item.k {
                let k = try #require(Int(kText))
                // An overlap count over N·k, exact in binary up to the final division.
                let mutual = try Self.score(MutualNeighbors(k: k), item.first, item.second)
                #expect(abs(mutual - expected.mutual_knn) <= Tolerance.roundOffOfFewOperations, "\(item.name) k=\(k)")
                let unbiased = try Self.score(CKNNA(k: k), item.first, item.second)
                #expect(abs(unbiased - expected.cknna_unbiased) <= Self.cknnaTolerance, "\(item.name) k=\(k)")
                let biased = try Self.score(CKNNA(k: k, unbiased: false), item.first, item.second)
                #expect(abs(biased - expected.cknna_biased) <= Self.cknnaTolerance, "\(item.name) k=\(k)")
                // The reference's +1e-6 in the denominator moves the score by less than 1e-4 here.
                #expect(abs(unbiased - expected.cknna_unbiased_reference) < 1e-4)
            }
            let relative = try Self.score(RelativeRepresentationAgreement(anchorCount: 0, anchorRows: item.anchors, seed: 0),
                                          item.first, item.second)
            // N·K cosines of D-vectors, a few hundred roundings each.
            #expect(abs(relative - item.relative) <= Tolerance.roundOffOfThousandsOfOperations, "\(item.name)")
        }
    }

    @Test func identicalInputsScoreOne() throws {
        let a = Self.gaussian(50, 6, seed: 1)
        #expect(try Self.score(MutualNeighbors(k: 5), a, a) == 1)
        let relative = try Self.score(RelativeRepresentationAgreement(anchorCount: 10, anchorRows: nil, seed: 3), a, a)
        #expect(abs(relative - 1) <= Tolerance.roundOffOfTensOfOperations)
        for unbiased in [true, false] {
            let cknna = try Self.score(CKNNA(k: 5, unbiased: unbiased), a, a)
            #expect(abs(cknna - 1) <= Tolerance.roundOffOfFewOperations)
        }
    }

    @Test func invariantUnderRotationAndScaling() throws {
        let a = Self.gaussian(60, 8, seed: 4), b = Self.gaussian(60, 8, seed: 5)
        let turned = Self.multiply(b, Self.scaledRotation(8, scale: 3.5, seed: 6))
        let mutual = MutualNeighbors(k: 7)
        #expect(try Self.score(mutual, a, Self.multiply(a, Self.scaledRotation(8, scale: 0.01, seed: 7))) == 1)
        #expect(try Self.score(mutual, a, turned) == Self.score(mutual, a, b))
        let relative = RelativeRepresentationAgreement(anchorCount: 12, anchorRows: nil, seed: 9)
        #expect(abs(try Self.score(relative, a, turned) - Self.score(relative, a, b)) <= Tolerance.roundOffOfThousandsOfOperations)
        let cknna = CKNNA(k: 7)
        #expect(abs(try Self.score(cknna, a, turned) - Self.score(cknna, a, b)) <= Self.cknnaTolerance)
    }

    @Test func pairingEqualsPhysicallyPermutedRows() throws {
        let a = Self.gaussian(45, 5, seed: 10)
        let b = Self.multiply(a, Self.scaledRotation(5, scale: 1, seed: 11))
        var noisy = b
        var generator = SeededGenerator(seed: 12)
        for index in noisy.storage.indices { noisy.storage[index] += 0.4 * generator.nextGaussian() }
        let partner = Self.randomPermutation(45, seed: 13)
        let moved = Self.permuteRows(noisy, partner)
        let pairing = RowPairing(partner: partner)
        let mutual = MutualNeighbors(k: 6)
        #expect(try Self.score(mutual, a, noisy, pairing) == Self.score(mutual, a, moved))
        for unbiased in [true, false] {
            let cknna = CKNNA(k: 6, unbiased: unbiased)
            #expect(abs(try Self.score(cknna, a, noisy, pairing) - Self.score(cknna, a, moved)) <= Self.cknnaTolerance)
        }
        // The anchors are inputs: physically moving B's rows moves its anchors too, so the
        // comparison names B's anchor rows in the moved matrix.
        let anchors = [2, 7, 11, 20, 33, 40]
        let inverse = partner.indices.reduce(into: [Int](repeating: 0, count: 45)) { $0[partner[$1]] = $1 }
        let paired = RelativeRepresentationAgreement(anchorCount: 0, anchorRows: anchors, seed: 0)
        let preparedA = try paired.prepare(a), preparedB = try paired.prepare(noisy)
        let viaPairing = try paired.score(preparedA, preparedB, pairing: pairing)
        let movedAnchors = RelativeRepresentationAgreement(anchorCount: 0, anchorRows: anchors.map { inverse[$0] }, seed: 0)
        let preparedMoved = try movedAnchors.prepare(moved)
        // Score the moved B's relative vectors (anchor columns in the same input order) against A's.
        var total = 0.0
        let order = anchors.map { inverse[$0] }
        let sortedOrder = order.sorted()
        for i in 0..<45 {
            var dot = 0.0
            for (slot, row) in order.enumerated() {
                let column = try #require(sortedOrder.firstIndex(of: row))
                dot += preparedA.vectors[i * anchors.count + slot] * preparedMoved.vectors[i * anchors.count + column]
            }
            total += dot
        }
        #expect(abs(viaPairing - total / 45) <= Tolerance.roundOffOfThousandsOfOperations)
        #expect(viaPairing < 0.5, "a shuffled pairing of related inputs loses most agreement")
        #expect(try paired.score(preparedA, preparedB, pairing: .identity) > 0.8)
    }

    @Test func multiplicitiesWeightTheRows() throws {
        let a = Self.gaussian(30, 4, seed: 20), b = Self.gaussian(30, 4, seed: 21)
        var generator = SeededGenerator(seed: 22)
        var weights = [Int](repeating: 0, count: 30)
        for _ in 0..<30 { weights[generator.nextIndex(below: 30)] += 1 }
        let mutual = MutualNeighbors(k: 4)
        let pa = try mutual.prepare(a), pb = try mutual.prepare(b)
        var expected = 0.0
        for i in 0..<30 {
            let own = Set((0..<4).map { pa.lists.neighbor(i, rank: $0) })
            let other = Set((0..<4).map { pb.lists.neighbor(i, rank: $0) })
            expected += Double(weights[i]) * Double(own.intersection(other).count) / 4
        }
        let weighted = try mutual.score(pa, pb, pairing: RowPairing(multiplicity: weights))
        #expect(abs(weighted - expected / 30) <= Tolerance.roundOffOfFewOperations)
        // Explicit unit multiplicities are the identity pairing.
        let ones = RowPairing(multiplicity: [Int](repeating: 1, count: 30))
        let cknna = CKNNA(k: 4), ca = try cknna.prepare(a), cb = try cknna.prepare(b)
        #expect(try cknna.score(ca, cb, pairing: ones) == cknna.score(ca, cb, pairing: .identity))
        let relative = RelativeRepresentationAgreement(anchorCount: 5, anchorRows: nil, seed: 1)
        let ra = try relative.prepare(a), rb = try relative.prepare(b)
        var relativeExpected = 0.0
        for i in 0..<30 {
            relativeExpected += Double(weights[i]) * (0..<5).reduce(0.0) { $0 + ra.vectors[i * 5 + $1] * rb.vectors[i * 5 + $1] }
        }
        let relativeWeighted = try relative.score(ra, rb, pairing: RowPairing(multiplicity: weights))
        #expect(abs(relativeWeighted - relativeExpected / 30) <= Tolerance.roundOffOfHundredsOfOperations)
        // A weighted CKNNA stays a similarity in [−1, 1] here and differs from the unweighted one.
        let cknnaWeighted = try cknna.score(ca, cb, pairing: RowPairing(multiplicity: weights))
        let cknnaPlain = try cknna.score(ca, cb, pairing: .identity)
        #expect(cknnaWeighted.isFinite && cknnaWeighted != cknnaPlain)
    }

    /// For independent A and B every other row is equally likely to be in B's neighbour set of
    /// row i, so each of A's k neighbours is shared with probability k/(N − 1): E[mKNN] = k/(N − 1).
    /// Per row the shared count is hypergeometric (population N − 1, k marked, k drawn), with
    /// variance v = k·p·(1 − p)·(N − 1 − k)/(N − 2), p = k/(N − 1). The mean over R = 10 pairs
    /// of N rows has standard deviation about √(v/(N·R))/k if rows were independent; neighbour
    /// relations correlate rows, so we allow twice that, and accept 4 of those (a false alarm
    /// well below 1e-4 even so).
    @Test func independentInputsOverlapByChance() throws {
        let n = 300, k = 10, replicates = 10
        let metric = MutualNeighbors(k: k)
        var total = 0.0
        for r in 0..<replicates {
            total += try Self.score(metric, Self.gaussian(n, 12, seed: UInt64(100 + 2 * r)),
                                    Self.gaussian(n, 12, seed: UInt64(101 + 2 * r)))
        }
        let mean = total / Double(replicates)
        let p = Double(k) / Double(n - 1)
        let variance = Double(k) * p * (1 - p) * Double(n - 1 - k) / Double(n - 2)
        let sd = (variance / Double(n * replicates)).squareRoot() / Double(k)
        #expect(abs(mean - p) <= 4 * 2 * sd, "mean \(mean), expected \(p) ± \(8 * sd)")
    }

    @Test func refusesImpossibleSettings() throws {
        let a = Self.gaussian(10, 3, seed: 30)
        #expect(throws: MindSpaceError.self) { try MutualNeighbors(k: 10).prepare(a) }
        #expect(throws: MindSpaceError.self) { try MutualNeighbors(k: 0).prepare(a) }
        #expect(throws: MindSpaceError.self) { try CKNNA(k: 1).prepare(a) }
        #expect(throws: MindSpaceError.self) { try CKNNA(k: 10).prepare(a) }
        #expect(throws: MindSpaceError.self) {
            try RelativeRepresentationAgreement(anchorCount: 10, anchorRows: nil, seed: 0).prepare(a)
        }
        #expect(throws: MindSpaceError.self) {
            try RelativeRepresentationAgreement(anchorCount: 3, anchorRows: [1, 10], seed: 0).prepare(a)
        }
        #expect(throws: MindSpaceError.self) {
            try RelativeRepresentationAgreement(anchorCount: 3, anchorRows: [1, 4, 1], seed: 0).prepare(a)
        }
        var zero = a
        for c in 0..<3 { zero[4, c] = 0 }
        #expect(throws: MindSpaceError.self) { try MutualNeighbors(k: 3).prepare(zero) }
        #expect(throws: MindSpaceError.self) {
            try RelativeRepresentationAgreement(anchorCount: 3, anchorRows: nil, seed: 0).prepare(zero)
        }
        // Drawn anchors: K distinct rows, fixed by the seed.
        let metric = RelativeRepresentationAgreement(anchorCount: 9, anchorRows: nil, seed: 5)
        let anchors = try metric.anchors(pointCount: 10)
        let again = try metric.anchors(pointCount: 10)
        #expect(Set(anchors).count == 9 && anchors == anchors.sorted() && anchors == again)
    }
}
