import Foundation
import Testing
import MindSpaceTestSupport

/// Symbolic-link loops in a run tree (issue 17, part 4): discovery never searches below a run's
/// sub-folders, so a folder link back up (`loop -> .`, `up -> ..`) cannot make it run forever,
/// and a checkpoint-named link that cannot be followed is an error naming it (exit 66), never a
/// checkpoint silently left out of a trajectory.
@Suite struct RunTreeLinkTests {
    /// A tree of two runs whose first run holds folder links back up the tree.
    static func treeWithFolderLoops() throws -> URL {
        let root = try RunTree.write(RunTree.randomWalks(runs: 2, checkpoints: 3, parameters: 20, seed: 8))
        let run = root.appendingPathComponent("group0-seed0")
        try FileManager.default.createSymbolicLink(atPath: run.appendingPathComponent("loop").path, withDestinationPath: ".")
        try FileManager.default.createSymbolicLink(atPath: run.appendingPathComponent("up").path, withDestinationPath: "..")
        try FileManager.default.createSymbolicLink(atPath: root.appendingPathComponent("root-loop").path, withDestinationPath: ".")
        return root
    }

    @Test func folderLoopsAreHarmless() throws {
        let root = try Self.treeWithFolderLoops()
        defer { try? FileManager.default.removeItem(at: root) }
        let out = root.appendingPathComponent("out")
        let batch = try CommandRunner.run(["batch", root.path, "--quiet", "--json", "--out", out.path])
        #expect(batch.status == 0, "\(batch.stderr)")
        // The two real runs; `root-loop` (a link to the root) holds no checkpoints of its own.
        let runs = try #require(batch.json?["runs"] as? [[String: Any]])
        #expect(runs.compactMap { $0["name"] as? String } == ["group0-seed0", "group1-seed1"])
        let trajectory = try CommandRunner.run(["trajectory", root.appendingPathComponent("group0-seed0").path, "--quiet", "--json",
                                                "--out", root.appendingPathComponent("t").path])
        #expect(trajectory.status == 0, "\(trajectory.stderr)")
        #expect(trajectory.json?["checkpoints"].map { "\($0)" }?.contains("step_20.npy") == true)
    }

    @Test func checkpointLinkLoopIsAnErrorNamingIt() throws {
        let root = try RunTree.write(RunTree.randomWalks(runs: 2, checkpoints: 3, parameters: 20, seed: 9))
        defer { try? FileManager.default.removeItem(at: root) }
        let run = root.appendingPathComponent("group1-seed1")
        let a = run.appendingPathComponent("step_30.npy").path, b = run.appendingPathComponent("step_40.npy").path
        try FileManager.default.createSymbolicLink(atPath: a, withDestinationPath: "step_40.npy")
        try FileManager.default.createSymbolicLink(atPath: b, withDestinationPath: "step_30.npy")
        let expected = "mindspace: \(a): is a symbolic link that cannot be followed: too many levels of symbolic links\n"
        for arguments in [["batch", root.path], ["trajectory", run.path]] {
            let out = root.appendingPathComponent("out-\(arguments[0])")
            let result = try CommandRunner.run(arguments + ["--quiet", "--out", out.path])
            #expect(result.status == 66, "\(arguments): \(result.stderr)")
            #expect(result.stderr == expected, "\(arguments): \(result.stderr)")
            #expect(!FileManager.default.fileExists(atPath: out.path), "\(arguments)")
        }
    }
}
