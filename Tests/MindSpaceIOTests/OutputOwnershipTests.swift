import Foundation
import Testing
@testable import MindSpaceIO
import MindSpaceTestSupport

/// A rerun into the same output folder removes what its previous run wrote and this one did not,
/// and nothing else (issue 20, item 9).
@Suite struct OutputOwnershipTests {
    /// A fresh folder with the given files (relative paths, each holding its own name).
    private func folder(with files: [String]) throws -> URL {
        let root = try CommandRunner.temporaryFolder()
        for file in files {
            let url = root.appendingPathComponent(file)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(file.utf8).write(to: url)
        }
        return root
    }

    private func exists(_ root: URL, _ file: String) -> Bool {
        FileManager.default.fileExists(atPath: root.appendingPathComponent(file).path)
    }

    @Test func rerunRemovesWhatOnlyThePreviousRunWrote() throws {
        let root = try folder(with: ["id.json", "twonn-fit.png", "notes.txt", "pca.json"])
        defer { try? FileManager.default.removeItem(at: root) }
        let path = { (name: String) in root.appendingPathComponent(name).path }
        // First run (TwoNN): wrote id.json and twonn-fit.png. pca.json belongs to another scope.
        #expect(try OutputOwnership.settle(folder: root.path, scope: "id", written: [path("id.json"), path("twonn-fit.png")], protecting: []).isEmpty)
        try OutputOwnership.settle(folder: root.path, scope: "pca", written: [path("pca.json")], protecting: [])
        // Second run (MLE): wrote only id.json.
        let removed = try OutputOwnership.settle(folder: root.path, scope: "id", written: [path("id.json")], protecting: [])
        #expect(removed == ["twonn-fit.png"])
        #expect(!exists(root, "twonn-fit.png"))
        #expect(exists(root, "id.json") && exists(root, "pca.json") && exists(root, "notes.txt"))
        let manifest = try String(contentsOf: root.appendingPathComponent(".mindspace-id.files"), encoding: .utf8)
        #expect(manifest == "id.json\n")
    }

    @Test func inputsAndFilesOutsideTheManifestAreKept() throws {
        let root = try folder(with: ["pointwise-mle.npy", "id.json", "runs/a/trajectory.json", "runs/b/trajectory.json"])
        defer { try? FileManager.default.removeItem(at: root) }
        let path = { (name: String) in root.appendingPathComponent(name).path }
        try OutputOwnership.settle(folder: root.path, scope: "id",
                                   written: ["pointwise-mle.npy", "id.json", "runs/a/trajectory.json", "runs/b/trajectory.json"].map(path),
                                   protecting: [])
        // The next run reads pointwise-mle.npy as its input and writes only id.json.
        let removed = try OutputOwnership.settle(folder: root.path, scope: "id", written: [path("id.json")],
                                                 protecting: [path("pointwise-mle.npy"), path("runs/b")])
        #expect(removed == ["runs/a/trajectory.json"])
        #expect(exists(root, "pointwise-mle.npy") && exists(root, "runs/b/trajectory.json"))
        // The folder left empty went with its file.
        #expect(!exists(root, "runs/a"))
    }

    @Test func aTamperedManifestCannotReachOutsideTheFolder() throws {
        let outside = try folder(with: ["keep.txt"])
        let root = try folder(with: ["id.json"])
        defer {
            try? FileManager.default.removeItem(at: root)
            try? FileManager.default.removeItem(at: outside)
        }
        let escape = "../" + outside.lastPathComponent + "/keep.txt"
        try Data("\(escape)\n\(outside.path)/keep.txt\nid.json\n".utf8).write(to: root.appendingPathComponent(".mindspace-id.files"))
        let removed = try OutputOwnership.settle(folder: root.path, scope: "id", written: [], protecting: [])
        #expect(removed == ["id.json"])
        #expect(exists(outside, "keep.txt"))
    }

    @Test func pathsAreComparedAfterResolvingDotsAndLinks() throws {
        let root = try folder(with: ["a/id.json"])
        defer { try? FileManager.default.removeItem(at: root) }
        let link = root.appendingPathComponent("link")
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: root.appendingPathComponent("a"))
        try OutputOwnership.settle(folder: root.appendingPathComponent("a").path, scope: "id",
                                   written: [root.appendingPathComponent("a/./id.json").path], protecting: [])
        // The same folder named through the link, the same file written: nothing is stale.
        let removed = try OutputOwnership.settle(folder: link.path, scope: "id", written: [link.appendingPathComponent("id.json").path],
                                                 protecting: [])
        #expect(removed.isEmpty)
        #expect(exists(root, "a/id.json"))
    }
}
