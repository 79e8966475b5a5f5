import Foundation
import Testing
import MindSpaceTestSupport

/// PyTorch files through the built binary: `inspect --stats` agrees with torch, unsafe and
/// malformed pickles are refused with exit 65 and nothing else, and a trajectory saved as `.pt`
/// or `.ckpt` equals the same run saved as safetensors, value for value.
@Suite struct PyTorchCommandTests {
    static let fixtures = CommandRunner.packageRoot.appendingPathComponent("Tests/MindSpaceTestSupport/Fixtures")

    private func path(_ relative: String) -> String {
        Self.fixtures.appendingPathComponent("pytorch").appendingPathComponent(relative).path
    }

    /// A Lightning checkpoint's hyper-parameters, epoch and optimizer settings are listed with
    /// their Python types and values (as `make_fixtures.py` saved them), not analysed.
    @Test func inspectListsTheNonTensorValuesOfACheckpoint() throws {
        let result = try CommandRunner.run(["inspect", "--json", path("lightning.ckpt")])
        #expect(result.status == 0, "\(result.stderr)")
        let files = try #require(result.json?["files"] as? [[String: Any]])
        let metadata = try #require(files.first?["metadata"] as? [[String: Any]])
        let byKey = Dictionary(metadata.compactMap { entry in (entry["key"] as? String).map { ($0, entry) } }) { first, _ in first }
        #expect(byKey["epoch"]?["type"] as? String == "int" && byKey["epoch"]?["value"] as? Int == 3)
        #expect(byKey["hyper_parameters.lr"]?["type"] as? String == "float")
        #expect(byKey["hyper_parameters.lr"]?["value"] as? Double == 1e-3)
        #expect(byKey["hyper_parameters.name"]?["value"] as? String == "tiny")
        #expect(byKey["optimizer_states.0.param_groups.0.foreach"]?["type"] as? String == "None")
        let text = try CommandRunner.run(["inspect", path("lightning.ckpt")])
        #expect(text.stdout.contains("hyper_parameters.lr"), "\(text.stdout)")
    }

    /// Statistics equal torch's: min and max within 1e-15 relative (exact values; Foundation's
    /// JSON parser on Linux may round the last digit), the rest within 1e-12 relative (the
    /// command sums in compensated Double, torch in float64 pairwise; at most 30 elements).
    @Test(arguments: ["zip/state.pt", "legacy/state.pt", "big_endian.pt", "lightning.ckpt"])
    func inspectStatisticsAgreeWithTorch(_ name: String) throws {
        let answer = try PyTorchFixtures.answer(name)
        let result = try CommandRunner.run(["inspect", "--stats", "--json", path(name)])
        #expect(result.status == 0, "\(result.stderr)")
        let files = try #require(result.json?["files"] as? [[String: Any]])
        #expect(files.first?["format"] as? String == "pytorch")
        let tensors = try #require(files.first?["tensors"] as? [[String: Any]])
        #expect(tensors.compactMap { $0["name"] as? String } == answer.order)
        for entry in tensors {
            let name = try #require(entry["name"] as? String)
            let truth = try #require(answer.tensors[name])
            #expect(entry["dtype"] as? String == truth.dtype)
            guard let expected = truth.stats else { continue }
            let stats = try #require(entry["stats"] as? [String: Any])
            #expect(stats["count"] as? Int == Int(expected["count"] ?? -1), "\(name)")
            for key in ["min", "max", "sum", "mean", "std", "l2"] {
                let got = try #require(stats[key] as? Double), want = try #require(expected[key])
                let tolerance = key == "min" || key == "max" ? 1e-15 * abs(want) : 1e-12 * max(1, abs(want))
                #expect(abs(got - want) <= tolerance, "\(name) \(key): \(got) vs \(want)")
            }
        }
    }

