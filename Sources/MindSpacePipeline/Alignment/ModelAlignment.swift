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
    /// ‖W_ref − W‖₂ before and after the permutation.
    package let raw: Double
    package let aligned: Double

    /// Matches `model` to `reference` under `groups` (already checked against the reference's
    /// shapes) and hands `deliver` the model with its units permuted into the reference's order,
    /// as a `.safetensors` file (every tensor in its own dtype, bit for bit), to write. Throws
    /// `.malformedData`, located in the model's file, when the two have different tensors or the
    /// scores overflow, and whatever `deliver` throws.
    ///
    /// The file is encoded and delivered on one thread while the two distances are computed on
    /// another: writing it (an `fsync`ed 200 MB for a 50M-parameter float32 model) then overlaps
    /// the arithmetic. Each is computed as it would be alone, so nothing depends on the thread
    /// count.
    package static func align(_ model: AlignableCheckpoint, to reference: AlignableCheckpoint, groups: [PermutationGroup],
                              seed: UInt64, maximumSweeps: Int, deliver: (Data) throws -> Void) throws -> ModelAlignment {
        try model.checkSameTensors(as: reference)
        var generator = SeededGenerator(seed: seed)
        let result: WeightMatching.Result
        do {
            result = try WeightMatching(maximumSweeps: maximumSweeps).match(
                reference: reference.weights, model: model.weights, groups: groups, generator: &generator)
        } catch let error as MindSpaceError {
            throw error.located(in: model.path)
        }
        var failure: (any Error)?, distances = (raw: 0.0, aligned: 0.0)
        withUnsafeMutablePointer(to: &failure) { failure in
            withUnsafeMutablePointer(to: &distances) { distances in
                ParallelLoop.forEach(2) { task in
                    if task == 0 {
                        do {
                            try deliver(SafetensorsWriter.encode(model.permutedEntries(result.permutations, groups: groups)))
                        } catch {
                            failure.pointee = error
                        }
                    } else {
                        distances.pointee = (reference.distance(to: model),
                                             reference.distance(to: model, permutations: result.permutations, groups: groups))
                    }
                }
            }
        }
        if let failure { throw failure }
        return ModelAlignment(result: result, raw: distances.raw, aligned: distances.aligned)
    }
}
