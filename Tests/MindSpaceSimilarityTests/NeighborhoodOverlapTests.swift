import MindSpaceCore
import MindSpaceTestSupport
import Testing
@testable import MindSpaceSimilarity

/// `NeighborhoodOverlap` (Doimo et al. 2020): its invariances, pairings, null expectation, and
/// how it differs from the cosine mutual k-NN.
struct NeighborhoodOverlapTests {
    typealias Samples = RepresentationSamples

    @Test func identicalInputsScoreOne() throws {
        let a = Samples.gaussian(rows: 50, columns: 6, seed: 1)
        #expect(try Samples.score(NeighborhoodOverlap(k: 5), a, a) == 1)
    }

    /// Euclidean neighbour lists depend only on distances, which rotations keep, uniform
    /// scalings multiply and translations keep; Gaussian data has no ties within rounding, so
    /// the lists, and the score, are exactly those of A.
    @Test func invariantUnderRotationScalingAndTranslation() throws {
        let a = Samples.gaussian(rows: 60, columns: 8, seed: 4)
        let metric = NeighborhoodOverlap(k: 7)
        for (seed, scale) in [(6, 3.5), (7, 0.01)] {
            let turned = Samples.transform(a, by: Samples.orthogonal(8, seed: UInt64(seed)), scale: scale)
            #expect(try Samples.score(metric, a, turned) == 1, "scale \(scale)")
        }
        let shifted = Samples.transform(a, by: Samples.orthogonal(8, seed: 8), shift: 25)
        #expect(try Samples.score(metric, a, shifted) == 1)
        var translated = a
        for index in translated.storage.indices { translated.storage[index] += index % 8 == 0 ? -40 : 3 }
        #expect(try Samples.score(metric, a, translated) == 1)
    }

    @Test func symmetric() throws {
        let a = Samples.gaussian(rows: 40, columns: 5, seed: 10), b = Samples.gaussian(rows: 40, columns: 3, seed: 11)
        let metric = NeighborhoodOverlap(k: 6)
        #expect(try Samples.score(metric, a, b) == Samples.score(metric, b, a))
        #expect(RepresentationMetricName.neighborhoodOverlap.isSymmetric)
    }

    @Test func pairingEqualsPhysicallyPermutedRows() throws {
        let a = Samples.gaussian(rows: 45, columns: 5, seed: 12)
        var noisy = Samples.transform(a, by: Samples.orthogonal(5, seed: 13))
        var generator = SeededGenerator(seed: 14)
        for index in noisy.storage.indices { noisy.storage[index] += 0.4 * generator.nextGaussian() }
        let pairing = RowPairing(partner: Samples.permutation(45, seed: 15))
        let (paired, physical) = try Samples.pairedAndPhysical(NeighborhoodOverlap(k: 6), a, noisy, pairing: pairing)
        #expect(paired == physical)
        #expect(try Samples.score(NeighborhoodOverlap(k: 6), a, noisy) > 0.5, "related inputs share most neighbours")
        #expect(paired < 0.3, "a shuffled pairing loses them")
    }

