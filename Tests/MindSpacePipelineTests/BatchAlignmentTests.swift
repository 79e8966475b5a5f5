import Foundation
import Testing
@testable import MindSpaceCore
@testable import MindSpaceCheckpoints
@testable import MindSpaceDimension
@testable import MindSpacePipeline
import MindSpaceTestSupport

/// `batch` aligns the runs' final weights to the first run's before the weight-set analysis,
/// says why when it cannot, and never reuses a pass made under other alignment settings.
@Suite("Batch weight-set alignment")
struct BatchAlignmentTests {
    static let runs = CommandRunner.packageRoot.appendingPathComponent("datasets/trajectories/runs").path

    private func job(out: URL, seed: UInt64 = 0, align: WeightSetAlignmentMethod = .weightMatching) -> BatchJob {
        var options = EstimationOptions()
        options.seed = seed
        var job = BatchJob(root: Self.runs, options: options, outputFolder: out.path, commandLine: ["mindspace", "batch", "ROOT"])
        job.align = align
        return job
    }

    @Test func shippedRunsComeCloserAndCachedPassesKeepTheirSettings() throws {
        let out = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: out) }
        let first = try job(out: out).run()
        let set = try #require(first.report.weightSet)
        #expect(set.alignment.applied)
        #expect(set.alignment.reference == "subset0-seed0")
        #expect(set.alignment.groups?.map(\.size) == [32])
        let aligned = try #require(set.distances.aligned)
        // Every run with another seed (another initialisation) comes closer to the reference by
        // at least a fifth; subset1-seed0 shares seed 0's initialisation and is already aligned.
        for (j, run) in set.runs.enumerated() where !run.hasSuffix("seed0") {
            #expect(aligned[0][j] < 0.8 * set.distances.raw[0][j], "\(run)")
        }
        for j in set.runs.indices {
            #expect(aligned[0][j] <= set.distances.raw[0][j] * (1 + 1e-12))
        }
        // The image and the PCA are of the aligned set: its distances are the analysed ones.
        #expect(first.reused.isEmpty)

        // Another seed: the raw passes are reused, the aligned one is not.
        let second = try job(out: out, seed: 5).run()
        #expect(second.reused.contains(BatchJob.weightSetCacheName))
        #expect(!second.reused.contains(BatchJob.alignedWeightSetCacheName))
        // The same settings again: everything is reused.
        let third = try job(out: out, seed: 5).run()
        #expect(third.reused.contains(BatchJob.alignedWeightSetCacheName))

        let none = try job(out: out, align: .none).run()
        let raw = try #require(none.report.weightSet)
        #expect(!raw.alignment.applied)
        #expect(raw.alignment.reason?.contains("--align none") == true)
        #expect(raw.distances.aligned == nil)
        #expect(raw.distances.raw == set.distances.raw)
        #expect(raw.explainedVarianceRatio != set.explainedVarianceRatio, "the aligned set has its own PCA")
    }

    @Test func unalignableRunsAreAnalysedRawWithTheReason() throws {
        let root = try RunTree.write(RunTree.randomWalks(runs: 3, checkpoints: 2, parameters: 20, seed: 1))
        defer { try? FileManager.default.removeItem(at: root) }
        let report = try BatchJob(root: root.path, outputFolder: root.appendingPathComponent("out").path).run().report
        let set = try #require(report.weightSet)
        #expect(!set.alignment.applied)
        #expect(set.alignment.reason?.contains("cannot align the runs' weights") == true, "\(set.alignment.reason ?? "")")
        #expect(set.distances.aligned == nil)
        let index = try String(contentsOf: root.appendingPathComponent("out/index.md"), encoding: .utf8)
        #expect(index.contains("Not aligned: cannot align"))
    }
}
