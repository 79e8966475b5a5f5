import Foundation
import Testing
@testable import MindSpaceCore
@testable import MindSpaceIO
import MindSpaceTestSupport

/// `mindspace layers` end to end: the shipped MiniLM layers (TwoNN equal to scikit-dimension's),
/// identical and rotated layers (overlap and CKA 1), and bad input in one line with nothing written.
@Suite struct LayersCommandTests {
    static let textLayers = CommandRunner.packageRoot.appendingPathComponent("datasets/text-layers.npz").path
    static let fixture = CommandRunner.packageRoot.appendingPathComponent("Tests/MindSpaceTestSupport/Fixtures/layers/twonn.json")

    @Test func shippedLayersMatchScikitDimension() throws {
        let folder = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try CommandRunner.run(["layers", Self.textLayers, "--estimator", "twonn", "--json", "--quiet",
                                            "--bootstrap", "50", "--out", folder.path])
        #expect(result.status == 0, "\(result.stderr)")
        let json = try #require(result.json)
        let layers = try #require(json["layers"] as? [[String: Any]])
        #expect(layers.map { $0["name"] as? String } == (0...6).map { String(format: "layer%02d", $0) })
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: Self.fixture))
        let reference = try #require(object as? [String: Any])
        let expected = try #require(reference["layers"] as? [String: Double])
        for layer in layers {
            let name = try #require(layer["name"] as? String)
            let estimate = try #require((layer["estimates"] as? [[String: Any]])?.first?["dimension"] as? Double)
            // float16 layers are searched in float32 (as `id` searches them), scikit-dimension
            // works in float64: distances differ by ~1e−7 relative, the estimate by ~1e−8.
            let reference = expected[name] ?? 0
            #expect(abs(estimate - reference) <= 1e-6 * reference, "\(name): \(estimate) vs scikit-dimension \(reference)")
            let count = try #require((layer["components_for"] as? [String: Int])?["0.9"])
            let band = try #require((layer["components_for_ci"] as? [String: [Int]])?["0.9"])
            #expect(count > 0 && band.count == 2 && band[0] <= count && count <= band[1], "\(name): \(count) in \(band)")
        }
        for layer in layers.dropLast() {
            let overlap = try #require(layer["overlap_next"] as? [String: Any]), cka = try #require(layer["cka_next"] as? [String: Any])
            for value in [overlap, cka] {
                let v = try #require(value["value"] as? Double), ci = try #require(value["ci"] as? [Double])
                #expect(v > 0 && v <= 1 && ci[0] <= v && v <= ci[1])
            }
        }
        #expect(layers.last?["overlap_next"] is NSNull && layers.last?["cka_next"] is NSNull)
        // A layer's estimate is the one `id` gives for that array (same precision, same centring).
        let single = try CommandRunner.run(["id", Self.textLayers, "--array", "layer03", "--estimator", "twonn", "--json",
                                            "--quiet", "--out", folder.appendingPathComponent("id").path])
        let idEstimate = try #require((single.json?["estimates"] as? [[String: Any]])?.first?["dimension"] as? Double)
        #expect((layers[3]["estimates"] as? [[String: Any]])?.first?["dimension"] as? Double == idEstimate)
        for image in try #require(json["images"] as? [String]) {
            #expect(FileManager.default.fileExists(atPath: image), "\(image)")
        }
    }

    /// A layer, its copy, and its rotated, scaled and shifted copy: overlap and CKA 1 at every step.
    @Test func identicalAndRotatedLayersAreOne() throws {
        let folder = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let x = CompareCommandTests.gaussian(150, 6, seed: 4)
        let rotated = CompareCommandTests.rotated(x, seed: 5, scale: 2.5)
        let shifted = Matrix(rows: 150, columns: 6, storage: rotated.storage.enumerated().map { $0.element + Double($0.offset % 6) })
        let layers = folder.appendingPathComponent("acts")
        try FileManager.default.createDirectory(at: layers, withIntermediateDirectories: true)
        _ = try CompareCommandTests.write(x, "l1.npy", in: layers)
        _ = try CompareCommandTests.write(x, "l2.npy", in: layers)
        _ = try CompareCommandTests.write(shifted, "l10.npy", in: layers)
        let result = try CommandRunner.run(["layers", layers.path, "--estimator", "twonn", "--bootstrap", "20", "--json", "--quiet",
                                            "--out", folder.appendingPathComponent("out").path])
        #expect(result.status == 0, "\(result.stderr)")
        let json = try #require(result.json)
        let entries = try #require(json["layers"] as? [[String: Any]])
        #expect(entries.map { $0["name"] as? String } == ["l1", "l2", "l10"], "natural order")
        for entry in entries.dropLast() {
            for key in ["overlap_next", "cka_next"] {
                let value = try #require((entry[key] as? [String: Any])?["value"] as? Double)
                #expect(abs(value - 1) < 1e-9, "\(key) \(value)")
            }
        }
    }

    /// Different N, a single layer, NaN in one layer (named with its row), --layers matching
    /// nothing: one line, exit 65, no output.
    @Test(arguments: [
        ("N", "50 and 40"), ("SINGLE", "at least two layers"), ("NAN", "row 7"), ("PATTERN", "matches no layer"),
    ])
    func badInputIsOneLineAndWritesNothing(_ case: String, mention: String) throws {
        let folder = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let layers = folder.appendingPathComponent("acts")
        try FileManager.default.createDirectory(at: layers, withIntermediateDirectories: true)
        _ = try CompareCommandTests.write(CompareCommandTests.gaussian(50, 3, seed: 1), "a.npy", in: layers)
        var extra: [String] = []
        switch `case` {
        case "N": _ = try CompareCommandTests.write(CompareCommandTests.gaussian(40, 3, seed: 2), "b.npy", in: layers)
        case "SINGLE": break
        case "NAN":
            var bad = CompareCommandTests.gaussian(50, 3, seed: 3)
            bad[7, 2] = .nan
            _ = try CompareCommandTests.write(bad, "b.npy", in: layers)
        default:
            _ = try CompareCommandTests.write(CompareCommandTests.gaussian(50, 3, seed: 2), "b.npy", in: layers)
            extra = ["--layers", "a,zebra*"]
        }
        let out = folder.appendingPathComponent("out")
        let result = try CommandRunner.run(["layers", layers.path, "--out", out.path] + extra)
        #expect(result.status == 65, "\(result.stderr)")
        #expect(result.stderr.contains(mention), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out.path))
    }
}
