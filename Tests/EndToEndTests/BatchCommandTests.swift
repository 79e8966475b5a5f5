import Foundation
import Testing
import MindSpaceIO
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

    /// `--json` says, per run and for the weight set, whether this invocation computed the pass
    /// or reused it from an earlier run's cache, with the counts; `batch.json` leaves that out,
    /// so a rerun writes the same bytes. A rewritten checkpoint is computed again, alone.
    @Test func jsonSaysWhichPassesWereReused() throws {
        var tree = RunTree.randomWalks(runs: 3, checkpoints: 3, parameters: 40, seed: 4)
        let root = try RunTree.write(tree)
        defer { try? FileManager.default.removeItem(at: root) }
        let out = root.appendingPathComponent("out")
        let arguments = ["batch", root.path, "--json", "--quiet", "--out", out.path]
        func passes() throws -> (runs: [Bool?], weightSet: Bool?, reused: Int?, computed: Int?) {
            let result = try CommandRunner.run(arguments)
            #expect(result.status == 0, "\(result.stderr)")
            let json = try #require(result.json)
            let runs = try #require(json["runs"] as? [[String: Any]])
            let weightSet = try #require(json["weight_set"] as? [String: Any])
            return (runs.map { $0["reused"] as? Bool }, weightSet["reused"] as? Bool,
                    json["reused_passes"] as? Int, json["computed_passes"] as? Int)
        }
        let first = try passes()
        #expect(first.runs == [false, false, false] && first.weightSet == false)
        #expect(first.reused == 0 && first.computed == 4)
        let file = try Data(contentsOf: out.appendingPathComponent("batch.json"))
        let second = try passes()
        #expect(second.runs == [true, true, true] && second.weightSet == true)
        #expect(second.reused == 4 && second.computed == 0)
        #expect(try Data(contentsOf: out.appendingPathComponent("batch.json")) == file, "the file does not depend on the cache")
        let written = try #require(try JSONSerialization.jsonObject(with: file) as? [String: Any])
        #expect(written["reused_passes"] == nil && written["computed_passes"] == nil)
        #expect((written["runs"] as? [[String: Any]])?.allSatisfy { $0["reused"] == nil } == true)

        // Rewrite the last checkpoint of the middle run: its pass and the weight set's are computed again.
        let names = tree.keys.sorted()
        tree[names[1]]![2][0] += 1
        let changed = root.appendingPathComponent(names[1]).appendingPathComponent("step_20.npy")
        try NpyWriter.encode(vector: tree[names[1]]![2]).write(to: changed)
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSince1970: 1_000_000)], ofItemAtPath: changed.path)
        let third = try passes()
        #expect(third.runs == [true, false, true] && third.weightSet == false)
        #expect(third.reused == 2 && third.computed == 2)

        // The text says it too, in the table and on the passes line.
        let text = try CommandRunner.run(["batch", root.path, "--quiet", "--out", out.path])
        #expect(text.status == 0, "\(text.stderr)")
        let rows = text.stdout.split(separator: "\n").filter { line in names.contains { line.hasPrefix("  \($0) ") } }
        #expect(rows.count == 3 && rows.allSatisfy { $0.hasSuffix("  reused") }, "\(text.stdout)")
        #expect(text.stdout.contains("; pass reused):"))
        #expect(text.stdout.contains("passes: 0 computed, 4 reused from an earlier run (cache: \(out.path)/.cache)"))
    }

    /// The text table lines up (counts right-aligned with their header, placeholders with the
    /// numbers, decimal points together, the pass column starting at one place), a run that does
    /// not move is said so, and the `wrote` lines name every file the batch wrote.
    @Test func textTableIsAlignedAndNamesEveryFileWritten() throws {
        var tree = RunTree.randomWalks(runs: 2, checkpoints: 4, parameters: 30, seed: 9)
        let still = (0..<30).map { 0.1 * Double($0) }
        tree["still"] = Array(repeating: still, count: 4)
        tree["a-single-checkpoint-run"] = [still]
        let root = try RunTree.write(tree)
        defer { try? FileManager.default.removeItem(at: root) }
        let out = root.appendingPathComponent("out")
        let result = try CommandRunner.run(["batch", root.path, "--quiet", "--out", out.path])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let header = try #require(lines.firstIndex { $0.hasPrefix("  run ") })
        let table = Array(lines[header...(header + 4)])
        // Per row: where the checkpoints count ends, where the distance's decimal point (or its
        // end, for an integer or a placeholder) is, and where the pass column starts.
        let cells = table.map(Self.cells)
        try #require(cells[0].count == 10 && cells.dropFirst().allSatisfy { $0.count >= 8 },
                     "the table has columns run, checkpoints, parameters, k90, PC1, walk PC1, distance travelled, pass:\n\(table.joined(separator: "\n"))")
        let checkpointsEnd = Set(cells.map { $0[1].end })
        let walkEnd = Set(cells.map { $0[$0[0].text == "run" ? 6 : 5].end })
        let passStart = Set(cells.map { $0[$0[0].text == "run" ? 9 : 7].start })
        let points = Set(cells.dropFirst().map { row in
            row[6].start + (row[6].text.firstIndex(of: ".").map { row[6].text.distance(from: row[6].text.startIndex, to: $0) } ?? row[6].text.count)
        })
        #expect(checkpointsEnd.count == 1 && walkEnd.count == 1 && passStart.count == 1 && points.count == 1,
                "misaligned:\n\(table.joined(separator: "\n"))")
        #expect(cells[1][7].text == "skipped:" && cells[4][7].text == "computed")
        #expect(result.stdout.contains("still: the checkpoints are identical: the trajectory does not move; no path drawn"))

        // Every file under --out (the hidden cache aside, named on the passes line) is named.
        let named = Self.filesNamed(byWroteLines: lines, runs: tree.keys.sorted())
        let written = Set(try RunTree.files(under: out).keys.map { out.path + $0 })
        #expect(named == written, "named but not written: \(named.subtracting(written)); written but not named: \(written.subtracting(named))")
        #expect(!written.contains(out.path + "/runs/still/trajectory-path.png"))
        let index = try String(contentsOf: out.appendingPathComponent("index.md"), encoding: .utf8)
        #expect(index.contains("### still\n\nThe checkpoints are identical: the trajectory does not move; no path drawn.\n"))
    }

    /// The space-separated words of `line` with the character offsets where each starts and ends.
    static func cells(_ line: String) -> [(text: String, start: Int, end: Int)] {
        var cells: [(text: String, start: Int, end: Int)] = []
        var current = "", start = 0
        for (offset, character) in line.enumerated() {
            if character == " " {
                if !current.isEmpty { cells.append((current, start, offset)) }
                current = ""
            } else {
                if current.isEmpty { start = offset }
                current.append(character)
            }
        }
        if !current.isEmpty { cells.append((current, start, line.count)) }
        return cells
    }

    /// The paths the `wrote` lines of batch's text name: `wrote A, B`, `wrote in F/: a, b` and
    /// `wrote in P/<run>/ for each of … runs [(r1, r2)]: a, b` (all `runs` with a folder under
    /// P when no names are given).
    static func filesNamed(byWroteLines lines: [String], runs: [String]) -> Set<String> {
        var named: Set<String> = []
        for line in lines where line.hasPrefix("wrote ") {
            let rest = line.dropFirst("wrote ".count)
            guard rest.hasPrefix("in ") else {
                named.formUnion(rest.components(separatedBy: ", "))
                continue
            }
            guard let colon = rest.range(of: ": ") else { continue }
            let place = String(rest[rest.index(rest.startIndex, offsetBy: 3)..<colon.lowerBound])
            let names = rest[colon.upperBound...].components(separatedBy: ", ")
            var folders: [String] = []
            if let marker = place.range(of: "/<run>/ for each of ") {
                let parent = String(place[..<marker.lowerBound])
                var which = runs.filter { FileManager.default.fileExists(atPath: parent + "/" + $0) }
                if let open = place.firstIndex(of: "("), let close = place.lastIndex(of: ")") {
                    which = place[place.index(after: open)..<close].components(separatedBy: ", ")
                } else {
                    // "each of the N runs": the runs with a folder not named on a line of its own.
                    which = which.filter { run in !lines.contains { $0.hasPrefix("wrote in \(parent)/\(run)/:") } }
                }
                folders = which.map { parent + "/" + $0 }
            } else {
                folders = [String(place.dropLast())]
            }
            for folder in folders { for name in names { named.insert(folder + "/" + name) } }
        }
        return named
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
