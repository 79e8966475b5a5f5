import Foundation
import Testing
@testable import MindSpaceCore
@testable import MindSpaceProjection
import MindSpaceTestSupport

/// `Trustworthiness` against scikit-learn's `trustworthiness` and analytic cases.
@Suite struct TrustworthinessTests {
    /// A fixed 120 × 6 data set and a noisy 2-D view of it; scikit-learn's values for k = 1, 5,
    /// 10, 25, 59. T is a ratio of integers (rank sums) computed the same way, so any difference
    /// in a single rank would move it by ≥ 2/(N·k·(2N − 3k − 1)) ≥ 1.2e-7; 1e-12 allows only
    /// the floating-point evaluation of the final formula.
    @Test func matchesScikitLearn() throws {
        let original = try ProjectionNonlinearFixtures.matrix("trust_x.npy")
        let embedded = try ProjectionNonlinearFixtures.matrix("trust_y.npy")
        let expected = try ProjectionNonlinearFixtures.peers().trustworthiness
        #expect(expected.count == 5)
        for (key, value) in expected {
            let k = try #require(Int(key))
            let score = try Trustworthiness.score(original: original, embedded: embedded, k: k)
            #expect(abs(score - value) <= Tolerance.roundOffOfThousandsOfOperations, "k = \(k): \(score) vs scikit-learn \(value)")
            // The same value from float32 input and from one thread (no near-ties in this set).
            let single = try ThreadLimitScope.with(1) {
                try Trustworthiness.score(original: original.converted(to: Float.self), embedded: embedded, k: k)
            }
            #expect(abs(single - value) <= Tolerance.roundOffOfThousandsOfOperations)
        }
    }

    /// An embedding that keeps every distance (a rotation plus a shift of 2-D data) is
    /// perfectly trustworthy: exactly 1.
    @Test func isometryScoresOne() throws {
        var generator = SeededGenerator(seed: 4)
        let data = Matrix<Double>(rows: 200, columns: 2, storage: (0..<400).map { _ in generator.nextGaussian() })
        var moved = Matrix<Double>(rows: 200, columns: 2)
        let (c, s) = (cos(0.7), sin(0.7))
        for i in 0..<200 {
            moved[i, 0] = c * data[i, 0] - s * data[i, 1] + 5
            moved[i, 1] = s * data[i, 0] + c * data[i, 1] - 3
        }
        #expect(try Trustworthiness.score(original: data, embedded: moved, k: 10) == 1)
    }

    /// A random view of random data, against a direct evaluation of the definition (every row
    /// sorted in full, ranks read off the sorted order).
    @Test func agreesWithTheDefinitionOnAShuffledView() throws {
        let n = 60, k = 7
        var generator = SeededGenerator(seed: 11)
        let data = Matrix<Double>(rows: n, columns: 3, storage: (0..<(3 * n)).map { _ in generator.nextGaussian() })
        let embedded = Matrix<Double>(rows: n, columns: 2, storage: (0..<(2 * n)).map { _ in generator.nextGaussian() })
        func distances(_ m: Matrix<Double>, _ i: Int) -> [Double] {
            (0..<n).map { j in (0..<m.columns).reduce(0.0) { $0 + pow(m[i, $1] - m[j, $1], 2) } }
        }
        var penalty = 0
        for i in 0..<n {
            let original = distances(data, i), view = distances(embedded, i)
            let originalOrder = (0..<n).filter { $0 != i }.sorted { original[$0] < original[$1] }
            let viewOrder = (0..<n).filter { $0 != i }.sorted { view[$0] < view[$1] }
            for j in viewOrder.prefix(k) {
                let rank = (originalOrder.firstIndex(of: j) ?? 0) + 1
                penalty += max(0, rank - k)
            }
        }
        let expected = 1 - 2 * Double(penalty) / (Double(n * k) * Double(2 * n - 3 * k - 1))
        let score = try Trustworthiness.score(original: data, embedded: embedded, k: k)
        // Same integer penalty, same formula: only the last rounding can differ.
        #expect(abs(score - expected) <= Tolerance.roundOffOfTensOfOperations)
        #expect(score < 0.7)  // a random view is far from trustworthy (≈ 0.5 expected)
    }

    @Test func refusesBadArguments() throws {
        let data = Matrix<Double>(rows: 10, columns: 2, storage: (0..<20).map(Double.init))
        #expect(throws: MindSpaceError.self) { try Trustworthiness.score(original: data, embedded: data, k: 5) }
        #expect(throws: MindSpaceError.self) { try Trustworthiness.score(original: data, embedded: data, k: 0) }
        let fewer = Matrix<Double>(rows: 9, columns: 2, storage: (0..<18).map(Double.init))
        #expect(throws: MindSpaceError.self) { try Trustworthiness.score(original: data, embedded: fewer, k: 2) }
    }
}
