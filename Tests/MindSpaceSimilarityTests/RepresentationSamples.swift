import MindSpaceCore
@testable import MindSpaceSimilarity

/// Data and checks shared by the tests of the row-based representation metrics.
enum RepresentationSamples {
    /// N × D standard Gaussian values plus `shift`, seeded.
    static func gaussian(rows: Int, columns: Int, seed: UInt64, shift: Double = 0) -> Matrix<Double> {
        var generator = SeededGenerator(seed: seed)
        return Matrix(rows: rows, columns: columns, storage: (0..<(rows * columns)).map { _ in generator.nextGaussian() + shift })
    }

    /// A random D × D orthogonal matrix (Gram–Schmidt of a Gaussian matrix, twice for accuracy).
    static func orthogonal(_ d: Int, seed: UInt64) -> Matrix<Double> {
        var q = gaussian(rows: d, columns: d, seed: seed)
        for _ in 0..<2 {
            for j in 0..<d {
                for k in 0..<j {
                    var dot = 0.0
                    for i in 0..<d { dot += q[i, j] * q[i, k] }
                    for i in 0..<d { q[i, j] -= dot * q[i, k] }
                }
                var norm = 0.0
                for i in 0..<d { norm += q[i, j] * q[i, j] }
                for i in 0..<d { q[i, j] /= norm.squareRoot() }
            }
        }
        return q
    }

    /// x·m (N × D times D × D′), then times `scale` and plus `shift`.
    static func transform(_ x: Matrix<Double>, by m: Matrix<Double>, scale: Double = 1, shift: Double = 0) -> Matrix<Double> {
        var result = Matrix<Double>(rows: x.rows, columns: m.columns)
        for i in 0..<x.rows {
            for j in 0..<m.columns {
                var sum = 0.0
                for k in 0..<x.columns { sum += x[i, k] * m[k, j] }
                result[i, j] = scale * sum + shift
            }
        }
        return result
    }

    /// The rows `order` of `x`, in that order (repeats allowed).
    static func rows(_ x: Matrix<Double>, _ order: [Int]) -> Matrix<Double> {
        Matrix(rows: order.count, columns: x.columns, storage: order.flatMap { Array(x.row($0)) })
    }

    /// A seeded permutation of 0..<n.
    static func permutation(_ n: Int, seed: UInt64) -> [Int] {
        var generator = SeededGenerator(seed: seed)
        return Array(0..<n).shuffled(using: &generator)
    }

    /// Multiplicities of a seeded bootstrap resample of n rows (Σ = n).
    static func bootstrap(_ n: Int, seed: UInt64) -> [Int] {
        var generator = SeededGenerator(seed: seed)
        var counts = [Int](repeating: 0, count: n)
        for _ in 0..<n { counts[Int.random(in: 0..<n, using: &generator)] += 1 }
        return counts
    }

    /// The score under `pairing` and the score on the rows physically rearranged as `pairing`
    /// says (A's rows repeated by multiplicity, B's rows by partner then multiplicity).
    static func pairedAndPhysical<Metric: RepresentationMetric>(
        _ metric: Metric, _ a: Matrix<Double>, _ b: Matrix<Double>, pairing: RowPairing
    ) throws -> (paired: Double, physical: Double) {
        let paired = try metric.score(metric.prepare(a), metric.prepare(b), pairing: pairing)
        var aOrder: [Int] = [], bOrder: [Int] = []
        for i in 0..<a.rows {
            for _ in 0..<pairing.weightOf(i) { aOrder.append(i); bOrder.append(pairing.partnerOf(i)) }
        }
        let physical = try metric.score(metric.prepare(rows(a, aOrder)), metric.prepare(rows(b, bOrder)), pairing: .identity)
        return (paired, physical)
    }

    /// The score of `a` against `b` with every row once.
    static func score<Metric: RepresentationMetric>(_ metric: Metric, _ a: Matrix<Double>, _ b: Matrix<Double>) throws -> Double {
        try metric.score(metric.prepare(a), metric.prepare(b), pairing: .identity)
    }
}
