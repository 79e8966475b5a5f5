import Foundation
import Testing
import MindSpaceCore
@testable import MindSpaceIO
import MindSpaceTestSupport

/// `LayerActivations`: per-layer activation dumps from an `.npz`, a `.safetensors` file and a
/// folder of `.npy` files; natural order, `--layers` selection and every refusal.
struct LayerActivationsTests {
    /// A fresh folder under the temporary directory, removed by the caller.
    static func scratchFolder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("layer-activations-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    /// An N × D float64 matrix whose values encode (layer, row, column), so reads can be checked.
    static func activations(rows: Int, columns: Int, tag: Double) -> Matrix<Double> {
        Matrix(rows: rows, columns: columns, storage: (0..<(rows * columns)).map { tag * 1000 + Double($0) })
    }

    /// A zip archive of stored (uncompressed) members, as `np.savez` writes it.
    static func storedZip(_ members: [(name: String, data: Data)]) -> Data {
        StoredZip.archive(members.map { (Data($0.name.utf8), $0.data) })
    }

    /// An `.npz` in `folder` holding `layers` (name → matrix) and the extra members given.
    static func npz(in folder: URL, _ layers: [(String, Matrix<Double>)], extra: [(String, Data)] = []) throws -> String {
        let members = layers.map { ("\($0.0).npy", NpyWriter.encode($0.1)) } + extra.map { ("\($0.0).npy", $0.1) }
        let url = folder.appendingPathComponent("acts.npz")
        try storedZip(members).write(to: url)
        return url.path
    }

    static func names(_ activations: LayerActivations) -> [String] { activations.layers.map(\.name) }

    @Test func npzLayersComeInNaturalOrderAndSkipOtherRanks() throws {
        let folder = try Self.scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = try Self.npz(in: folder, [("layer10", Self.activations(rows: 5, columns: 3, tag: 10)),
                                             ("layer2", Self.activations(rows: 5, columns: 4, tag: 2)),
                                             ("layer1", Self.activations(rows: 5, columns: 2, tag: 1))],
                                extra: [("labels", NpyWriter.encode(vector: [0, 1, 0, 1, 1]))])
        let activations = try LayerActivations.open(path, select: nil)
        #expect(Self.names(activations) == ["layer1", "layer2", "layer10"])
        #expect(activations.skipped == ["labels"])
        #expect(activations.rowCount == 5 && activations.layers.map(\.columns) == [2, 4, 3])
        #expect(activations.layers.allSatisfy { $0.path == path })
        let layer2 = try activations.layers[1].tensor.matrix(as: Double.self)
        #expect(layer2 == Self.activations(rows: 5, columns: 4, tag: 2))
    }

    @Test func safetensorsLayersComeInNaturalOrder() throws {
        let folder = try Self.scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        func entry(_ name: String, columns: Int, tag: Float) -> SafetensorsWriter.Entry {
            let values = (0..<(4 * columns)).map { tag * 100 + Float($0) }
            let bytes = values.withUnsafeBufferPointer { Data(buffer: $0) }
            return SafetensorsWriter.Entry(name: name, dtype: .float32, shape: [4, columns], bytes: bytes)
        }
        let step = SafetensorsWriter.Entry(name: "step", dtype: .float32, shape: [], bytes: Data(count: 4))
        let url = folder.appendingPathComponent("acts.safetensors")
        try SafetensorsWriter.encode([entry("h.11", columns: 3, tag: 11), entry("h.3", columns: 2, tag: 3),
                                      entry("h.0", columns: 5, tag: 0), step]).write(to: url)
        let activations = try LayerActivations.open(url.path, select: nil)
        #expect(Self.names(activations) == ["h.0", "h.3", "h.11"])
        #expect(activations.skipped == ["step"])
        let h3 = try activations.layers[1].tensor.matrix(as: Float.self)
        #expect(h3.rows == 4 && h3.columns == 2 && h3[3, 1] == 307)
    }

    @Test func folderOfNpyFilesUsesFileStems() throws {
        let folder = try Self.scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        for (name, tag) in [("block_10", 10.0), ("block_9", 9.0), ("block_0", 0.0)] {
            try NpyWriter.encode(Self.activations(rows: 6, columns: 2, tag: tag))
                .write(to: folder.appendingPathComponent("\(name).npy"))
        }
        try NpyWriter.encode(vector: [1, 2, 3]).write(to: folder.appendingPathComponent("labels.npy"))
        try Data("notes".utf8).write(to: folder.appendingPathComponent("README.txt"))
        try NpyWriter.encode(Self.activations(rows: 1, columns: 1, tag: 0)).write(to: folder.appendingPathComponent(".hidden.npy"))
        let activations = try LayerActivations.open(folder.path, select: nil)
        #expect(Self.names(activations) == ["block_0", "block_9", "block_10"])
        #expect(activations.skipped == ["labels"])
        #expect(activations.layers[2].path.hasSuffix("/block_10.npy"))
        #expect(try activations.layers[1].tensor.matrix(as: Double.self) == Self.activations(rows: 6, columns: 2, tag: 9))
    }

    @Test func selectionFollowsThePatternsOrder() throws {
        let folder = try Self.scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let names = ["embed", "layer1", "layer2", "layer10", "layer11", "head"]
        let path = try Self.npz(in: folder, names.map { ($0, Self.activations(rows: 4, columns: 2, tag: 0)) })
        func selected(_ patterns: [String]) throws -> [String] { Self.names(try LayerActivations.open(path, select: patterns)) }
        #expect(try selected(["head", "embed"]) == ["head", "embed"])
        #expect(try selected(["layer*"]) == ["layer1", "layer2", "layer10", "layer11"])
        #expect(try selected(["layer1?", "layer?"]) == ["layer10", "layer11", "layer1", "layer2"])
        #expect(try selected(["layer1[01]", "embed"]) == ["layer10", "layer11", "embed"])
        #expect(try selected(["layer[!1]", "head"]) == ["layer2", "head"])
        #expect(try selected(["layer1*", "*"]) == ["layer1", "layer10", "layer11", "embed", "head", "layer2"],
                "each layer once, where its first pattern put it")
        #expect(try selected([]) == ["embed", "head", "layer1", "layer2", "layer10", "layer11"], "no patterns: all")
    }

