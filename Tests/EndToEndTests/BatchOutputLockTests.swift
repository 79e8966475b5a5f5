import Foundation
import Testing
import MindSpaceIO
import MindSpaceTestSupport

/// Two `batch` processes on one `--out` (issue 17, part 4): the folder is locked (`flock`), so
/// the second refuses at once instead of interleaving files; the kernel drops the lock however
/// the holder ends (the SIGKILL test reruns into a folder whose holder was killed).
@Suite struct BatchOutputLockTests {
    /// A second `batch` on an `--out` that another holds refuses at once (exit 73) and writes
    /// nothing; once the holder is gone, the same command succeeds.
    @Test func secondBatchOnTheSameOutputRefusesAtOnce() throws {
        let runs = try RunTree.write(RunTree.randomWalks(runs: 2, checkpoints: 3, parameters: 30, seed: 3))
        defer { try? FileManager.default.removeItem(at: runs) }
        let out = runs.appendingPathComponent("out")
        // This test process plays the first batch: it holds the folder's lock as `batch` does.
        let holder = try OutputFolderLock.acquire(folder: out.path, command: "batch")
        let refused = try CommandRunner.run(["batch", runs.path, "--quiet", "--out", out.path])
        #expect(refused.status == 73, "\(refused.stderr)")
        #expect(refused.stderr == "mindspace: \(out.path): another 'mindspace batch' is writing into this folder; "
                + "wait for it to finish or choose another --out\n", "\(refused.stderr)")
        #expect(OutputFaultTests.everything(under: out).isEmpty)
        holder.release()
        let after = try CommandRunner.run(["batch", runs.path, "--quiet", "--out", out.path])
        #expect(after.status == 0, "\(after.stderr)")
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("batch.json").path))
    }
}
