import Foundation
import Testing
@testable import MindSpaceCore
@testable import MindSpaceIO
@testable import MindSpaceNumerics
@testable import MindSpaceDimension
@testable import MindSpaceCheckpoints
@testable import MindSpacePipeline
import MindSpaceTestSupport

@Suite("Batch jobs and weight sets")
struct BatchJobTests {
    struct Interrupted: Error {}

    private func job(_ root: URL, out: URL, afterEachRun: ((String) throws -> Void)? = nil) -> BatchJob {
        BatchJob(root: root.path, chunkElements: 37, outputFolder: out.path,
                 commandLine: ["mindspace", "batch", "ROOT"], afterEachRun: afterEachRun)
    }

    @Test func weightSetMatchesDensePCAAndDirectDistances() throws {
        let tree = RunTree.randomWalks(runs: 4, checkpoints: 3, parameters: 101, seed: 7)
        let root = try RunTree.write(tree)
        let out = root.appendingPathComponent("out")
        defer { try? FileManager.default.removeItem(at: root) }
        let report = try job(root, out: out).run().report
        let set = try #require(report.weightSet)
        let names = tree.keys.sorted()
        #expect(set.runs == names)
        #expect(report.runs.map(\.name) == names)
        let finals = names.map { tree[$0]!.last! }
        // Distances computed directly from the weights. Tolerance: the Gram route forms
        // Gᵢᵢ + Gⱼⱼ − 2Gᵢⱼ from sums of 101 products of O(1) values, so about 1e-13 absolute
        // error on squared distances of order 100; 1e-10 relative on distances is far above that.
        for i in 0..<4 {
            for j in 0..<4 {
                let direct = zip(finals[i], finals[j]).map { ($0 - $1) * ($0 - $1) }.reduce(0, +).squareRoot()
                #expect(isApproximatelyEqual(set.distances.raw[i][j], direct, relativeTolerance: Tolerance.twoDoubleMethods, absoluteTolerance: Tolerance.twoDoubleMethods))
            }
        }
        // Dense PCA (covariance/SVD route, another code path) of the same 4 × 101 matrix.
        let dense = try PCA().fit(Matrix(rows: 4, columns: 101, storage: finals.flatMap { $0 }))
        for (streamed, reference) in zip(set.explainedVariance, dense.spectrum.explainedVariance) {
            #expect(abs(streamed - reference) <= Tolerance.twoDoubleMethods * dense.spectrum.explainedVariance[0])
        }
        #expect(set.explainedVariance.count == 3)
        // 4 runs: no ID, and a one-line reason for each estimator.
        #expect(set.estimates.isEmpty)
        #expect(set.skipped.map(\.estimator) == ["twonn", "twonn-mle", "mle"])
        #expect(set.dimensionSummary.hasPrefix("4 runs: too few points"))
        #expect(set.groups == names.map { String($0.prefix(6)) })
        let index = try String(contentsOf: out.appendingPathComponent("index.md"), encoding: .utf8)
        #expect(index.contains("![weight set](weight-set-pca.png)"))
        #expect(index.contains("runs/\(names[0])/trajectory-path.png"))
    }

    @Test func interruptedBatchResumesToIdenticalFiles() throws {
        let root = try RunTree.write(RunTree.randomWalks(runs: 4, checkpoints: 4, parameters: 80, seed: 3))
        let out = root.appendingPathComponent("out")
        defer { try? FileManager.default.removeItem(at: root) }
        let first = try job(root, out: out).run()
        #expect(first.reused.isEmpty)
        let uninterrupted = try RunTree.files(under: out)
        try FileManager.default.removeItem(at: out)

        // Stop after the second run (its results are cached and written), as a kill would.
        var finished: [String] = []
        #expect(throws: Interrupted.self) {
            _ = try job(root, out: out) { name in
                finished.append(name)
                if finished.count == 2 { throw Interrupted() }
            }.run()
        }
        #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("batch.json").path))
        let resumed = try job(root, out: out).run()
        #expect(resumed.reused == finished)
        let files = try RunTree.files(under: out)
        #expect(files.keys.sorted() == uninterrupted.keys.sorted())
        for (name, data) in uninterrupted { #expect(files[name] == data, "\(name) differs after resuming") }

        // A third run reads nothing and still writes the same bytes.
        let again = try job(root, out: out).run()
        #expect(again.reused.count == 5)
        #expect(try RunTree.files(under: out) == uninterrupted)
    }

