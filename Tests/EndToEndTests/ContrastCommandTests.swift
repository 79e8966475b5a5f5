import Foundation
import Testing
@testable import MindSpaceRender
import MindSpaceTestSupport

/// `mindspace contrast` end to end on the real digits.
@Suite struct ContrastCommandTests {
    static let digits = CommandRunner.packageRoot.appendingPathComponent("datasets/digits.npy").path
    static let labels = CommandRunner.packageRoot.appendingPathComponent("datasets/digits-labels.tsv").path

    @Test func digitsAreLowerDimensionalThanTheirNullModel() throws {
        let folder = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try CommandRunner.run(["contrast", Self.digits, "--groups", Self.labels, "--estimator", "twonn",
                                            "--json", "--out", folder.path])
        #expect(result.status == 0, "\(result.stderr)")
        let json = try #require(result.json)
        let manifold = try #require(json["manifold"] as? [String: Any])
        let sphere = try #require(json["sphere"] as? [String: Any])
        let manifoldID = try #require(manifold["id"] as? Double), sphereID = try #require(sphere["id"] as? Double)
        let manifoldCI = try #require(manifold["ci"] as? [Double]), sphereCI = try #require(sphere["ci"] as? [Double])
        // The digits' pixels are strongly dependent (ID ≈ 9); shuffling each pixel column
        // independently removes that: the null's interval lies wholly above the data's.
        #expect(manifoldCI[0] <= manifoldID && manifoldID <= manifoldCI[1])
        #expect(sphereCI[0] > manifoldCI[1], "sphere \(sphereID) \(sphereCI) vs manifold \(manifoldID) \(manifoldCI)")
        let pcs = try #require(manifold["components_for_90"] as? Int), nullPCs = try #require(sphere["components_for_90"] as? Int)
        #expect(pcs < nullPCs)
        let image = try #require(json["image"] as? String)
        let png = try PNGCodec.decode(Data(contentsOf: URL(fileURLWithPath: image)), file: image)
        #expect(png.width == 2400 && png.height == 1200)
        #expect(png.text.contains(where: { $0.text.contains("contrast") }))
    }

    /// With groups, both views compare the two largest (issue 19): the digits' classes are
    /// apart in the data and mixed in the column-permuted null, whose rows keep their labels but
    /// lose the structure that separates them. Without groups there is no comparison.
    @Test func groupsAreComparedInBothViews() throws {
        let folder = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try CommandRunner.run(["contrast", Self.digits, "--groups", Self.labels, "--estimator", "twonn",
                                            "--json", "--out", folder.path])
        #expect(result.status == 0, "\(result.stderr)")
        let json = try #require(result.json)
        let data = try #require((json["manifold"] as? [String: Any])?["pair"] as? [String: Any])
        let null = try #require((json["sphere"] as? [String: Any])?["pair"] as? [String: Any])
        for pair in [data, null] {
            #expect(pair["a"] as? String == "1" && pair["b"] as? String == "3", "\(pair)")
        }
        let dataMixing = try #require(data["mixing"] as? Double), nullMixing = try #require(null["mixing"] as? Double)
        let expected = try #require(null["mixing_null"] as? Double)
        #expect(dataMixing < 0.05 && abs(nullMixing - expected) < 0.1, "data \(dataMixing), null \(nullMixing), shuffled \(expected)")
        #expect(try #require(data["within_share"] as? Double) < 0.1)
        #expect(try #require(null["within_share"] as? Double) > 0.8)

        let plain = try CommandRunner.run(["contrast", Self.digits, "--estimator", "twonn", "--json", "--out", folder.path])
        #expect(plain.status == 0)
        #expect((plain.json?["manifold"] as? [String: Any])?["pair"] == nil)
    }

    @Test func sameSeedSameFigureAndNothingWrittenOnFailure() throws {
        let folder = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        var images: [Data] = []
        for run in 0..<2 {
            let out = folder.appendingPathComponent("run\(run)").path
            let result = try CommandRunner.run(["contrast", Self.digits, "--estimator", "twonn-mle", "--null-model", "gaussian",
                                                "--seed", "3", "--quiet", "--out", out])
            #expect(result.status == 0, "\(result.stderr)")
            images.append(try Data(contentsOf: URL(fileURLWithPath: out).appendingPathComponent("contrast.png")))
        }
        // The PNG's text chunks record --out, which differs; compare the decoded pixels.
        let first = try PNGCodec.decode(images[0], file: "a"), second = try PNGCodec.decode(images[1], file: "b")
        #expect(first.rgba == second.rgba)

        let short = folder.appendingPathComponent("short.tsv")
        try Data("a\nb\n".utf8).write(to: short)
        let failed = folder.appendingPathComponent("failed")
        let bad = try CommandRunner.run(["contrast", Self.digits, "--groups", short.path, "--out", failed.path])
        #expect(bad.status == 65 && bad.stderr.contains("short.tsv"), "\(bad.stderr)")
        #expect(!FileManager.default.fileExists(atPath: failed.path))
    }
}
