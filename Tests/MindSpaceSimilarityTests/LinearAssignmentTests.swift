import Foundation
import MindSpaceCore
import MindSpaceTestSupport
import Testing
@testable import MindSpaceSimilarity

/// The linear assignment solver against exhaustive search and SciPy's `linear_sum_assignment`.
struct LinearAssignmentTests {
    /// Every permutation of 0..<n (Heap's algorithm); n ≤ 8 gives at most 40,320.
    static func permutations(_ n: Int) -> [[Int]] {
        var result: [[Int]] = []
        var items = Array(0..<n)
        func generate(_ k: Int) {
            if k <= 1 { result.append(items); return }
            for i in 0..<k {
                generate(k - 1)
                items.swapAt(k % 2 == 0 ? i : 0, k - 1)
            }
        }
        generate(n)
        return result
    }

    @Test(arguments: [1, 2, 3, 4, 5, 6, 7, 8])
    func matchesBruteForce(n: Int) throws {
        var generator = SeededGenerator(seed: UInt64(100 + n))
        let all = Self.permutations(n)
        for _ in 0..<10 {
            let matrix = Matrix(rows: n, columns: n, storage: (0..<(n * n)).map { _ in generator.nextGaussian() })
            let assignment = try LinearAssignment.maximising(matrix)
            #expect(Set(assignment) == Set(0..<n))
            let best = all.map { LinearAssignment.value(matrix, assignment: $0) }.max() ?? 0
            // The solver sums the same n terms in another order: 1e-12 relative covers the rounding.
            #expect(abs(LinearAssignment.value(matrix, assignment: assignment) - best) <= 1e-12 * max(1, abs(best)))
        }
    }

    @Test func tiesStillGiveThePermutationOfMaximumValue() throws {
        let integers = Matrix(rows: 6, columns: 6, storage: (0..<36).map { Double(($0 * 7) % 3) })
        let assignment = try LinearAssignment.maximising(integers)
        let best = Self.permutations(6).map { LinearAssignment.value(integers, assignment: $0) }.max()
        #expect(LinearAssignment.value(integers, assignment: assignment) == best)
        #expect(try LinearAssignment.maximising(Matrix(rows: 0, columns: 0)) == [])
    }

    @Test func refusesNonFiniteScores() {
        #expect(throws: MindSpaceError.self) {
            try LinearAssignment.maximising(Matrix([[1, .nan], [0, 1]]))
        }
    }

    struct ScipyCase: Decodable { var n: Int; var matrix: [Double]; var assignment: [Int]; var value: Double }
    struct ScipyFixture: Decodable { var numpy: String; var scipy: String; var cases: [ScipyCase] }

    @Test func matchesScipy() throws {
        let root = try TestFixtures.unwrap(TestFixtures.root, "fixtures")
        let data = try Data(contentsOf: root.appendingPathComponent("lap/lap_scipy.json"))
        let fixture = try JSONDecoder().decode(ScipyFixture.self, from: data)
        #expect(fixture.cases.count == 14)
        for item in fixture.cases {
            let matrix = Matrix(rows: item.n, columns: item.n, storage: item.matrix)
            let assignment = try LinearAssignment.maximising(matrix)
            // Gaussian scores have a unique optimum, so the permutation itself must agree.
            #expect(assignment == item.assignment, "n = \(item.n)")
            #expect(abs(LinearAssignment.value(matrix, assignment: assignment) - item.value) <= 1e-9 * max(1, abs(item.value)))
        }
    }
}