    @Test func changedCheckpointRecomputesOnlyItsRun() throws {
        var tree = RunTree.randomWalks(runs: 3, checkpoints: 3, parameters: 50, seed: 11)
        let root = try RunTree.write(tree)
        let out = root.appendingPathComponent("out")
        defer { try? FileManager.default.removeItem(at: root) }
        _ = try job(root, out: out).run()
        let names = tree.keys.sorted()
        // Rewrite the first checkpoint of the middle run (same size and header, new values and date).
        tree[names[1]]![0][0] += 1
        let file = root.appendingPathComponent(names[1]).appendingPathComponent("step_0.npy")
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSince1970: 1_000_000)], ofItemAtPath: file.path)
        try NpyWriter.encode(vector: tree[names[1]]![0]).write(to: file)
        let rerun = try job(root, out: out).run()
        #expect(rerun.reused == [names[0], names[2], "weight-set"])
        #expect(rerun.report.runs.map(\.reused) == [true, false, true])
        #expect(rerun.report.weightSet?.reused == true)
        #expect(rerun.report.reusedPasses == 3 && rerun.report.computedPasses == 1)
        let fresh = root.appendingPathComponent("fresh")
        let reference = try BatchJob(root: root.path, chunkElements: 37, outputFolder: fresh.path,
                                     commandLine: ["mindspace", "batch", "ROOT"]).run()
        #expect(rerun.report.runs[1].distanceTravelled == reference.report.runs[1].distanceTravelled)
    }

    /// A batch that reuses an earlier run's cache (here a copy made by another "process": the
    /// folder is copied, so this process never committed its entries) records the reused entries
    /// with `OutputTransaction.recordOwned`: every file under --out, hidden cache included, is in
    /// the process's record of its outputs.
    /// The cache holds each run's streaming pass, never its null: a rerun with other null
    /// settings reuses every pass and reports the null those settings give (the same as a fresh
    /// batch with them), and `--null none` leaves each run's null out.
    @Test func otherNullSettingsReuseThePassesAndDrawTheirOwnNull() throws {
        let root = try RunTree.write(RunTree.randomWalks(runs: 3, checkpoints: 5, parameters: 40, seed: 4))
        let out = root.appendingPathComponent("out"), fresh = root.appendingPathComponent("fresh")
        defer { try? FileManager.default.removeItem(at: root) }
        var first = job(root, out: out)
        first.null = TrajectoryNullSettings(draws: 30, seed: 1)
        let before = try first.run().report
        #expect(before.runs.allSatisfy { $0.nullModel?.draws == 30 && $0.displacementShare?.count == 4 })
        var second = job(root, out: out)
        second.null = TrajectoryNullSettings(draws: 50, seed: 2)
        let after = try second.run()
        #expect(after.report.reusedPasses == 4 && after.report.computedPasses == 0)
        var reference = job(root, out: fresh)
        reference.null = second.null
        let expected = try reference.run().report
        #expect(after.report.runs.map(\.nullModel) == expected.runs.map(\.nullModel))
        #expect(after.report.runs.map(\.nullModel) != before.runs.map(\.nullModel))
        var off = job(root, out: out)
        off.null = .none
        let none = try off.run().report
        #expect(none.runs.allSatisfy { $0.nullModel == nil && $0.displacementComponentsFor != nil })
        let index = try String(contentsOf: out.appendingPathComponent("index.md"), encoding: .utf8)
        #expect(!index.contains("Against the random-walk null"))
    }

    @Test func reusedCacheEntriesAreRecordedAsOwned() throws {
        let root = try RunTree.write(RunTree.randomWalks(runs: 3, checkpoints: 3, parameters: 40, seed: 17))
        defer { try? FileManager.default.removeItem(at: root) }
        let earlier = root.appendingPathComponent("earlier"), out = root.appendingPathComponent("out")
        _ = try job(root, out: earlier).run()
        try FileManager.default.copyItem(at: earlier, to: out)
        let cacheFiles = try FileManager.default.contentsOfDirectory(atPath: out.appendingPathComponent(".cache").path)
        #expect(cacheFiles.count == 4)
        let rerun = try job(root, out: out).run()
        #expect(rerun.reused.count == 4)
        let record = Set(OutputTransaction.committedPaths)
        var files: [String] = []
        let enumerator = FileManager.default.enumerator(at: out, includingPropertiesForKeys: [.isRegularFileKey])
        while let url = enumerator?.nextObject() as? URL {
            if try url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile == true { files.append(url.standardizedFileURL.path) }
        }
        #expect(files.count == 4 + 4 + 3 * 4, "batch.json, index.md, the weight set's 2 files, 4 per run, 4 cache entries")
        for file in files { #expect(record.contains(file), "\(file) is not in the record") }
    }

    @Test func intrinsicDimensionOnCoordinatesEqualsItOnTheWeights() throws {
        // 30 runs whose final weights lie on a 2-D plane in 60 dimensions: enough for every estimator.
        var generator = SeededGenerator(seed: 5)
        let basis = (0..<2).map { _ in (0..<60).map { _ in generator.nextGaussian() } }
        var points: [[Double]] = []
        for _ in 0..<30 {
            let a = generator.nextGaussian(), b = generator.nextGaussian()
            points.append((0..<60).map { a * basis[0][$0] + b * basis[1][$0] + 3 })
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("mindspace-ws-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var paths: [String] = []
        for (index, point) in points.enumerated() {
            let path = folder.appendingPathComponent("run\(index).npy").path
            try NpyWriter.encode(vector: point).write(to: URL(fileURLWithPath: path))
            paths.append(path)
        }
        let set = try CheckpointSet(paths: paths)
        let gram = try StreamedGram.accumulate(CheckpointStreamer(set: set))
        let result = try WeightSetResult(gram: gram, names: paths.indices.map { "run\($0)" }, checkpoints: paths)
        #expect(result.estimates.map(\.estimator) == ["twonn", "twonn-mle"])
        #expect(result.skipped.map(\.estimator) == ["mle"], "30 points: MLE needs 40")
        // The same estimators on the 30 × 60 weights themselves. Distances agree to ~1e-13
        // relative (Gram round-off), so the estimates agree to far better than 1e-6.
        let gramRouteAgreement = 1e-6
        let full = Matrix(rows: 30, columns: 60, storage: points.flatMap { $0 })
        for estimate in result.estimates {
            let estimator = try #require(try EstimatorCatalog.estimators(named: [estimate.estimator], k: nil).first)
            let direct = try estimator.estimate(full, options: EstimationOptions())
            #expect(abs(direct.dimension - estimate.dimension) <= gramRouteAgreement * direct.dimension)
            #expect(abs(estimate.dimension - 2) < 0.8, "a plane: about 2")
        }
    }

    @Test func pickChoosesByStepOrPosition() throws {
        let named = ["r/epoch_0.safetensors", "r/epoch_5.safetensors", "r/epoch_10.safetensors"]
        #expect(try CheckpointPick(parsing: "last").index(in: named, run: "r") == 2)
        #expect(try CheckpointPick(parsing: "first").index(in: named, run: "r") == 0)
        #expect(try CheckpointPick(parsing: "5").index(in: named, run: "r") == 1)
        #expect(throws: MindSpaceError.self) { try CheckpointPick(parsing: "7").index(in: named, run: "r") }
        #expect(throws: MindSpaceError.self) { try CheckpointPick(parsing: "middle") }
        let unnamed = ["r/a.npy", "r/b.npy", "r/c.npy"]
        #expect(try CheckpointPick(parsing: "1").index(in: unnamed, run: "r") == 1)
        #expect(throws: MindSpaceError.self) { try CheckpointPick(parsing: "3").index(in: unnamed, run: "r") }
    }

    @Test func groupOfRunDropsTrailingSeed() {
        #expect(WeightSetResult.group(ofRun: "subset0-seed2") == "subset0")
        #expect(WeightSetResult.group(ofRun: "lr3e-4_seed_1") == "lr3e-4")
        #expect(WeightSetResult.group(ofRun: "baseline") == "baseline")
        #expect(WeightSetResult.group(ofRun: "seed3") == "seed3")
    }

    @Test func singleRunAndSingleCheckpointAreReportedNotComputed() throws {
        let root = try RunTree.write(["only": [[1, 2, 3], [2, 3, 5]], "lonely": [[1, 1, 1]]])
        let out = root.appendingPathComponent("out")
        defer { try? FileManager.default.removeItem(at: root) }
        let report = try job(root, out: out).run().report
        #expect(report.runs.first { $0.name == "lonely" }?.skipped == "1 checkpoint: a trajectory needs at least 2")
        #expect(report.weightSet != nil)
        let emptyRoot = try RunTree.write(["only": [[1, 2, 3], [2, 3, 5]]])
        defer { try? FileManager.default.removeItem(at: emptyRoot) }
        let single = try job(emptyRoot, out: emptyRoot.appendingPathComponent("out")).run().report
        #expect(single.weightSet == nil)
        #expect(single.weightSetSkipped?.contains("at least 2 runs") == true)
    }
}
