import Foundation
import Testing
import MindSpaceCore
import MindSpaceTestSupport

/// `batch` killed with SIGKILL at seeded "random" moments, then rerun (issue 17, part 4): the
/// final output folder equals, byte for byte and file for file (hidden caches and manifests
/// included), that of a run never interrupted. The moments are output steps
/// (`MINDSPACE_FAULT_KILL_AT_STEP`: half-way through writing a file, after each rename), so the
/// test needs no timing and replays exactly.
@Suite struct BatchKillTests {
    /// Every file under `folder`, hidden ones included, relative path → bytes.
    static func snapshot(_ folder: URL) throws -> [String: Data] {
        var result: [String: Data] = [:]
        for relative in OutputFaultTests.everything(under: folder) {
            let url = folder.appendingPathComponent(relative)
            var isFolder: ObjCBool = false
            if FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder), !isFolder.boolValue {
                result[relative] = try Data(contentsOf: url)
            }
        }
        return result
    }

    @Test func killedAndRerunMatchesAnUninterruptedRun() throws {
        let root = try RunTree.write(RunTree.randomWalks(runs: 3, checkpoints: 3, parameters: 40, seed: 11))
        defer { try? FileManager.default.removeItem(at: root) }
        // Outside the run tree, which batch would otherwise list as ignored folders.
        let work = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: work) }
        // Each run writes `out` relative to its own folder, so reports name the same paths.
        let arguments = ["batch", root.path, "--quiet", "--out", "out"]
        let reference = work.appendingPathComponent("reference")
        try FileManager.default.createDirectory(at: reference, withIntermediateDirectories: true)
        let clean = try CommandRunner.run(arguments, in: reference)
        #expect(clean.status == 0, "\(clean.stderr)")
        let expected = try Self.snapshot(reference.appendingPathComponent("out"))
        #expect(expected.keys.contains("batch.json") && expected.keys.contains { $0.hasPrefix(".cache/") }, "\(expected.keys)")
        // Each file is at least two steps (half-way, renamed); a step past the end kills nothing.
        let steps = 2 * expected.count + 4
        var generator = SeededGenerator(seed: 17)
        var kills = 0
        for trial in 0..<5 {
            let folder = work.appendingPathComponent("trial\(trial)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            // One to three kills in a row, each at a seeded step, then a run left alone.
            for _ in 0..<(1 + Int(generator.next() % 3)) {
                let step = 1 + Int(generator.next() % UInt64(steps))
                let killed = try CommandRunner.run(arguments, in: folder, environment: ["MINDSPACE_FAULT_KILL_AT_STEP": String(step)])
                #expect(killed.status == SIGKILL || killed.status == 0, "step \(step): exit \(killed.status): \(killed.stderr)")
                if killed.status == SIGKILL { kills += 1 }
            }
            let rerun = try CommandRunner.run(arguments, in: folder)
            #expect(rerun.status == 0, "trial \(trial): \(rerun.stderr)")
            let got = try Self.snapshot(folder.appendingPathComponent("out"))
            #expect(got.keys.sorted() == expected.keys.sorted(), "trial \(trial)")
            for (name, bytes) in expected where got[name] != bytes {
                Issue.record("trial \(trial): \(name) differs from the uninterrupted run's")
            }
        }
        // The seeds above land most steps inside the run: the test must have killed something.
        #expect(kills >= 5, "only \(kills) runs were killed")
    }
}
