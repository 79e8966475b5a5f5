import Foundation
import Testing
@testable import MindSpaceCore
@testable import MindSpaceCheckpoints
import MindSpaceTestSupport

/// The displacement subspace against NumPy's SVD of the shipped runs
/// (`Fixtures/displacement/make_displacement.py`) and at its edges.
@Suite struct DisplacementSubspaceTests {
    /// Tolerance 1e-8 on shares (in [0, 1]): both sides are backward-stable double-precision
    /// computations on the same float32 values widened exactly. A cumulative share moves with the
    /// subspace of its top-k components, perturbed by about ε·λ₁/gap; the smallest gap between
    /// consecutive eigenvalues of these runs is 2.9e-6·λ₁ (recorded in the fixture), so shares
    /// agree to ~1e-10, and 1e-8 keeps a margin of ~100.
    @Test func sharesMatchNumPyOnTheShippedRuns() throws {
        let answers = try CheckpointFixtures.displacementAnswers()
        #expect(answers.count == 6)
        for (run, answer) in answers {
            let paths = answer.checkpoints.map { CommandRunner.packageRoot.appendingPathComponent($0).path }
            let set = try CheckpointSet(paths: paths, selection: TensorSelection())
            let result = try TrajectoryResult.analyse(CheckpointStreamer(set: set, chunkElements: nil))
            #expect(result.parameterCount == answer.parameters)
            let displacement = result.displacement
            #expect(abs(displacement.length / answer.netDisplacement - 1) < 1e-10, "\(run)")
            #expect(CheckpointFixtures.largestDifference(displacement.cumulativeShare, answer.displacementShare) < 1e-8, "\(run)")
            #expect(displacement.componentsForStandardFractions == answer.componentsFor, "\(run)")
        }
    }

    /// Points on a line: the whole displacement lies on PC1; a path that returns to its start
    /// has no displacement (all shares 0, no components), and neither does a still one.
    @Test func edges() throws {
        func displacement(_ rows: [[Double]]) throws -> DisplacementSubspace {
            let n = rows.count
            let means = (0..<rows[0].count).map { j in rows.reduce(0) { $0 + $1[j] } / Double(n) }
            var gram = Matrix<Double>(rows: n, columns: n)
            for a in 0..<n {
                for b in 0..<n {
                    gram[a, b] = zip(zip(rows[a], rows[b]), means).reduce(0) { $0 + ($1.0.0 - $1.1) * ($1.0.1 - $1.1) }
                }
            }
            let pca = try GramPCA(centredGram: gram, parameterCount: rows[0].count, signs: .lastAfterFirst)
            return DisplacementSubspace(pca: pca, centredGram: gram)
        }
        let line = try displacement([[0, 0, 0], [1, 2, 3], [3, 6, 9], [2, 4, 6]])
        #expect(abs(line.cumulativeShare[0] - 1) < 1e-12)
        #expect(line.componentsForStandardFractions == ["0.5": 1, "0.9": 1, "0.99": 1])
        #expect(line.projections[0] > 0)
        let loop = try displacement([[0, 0], [1, 0], [1, 1], [0, 0]])
        #expect(loop.length == 0 && loop.cumulativeShare.allSatisfy { $0 == 0 })
        #expect(loop.componentsForStandardFractions == ["0.5": 0, "0.9": 0, "0.99": 0])
        let still = try displacement([[1, 2], [1, 2], [1, 2]])
        #expect(still.cumulativeShare.allSatisfy { $0 == 0 } && still.length == 0)
    }
}
