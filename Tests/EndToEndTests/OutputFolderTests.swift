import Foundation
import Testing
import MindSpaceTestSupport

/// A command owns its output folder (issue 20, item 9): a rerun into the same folder removes the
/// files its previous run wrote and this one did not, and nothing else.
@Suite struct OutputFolderTests {
    static let digits = CommandRunner.packageRoot.appendingPathComponent("datasets/digits.npy").path

    private func files(in folder: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { !$0.hasPrefix(".") }.sorted()
    }

    @Test func rerunWithAnotherEstimatorRemovesTheStaleFigure() throws {
        let folder = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = folder.appendingPathComponent("out")
        let first = try CommandRunner.run(["id", Self.digits, "--estimator", "twonn", "--out", out.path])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(try files(in: out) == ["id.json", "twonn-fit.png"])
        // A file of the user's and one of another command share the folder.
        try Data("mine".utf8).write(to: out.appendingPathComponent("notes.txt"))
        #expect(try CommandRunner.run(["pca", Self.digits, "--components", "2", "--out", out.path]).status == 0)
        let second = try CommandRunner.run(["id", Self.digits, "--estimator", "mle", "--out", out.path])
        #expect(second.status == 0, "\(second.stderr)")
        #expect(second.stderr.contains("twonn-fit.png"), "\(second.stderr)")
        let left = try files(in: out)
        #expect(!left.contains("twonn-fit.png"), "\(left)")
        #expect(Set(left).isSuperset(of: ["id.json", "notes.txt", "pca.json", "scores.npy", "scree.png"]), "\(left)")
        // --quiet removes the same way, silently.
        let third = try CommandRunner.run(["id", Self.digits, "--estimator", "twonn", "--out", out.path, "--quiet"])
        #expect(third.status == 0 && third.stderr.isEmpty, "\(third.stderr)")
    }

    @Test func failedRunRemovesNothing() throws {
        let folder = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = folder.appendingPathComponent("out")
        #expect(try CommandRunner.run(["id", Self.digits, "--estimator", "twonn", "--out", out.path]).status == 0)
        let failed = try CommandRunner.run(["id", "missing.npy", "--estimator", "mle", "--out", out.path], in: folder)
        #expect(failed.status == 66)
        #expect(try files(in: out) == ["id.json", "twonn-fit.png"])
    }

    @Test func generatedSetsShareAFolder() throws {
        let folder = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        for name in ["ball", "sphere"] {
            let result = try CommandRunner.run(["generate", name, "--dimension", "3", "--n", "100", "--out", folder.path])
            #expect(result.status == 0, "\(result.stderr)")
        }
        #expect(try files(in: folder) == ["ball.json", "ball.npy", "sphere.json", "sphere.npy"])
    }
}
