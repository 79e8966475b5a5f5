import Foundation
import MindSpaceCore
import MindSpaceIO
import MindSpaceDimension
import MindSpaceRender
import MindSpaceCheckpoints

/// The `trajectory` command as a library call: open a set of checkpoints, stream them once to get
/// the PCA of the trajectory (`TrajectoryResult`), optionally stream them again to write the top
/// K parameter-space directions, and write the report, the coordinates, the scree plot and the
/// PC1/PC2 path into a folder. Every file goes through one `OutputTransaction`, so a failure at
/// any point leaves no file behind.
///
/// Files written (names fixed, so a script can find them; the report lists them):
/// `trajectory.json`, `trajectory-coordinates.npy` (n × min(n − 1, p)), `trajectory-scree.png`,
/// `trajectory-path.png`, and with `saveComponents` `trajectory-components.npy` (K × p).
/// The report sets the spectrum against its random-walk null (`null`, `RandomWalkNull`: drawn in
/// the n×n Gram space, no further read) and gives the displacement subspace
/// (`DisplacementSubspace`); the scree figure shows both.
/// A trajectory that does not move (`TrajectoryResult.isStill`: all checkpoints equal) gets no
/// path figure, only a note saying so (`TrajectoryReport.still`, `.note`); its report's `images`
/// then lists the scree plot alone.
///
/// Memory: O(n² + n·chunk) whatever p is (see `CheckpointStreamer`); the component pass adds
/// K·chunk. Time: one read of the selected tensor bytes (two with components), n²·p flops.
public struct TrajectoryJob {
    /// The `CKPT...` arguments: files, folders or globs (`CheckpointDiscovery`).
    public var checkpoints: [String]
    public var selection: TensorSelection
    public var grouping: ParameterGrouping
    /// K, the number of directions to write (`--save-components`); `nil` writes none.
    public var saveComponents: Int?
    /// Parameters per checkpoint read at once; `nil` for the default (about 2 MiB per block).
    public var chunkElements: Int?
    /// Whether to fingerprint each checkpoint's analysed bytes (`--data-hash`).
    public var hashesData = false
    /// The null the spectrum is read against (`--null`, `--null-draws`, `--seed`): the
    /// random-walk null with 200 draws from seed 0 unless told otherwise.
    public var null = TrajectoryNullSettings()
    public var outputFolder: String
    /// The command line, recorded in the report and the images.
    public var commandLine: [String]
    /// Called after each chunk with (bytes read so far, bytes the job will read in all).
    public var progress: ((Int, Int) -> Void)?

    public static let reportName = "trajectory.json"
    public static let coordinatesName = "trajectory-coordinates.npy"
    public static let screeName = "trajectory-scree.png"
    public static let pathName = "trajectory-path.png"
    public static let componentsName = "trajectory-components.npy"

    public init(checkpoints: [String], selection: TensorSelection = TensorSelection(),
                grouping: ParameterGrouping = .none, saveComponents: Int? = nil, chunkElements: Int? = nil,
                outputFolder: String,
                commandLine: [String] = [], progress: ((Int, Int) -> Void)? = nil) {
        self.checkpoints = checkpoints
        self.selection = selection
        self.grouping = grouping
        self.saveComponents = saveComponents
        self.chunkElements = chunkElements
        self.outputFolder = outputFolder
        self.commandLine = commandLine
        self.progress = progress
    }

