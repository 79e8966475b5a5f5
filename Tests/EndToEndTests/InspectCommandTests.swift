import Foundation
import Testing
import MindSpaceTestSupport

/// `mindspace inspect` run as a user would, against fixtures written by numpy and safetensors.
@Suite struct InspectCommandTests {
    static let fixtures = CommandRunner.packageRoot.appendingPathComponent("Tests/MindSpaceTestSupport/Fixtures")

    @Test func statisticsMatchTheValuesSafetensorsWrote() throws {
        let file = Self.fixtures.appendingPathComponent("safetensors/all_dtypes.safetensors").path
        let expected = try JSONSerialization.jsonObject(
            with: Data(contentsOf: Self.fixtures.appendingPathComponent("safetensors/expected.json"))) as? [String: Any]
        let tensors = try #require((expected?["all_dtypes"] as? [String: Any])?["tensors"] as? [[String: Any]])
        let result = try CommandRunner.run(["inspect", "--stats", "--json", file])
        #expect(result.status == 0, "\(result.stderr)")
        let files = try #require(result.json?["files"] as? [[String: Any]])
        #expect(files.count == 1 && files[0]["format"] as? String == "safetensors")
        let reported = try #require(files[0]["tensors"] as? [[String: Any]])
        #expect(reported.count == tensors.count)
        for tensor in tensors {
            let name = try #require(tensor["name"] as? String)
            let values = (tensor["values"] as? [String] ?? []).compactMap(Double.init)
            let entry = try #require(reported.first { $0["name"] as? String == name }, "\(name)")
            #expect(entry["shape"] as? [Int] == tensor["shape"] as? [Int], "\(name)")
            let stats = try #require(entry["stats"] as? [String: Any])
            let finite = values.filter(\.isFinite)
            #expect(stats["count"] as? Int == values.count, "\(name)")
            #expect(stats["nonfinite"] as? Int == values.count - finite.count, "\(name)")
            // The fixture's values are exact; a sum of ≤ 16 of them in Double is within
            // 16 · 2⁻⁵³ · Σ|x| of the compensated sum the command reports.
            let sum = finite.reduce(0, +)
            let bound = 16 * 0x1p-53 * finite.reduce(0) { $0 + abs($1) }
            if let reportedSum = stats["sum"] as? Double {
                #expect(abs(reportedSum - sum) <= bound, "\(name): \(reportedSum) vs \(sum)")
            }
            // min/max are exact in the output, but Foundation's JSONSerialization on Linux can be
            // off by an ulp or two when parsing it back: compare to 4 ulps.
            if let minimum = finite.min() { #expect(nearlyEqual(stats["min"] as? Double, minimum), "\(name)") }
            if let maximum = finite.max() { #expect(nearlyEqual(stats["max"] as? Double, maximum), "\(name)") }
        }
    }

    private func nearlyEqual(_ parsed: Double?, _ exact: Double) -> Bool {
        guard let parsed else { return false }
        return abs(parsed - exact) <= 4 * exact.ulp
    }

    @Test func listsEveryFormat() throws {
        let files = ["npy/f8_le.npy", "npy/compressed.npz", "safetensors/sharded/model.safetensors.index.json",
                     "text/points.tsv", "text/points_bom_crlf.csv"].map { Self.fixtures.appendingPathComponent($0).path }
        let result = try CommandRunner.run(["inspect", "--json"] + files)
        #expect(result.status == 0, "\(result.stderr)")
        let formats = (result.json?["files"] as? [[String: Any]])?.compactMap { $0["format"] as? String }
        #expect(formats == ["npy", "npz", "safetensors-sharded", "tsv", "csv"])
        let text = try CommandRunner.run(["inspect"] + files)
        #expect(text.status == 0 && text.stdout.contains("f8_le"))
    }

    /// A run folder stands for its checkpoint files in natural order (step_2 before step_10), as
    /// `trajectory` reads it; before, `inspect` refused any folder.
    @Test func aRunFolderListsItsCheckpointsInNaturalOrder() throws {
        let folder = Self.fixtures.appendingPathComponent("checkpoints/trajectory").path
        let result = try CommandRunner.run(["inspect", "--json", folder])
        #expect(result.status == 0, "\(result.stderr)")
        let paths = (result.json?["files"] as? [[String: Any]])?.compactMap { $0["path"] as? String }
        #expect(paths == (1...12).map { "\(folder)/step_\($0).safetensors" })
        let text = try CommandRunner.run(["inspect", folder + "/"])
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.contains("\(folder)/step_2.safetensors  (safetensors"))
    }

    /// A sharded checkpoint's folder is one checkpoint: its index, with every shard's tensors.
    @Test func aShardedCheckpointFolderIsOneCheckpoint() throws {
        let folder = Self.fixtures.appendingPathComponent("checkpoints/sharded/checkpoint-1").path
        let result = try CommandRunner.run(["inspect", "--json", folder])
        #expect(result.status == 0, "\(result.stderr)")
        let files = try #require(result.json?["files"] as? [[String: Any]])
        #expect(files.count == 1)
        #expect(files.first?["path"] as? String == folder + "/model.safetensors.index.json")
        #expect(files.first?["format"] as? String == "safetensors-sharded")
        let direct = try CommandRunner.run(["inspect", "--json", folder + "/model.safetensors.index.json"])
        let tensors = { (json: [String: Any]?) in
            ((json?["files"] as? [[String: Any]])?.first?["tensors"] as? [[String: Any]])?.compactMap { $0["name"] as? String }
        }
        #expect(tensors(result.json) == tensors(direct.json) && tensors(result.json)?.isEmpty == false)
    }

    /// Shapes are left-aligned as a whole: a 1-D shape ("24") was right-aligned like a number
    /// under "24×40".
    @Test func shapesStartTheirColumn() throws {
        let folder = Self.fixtures.appendingPathComponent("checkpoints/sharded/checkpoint-1").path
        let result = try CommandRunner.run(["inspect", folder])
        let lines = result.stdout.split(separator: "\n").map(String.init)
        let header = try #require(lines.first { $0.hasPrefix("  name ") })
        let column = try #require(header.range(of: "shape")).lowerBound.utf16Offset(in: header)
        for (name, shape) in [("encoder.weight", "24×40"), ("encoder.bias", "24"), ("head.bias", "5")] {
            let line = try #require(lines.first { $0.hasPrefix("  \(name) ") })
            #expect(String(line.dropFirst(column)).hasPrefix(shape), "\(line)")
        }
    }

    /// A `.npy` file's array has one name in every command: `array`, the name `trajectory`
    /// needs for a folder of `.npy` checkpoints (before, `inspect` called it after the file).
    @Test func npyArrayHasTheNameTrajectoryUses() throws {
        let folder = Self.fixtures.appendingPathComponent("checkpoints/npy").path
        let result = try CommandRunner.run(["inspect", "--json", folder])
        #expect(result.status == 0, "\(result.stderr)")
        let names = (result.json?["files"] as? [[String: Any]])?.flatMap { file in
            (file["tensors"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
        }
        #expect(names == Array(repeating: "array", count: 5))
        let out = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: out) }
        let trajectory = try CommandRunner.run(["trajectory", folder, "--tensors", "^nothing$", "--quiet", "--out", out.path])
        #expect(trajectory.status != 0 && trajectory.stderr.contains("it has: array ("), "\(trajectory.stderr)")
        let selected = try CommandRunner.run(["trajectory", folder, "--tensors", "^array$", "--quiet", "--json", "--out", out.path])
        #expect(selected.status == 0, "\(selected.stderr)")
    }

    /// Bad input: one line on stderr naming the file (`mindspace: FILE: reason`), the sysexits
    /// code, and the good file's report on stdout all the same (before, one bad file hid it).
    @Test(arguments: [
        ("safetensors/malformed/truncated.safetensors", Int32(65)),
        ("npy/bad_magic.npy", 65),
        ("text/ragged.tsv", 65),
        ("does-not-exist.npy", 66),
    ])
    func badInputFailsCleanly(path: String, status: Int32) throws {
        let good = Self.fixtures.appendingPathComponent("npy/f8_le.npy").path
        let bad = Self.fixtures.appendingPathComponent(path).path
        let result = try CommandRunner.run(["inspect", "--stats", bad, good])
        #expect(result.status == status)
        #expect(result.stdout.hasPrefix("\(good)  (npy, "), "\(result.stdout)")
        #expect(!result.stdout.contains(bad))
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1 && lines[0].hasPrefix("mindspace: \(bad): "), "\(result.stderr)")
    }

