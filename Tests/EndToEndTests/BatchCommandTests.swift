import Foundation
import Testing
import MindSpaceTestSupport

@Suite("mindspace batch (end to end)")
struct BatchCommandTests {
    @Test func shippedTrajectoriesGiveReportIndexAndReasonForNoID() throws {
        let out = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: out) }
        let root = CommandRunner.packageRoot.appendingPathComponent("datasets/trajectories/runs").path
        let result = try CommandRunner.run(["batch", root, "--json", "--quiet", "--out", out.path])
        #expect(result.status == 0, "\(result.stderr)")
        let json = try #require(result.json)
        let runs = try #require(json["runs"] as? [[String: Any]])
        #expect(runs.count == 6)
        #expect(json["report"] as? String == out.appendingPathComponent("batch.json").path)
        let weightSet = try #require(json["weight_set"] as? [String: Any])
        #expect((weightSet["estimates"] as? [Any])?.isEmpty == true)
        #expect((weightSet["dimension_summary"] as? String)?.hasPrefix("6 runs: too few points") == true)
        for name in ["index.md", "batch.json", "weight-set.json", "weight-set-pca.png",
                     "runs/subset0-seed0/trajectory.json", "runs/subset1-seed2/trajectory-path.png"] {
            #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent(name).path), "\(name)")
        }
    }

    @Test func missingRootAndRunFolderGiveOneLineErrors() throws {
        let missing = try CommandRunner.run(["batch", "/no/such/runs", "--quiet", "--out", "/tmp/unused"])
        #expect(missing.status == 66)
        #expect(missing.stderr.contains("/no/such/runs"))
        let oneRun = CommandRunner.packageRoot.appendingPathComponent("datasets/trajectories/runs/subset0-seed0").path
        let wrong = try CommandRunner.run(["batch", oneRun, "--quiet", "--out", "/tmp/unused"])
        #expect(wrong.status == 66)
        #expect(wrong.stderr.contains("mindspace trajectory"))
        let pick = try CommandRunner.run(["batch", oneRun, "--pick", "middle"])
        #expect(pick.status == 64)
    }

    /// Kills the real process (SIGTERM) shortly after it starts, reruns it, and compares every
    /// written file with an uninterrupted run's. Whether the kill lands before, during or after
    /// the work, the resumed output must be the same bytes.
    @Test func killedBatchResumesToIdenticalFiles() throws {
        let root = try RunTree.write(RunTree.randomWalks(runs: 6, checkpoints: 8, parameters: 60_000, seed: 21))
        defer { try? FileManager.default.removeItem(at: root) }
        let out = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: out) }
        let arguments = ["batch", root.path, "--quiet", "--threads", "1", "--out", out.path]
        #expect(try CommandRunner.run(arguments).status == 0)
        let uninterrupted = try RunTree.files(under: out)
        try FileManager.default.removeItem(at: out)

        for delay in [0.3, 1.5] {
            let process = Process()
            process.executableURL = CommandRunner.binary
            process.arguments = arguments
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            Thread.sleep(forTimeInterval: delay)
            process.terminate()
            process.waitUntilExit()
        }
        let resumed = try CommandRunner.run(arguments)
        #expect(resumed.status == 0, "\(resumed.stderr)")
        let files = try RunTree.files(under: out)
        #expect(files.keys.sorted() == uninterrupted.keys.sorted())
        for (name, data) in uninterrupted { #expect(files[name] == data, "\(name) differs after the kill and rerun") }
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: out.path).filter { $0.contains(".partial-") }
        #expect(leftovers.isEmpty)
    }
}