    /// Runs the job and writes its files; returns the report (also written as `trajectory.json`).
    /// Errors: `.usage` for a bad option value, and whatever opening (`CheckpointSet`) and
    /// streaming (`CheckpointStreamer`) throw; no file is written then.
    public func run() throws -> TrajectoryReport {
        if let saveComponents, saveComponents < 1 {
            throw MindSpaceError(.usage, "--save-components must be at least 1, got \(saveComponents)")
        }
        if let chunkElements, chunkElements < 1 {
            throw MindSpaceError(.usage, "--chunk-elements must be at least 1, got \(chunkElements)")
        }
        if null.kind == .randomWalk && null.draws < 1 {
            throw MindSpaceError(.usage, "--null-draws must be at least 1, got \(null.draws)")
        }
        let set = try CheckpointSet.open(checkpoints, selection: selection)
        let streamer = CheckpointStreamer(set: set, chunkElements: chunkElements, grouping: grouping,
                                          hashesData: hashesData)
        let passes = saveComponents == nil ? 1 : 2
        let total = set.dataByteCount * passes
        let result = try TrajectoryResult.analyse(streamer) { progress?($0, total) }

        let folder = URL(fileURLWithPath: outputFolder)
        func path(_ name: String) -> String { folder.appendingPathComponent(name).relativePath }
        let transaction = OutputTransaction()
        var bytesRead = result.gram.totals.bytesRead
        var written: Int?
        if let requested = saveComponents {
            let count = min(requested, result.pca.resolvedComponentCount)
            if count > 0 {
                let firstPass = bytesRead
                var secondPass = 0
                try transaction.stageFile(at: path(Self.componentsName)) { temporary in
                    secondPass = try ComponentDirections.write(streamer, pca: result.pca, count: count,
                                                               to: temporary) { progress?(firstPass + $0, total) }.bytesRead
                }
                bytesRead += secondPass
            }
            written = count
        }
        return try write(result, set: set, transaction: transaction, bytesRead: bytesRead, componentsWritten: written)
    }

    /// Writes the report, coordinates and figures of an analysed trajectory (no second pass):
    /// what `run()` does after streaming, for callers that got `result` elsewhere (`BatchJob`
    /// rebuilds it from its cache). Byte-identical files for the same result and command line.
    public func write(_ result: TrajectoryResult, set: CheckpointSet) throws -> TrajectoryReport {
        try write(result, set: set, transaction: OutputTransaction(), bytesRead: result.gram.totals.bytesRead,
                  componentsWritten: nil)
    }

    private func write(_ result: TrajectoryResult, set: CheckpointSet, transaction: OutputTransaction,
                       bytesRead: Int, componentsWritten written: Int?) throws -> TrajectoryReport {
        let folder = URL(fileURLWithPath: outputFolder)
        func path(_ name: String) -> String { folder.appendingPathComponent(name).relativePath }
        let steps = CheckpointSteps(paths: set.checkpoints.map(\.path))
        let nullModel = try null.null(of: result)
        let report = makeReport(result, null: nullModel, set: set, steps: steps, bytesRead: bytesRead,
                                componentsWritten: written, path: path)
        let footer = "mindspace trajectory · PCA of \(set.count) checkpoints via their centred Gram matrix · "
            + "k(50/90/99%) = \(report.componentsFor["0.5"] ?? 0)/\(report.componentsFor["0.9"] ?? 0)/\(report.componentsFor["0.99"] ?? 0)"
        let provenance = imageProvenance(report)
        try transaction.stage(NpyWriter.encode(result.pca.coordinates), at: report.coordinates)
        try transaction.stage(TrajectoryFigures.scree(result.pca, null: nullModel, displacement: result.displacement,
                                                      footer: footer).pngData(provenance: provenance),
                              at: report.images[0])
        if !report.still {
            try transaction.stage(TrajectoryFigures.path(result.pca, steps: steps, null: nullModel, footer: footer)
                                    .pngData(provenance: provenance),
                                  at: report.images[1])
        }
        try transaction.stage(ReportEncoding.json(report), at: report.report)
        try transaction.commit()
        return report
    }

