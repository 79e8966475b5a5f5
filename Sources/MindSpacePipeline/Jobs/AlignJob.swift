import Foundation
import MindSpaceCore
import MindSpaceCheckpoints
import MindSpaceIO
import MindSpaceSimilarity

/// The `align` command as a library call: weight matching (Ainsworth et al. 2023, "Git
/// Re-Basin", Algorithm 1; `WeightMatching`) of each model to a reference. The permutation groups
/// come from `--spec FILE.json` (`PermutationSpecFile`) or are inferred from the reference's
/// chain of dense/convolutional layers (`PermutationChainInference`). Each model is written with
/// its units permuted into the reference's order as `<stem>.aligned.safetensors` (every tensor
/// in its own dtype, its bytes moved, not converted, so the function is unchanged bit for bit),
/// beside `align.json`. All files are staged and committed together: a failure leaves none.
///
/// Distances are ‖W_ref − W‖₂ over every floating-point tensor, before (`raw`) and after
/// (`aligned`) the permutation. Memory: the reference and one model at a time
/// (`AlignableCheckpoint`), the matching's kept score terms, and the aligned copy being written.
public struct AlignJob: Sendable {
    public var referencePath: String
    public var modelPaths: [String]
    /// `--spec`: the groups by hand; `nil` infers them.
    public var specPath: String?
    /// The bound on coordinate-descent sweeps.
    public var maximumSweeps: Int
    public var seed: UInt64
    public var outputFolder: String
    public var commandLine: [String]

    public init(referencePath: String, modelPaths: [String], specPath: String? = nil, maximumSweeps: Int = 100,
                seed: UInt64 = 0, outputFolder: String, commandLine: [String] = []) {
        self.referencePath = referencePath
        self.modelPaths = modelPaths
        self.specPath = specPath
        self.maximumSweeps = maximumSweeps
        self.seed = seed
        self.outputFolder = outputFolder
        self.commandLine = commandLine
    }

    /// The file name a model's aligned copy gets: its name without the checkpoint suffix, plus
    /// `.aligned.safetensors`.
    public static func alignedName(of path: String) -> String {
        var name = URL(fileURLWithPath: path).lastPathComponent
        for suffix in [CheckpointDiscovery.indexSuffix, CheckpointDiscovery.pytorchIndexSuffix] where name.lowercased().hasSuffix(suffix) {
            name = String(name.dropLast(suffix.count))
        }
        if let dot = name.lastIndex(of: "."), dot != name.startIndex { name = String(name[..<dot]) }
        return name + ".aligned.safetensors"
    }

    /// Every model's output name: `alignedName`, or, where two models share it (the final
    /// checkpoints of several runs), `<parent folder>-` before it; still equal names are refused.
    public static func alignedNames(of paths: [String]) throws -> [String] {
        let plain = paths.map(alignedName)
        let names = paths.indices.map { index in
            plain.filter { $0 == plain[index] }.count == 1 ? plain[index]
                : URL(fileURLWithPath: paths[index]).deletingLastPathComponent().lastPathComponent + "-" + plain[index]
        }
        for index in names.indices {
            if let other = names[..<index].firstIndex(of: names[index]) {
                throw MindSpaceError(.usage, "models \(paths[other]) and \(paths[index]) would both be written as \(names[index]); align them in separate runs")
            }
        }
        return names
    }

    /// Runs the job and writes its files; returns the report (also written as `align.json`).
    public func run() throws -> AlignReport {
        guard !modelPaths.isEmpty else { throw MindSpaceError(.usage, "align needs at least two checkpoints: the reference and a model") }
        guard maximumSweeps >= 1 else { throw MindSpaceError(.usage, "--max-sweeps must be at least 1, got \(maximumSweeps)") }
        let folder = URL(fileURLWithPath: outputFolder)
        func path(_ name: String) -> String { folder.appendingPathComponent(name).relativePath }
        let names = try Self.alignedNames(of: modelPaths)
        let reference = try AlignableCheckpoint.load(referencePath)
        let groups = try specPath.map(PermutationSpecFile.read) ?? PermutationChainInference.groups(of: reference.tensors, file: referencePath)
        do {
            _ = try PermutationGroup.sizes(of: groups, shapes: reference.shapes)
            for group in groups {
                for member in group.members where reference.weights[member.tensor] == nil {
                    throw MindSpaceError.malformed(nil, "permutation group \(group.name): tensor \(member.tensor) is not floating point")
                }
            }
        } catch let error as MindSpaceError {
            throw error.located(in: specPath ?? referencePath)
        }
        let transaction = OutputTransaction()
        var pairs: [AlignReport.Pair] = []
        var inputs = [try InputRecord.hashing(referencePath, format: reference.format.rawValue)]
        for (index, model) in modelPaths.enumerated() {
            let checkpoint = try AlignableCheckpoint.load(model)
            let written = path(names[index])
            let alignment = try ModelAlignment.align(checkpoint, to: reference, groups: groups, seed: seed,
                                                     maximumSweeps: maximumSweeps) { try transaction.stage($0, at: written) }
            pairs.append(AlignReport.Pair(
                reference: referencePath, model: model, aligned: written,
                distance: .init(raw: alignment.raw, aligned: alignment.aligned),
                permutations: Dictionary(uniqueKeysWithValues: zip(groups.map(\.name), alignment.result.permutations)),
                sweeps: alignment.result.sweeps, converged: alignment.result.converged))
            inputs.append(try .hashing(model, format: checkpoint.format.rawValue))
        }
        if let specPath { inputs.append(try .hashing(specPath, format: "json")) }
        let report = AlignReport(
            reference: referencePath, groups: groups.map { AlignReport.Group(name: $0.name, members: $0.members,
                size: reference.shapes[$0.members[0].tensor]?[$0.members[0].axis] ?? 0) },
            groupsFrom: specPath == nil ? "inferred" : "spec", maximumSweeps: maximumSweeps, pairs: pairs,
            report: path("align.json"), provenance: ReportEncoding.Provenance(command: commandLine, seed: seed, inputs: inputs))
        try transaction.stage(ReportEncoding.json(report), at: report.report)
        try transaction.commit()
        return report
    }
}