    @Test func multiplicitiesWeightTheRows() throws {
        let a = Samples.gaussian(rows: 30, columns: 4, seed: 20), b = Samples.gaussian(rows: 30, columns: 4, seed: 21)
        let weights = Samples.bootstrap(30, seed: 22)
        let metric = NeighborhoodOverlap(k: 4)
        let pa = try metric.prepare(a), pb = try metric.prepare(b)
        var expected = 0.0
        for i in 0..<30 {
            let own = Set((0..<4).map { pa.neighbor(i, rank: $0) })
            let other = Set((0..<4).map { pb.neighbor(i, rank: $0) })
            expected += Double(weights[i]) * Double(own.intersection(other).count) / 4
        }
        let weighted = try metric.score(pa, pb, pairing: RowPairing(multiplicity: weights))
        #expect(abs(weighted - expected / 30) <= Tolerance.roundOffOfFewOperations)
        let ones = RowPairing(multiplicity: [Int](repeating: 1, count: 30))
        #expect(try metric.score(pa, pb, pairing: ones) == metric.score(pa, pb, pairing: .identity))
        #expect(throws: MindSpaceError.self) {
            try metric.score(pa, pb, pairing: RowPairing(multiplicity: [Int](repeating: 0, count: 30)))
        }
    }

    /// Per row the shared count of independent A and B is hypergeometric (population N − 1, k
    /// marked, k drawn): mean k·p, variance v = k·p·(1 − p)·(N − 1 − k)/(N − 2), p = k/(N − 1).
    /// The mean χ over R pairs of N rows has standard deviation about √(v/(N·R))/k if rows were
    /// independent; shared neighbour relations correlate rows, so we allow twice that, and accept
    /// 4 of those (a false alarm well below 1e-4 even so).
    @Test func independentInputsOverlapByChance() throws {
        let n = 300, k = 10, replicates = 8
        let metric = NeighborhoodOverlap(k: k)
        var total = 0.0
        for r in 0..<replicates {
            total += try Samples.score(metric, Samples.gaussian(rows: n, columns: 12, seed: UInt64(100 + 2 * r)),
                                       Samples.gaussian(rows: n, columns: 12, seed: UInt64(101 + 2 * r)))
        }
        let mean = total / Double(replicates)
        let p = NeighborhoodOverlap.expectedUnderIndependence(n: n, k: k)
        #expect(p == Double(k) / Double(n - 1))
        let variance = Double(k) * p * (1 - p) * Double(n - 1 - k) / Double(n - 2)
        let sd = (variance / Double(n * replicates)).squareRoot() / Double(k)
        #expect(abs(mean - p) <= 4 * 2 * sd, "mean \(mean), expected \(p) ± \(8 * sd)")
    }

    @Test func expectationRefusesImpossibleSettings() {
        #expect(NeighborhoodOverlap.expectedUnderIndependence(n: 11, k: 5) == 0.5)
        #expect(NeighborhoodOverlap.expectedUnderIndependence(n: 11, k: 10) == 1)
        #expect(NeighborhoodOverlap.expectedUnderIndependence(n: 11, k: 11).isNaN)
        #expect(NeighborhoodOverlap.expectedUnderIndependence(n: 11, k: 0).isNaN)
    }

    /// Rescaling single rows moves Euclidean neighbours but not cosine ones: on such a copy the
    /// cosine mutual k-NN stays 1 while the Euclidean overlap drops.
    @Test func differsFromCosineNeighboursWhenNormsVary() throws {
        let a = Samples.gaussian(rows: 80, columns: 6, seed: 30)
        var generator = SeededGenerator(seed: 31)
        var rescaled = a
        for i in 0..<80 {
            let factor = generator.nextUniform(0.2, 5)
            for c in 0..<6 { rescaled[i, c] *= factor }
        }
        #expect(try Samples.score(MutualNeighbors(k: 8), a, rescaled) == 1)
        let overlap = try Samples.score(NeighborhoodOverlap(k: 8), a, rescaled)
        #expect(overlap < 0.8, "overlap \(overlap)")
    }

    @Test func refusesImpossibleSettings() throws {
        let a = Samples.gaussian(rows: 10, columns: 3, seed: 40)
        #expect(throws: MindSpaceError.self) { try NeighborhoodOverlap(k: 10).prepare(a) }
        #expect(throws: MindSpaceError.self) { try NeighborhoodOverlap(k: 0).prepare(a) }
        let metric = NeighborhoodOverlap(k: 3)
        let other = Samples.gaussian(rows: 11, columns: 3, seed: 41)
        #expect(throws: MindSpaceError.self) { try metric.score(metric.prepare(a), metric.prepare(other), pairing: .identity) }
    }

    @Test func catalogNamesIt() throws {
        let name = try #require(RepresentationMetricName(rawValue: "overlap"))
        #expect(name == .neighborhoodOverlap && name.displayName == "neighbourhood overlap")
        var settings = RepresentationMetricSettings()
        settings.k = 4
        let metric = try #require(name.metric(settings: settings) as? NeighborhoodOverlap)
        #expect(metric.k == 4 && metric.name == .neighborhoodOverlap)
    }
}
