import Foundation
import Testing
@testable import MindSpaceRender
import MindSpaceTestSupport

/// `mindspace demo` on the shipped datasets: every figure and the index are written, the
/// headline numbers are what the parts measure, and a missing datasets folder is a clean error.
@Suite struct DemoCommandTests {
    @Test func writesEveryFigureAndTheIndex() throws {
        let folder = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let datasets = CommandRunner.packageRoot.appendingPathComponent("datasets").path
        let result = try CommandRunner.run(["demo", "--datasets", datasets, "--json", "--quiet", "--out", folder.path])
        #expect(result.status == 0, "\(result.stderr)")
        let json = try #require(result.json)
        let images = try #require(json["images"] as? [String])
        #expect(images.count >= 3)
        for image in images {
            let png = try PNGCodec.decode(Data(contentsOf: URL(fileURLWithPath: image)), file: image)
            #expect(png.width >= 1600, "\(image)")
        }
        let sections = try #require(json["sections"] as? [[String: Any]])
        #expect(sections.count >= 2)
        for section in sections {
            // Every shipped data set lies on a structure of lower dimension than its null model.
            let data = try #require(section["manifold_id"] as? Double), null = try #require(section["sphere_id"] as? Double)
            #expect(data < null, "\(section["heading"] ?? "")")
        }
        let index = try String(contentsOfFile: try #require(json["report"] as? String).replacingOccurrences(of: "demo.json", with: "index.md"),
                               encoding: .utf8)
        #expect(index.contains("# MindSpace demo") && index.contains("![") && index.contains("Training trajectories"))
        // Issue 15: the readings beside their nulls, and the weight set raw against aligned.
        #expect(index.contains("random walk"), "the index states no random-walk null")
        #expect(index.range(of: #"aligned to \S+ by weight matching .*: mean distance between runs [0-9.]+ raw, [0-9.]+ aligned"#,
                            options: .regularExpression) != nil, "the index does not set raw against aligned distances")
        let weightSet = try #require(json["weight_set"] as? [String: Any])
        #expect((weightSet["alignment"] as? String)?.contains("aligned") == true)
    }

    @Test func missingDatasetsFolderIsAnInputError() throws {
        let folder = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try CommandRunner.run(["demo", "--datasets", folder.appendingPathComponent("nope").path,
                                            "--out", folder.appendingPathComponent("out").path])
        #expect(result.status == 66)
        #expect(result.stderr.split(separator: "\n").count == 1)
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("out").path))
    }
}
