import Foundation
import FuzzSupport
import MindSpace

/// The two shards every fuzzed index can point at, written once per process beside the index,
/// with the tensor names of the test fixture's index (Fixtures/safetensors/sharded), so that the
/// seed indexes match them: `model-00001-of-00002.safetensors` holds `embed.weight` (4×3
/// float32), `layers.0.weight` (3×3 float16) and `layers.0.bias` (3 bfloat16);
/// `model-00002-of-00002.safetensors` holds `head.weight` (2×3 float64), `layers.1.weight`
/// (3×3 float32) and `layers.1.bias` (3 float32).
let shardsWritten: Bool = {
    let first = SafetensorsWriter.encode([
        .init(name: "embed.weight", dtype: .float32, shape: [4, 3], bytes: Data(count: 48)),
        .init(name: "layers.0.weight", dtype: .float16, shape: [3, 3], bytes: Data(count: 18)),
        .init(name: "layers.0.bias", dtype: .bfloat16, shape: [3], bytes: Data(count: 6)),
    ])
    let second = SafetensorsWriter.encode([
        .init(name: "head.weight", dtype: .float64, shape: [2, 3], bytes: Data(count: 48)),
        .init(name: "layers.1.weight", dtype: .float32, shape: [3, 3], bytes: Data(count: 36)),
        .init(name: "layers.1.bias", dtype: .float32, shape: [3], bytes: Data(count: 12)),
    ])
    let folder = ScratchFile.folder
    return FileManager.default.createFile(atPath: "\(folder)/model-00001-of-00002.safetensors", contents: first)
        && FileManager.default.createFile(atPath: "\(folder)/model-00002-of-00002.safetensors", contents: second)
}()

/// Fuzzes the sharded-checkpoint index (`ShardedCheckpointReader.open(indexPath:)`): the JSON
/// parser, `weight_map` and `metadata`, the shard-name checks (no absolute paths or `..`), and
/// the match of the map against the shards' own headers.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzShardIndex(_ data: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let input = FuzzInput(data, count)
    guard shardsWritten, let path = ScratchFile.write(input.bytes, named: "model.safetensors.index.json") else { return 0 }
    ReaderContract.check {
        let checkpoint = try ShardedCheckpointReader.open(indexPath: path)
        TensorExercise.read(checkpoint.tensors + checkpoint.unlisted)
    }
    return 0
}

/// The program's entry (see `FuzzDriver`).
@_cdecl("FuzzShardIndex_main")
public func fuzzShardIndexMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    FuzzDriver.run(argc, argv, fuzzShardIndex)
}
