import Foundation
import Testing
@testable import MindSpaceCore
@testable import MindSpaceIO
@testable import MindSpaceProjection
import MindSpaceTestSupport

/// `mindspace project --method umap|tsne|isomap|mds` end to end: the files, the report's
/// parameters, the coordinates' quality and reproducibility, and the usage errors.
@Suite struct ProjectNonlinearCommandTests {
    static let digits = CommandRunner.packageRoot.appendingPathComponent("datasets/digits.npy").path
    static let labels = CommandRunner.packageRoot.appendingPathComponent("datasets/digits-labels.tsv").path

    private func coordinates(_ path: String) throws -> Matrix<Double> {
        try NpyReader.read(path: path).matrix(as: Double.self)
    }

    /// UMAP of the digits with their labels: report, picture and coordinates; the layout's
    /// trustworthiness is umap-learn's (see `UMAPTests` for the tolerance).
    @Test func umapOfTheDigits() throws {
        let folder = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let arguments = ["project", Self.digits, "--groups", Self.labels, "--method", "umap", "--seed", "3",
                         "--width", "800", "--height", "600", "--dpi", "100", "--json", "--out"]
        let result = try CommandRunner.run(arguments + [folder.path])
        #expect(result.status == 0, "\(result.stderr)")
        let json = try #require(result.json)
        #expect(json["method"] as? String == "umap")
        #expect(json["n"] as? Int == 1797 && json["groups"] as? Int == 10)
        let parameters = try #require(json["parameters"] as? [String: String])
        #expect(parameters["neighbors"] == "15" && parameters["min_dist"] == "0.1" && parameters["epochs"] == "500")
        #expect(parameters["seed"] == "3")
        let path = try #require(json["coordinates"] as? String)
        let layout = try coordinates(path)
        #expect(layout.rows == 1797 && layout.columns == 2)
        let peers = try ProjectionNonlinearFixtures.peers().digits
        let expected = peers.umap_trustworthiness.reduce(0, +) / Double(peers.umap_trustworthiness.count)
        let score = try Trustworthiness.score(original: try ProjectionNonlinearFixtures.digits(), embedded: layout, k: 10)
        #expect(abs(score - expected) <= 0.01)
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("projection.png").path))
    }

    /// Every nonlinear method writes the same coordinates, byte for byte, when run twice with
    /// the same seed (a 3-cluster set of 150 points, short runs; Isomap with 60 neighbours so the
    /// graph joins the clusters).
    @Test(arguments: [["--method", "umap", "--epochs", "50"], ["--method", "tsne", "--epochs", "300", "--perplexity", "10"],
                      ["--method", "isomap", "--neighbors", "60"], ["--method", "mds"]])
    func sameSeedSameCoordinates(options: [String]) throws {
        let folder = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let (data, _) = ProjectionNonlinearFixtures.gaussianClusters(perCluster: 50, dimension: 5, seed: 8)
        let input = folder.appendingPathComponent("clusters.npy")
        try NpyWriter.encode(data).write(to: input)
        var outputs: [Data] = []
        for run in ["a", "b"] {
            let out = folder.appendingPathComponent(run)
            let result = try CommandRunner.run(["project", input.path, "--seed", "7", "--width", "800", "--height", "600",
                                                "--dpi", "100", "--out", out.path] + options)
            #expect(result.status == 0, "\(options): \(result.stderr)")
            outputs.append(try Data(contentsOf: out.appendingPathComponent("coordinates.npy")))
        }
        #expect(outputs[0] == outputs[1])
    }

    /// Options that do not apply to the method, or out of range, are usage errors (exit 64)
    /// and write nothing.
    @Test func refusesOptionsOfOtherMethods() throws {
        let folder = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        for extra in [["--method", "pca", "--perplexity", "20"], ["--method", "umap", "--perplexity", "20"],
                      ["--method", "tsne", "--neighbors", "5"], ["--method", "umap", "--min-dist", "-1"],
                      ["--method", "isomap", "--neighbors", "0"]] {
            let out = folder.appendingPathComponent("out").path
            let result = try CommandRunner.run(["project", Self.digits, "--out", out] + extra)
            #expect(result.status == 64, "\(extra): \(result.stderr)")
            #expect(!FileManager.default.fileExists(atPath: out))
        }
    }

    /// Isomap on points in two separated groups: the disconnected-graph error names the file
    /// and exits 65 (malformed data).
    @Test func isomapOfDisconnectedDataFails() throws {
        let folder = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let (data, _) = ProjectionNonlinearFixtures.gaussianClusters(clusters: 2, perCluster: 30, dimension: 3, seed: 4)
        let input = folder.appendingPathComponent("two.npy")
        try NpyWriter.encode(data).write(to: input)
        let result = try CommandRunner.run(["project", input.path, "--method", "isomap", "--neighbors", "5",
                                            "--out", folder.appendingPathComponent("out").path])
        #expect(result.status == 65)
        #expect(result.stderr.contains("two.npy") && result.stderr.contains("connected components"))
    }
}
