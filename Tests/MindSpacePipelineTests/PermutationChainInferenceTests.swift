import Testing
@testable import MindSpaceCore
@testable import MindSpaceIO
@testable import MindSpaceSimilarity
@testable import MindSpacePipeline

/// Permutation groups inferred from tensor names and shapes.
struct PermutationChainInferenceTests {
    /// Zero-filled float32 tensors with these names and shapes (only names and shapes matter).
    static func tensors(_ specs: [(String, [Int])]) -> [StoredTensor] {
        specs.map { name, shape in
            let count = shape.reduce(1, *) * 4
            return StoredTensor(name: name, dtype: .float32, shape: shape,
                                source: MemoryByteSource(path: "model.safetensors", bytes: [UInt8](repeating: 0, count: count)))
        }
    }

    @Test func convolutionChainInNaturalOrder() throws {
        let tensors = Self.tensors([("conv10.weight", [4, 16, 1, 1]), ("conv1.bias", [8]), ("conv1.weight", [8, 3, 3, 3]),
                                    ("conv2.weight", [16, 8, 3, 3]), ("conv2.bias", [16])])
        let groups = try PermutationChainInference.groups(of: tensors, file: "model.safetensors")
        #expect(groups.map(\.name) == ["conv1", "conv2"])
        #expect(groups[0].members == [.init(tensor: "conv1.weight", axis: 0), .init(tensor: "conv1.bias", axis: 0),
                                      .init(tensor: "conv2.weight", axis: 1)])
        #expect(groups[1].members == [.init(tensor: "conv2.weight", axis: 0), .init(tensor: "conv2.bias", axis: 0),
                                      .init(tensor: "conv10.weight", axis: 1)])
    }

    @Test func integerAndScalarTensorsAreNotPartOfTheChain() throws {
        var tensors = Self.tensors([("fc1.weight", [4, 3]), ("fc2.weight", [2, 4])])
        tensors.append(StoredTensor(name: "step", dtype: .int64, shape: [],
                                    source: MemoryByteSource(path: "model.safetensors", bytes: [UInt8](repeating: 0, count: 8))))
        let groups = try PermutationChainInference.groups(of: tensors, file: "model.safetensors")
        #expect(groups.map(\.members.count) == [2])
    }

    @Test(arguments: [
        ([("conv1.weight", [8, 3, 3, 3]), ("fc.weight", [10, 72])], "breaks at tensor fc.weight"),
        ([("fc1.weight", [4, 3]), ("fc1.bias", [5]), ("fc2.weight", [2, 4])], "breaks at tensor fc1.bias"),
        ([("fc1.weight", [4, 3]), ("norm.scale", [1, 2, 3]), ("fc2.weight", [2, 4])], "breaks at tensor norm.scale"),
        ([("fc1.weight", [4, 3])], "no hidden units to permute"),
    ])
    func brokenChainsNameTheTensor(_ specs: [(String, [Int])], _ message: String) {
        #expect {
            _ = try PermutationChainInference.groups(of: Self.tensors(specs), file: "model.safetensors")
        } throws: { error in
            guard let error = error as? MindSpaceError else { return false }
            return error.kind == .malformedData && error.description.contains(message) && error.description.contains("--spec")
        }
    }
}
