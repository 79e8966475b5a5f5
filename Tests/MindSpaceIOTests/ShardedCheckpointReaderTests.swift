import Foundation
import Testing
@testable import MindSpaceCore
@testable import MindSpaceIO
import MindSpaceTestSupport

@Suite struct ShardedCheckpointReaderTests {
    private func index(_ name: String) throws -> String {
        try SafetensorsFixtures.path("sharded/\(name)")
    }

    @Test func readsShardByShardInFileOrderWithExactValues() throws {
        let expected = try #require(try SafetensorsFixtures.expected()["sharded"] as? [String: Any])
        let order = try #require(expected["order"] as? [String])
        let truths = try #require(expected["tensors"] as? [String: Any]).mapValues(SafetensorsFixtures.Tensor.init)
        let checkpoint = try ShardedCheckpointReader.open(indexPath: index("model.safetensors.index.json"))

        #expect(checkpoint.tensors.map(\.name) == order)
        #expect(checkpoint.unlisted.isEmpty)
        #expect(checkpoint.shardPaths.map { ($0 as NSString).lastPathComponent }
                == ["model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors"])
        #expect(checkpoint.metadata["total_size"] == "\(try #require(expected["total_size"] as? Int))")
        for tensor in checkpoint.tensors {
            let truth = try #require(truths[tensor.name])
            #expect(tensor.dtype.safetensorsName == truth.dtype)
            #expect(tensor.shape == truth.shape)
            #expect(SafetensorsFixtures.identical(try SafetensorsFixtures.doubles(tensor), truth.values), "\(tensor.name)")
        }
        #expect(try ShardedCheckpointReader.read(indexPath: index("model.safetensors.index.json")).map(\.name) == order)
    }

    @Test func missingShardIsMissingInputNamingShardAndIndex() throws {
        let path = try index("missing_shard.index.json")
        let error = try #require(throws: MindSpaceError.self) { try ShardedCheckpointReader.read(indexPath: path) }
        #expect(error.kind == .missingInput)
        #expect(error.description.contains("model-00003-of-00003.safetensors"))
        #expect(error.description.contains(path))
    }

    @Test func weightMapEntryAbsentFromItsShardIsMalformed() throws {
        let path = try index("missing_tensor.index.json")
        let error = try #require(throws: MindSpaceError.self) { try ShardedCheckpointReader.read(indexPath: path) }
        #expect(error.kind == .malformedData)
        #expect(error.description.hasPrefix(path + ": "))
        #expect(error.description.contains(
            "maps tensor 'ghost.weight' to shard 'model-00001-of-00002.safetensors', which has no such tensor"))
    }

    @Test(arguments: ["escaping_shard.index.json", "absolute_shard.index.json"])
    func shardPathsMayNotLeaveTheFolder(_ name: String) throws {
        let path = try index(name)
        let error = try #require(throws: MindSpaceError.self) { try ShardedCheckpointReader.read(indexPath: path) }
        #expect(error.kind == .malformedData)
        #expect(error.description.hasPrefix(path + ": "))
        #expect(error.description.contains("'evil.weight'"))
        #expect(error.description.contains("not a plain path inside the index's folder"))
    }

    @Test func tensorsMissingFromTheMapAreSetAside() throws {
        let checkpoint = try ShardedCheckpointReader.open(indexPath: index("unlisted.index.json"))
        #expect(!checkpoint.tensors.contains { $0.name == "head.weight" })
        #expect(checkpoint.tensors.count == 5)
        #expect(checkpoint.unlisted.map(\.name) == ["head.weight"])
    }

    @Test func missingIndexIsMissingInput() throws {
        let path = try index("nothing.index.json")
        let error = try #require(throws: MindSpaceError.self) { try ShardedCheckpointReader.read(indexPath: path) }
        #expect(error.kind == .missingInput)
        #expect(error.description.contains("nothing.index.json"))
    }

    @Test(arguments: [
        ("[1, 2]", "index must be a JSON object"),
        (#"{"metadata": {}}"#, "index has no 'weight_map' object"),
        (#"{"weight_map": {}}"#, "index 'weight_map' is empty"),
        (#"{"weight_map": {"a": 3}}"#, "weight_map entry 'a' must name a shard file"),
        (#"{"weight_map": {"a": "x.safetensors",}}"#, "index is not valid JSON"),
    ])
    func refusesMalformedIndex(_ testCase: (String, String)) throws {
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("mindspace-index-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("model.safetensors.index.json").path
        try Data(testCase.0.utf8).write(to: URL(fileURLWithPath: path))
        let error = try #require(throws: MindSpaceError.self) { try ShardedCheckpointReader.read(indexPath: path) }
        #expect(error.kind == .malformedData)
        #expect(error.description.hasPrefix(path + ": "))
        #expect(error.description.contains(testCase.1), "\(error)")
    }
}
