import Foundation
import Testing
import MindSpaceIO
import MindSpaceTestSupport

/// Outputs that cannot be written (issue 17, part 4): a full disk, a read-only folder, an output
/// path that is a file. Each fails with exit 73 or 74 and one
/// line naming the path and the cause, and leaves nothing behind (shared/cli.md).
@Suite struct OutputFaultTests {
    static let digits = CommandRunner.packageRoot.appendingPathComponent("datasets/digits.npy").path

    /// Every path under `folder`, hidden ones included, relative to it; empty when it is absent.
    static func everything(under folder: URL) -> [String] {
        guard let enumerator = FileManager.default.enumerator(atPath: folder.path) else { return [] }
        return (enumerator.allObjects as? [String] ?? []).sorted()
    }

    /// Commands that write files, each with its arguments before `--out`.
    static func writers(runs: URL) -> [[String]] {
        let checkpoints = (0..<3).map { runs.appendingPathComponent("group0-seed0/step_\($0 * 10).npy").path }
        return [["pca", digits], ["id", digits, "--estimator", "twonn"], ["project", digits, "--method", "random"],
                ["generate", "ball", "--n", "200", "--dimension", "3"], ["trajectory"] + checkpoints, ["batch", runs.path]]
    }

    /// The simulated full disk (`MINDSPACE_FAULT_NO_SPACE_AFTER_BYTES`): at the first byte, and
    /// part-way through the outputs, every command exits 74 saying the disk is full, and leaves
    /// no file, temporary or folder behind.
    @Test(arguments: [0, 5000])
    func fullDiskLeavesNothing(budget: Int) throws {
        let runs = try RunTree.write(RunTree.randomWalks(runs: 2, checkpoints: 3, parameters: 30, seed: 1))
        defer { try? FileManager.default.removeItem(at: runs) }
        for (index, arguments) in Self.writers(runs: runs).enumerated() {
            let out = runs.appendingPathComponent("out\(index)")
            let result = try CommandRunner.run(arguments + ["--quiet", "--out", out.path],
                                               environment: ["MINDSPACE_FAULT_NO_SPACE_AFTER_BYTES": String(budget)])
            #expect(result.status == 74, "\(arguments): \(result.stderr)")
            #expect(result.stderr.hasPrefix("mindspace: \(out.path)/"), "\(arguments): \(result.stderr)")
            #expect(result.stderr.hasSuffix("writing failed: no space left on device\n"), "\(arguments): \(result.stderr)")
            let left = Self.everything(under: out)
            if arguments[0] == "batch" {
                // Passes finished before the disk filled stay cached (complete files, for a
                // rerun); nothing half-written and no report.
                #expect(!left.contains { $0.contains(".partial-") || $0.hasSuffix("batch.json") }, "\(left)")
            } else {
                #expect(!FileManager.default.fileExists(atPath: out.path), "\(arguments): left \(left)")
            }
        }
    }

    /// A real full file system: a 64 KiB tmpfs in a private mount namespace, where the machine
    /// allows one (`unshare -r -m`); the simulated disk above covers the others.
    @Test(.enabled(if: CommandRunner.canMountPrivateTmpfs))
    func realFullFileSystemLeavesNothing() throws {
        let folder = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let script = """
            unshare -r -m sh -c 'mount -t tmpfs -o size=64k none "$0" || exit 99
            "$MINDSPACE" pca "$1" --quiet --out "$0/out"; status=$?
            find "$0" -mindepth 1 | sed "s/^/LEFT /"; exit $status' "\(folder.path)" "\(Self.digits)"
            """
        let result = try CommandRunner.runInShell(script)
        #expect(result.status == 74, "\(result.stderr)")
        #expect(result.stderr.hasSuffix("writing failed: no space left on device\n"), "\(result.stderr)")
        #expect(!result.stdout.contains("LEFT"), "\(result.stdout)")
    }

    /// A read-only output folder: exit 73 naming it and the cause. A read-only tmpfs where the
    /// machine allows one; else, for a user other than root (whom permissions do not stop), a
    /// folder without write permission.
    @Test(.enabled(if: CommandRunner.canMountPrivateTmpfs || getuid() != 0))
    func readOnlyOutputFolderIsRefused() throws {
        let folder = try CommandRunner.temporaryFolder()
        defer {
            chmod(folder.path, 0o755)
            try? FileManager.default.removeItem(at: folder)
        }
        let result: CommandRunner.Result
        if CommandRunner.canMountPrivateTmpfs {
            let script = """
                unshare -r -m sh -c 'mount -t tmpfs -o ro none "$0" || exit 99
                exec "$MINDSPACE" pca "$1" --quiet --out "$0/out"' "\(folder.path)" "\(Self.digits)"
                """
            result = try CommandRunner.runInShell(script)
            #expect(result.stderr.contains("read-only file system"), "\(result.stderr)")
        } else {
            chmod(folder.path, 0o555)
            result = try CommandRunner.run(["pca", Self.digits, "--quiet", "--out", folder.appendingPathComponent("out").path])
            #expect(result.stderr.contains("permission denied"), "\(result.stderr)")
        }
        #expect(result.status == 73, "\(result.stderr)")
        #expect(result.stderr.hasPrefix("mindspace: \(folder.path)/out: cannot create the output folder: "), "\(result.stderr)")
        #expect(Self.everything(under: folder).isEmpty)
    }

    /// `--out` naming a file, or a folder below a file: exit 73, "it is a file", the file
    /// untouched.
    @Test func outputPathThatIsAFileIsRefused() throws {
        let folder = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("results")
        try Data("mine".utf8).write(to: file)
        let runs = try RunTree.write(RunTree.randomWalks(runs: 2, checkpoints: 3, parameters: 30, seed: 2))
        defer { try? FileManager.default.removeItem(at: runs) }
        for arguments in Self.writers(runs: runs) {
            for out in [file.path, file.appendingPathComponent("deeper").path] {
                let result = try CommandRunner.run(arguments + ["--quiet", "--out", out])
                #expect(result.status == 73, "\(arguments) \(out): \(result.stderr)")
                #expect(result.stderr == "mindspace: \(file.path): cannot create the output folder: it is a file\n",
                        "\(arguments) \(out): \(result.stderr)")
            }
        }
        #expect(try Data(contentsOf: file) == Data("mine".utf8))
        #expect(Self.everything(under: folder) == ["results"])
    }
}
