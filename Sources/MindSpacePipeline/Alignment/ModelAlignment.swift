import Foundation
import MindSpaceCore
import MindSpaceIO
import MindSpaceSimilarity

/// One model weight-matched to a reference (Ainsworth et al. 2023, "Git Re-Basin", Algorithm 1;
/// `WeightMatching`): the step `align` and `batch --align` both run for every model, so the two
/// cannot drift apart. The coordinate descent starts from a generator seeded with `seed` for
/// every model, so a model's answer does not depend on the others.
package struct ModelAlignment: Sendable {
    /// The permutations found and how the descent ended.
    package let result: WeightMatching.Result
    /// The model with its units permuted into the reference's order, as a `.safetensors` file
    /// (every tensor in its own dtype, bit for bit).
    package let encoded: Data
    /// ‖W_ref − W‖₂ before and after the permutation.
    package let raw: Double
    package let aligned: Double

    /// Matches `model` to `reference` under `groups` (already checked against the reference's
    /// shapes). Throws `.malformedData`, located in the model's file, when the two have different
    /// tensors or the scores overflow.
    package static func align(_ model: AlignableCheckpoint, to reference: AlignableCheckpoint, groups: [PermutationGroup],
                              seed: UInt64, maximumSweeps: Int) throws -> ModelAlignment {
        try model.checkSameTensors(as: reference)
        var generator = SeededGenerator(seed: seed)
        let result: WeightMatching.Result
        do {
            result = try WeightMatching(maximumSweeps: maximumSweeps).match(
                reference: reference.weights, model: model.weights, groups: groups, generator: &generator)
        } catch let error as MindSpaceError {
            throw error.located(in: model.path)
        }
        // Three independent passes over the weights, run side by side; each is computed as it
        // would be alone, so the results do not depend on the thread count.
        var encoded = Data(), raw = 0.0, aligned = 0.0
        withUnsafeMutablePointer(to: &encoded) { encoded in
            withUnsafeMutablePointer(to: &raw) { raw in
                withUnsafeMutablePointer(to: &aligned) { aligned in
                    ParallelLoop.forEach(3) { task in
                        switch task {
                        case 0: encoded.pointee = SafetensorsWriter.encode(model.permutedEntries(result.permutations, groups: groups))
                        case 1: raw.pointee = reference.distance(to: model)
                        default: aligned.pointee = reference.distance(to: model, permutations: result.permutations, groups: groups)
                        }
                    }
                }
            }
        }
        return ModelAlignment(result: result, encoded: encoded, raw: raw, aligned: aligned)
    }
}