    @Test(arguments: [
        ("malicious/os_system.pt", "posix.system", "-os-system"),
        ("malicious/legacy_os_system.pt", "posix.system", "-os-system"),
        ("malicious/eval.pt", "builtins.eval", "-eval"),
        ("malicious/popen.pt", "subprocess.Popen", "-popen"),
        ("malicious/user_class.pt", "__main__.Config", "-user-class"),
    ])
    func unsafePicklesAreRefusedAndNothingRuns(_ name: String, _ global: String, _ suffix: String) throws {
        let sentinel = PyTorchFixtures.sentinelPrefix + suffix
        try? FileManager.default.removeItem(atPath: sentinel)
        let out = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: out) }
        for arguments in [["inspect", "--stats", path(name)], ["pca", path(name), "--out", out.path]] {
            let result = try CommandRunner.run(arguments)
            #expect(result.status == 65)
            #expect(result.stdout.isEmpty)
            let lines = result.stderr.split(separator: "\n")
            #expect(lines.count == 1, "\(result.stderr)")
            #expect(result.stderr.hasPrefix("mindspace: \(path(name)): "))
            #expect(result.stderr.contains("refused global '\(global)'"), "\(result.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: sentinel))
        #expect(try FileManager.default.contentsOfDirectory(atPath: out.path).isEmpty)
    }

    @Test(arguments: [
        ("malicious/deep_list.pt", "nested more than 1000 levels deep"),
        ("malformed/truncated.pt", "truncated"),
        ("malformed/missing_storage.pt", "refers to storage '7'"),
        ("malformed/short_storage.pt", "only 12 bytes are stored"),
        ("malformed/view_past_storage.pt", "needs 32 bytes of storage '0'"),
        ("malformed/unknown_opcode.pt", "unknown pickle opcode 0xFF"),
    ])
    func malformedFilesAreOneLineExit65(_ name: String, _ reason: String) throws {
        let result = try CommandRunner.run(["inspect", "--json", path(name)])
        #expect(result.status == 65)
        #expect(result.stderr.split(separator: "\n").count == 1)
        #expect(result.stderr.contains(reason), "\(result.stderr)")
        let error = try #require(result.json?["error"] as? [String: Any])
        #expect(error["code"] as? Int == 65)
    }

    @Test func namesFromTheFileAreEscapedOnTheTerminal() throws {
        let result = try CommandRunner.run(["inspect", path("escaped_names.pt")])
        #expect(result.status == 0)
        #expect(result.stdout.contains("evil\\x1B[31m\\x0Aname"))
        #expect(!result.stdout.contains("\u{1B}"))
    }

    @Test func tensorOptionPicksAViewFromAPyTorchFile() throws {
        let out = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: out) }
        let result = try CommandRunner.run(["pca", path("zip/state.pt"), "--tensor", "model.transposed",
                                            "--json", "--out", out.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.json?["n"] as? Int == 5 && result.json?["d"] as? Int == 6)
    }

    /// The keys of a trajectory report that do not name files (equal for equal inputs), as
    /// canonical JSON text.
    private func spectrum(_ arguments: [String]) throws -> String {
        let out = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: out) }
        let result = try CommandRunner.run(["trajectory", "--json", "--out", out.path] + arguments)
        #expect(result.status == 0, "\(result.stderr)")
        var report = try #require(result.json)
        for key in ["images", "report", "coordinates", "provenance", "bytes_read"] { report[key] = nil }
        let checkpoints = report["checkpoints"] as? [[String: Any]] ?? []
        report["checkpoints"] = checkpoints.map { $0.filter { !["path", "bytes", "format"].contains($0.key) } }
        return String(decoding: try JSONSerialization.data(withJSONObject: report, options: [.sortedKeys]), as: UTF8.self)
    }

    @Test func trajectoryOverPtAndCkptEqualsSafetensors() throws {
        let reference = try spectrum([Self.fixtures.appendingPathComponent("checkpoints/trajectory").path])
        #expect(reference.contains("\"explained_variance_ratio\":[0."))
        let pt = try spectrum([path("trajectory_pt")])
        let ckpt = try spectrum([path("trajectory_ckpt")])
        #expect(pt == reference)
        #expect(ckpt == reference)
    }

    /// One set mixing safetensors, zip .pt, legacy .pt and Lightning .ckpt checkpoints.
    @Test func trajectoryOverAMixedSetEqualsSafetensors() throws {
        let folder = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let manager = FileManager.default
        for step in 1...12 {
            let (source, ext): (String, String)
            switch step % 3 {
            case 0: (source, ext) = (Self.fixtures.appendingPathComponent("checkpoints/trajectory/step_\(step).safetensors").path, "safetensors")
            case 1: (source, ext) = (path("trajectory_pt/step_\(step).pt"), "pt")
            default: (source, ext) = (path("trajectory_ckpt/step_\(step).ckpt"), "ckpt")
            }
            try manager.copyItem(atPath: source, toPath: folder.appendingPathComponent("step_\(step).\(ext)").path)
        }
        let reference = try spectrum([Self.fixtures.appendingPathComponent("checkpoints/trajectory").path])
        #expect(try spectrum([folder.path]) == reference)
    }
}