    @Test func aPatternThatMatchesNothingIsAUsageError() throws {
        let folder = try Self.scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = try Self.npz(in: folder, (0..<14).map { ("layer\($0)", Self.activations(rows: 4, columns: 2, tag: 0)) })
        let error = try #require(throws: MindSpaceError.self) { try LayerActivations.open(path, select: ["layer1", "block*"]) }
        #expect(error.kind == .malformedData)
        #expect(error.reason.contains("'block*'") && error.reason.contains("layer0, layer1, layer2"))
        #expect(error.reason.contains("layer9, and 4 more") && !error.reason.contains("layer10"))
        let single = try #require(throws: MindSpaceError.self) { try LayerActivations.open(path, select: ["layer3"]) }
        #expect(single.kind == .malformedData && single.reason.contains("selects one: layer3"))
    }

    @Test func differentRowCountsAreRefusedNamingBothLayers() throws {
        let folder = try Self.scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = try Self.npz(in: folder, [("a", Self.activations(rows: 5, columns: 2, tag: 0)),
                                             ("b", Self.activations(rows: 5, columns: 3, tag: 0)),
                                             ("c", Self.activations(rows: 7, columns: 2, tag: 0))])
        let error = try #require(throws: MindSpaceError.self) { try LayerActivations.open(path, select: nil) }
        #expect(error.kind == .malformedData && error.file == path)
        #expect(error.reason.contains("'a' and 'c'") && error.reason.contains("5 and 7"))
        // Selecting the layers that agree is fine.
        #expect(Self.names(try LayerActivations.open(path, select: ["a", "b"])) == ["a", "b"])
    }

    @Test func aSingleLayerIsRefused() throws {
        let folder = try Self.scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = try Self.npz(in: folder, [("hidden", Self.activations(rows: 5, columns: 2, tag: 0))],
                                extra: [("labels", NpyWriter.encode(vector: [0, 1, 0, 1, 1]))])
        let error = try #require(throws: MindSpaceError.self) { try LayerActivations.open(path, select: nil) }
        #expect(error.kind == .malformedData && error.file == path)
        #expect(error.reason == "layers needs at least two layers; the file has one: hidden")
    }

    @Test func noTwoDimensionalArrayIsRefused() throws {
        let folder = try Self.scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = try Self.npz(in: folder, [], extra: [("labels", NpyWriter.encode(vector: [0, 1])),
                                                        ("scores", NpyWriter.encode(vector: [0.5, 0.25]))])
        let error = try #require(throws: MindSpaceError.self) { try LayerActivations.open(path, select: nil) }
        #expect(error.kind == .malformedData && error.file == path)
        #expect(error.reason.contains("no 2-D array") && error.reason.contains("labels, scores"))
        let empty = try Self.scratchFolder()
        defer { try? FileManager.default.removeItem(at: empty) }
        let none = try #require(throws: MindSpaceError.self) { try LayerActivations.open(empty.path, select: nil) }
        #expect(none.kind == .malformedData && none.reason.contains("no .npy files"))
        let missing = try #require(throws: MindSpaceError.self) {
            try LayerActivations.open(folder.appendingPathComponent("absent.npz").path, select: nil)
        }
        #expect(missing.kind == .missingInput)
    }

    @Test(arguments: [
        ("layer*", "layer1", true), ("layer*", "layer", true), ("layer*", "block1", false),
        ("*.attn.*", "model.layers.3.attn.out", true), ("*.attn.*", "model.attn", false),
        ("h.?", "h.3", true), ("h.?", "h.11", false), ("h.[0-4]", "h.3", true), ("h.[0-4]", "h.7", false),
        ("h.[!0-4]", "h.7", true), ("h.[^0-4]", "h.3", false), ("[]a]", "]", true), ("a[", "a[", true),
        ("a\\*", "a*", true), ("a\\*", "ab", false), ("*a*b", "xaxxb", true), ("*a*b", "xaxxbc", false),
        ("exact", "exact", true), ("exact", "exactly", false), ("", "", true), ("", "x", false),
    ])
    func namePatternsMatchLikeFnmatch(pattern: String, name: String, expected: Bool) {
        #expect(NamePattern(pattern).matches(name) == expected, "\(pattern) ~ \(name)")
    }
}
