import MindSpaceCore
import Testing
@testable import MindSpaceSimilarity

/// Weight matching recovers a known permutation of hidden units exactly.
struct WeightMatchingTests {
    typealias Tensor = WeightMatching.Tensor

    /// A 3-layer MLP (6 → 5 → 4 → 3) with Gaussian weights, and its groups.
    static func network(generator: inout SeededGenerator) -> ([String: Tensor], [PermutationGroup]) {
        func tensor(_ shape: [Int]) -> Tensor {
            Tensor(shape: shape, values: (0..<shape.reduce(1, *)).map { _ in Float(generator.nextGaussian()) })
        }
        let weights: [String: Tensor] = [
            "l1.weight": tensor([5, 6]), "l1.bias": tensor([5]),
            "l2.weight": tensor([4, 5]), "l2.bias": tensor([4]),
            "l3.weight": tensor([3, 4]), "l3.bias": tensor([3]),
        ]
        typealias Member = PermutationGroup.Member
        let groups = [
            PermutationGroup(name: "l1", members: [Member(tensor: "l1.weight", axis: 0), Member(tensor: "l1.bias", axis: 0),
                                                   Member(tensor: "l2.weight", axis: 1)]),
            PermutationGroup(name: "l2", members: [Member(tensor: "l2.weight", axis: 0), Member(tensor: "l2.bias", axis: 0),
                                                   Member(tensor: "l3.weight", axis: 1)]),
        ]
        return (weights, groups)
    }

    @Test(arguments: [UInt64(1), 2, 3])
    func recoversAPermutationOfHiddenUnits(seed: UInt64) throws {
        var generator = SeededGenerator(seed: seed)
        let (reference, groups) = Self.network(generator: &generator)
        // Scramble: the model's unit j of group g is the reference's unit σ_g(j).
        let scrambles = [[3, 0, 4, 1, 2], [2, 3, 1, 0]]
        let owner = WeightMatching.owners(groups)
        var model: [String: Tensor] = [:]
        for (name, tensor) in reference {
            model[name] = WeightMatching.applying(scrambles, to: tensor, name: name, owner: owner)
        }
        #expect(model != reference)
        let result = try WeightMatching().match(reference: reference, model: model, groups: groups, generator: &generator)
        #expect(result.converged)
        for (name, tensor) in model {
            let aligned = WeightMatching.applying(result.permutations, to: tensor, name: name, owner: owner)
            #expect(aligned == reference[name], "\(name)")
        }
    }

    /// Kept score terms change nothing: matching an unrelated network (several sweeps, so
    /// terms are kept, reused and formed again) gives the same result as forming every term at
    /// every solve. Width 40 > 32 units makes the hidden layers' terms kept ones.
    @Test(arguments: [UInt64(5), 6])
    func keptTermsGiveTheResultOfRecomputing(seed: UInt64) throws {
        var generator = SeededGenerator(seed: seed)
        let widths = [7, 40, 40, 40, 40, 3]
        func network() -> [String: Tensor] {
            var tensors: [String: Tensor] = [:]
            for layer in 1..<widths.count {
                let shape = [widths[layer], widths[layer - 1]]
                tensors["l\(layer).weight"] = Tensor(shape: shape, values: (0..<(shape[0] * shape[1])).map { _ in Float(generator.nextGaussian()) })
                tensors["l\(layer).bias"] = Tensor(shape: [widths[layer]], values: (0..<widths[layer]).map { _ in Float(generator.nextGaussian()) })
            }
            return tensors
        }
        let reference = network(), model = network()
        let groups = (1..<(widths.count - 1)).map { layer in
            PermutationGroup(name: "l\(layer)", members: [.init(tensor: "l\(layer).weight", axis: 0), .init(tensor: "l\(layer).bias", axis: 0),
                                                        .init(tensor: "l\(layer + 1).weight", axis: 1)])
        }
        var first = SeededGenerator(seed: 9), second = SeededGenerator(seed: 9)
        let kept = try WeightMatching().match(reference: reference, model: model, groups: groups, generator: &first)
        var recomputing = WeightMatching()
        recomputing.keepsTerms = false
        let formed = try recomputing.match(reference: reference, model: model, groups: groups, generator: &second)
        #expect(kept.sweeps > 2)
        #expect(kept == formed)
    }

    /// A convolution's input-channel axis lies between others (out × in × kh × kw): the scores
    /// are formed with that axis moved to the front.
    @Test func recoversPermutedConvolutionChannels() throws {
        var generator = SeededGenerator(seed: 11)
        func tensor(_ shape: [Int]) -> Tensor {
            Tensor(shape: shape, values: (0..<shape.reduce(1, *)).map { _ in Float(generator.nextGaussian()) })
        }
        let reference = ["c1.weight": tensor([6, 2, 3, 3]), "c1.bias": tensor([6]), "c2.weight": tensor([3, 6, 3, 3])]
        let groups = [PermutationGroup(name: "c1", members: [.init(tensor: "c1.weight", axis: 0), .init(tensor: "c1.bias", axis: 0),
                                                              .init(tensor: "c2.weight", axis: 1)])]
        let owner = WeightMatching.owners(groups)
        let model = reference.reduce(into: [String: Tensor]()) {
            $0[$1.key] = WeightMatching.applying([[5, 3, 0, 1, 4, 2]], to: $1.value, name: $1.key, owner: owner)
        }
        let result = try WeightMatching().match(reference: reference, model: model, groups: groups, generator: &generator)
        for (name, value) in model {
            #expect(WeightMatching.applying(result.permutations, to: value, name: name, owner: owner) == reference[name])
        }
    }

    @Test func refusesInconsistentGroups() throws {
        var generator = SeededGenerator(seed: 0)
        let (reference, groups) = Self.network(generator: &generator)
        let shapes = reference.mapValues(\.shape)
        #expect(try PermutationGroup.sizes(of: groups, shapes: shapes) == [5, 4])
        var unknown = groups
        unknown[0].members.append(.init(tensor: "l9.weight", axis: 0))
        #expect(throws: MindSpaceError.self) { try PermutationGroup.sizes(of: unknown, shapes: shapes) }
        var mismatched = groups
        mismatched[0].members.append(.init(tensor: "l3.weight", axis: 1))
        #expect(throws: MindSpaceError.self) { try PermutationGroup.sizes(of: mismatched, shapes: shapes) }
    }

    @Test func gathersColumnMajorIntoRowMajor() {
        // 2×3 row-major [[0,1,2],[3,4,5]] stored column-major is [0,3,1,4,2,5].
        let stored: [Double] = [0, 3, 1, 4, 2, 5]
        let rows = stored.withUnsafeBufferPointer {
            AxisPermutation.gather($0, shape: [2, 3], strides: AxisPermutation.columnMajorStrides([2, 3]), maps: [[1, 0], nil])
        }
        #expect(rows == [3, 4, 5, 0, 1, 2])
    }
}
