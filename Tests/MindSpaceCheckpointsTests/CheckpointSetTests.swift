import Foundation
import Testing
@testable import MindSpaceCore
@testable import MindSpaceCheckpoints
import MindSpaceTestSupport

/// Finding checkpoints (natural order, folders, globs, sharded folders), choosing tensors, and
/// the errors for checkpoints that do not line up: each must name both files, the tensor and
/// the shapes or dtypes.
@Suite struct CheckpointSetTests {
    private func fixture(_ relative: String) throws -> String { try CheckpointFixtures.path(relative) }
    private func names(_ paths: [String]) -> [String] { paths.map { ($0 as NSString).lastPathComponent } }

    // MARK: natural order and discovery

    @Test func naturalOrderComparesNumbersByValue() {
        let sorted = NaturalOrder.sorted(["step_10", "step_2", "step_1", "step_02", "epoch_9", "epoch_10",
                                          "a", "a1", "a01", "b", "step_100", "run2/x", "run10/x"])
        #expect(sorted == ["a", "a01", "a1", "b", "epoch_9", "epoch_10", "run2/x", "run10/x",
                           "step_1", "step_02", "step_2", "step_10", "step_100"])
        #expect(NaturalOrder.compare("x99999999999999999999999", "x100000000000000000000000") < 0, "no overflow")
        #expect(NaturalOrder.compare("same", "same") == 0)
    }

    @Test func folderIsListedInNaturalOrder() throws {
        let paths = try CheckpointDiscovery.checkpointPaths([fixture("trajectory")])
        #expect(names(paths) == (1...12).map { "step_\($0).safetensors" })
    }

    @Test func shardedFoldersCountAsOneCheckpointEach() throws {
        let paths = try CheckpointDiscovery.checkpointPaths([fixture("sharded")])
        #expect(paths.count == 5)
        #expect(paths.prefix(4).allSatisfy { $0.hasSuffix("model.safetensors.index.json") })
        #expect(paths[4].hasSuffix("checkpoint-5/model.safetensors"))
        // A sharded folder named directly is one checkpoint too.
        #expect(try CheckpointDiscovery.checkpointPaths([fixture("sharded/checkpoint-2")])
                == [try fixture("sharded/checkpoint-2/model.safetensors.index.json")])
    }

    @Test func globsExpandInNaturalOrderAndArgumentsKeepTheirOrder() throws {
        let pattern = try fixture("trajectory") + "/step_1*.safetensors"
        #expect(names(try CheckpointDiscovery.checkpointPaths([pattern]))
                == ["step_1.safetensors", "step_10.safetensors", "step_11.safetensors", "step_12.safetensors"])
        let explicit = [try fixture("trajectory/step_3.safetensors"), try fixture("trajectory/step_2.safetensors")]
        #expect(try CheckpointDiscovery.checkpointPaths(explicit) == explicit, "files are taken as given")
    }

    @Test func missingInputsAreExit66() throws {
        let missing = try #require(throws: MindSpaceError.self) {
            try CheckpointDiscovery.checkpointPaths([fixture("no-such-folder")])
        }
        #expect(missing.kind == .missingInput && missing.description.contains("no-such-folder"))
        let unmatched = try #require(throws: MindSpaceError.self) {
            try CheckpointDiscovery.checkpointPaths([fixture("trajectory") + "/epoch_*.safetensors"])
        }
        #expect(unmatched.kind == .missingInput && unmatched.description.contains("no file matches"))
        let empty = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: empty) }
        let none = try #require(throws: MindSpaceError.self) { try CheckpointDiscovery.checkpointPaths([empty.path]) }
        #expect(none.kind == .missingInput && none.description.contains("no checkpoints"))
        // A folder of runs (sub-folders with several checkpoints each) points to `batch`.
        let runs = CommandRunner.packageRoot.appendingPathComponent("datasets/trajectories/runs").path
        let tree = try #require(throws: MindSpaceError.self) { try CheckpointDiscovery.checkpointPaths([runs]) }
        #expect(tree.description.contains("6 sub-folders hold several checkpoints each") && tree.description.contains("batch"))
    }

    // MARK: selection

    @Test func integerAndBoolTensorsAreSkippedAndReported() throws {
        let set = try CheckpointSet.open([fixture("trajectory")])
        #expect(set.count == 12)
        #expect(Set(set.layout.entries.map(\.name)) == ["encoder.weight", "encoder.bias", "head.weight", "head.bias"])
        #expect(set.layout.parameterCount == 960 + 24 + 120 + 5)
        #expect(set.skippedTensors.map(\.name).sorted() == ["counter", "mask"])
        #expect(set.skippedTensors.first { $0.name == "counter" }?.dtype == "int64")
        let kept = try CheckpointSet.open([fixture("trajectory")], selection: TensorSelection(includeIntegerTensors: true))
        #expect(kept.layout.entries.count == 6 && kept.skippedTensors.isEmpty)
        #expect(kept.layout.parameterCount == 1109 + 1 + 3)
    }

    @Test func includeAndExcludePatternsSearchNames() throws {
        let encoder = try CheckpointSet.open([fixture("trajectory")], selection: TensorSelection(include: "^encoder\\."))
        #expect(Set(encoder.layout.entries.map(\.name)) == ["encoder.weight", "encoder.bias"])
        let weights = try CheckpointSet.open([fixture("trajectory")], selection: TensorSelection(exclude: "bias|counter"))
        #expect(Set(weights.layout.entries.map(\.name)) == ["encoder.weight", "head.weight"])
        #expect(weights.skippedTensors.map(\.name) == ["mask"], "excluded names are not reported as skipped")
        let both = try CheckpointSet.open([fixture("trajectory")], selection: TensorSelection(include: "weight", exclude: "head"))
        #expect(both.layout.entries.map(\.name) == ["encoder.weight"])
        let invalid = try #require(throws: MindSpaceError.self) {
            try CheckpointSet.open([fixture("trajectory")], selection: TensorSelection(include: "("))
        }
        #expect(invalid.kind == .usage && invalid.description.contains("--tensors '('"))
    }

    @Test func halfPrecisionAndMixedDtypesAreAccepted() throws {
        let set = try CheckpointSet.open([fixture("mixed")])
        let dtypes = Set(set.checkpoints.map { checkpoint in checkpoint.tensors.first { $0.name == "encoder.weight" }?.dtype })
        #expect(dtypes == [.float16, .bfloat16])
    }

    // MARK: errors that name both files, the tensor and the shapes

    private func mismatch(_ first: String, _ second: String, selection: TensorSelection = TensorSelection()) throws
        -> (MindSpaceError, String, String) {
        let a = try fixture(first), b = try fixture(second)
        let error = try #require(throws: MindSpaceError.self) { try CheckpointSet(paths: [a, b], selection: selection) }
        #expect(error.kind == .malformedData)
        return (error, a, b)
    }

    @Test func missingTensor() throws {
        let (error, base, other) = try mismatch("mismatch/base.safetensors", "mismatch/missing.safetensors")
        #expect(error.file == other)
        #expect(error.description.contains(base) && error.description.contains("lacks tensor 'b' (float32, shape 5)"))
    }

    @Test func extraTensor() throws {
        let (error, base, other) = try mismatch("mismatch/base.safetensors", "mismatch/extra.safetensors")
        #expect(error.file == other)
        #expect(error.description.contains(base) && error.description.contains("has tensor 'c' (float32, shape 2)"))
        // The same two files the other way round: the first file decides what is expected.
        let (reversed, _, _) = try mismatch("mismatch/extra.safetensors", "mismatch/base.safetensors")
        #expect(reversed.file == base && reversed.description.contains("lacks tensor 'c'"))
    }

    @Test func shapeMismatch() throws {
        let (error, base, other) = try mismatch("mismatch/base.safetensors", "mismatch/shape.safetensors")
        #expect(error.file == other)
        #expect(error.description.contains("tensor 'a' has shape 4×3 here but shape 3×4 in \(base)"))
    }

    @Test func floatInOneIntegerInTheOther() throws {
        let (error, base, other) = try mismatch("mismatch/base.safetensors", "mismatch/dtype.safetensors")
        #expect(error.file == other)
        #expect(error.description.contains("tensor 'a' is int32, shape 3×4 here but float32, shape 3×4 in \(base)"))
        let (reversed, _, _) = try mismatch("mismatch/dtype.safetensors", "mismatch/base.safetensors")
        #expect(reversed.description.contains("tensor 'a' is float32, shape 3×4 here but int32, shape 3×4"))
    }

    @Test func storageOrderMismatch() throws {
        let (error, base, other) = try mismatch("mismatch/fortran/base.npy", "mismatch/fortran/other.npy")
        #expect(error.file == other)
        #expect(error.description.contains("tensor 'array' (shape 3×4) is stored column-major"))
        #expect(error.description.contains("row-major (C order) in \(base)"))
    }

    @Test func emptySelectionListsWhatTheFileHas() throws {
        let (error, base, _) = try mismatch("mismatch/base.safetensors", "mismatch/extra.safetensors",
                                            selection: TensorSelection(include: "^nothing$"))
        #expect(error.file == base)
        #expect(error.description.contains("no tensor selected by --tensors '^nothing$'"))
        #expect(error.description.contains("a (float32 3×4), b (float32 5)"))
        let integers = try #require(throws: MindSpaceError.self) {
            try CheckpointSet.open([self.fixture("trajectory")], selection: TensorSelection(include: "counter"))
        }
        #expect(integers.description.contains("integer or boolean") && integers.description.contains("counter (int64"))
    }

    @Test func fewerThanTwoCheckpoints() throws {
        let only = try fixture("mismatch/base.safetensors")
        let error = try #require(throws: MindSpaceError.self) { try CheckpointSet(paths: [only]) }
        #expect(error.kind == .malformedData)
        #expect(error.description.contains("needs at least 2 checkpoints, found 1 (\(only))"))
    }

    // MARK: steps from names

    @Test func stepsComeFromNamesWhenTheyIncrease() {
        let epochs = CheckpointSteps(paths: ["r/epoch_0.safetensors", "r/epoch_2.safetensors", "r/epoch_10.safetensors"])
        #expect(epochs.values == [0, 2, 10] && epochs.label == "epoch" && epochs.fromNames)
        let hf = CheckpointSteps(paths: ["c/checkpoint-500/model.safetensors.index.json", "c/checkpoint-1000/model.safetensors"])
        #expect(hf.values == [500, 1000] && hf.label == "checkpoint")
        let unordered = CheckpointSteps(paths: ["b_5.npz", "a_2.npz"])
        #expect(unordered.values == [0, 1] && unordered.label == "checkpoint" && !unordered.fromNames)
        let mixedWords = CheckpointSteps(paths: ["step1.npy", "iter2.npy"])
        #expect(mixedWords.values == [1, 2] && mixedWords.label == "step")
    }
}
