import Foundation
import Testing
import MindSpaceTestSupport

/// `mindspace groups` end to end: the digits by class, and the one-line errors of bad input.
@Suite struct GroupsCommandTests {
    static let digits = CommandRunner.packageRoot.appendingPathComponent("datasets/digits.npy").path
    static let labels = CommandRunner.packageRoot.appendingPathComponent("datasets/digits-labels.tsv").path

    @Test func digitClassesAreSeparatedGroups() throws {
        let folder = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try CommandRunner.run(["groups", Self.digits, "--groups", Self.labels, "--pair", "1,7",
                                            "--permutations", "199", "--json", "--quiet", "--out", folder.path])
        #expect(result.status == 0, "\(result.stderr)")
        let json = try #require(result.json)
        let groups = try #require(json["groups"] as? [[String: Any]])
        #expect(groups.count == 10)
        #expect(groups.allSatisfy { ($0["n"] as? Int ?? 0) > 170 && ($0["id"] as? Double ?? 0) > 2 })
        let pair = try #require(json["pair"] as? [String: Any])
        #expect(pair["a"] as? String == "1" && pair["b"] as? String == "7")
        let mixing = try #require(pair["mixing"] as? Double), null = try #require(pair["mixing_null"] as? Double)
        // Different digits keep apart: almost no neighbour of the other class, a near-perfect
        // classifier, the smallest p-values 199 shuffles allow, and few 7s inside the 1s.
        #expect(mixing < 0.05 && abs(null - 0.5) < 0.01)
        #expect(pair["p_value"] as? Double == 1.0 / 200 && pair["classifier_p_value"] as? Double == 1.0 / 200)
        #expect((pair["classifier_accuracy"] as? Double ?? 0) > 0.95)
        #expect((pair["within_share"] as? Double ?? 1) < 0.2)
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("groups.json").path))
    }

    /// Wrong label count, a --pair naming no group, a group too small for --k: one line naming the
    /// file or the option, the documented exit status, and no output folder.
    @Test(arguments: [
        (["--groups", "SHORT"], Int32(65), "short.tsv"),
        (["--groups", labels, "--pair", "1,zebra"], Int32(64), "--pair"),
        (["--groups", labels, "--pair", "1"], Int32(64), "--pair"),
        (["--groups", labels, "--k", "500"], Int32(64), "--k 500"),
    ])
    func badInputIsOneLineAndWritesNothing(_ arguments: [String], status: Int32, mention: String) throws {
        let folder = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let short = folder.appendingPathComponent("short.tsv")
        try Data("0\n1\n".utf8).write(to: short)
        let out = folder.appendingPathComponent("out")
        let result = try CommandRunner.run(["groups", Self.digits] + arguments.map { $0 == "SHORT" ? short.path : $0 }
                                           + ["--out", out.path])
        #expect(result.status == status, "\(result.stderr)")
        #expect(result.stderr.contains(mention), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out.path))
    }
}