    private func makeReport(_ result: TrajectoryResult, null nullModel: RandomWalkNull?, set: CheckpointSet, steps: CheckpointSteps, bytesRead: Int,
                            componentsWritten: Int?, path: (String) -> String) -> TrajectoryReport {
        let spectrum = result.pca.spectrum
        let coordinates = result.pca.coordinates
        let checkpoints = set.checkpoints.enumerated().map { index, checkpoint in
            TrajectoryReport.CheckpointEntry(
                path: checkpoint.path, format: checkpoint.format.rawValue, bytes: checkpoint.byteCount,
                step: steps.values[index], norm: result.norms[index],
                scores: (0..<min(3, spectrum.componentCount)).map { coordinates[index, $0] },
                dataXXH3: result.gram.totals.dataHashes?[index])
        }
        let tensors = set.layout.entries.enumerated().map { index, entry in
            TrajectoryReport.TensorEntry(name: entry.name, shape: entry.shape, parameters: entry.parameterCount,
                                         dtypes: Set(set.checkpoints.map { $0.tensors[index].dtype.rawValue }).sorted())
        }
        let groups = grouping == .none ? nil : result.groups.map { group in
            TrajectoryReport.GroupEntry(name: group.name, tensors: group.tensors,
                                        parameters: group.pca.parameterCount,
                                        totalVariance: group.pca.spectrum.totalVariance,
                                        explainedVarianceRatio: group.pca.spectrum.explainedVarianceRatio,
                                        componentsFor: group.pca.spectrum.componentsForStandardFractions)
        }
        return TrajectoryReport(
            checkpoints: checkpoints, parameters: set.layout.parameterCount, tensors: tensors,
            skippedTensors: set.skippedTensors,
            selection: .init(tensors: selection.include, exclude: selection.exclude,
                             includeIntegerTensors: selection.includeIntegerTensors),
            stepLabel: steps.label, grouping: grouping.rawValue, groups: groups,
            explainedVariance: spectrum.explainedVariance, explainedVarianceRatio: spectrum.explainedVarianceRatio,
            totalVariance: spectrum.totalVariance, componentsFor: spectrum.componentsForStandardFractions,
            still: result.isStill, note: result.isStill ? TrajectoryReport.stillNote : nil,
            distanceTravelled: result.distanceTravelled, netDisplacement: result.netDisplacement,
            stepDistances: result.stepDistances,
            nullModel: nullModel.map { TrajectoryNullReport($0, data: spectrum) },
            displacementShare: result.displacement.cumulativeShare,
            displacementComponentsFor: result.displacement.componentsForStandardFractions,
            chunkElements: result.gram.chunkElements, bytesRead: bytesRead,
            coordinates: path(Self.coordinatesName),
            components: componentsWritten.flatMap { $0 > 0 ? path(Self.componentsName) : nil },
            componentsWritten: componentsWritten, requestedComponents: saveComponents,
            images: [path(Self.screeName)] + (result.isStill ? [] : [path(Self.pathName)]), report: path(Self.reportName),
            provenance: ReportEncoding.Provenance(command: commandLine, seed: nullModel?.seed, inputs: []))
    }

    /// PNG provenance: the command, the method, the main parameters, and with `--data-hash` one
    /// `xxh3  path` line per checkpoint (the hash of its analysed tensor bytes, as in the report).
    private func imageProvenance(_ report: TrajectoryReport) -> ImageProvenance {
        let hashes = report.checkpoints.compactMap { entry in entry.dataXXH3.map { "\($0)  \(entry.path)" } }
            .joined(separator: "\n")
        return ImageProvenance(
            commandLine: commandLine.joined(separator: " "),
            method: "trajectory PCA: eigen-decomposition of the centred Gram matrix of the checkpoints, streamed",
            parameters: ["checkpoints=\(report.checkpoints.count)", "parameters=\(report.parameters)",
                         "tensors=\(report.tensors.map(\.name).joined(separator: ","))",
                         "grouping=\(report.grouping)"]
                + (report.nullModel.map { ["null=random-walk", "null-draws=\($0.draws)", "seed=\($0.seed)"] } ?? ["null=none"]),
            extra: hashes.isEmpty ? [] : [PNGTextEntry(keyword: "mindspace:checkpoints-data-xxh3", text: hashes)])
    }
}
