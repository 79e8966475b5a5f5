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

    /// Bad input: one line on stderr naming the file, the sysexits code, nothing on stdout even
    /// when an earlier file was fine.
    @Test(arguments: [
        ("safetensors/malformed/truncated.safetensors", Int32(65)),
        ("npy/bad_magic.npy", 65),
        ("text/ragged.tsv", 65),
        ("does-not-exist.npy", 66),
    ])
    func badInputFailsCleanly(path: String, status: Int32) throws {
        let good = Self.fixtures.appendingPathComponent("npy/f8_le.npy").path
        let bad = Self.fixtures.appendingPathComponent(path).path
        let result = try CommandRunner.run(["inspect", "--stats", good, bad])
        #expect(result.status == status)
        #expect(result.stdout.isEmpty)
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1 && lines[0].contains(bad), "\(result.stderr)")
    }

    @Test func usageErrorsExit64OnOneLine() throws {
        let result = try CommandRunner.run(["inspect", "--no-such-flag", "x.npy"])
        #expect(result.status == 64)
        #expect(result.stderr.split(separator: "\n").count == 1)
    }
}
