import Foundation
import Testing
import MindSpaceTestSupport

/// The same command writes the same numbers for any `--threads` (the project's rule): PCA's
/// products and MDS's landmark distances ran on multi-threaded OpenBLAS and differed in the last
/// bits between 1 and 3 threads.
@Suite struct ThreadCountDeterminismTests {
    static let digits = CommandRunner.packageRoot.appendingPathComponent("datasets/digits.npy").path
    static let runs = CommandRunner.packageRoot.appendingPathComponent("datasets/trajectories/runs").path

    @Test(arguments: [
        (["pca", digits, "--components", "20"], ["components.npy", "scores.npy", "mean.npy"]),
        (["project", digits, "--method", "mds"], ["coordinates.npy"]),
        (["project", digits, "--method", "isomap"], ["coordinates.npy"]),
        (["contrast", digits, "--estimator", "twonn"], ["manifold-coordinates.npy", "sphere-coordinates.npy"]),
        (["align", runs + "/subset0-seed0/epoch_20.safetensors", runs + "/subset1-seed2/epoch_20.safetensors"],
         ["epoch_20.aligned.safetensors"]),
    ])
    func arraysAreIdenticalForOneAndThreeThreads(_ arguments: [String], _ files: [String]) throws {
        let folder = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        var written: [[Data]] = []
        for threads in ["1", "3"] {
            let out = folder.appendingPathComponent("t" + threads)
            let result = try CommandRunner.run(arguments + ["--threads", threads, "--quiet", "--out", out.path])
            #expect(result.status == 0, "\(result.stderr)")
            written.append(try files.map { try Data(contentsOf: out.appendingPathComponent($0)) })
        }
        for (index, file) in files.enumerated() {
            #expect(written[0][index] == written[1][index], "\(file) differs between --threads 1 and 3")
        }
    }

    /// `groups` (issue 19): every measure, interval and p-value the same for 1 and 3 threads.
    @Test func groupMeasuresAreIdenticalForOneAndThreeThreads() throws {
        let labels = CommandRunner.packageRoot.appendingPathComponent("datasets/digits-labels.tsv").path
        let folder = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        var reports: [String] = []
        for threads in ["1", "3"] {
            let result = try CommandRunner.run(["groups", Self.digits, "--groups", labels, "--permutations", "99",
                                                "--threads", threads, "--json", "--out", folder.appendingPathComponent(threads).path])
            #expect(result.status == 0, "\(result.stderr)")
            let json = try #require(result.json)
            let measures: [String: Any] = ["pair": json["pair"] ?? NSNull(), "groups": json["groups"] ?? NSNull()]
            let data = try JSONSerialization.data(withJSONObject: measures, options: [.sortedKeys])
            reports.append(String(decoding: data, as: UTF8.self))
        }
        #expect(reports[0] == reports[1])
    }
}
