import Foundation
import MindSpaceCore
import MindSpaceIO
import MindSpaceSimilarity
import MindSpaceCheckpoints

/// `batch --align`: how the runs' weight set is aligned before its PCA, distances and ID.
public enum WeightSetAlignmentMethod: String, CaseIterable, Sendable {
    /// Weight matching of every run's picked checkpoint to the first run's (`WeightMatching`).
    case weightMatching = "weight-matching"
    /// The raw weights.
    case none
}

/// The alignment step of `batch`: every run's picked checkpoint matched to the first run's by
/// weight matching (Ainsworth et al. 2023, Algorithm 1; groups inferred from the first run's
/// layer chain, `PermutationChainInference`), written as `<out>/.cache/aligned/<run>.safetensors`
/// so the weight-set pass streams them like any checkpoint. A file whose bytes are already there
/// is left untouched, so its fingerprint (size, time, header) still keys the cached pass.
/// Hidden units are interchangeable, so without this step the weight set's distances and spread
/// measure permutation as much as training.
struct BatchWeightAlignment {
    var seed: UInt64
    var maximumSweeps = 100
    /// `<out>/.cache/aligned`.
    var folder: String

    /// The aligned checkpoints' paths (the first run's file itself, as the reference) and the
    /// report's `alignment`. Throws `.malformedData` when the weights cannot be aligned (no
    /// inferable chain, runs with different tensors), with the reason.
    func align(paths: [String], runs: [String]) throws -> (paths: [String], report: WeightSetAlignment) {
        precondition(paths.count == runs.count && !paths.isEmpty)
        let reference = try AlignableCheckpoint.load(paths[0])
        let groups = try PermutationChainInference.groups(of: reference.tensors, file: paths[0])
        _ = try PermutationGroup.sizes(of: groups, shapes: reference.shapes)
        let transaction = OutputTransaction()
        var aligned = [paths[0]]
        var entries = [WeightSetAlignment.Run(run: runs[0], sweeps: 0, converged: true, raw: 0, aligned: 0)]
        for index in 1..<paths.count {
            let model = try AlignableCheckpoint.load(paths[index])
            let path = URL(fileURLWithPath: folder).appendingPathComponent(String(BatchCache.fileName(runs[index]).dropLast(".json".count)) + ".safetensors").relativePath
            let alignment = try ModelAlignment.align(model, to: reference, groups: groups, seed: seed,
                                                     maximumSweeps: maximumSweeps) { bytes in
                if (try? Data(contentsOf: URL(fileURLWithPath: path))) == bytes {
                    OutputTransaction.recordOwned(path)
                } else {
                    try transaction.stage(bytes, at: path)
                }
            }
            aligned.append(path)
            entries.append(WeightSetAlignment.Run(
                run: runs[index], sweeps: alignment.result.sweeps, converged: alignment.result.converged,
                raw: alignment.raw, aligned: alignment.aligned))
        }
        try transaction.commit()
        let report = WeightSetAlignment(
            method: WeightSetAlignmentMethod.weightMatching.rawValue, applied: true, reason: nil, reference: runs[0],
            groups: groups.map { AlignReport.Group(name: $0.name, members: $0.members,
                                                   size: reference.shapes[$0.members[0].tensor]?[$0.members[0].axis] ?? 0) },
            runs: entries, checkpoints: aligned)
        return (aligned, report)
    }
}

extension BatchJob {
    /// The aligned weight set's pass, planned: its checkpoint set, cache key and cached entry.
    struct AlignedPass {
        let set: CheckpointSet
        let key: String
        let cached: BatchCache.Entry?
    }

    /// Aligns the runs' picked checkpoints (`align`), returning the report's `alignment` and,
    /// when it ran, the aligned set's pass. The cache key adds the alignment settings to the
    /// aligned files' fingerprints, and the entry has its own name, so a pass is never reused
    /// under other alignment settings.
    func alignWeightSet(_ plans: [RunPlan], cache: BatchCache) throws -> (report: WeightSetAlignment, pass: AlignedPass?) {
        guard align == .weightMatching else {
            return (.notApplied(align, reason: "--align none: the runs' weights are analysed as read"), nil)
        }
        let aligner = BatchWeightAlignment(seed: options.seed, folder: cache.folder.appendingPathComponent("aligned").relativePath)
        do {
            let (paths, report) = try aligner.align(paths: plans.map { $0.paths[$0.picked] }, runs: plans.map(\.name))
            let set = try CheckpointSet(paths: paths, selection: selection)
            var hash = ContentHash()
            hash.update(Array("\(try BatchCache.key(for: set, chunkElements: chunkElements ?? CheckpointStreamer.defaultChunkElements(checkpointCount: set.count)))\nalign=\(align.rawValue)\nseed=\(options.seed)\nsweeps=\(aligner.maximumSweeps)\n".utf8))
            let key = hash.hexDigest()
            return (report, AlignedPass(set: set, key: key, cached: cache.load(BatchJob.alignedWeightSetCacheName, key: key)))
        } catch let error as MindSpaceError where error.kind == .malformedData {
            return (.notApplied(align, reason: "cannot align the runs' weights: \(error.description)"), nil)
        }
    }
}
