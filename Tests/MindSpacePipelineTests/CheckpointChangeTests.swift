import Foundation
import Testing
import MindSpaceCore
import MindSpaceIO
import MindSpaceCheckpoints
@testable import MindSpacePipeline
import MindSpaceTestSupport

/// A checkpoint truncated, grown or replaced while `trajectory` or `batch` streams it (issue 17,
/// part 4): each pass compares every file's device, inode, size and modification time before
/// and after (`CheckpointSet.verifyUnchanged`), so the job fails naming the file and the change,
/// and writes nothing. The change is made from the job's own `progress` callback, which runs
/// after the pass has read its chunks and before it ends: no hook in the job, no timing.
struct CheckpointChangeTests {
    /// What happens to the file during the pass, and the words the error must use.
    enum Change: String, CaseIterable, Sendable {
        case replaced, truncated, grown

        var expected: String {
            switch self {
            case .replaced: return "was replaced by another file during the pass over the checkpoints"
            case .truncated, .grown: return "changed size from"
            }
        }

        /// Does it to `path` (a 50-value float64 `.npy` checkpoint).
        func apply(to path: String) {
            switch self {
            case .replaced:
                // A new file renamed over the name, as a trainer saving atomically does.
                let fresh = path + ".new"
                try? NpyWriter.encode(vector: [Double](repeating: 7, count: 50)).write(to: URL(fileURLWithPath: fresh))
                rename(fresh, path)
            case .truncated:
                truncate(path, 100)
            case .grown:
                if let handle = FileHandle(forWritingAtPath: path) {
                    handle.seekToEndOfFile()
                    handle.write(Data(repeating: 0, count: 64))
                    try? handle.close()
                }
            }
        }
    }

    /// Runs `body` at the first call only (progress comes after every chunk batch).
    final class Once: @unchecked Sendable {
        private var done = false
        private let body: () -> Void
        init(_ body: @escaping () -> Void) { self.body = body }
        func callAsFunction() {
            guard !done else { return }
            done = true
            body()
        }
    }

    static func files(under folder: URL) -> [String] {
        (FileManager.default.enumerator(atPath: folder.path)?.allObjects as? [String] ?? []).sorted()
    }

    @Test(arguments: Change.allCases)
    func trajectoryFailsAndWritesNothing(change: Change) throws {
        let root = try RunTree.write(RunTree.randomWalks(runs: 1, checkpoints: 4, parameters: 50, seed: 5))
        defer { try? FileManager.default.removeItem(at: root) }
        let run = root.appendingPathComponent("group0-seed0")
        let checkpoints = (0..<4).map { run.appendingPathComponent("step_\($0 * 10).npy").path }
        let out = root.appendingPathComponent("out")
        let once = Once { change.apply(to: checkpoints[2]) }
        let job = TrajectoryJob(checkpoints: checkpoints, outputFolder: out.path) { _, _ in once() }
        let error = try #require(throws: MindSpaceError.self) { try job.run() }
        #expect(error.file == checkpoints[2], "\(error)")
        #expect(error.reason.contains(change.expected), "\(error)")
        #expect(error.reason.contains("nothing was written"), "\(error)")
        #expect(error.exitCode == 65)
        #expect(!FileManager.default.fileExists(atPath: out.path), "\(Self.files(under: out))")
    }

    @Test(arguments: Change.allCases)
    func batchFailsAndWritesNoReport(change: Change) throws {
        let root = try RunTree.write(RunTree.randomWalks(runs: 2, checkpoints: 3, parameters: 50, seed: 6))
        defer { try? FileManager.default.removeItem(at: root) }
        let target = root.appendingPathComponent("group0-seed0/step_10.npy").path
        let out = root.appendingPathComponent("out")
        let once = Once { change.apply(to: target) }
        let job = BatchJob(root: root.path, outputFolder: out.path, progress: { _, _ in once() })
        let error = try #require(throws: MindSpaceError.self) { try job.run() }
        #expect(error.file == target, "\(error)")
        #expect(error.reason.contains(change.expected), "\(error)")
        // The failing run's pass is neither cached nor written, and there is no report.
        let left = Self.files(under: out)
        #expect(!left.contains { $0.hasPrefix("runs/") || $0.hasPrefix(".cache/") || $0.hasSuffix(".json") || $0.contains(".partial-") },
                "\(left)")
    }

    /// The check itself: an untouched set passes; a file removed after opening is `.missingInput`.
    @Test func untouchedSetPassesAndARemovedFileIsMissing() throws {
        let root = try RunTree.write(RunTree.randomWalks(runs: 1, checkpoints: 2, parameters: 10, seed: 7))
        defer { try? FileManager.default.removeItem(at: root) }
        let paths = (0..<2).map { root.appendingPathComponent("group0-seed0/step_\($0 * 10).npy").path }
        let set = try CheckpointSet(paths: paths)
        try set.verifyUnchanged()
        unlink(paths[1])
        let error = try #require(throws: MindSpaceError.self) { try set.verifyUnchanged() }
        #expect(error.kind == .missingInput && error.file == paths[1], "\(error)")
    }
}
