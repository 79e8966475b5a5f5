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
        #expect(Self.temporaries(under: out).isEmpty)
    }

    /// SIGINT (Ctrl-C) or SIGTERM while a batch is writing: the process removes the temporaries
    /// of its unfinished transactions and exits 130 or 143, not by the signal; no `.partial-`
    /// file stays anywhere under --out (the cache included). The signal is sent as soon as a
    /// temporary is seen, or once a pass is cached (so the handlers are installed); the fixture
    /// (16 runs, about 3 s in a debug build) is still writing then. Every wait is bounded.
    @Test(arguments: [(SIGINT, Int32(130)), (SIGTERM, Int32(143))])
    func interruptedBatchRemovesItsTemporariesAndExits128PlusSignal(signal: Int32, status: Int32) throws {
        let root = try RunTree.write(RunTree.randomWalks(runs: 16, checkpoints: 8, parameters: 50_000, seed: 5))
        defer { try? FileManager.default.removeItem(at: root) }
        let out = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: out) }
        let process = Process()
        process.executableURL = CommandRunner.binary
        process.arguments = ["batch", root.path, "--quiet", "--threads", "1", "--out", out.path]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }

        let cache = out.appendingPathComponent(".cache")
        let start = Date()
        var sawTemporary = false
        var cachedSince: Date?
        while process.isRunning && Date().timeIntervalSince(start) < 60 {
            if !Self.temporaries(under: out).isEmpty { sawTemporary = true; break }
            if cachedSince == nil, !((try? FileManager.default.contentsOfDirectory(atPath: cache.path)) ?? []).isEmpty {
                cachedSince = Date()
            }
            if let cachedSince, Date().timeIntervalSince(cachedSince) > 0.5 { break }
            Thread.sleep(forTimeInterval: 0.002)
        }
        try #require(process.isRunning, "the batch ended before it could be interrupted; enlarge the fixture")
        kill(process.processIdentifier, signal)
        let sent = Date()
        while process.isRunning && Date().timeIntervalSince(sent) < 30 { Thread.sleep(forTimeInterval: 0.01) }
        try #require(!process.isRunning, "the batch did not stop within 30 s of the signal")
        #expect(process.terminationReason == .exit, "ended by the signal instead of exiting")
        #expect(process.terminationStatus == status)
        #expect(Self.temporaries(under: out).isEmpty, "seen a temporary before the signal: \(sawTemporary)")
    }

    /// Every `.name.partial-PID` temporary under `folder`, hidden folders included.
    static func temporaries(under folder: URL) -> [String] {
        var found: [String] = []
        let enumerator = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil)
        while let url = enumerator?.nextObject() as? URL {
            if url.lastPathComponent.contains(".partial-") { found.append(url.path) }
        }
        return found
    }
}