    /// With `--json`, a file that failed is an entry with `error` {`code`, `message`} in place of
    /// its format and tensors; the others keep their keys; the exit status is the first failure's.
    @Test func jsonReportsEachFailedFileWithItsError() throws {
        let good = Self.fixtures.appendingPathComponent("npy/f8_le.npy").path
        let missing = Self.fixtures.appendingPathComponent("does-not-exist.npy").path
        let malformed = Self.fixtures.appendingPathComponent("npy/bad_magic.npy").path
        let result = try CommandRunner.run(["inspect", "--json", good, missing, malformed])
        #expect(result.status == 66, "the first failure (missing) decides: \(result.stderr)")
        let files = try #require(result.json?["files"] as? [[String: Any]])
        #expect(files.compactMap { $0["path"] as? String } == [good, missing, malformed])
        #expect(Set(files[0].keys) == ["path", "format", "bytes", "tensors"])
        for (entry, code) in zip(files[1...], [66, 65]) {
            #expect(Set(entry.keys) == ["path", "error"])
            let error = try #require(entry["error"] as? [String: Any])
            #expect(error["code"] as? Int == code)
            let message = try #require(error["message"] as? String)
            #expect(!message.isEmpty && !message.contains("\n"))
        }
        #expect(result.stderr.split(separator: "\n").count == 2, "\(result.stderr)")
    }

    /// A folder without checkpoints is one failed entry; the files after it are still reported.
    @Test func aFolderWithoutCheckpointsIsOneFailedEntry() throws {
        let empty = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: empty) }
        let good = Self.fixtures.appendingPathComponent("npy/f8_le.npy").path
        let result = try CommandRunner.run(["inspect", empty.path, good])
        #expect(result.status == 66)
        #expect(result.stdout.hasPrefix("\(good)  (npy, "))
        #expect(result.stderr.hasPrefix("mindspace: \(empty.path): no checkpoints here"), "\(result.stderr)")
    }

    @Test func usageErrorsExit64OnOneLine() throws {
        let result = try CommandRunner.run(["inspect", "--no-such-flag", "x.npy"])
        #expect(result.status == 64)
        #expect(result.stderr.split(separator: "\n").count == 1)
    }
}
