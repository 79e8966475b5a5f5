import Foundation
import MindSpaceCore
import MindSpaceIO
import MindSpaceDimension
import MindSpaceRender
import MindSpaceCheckpoints

/// The `batch` command as a library call: the whole job over a tree of training runs.
///
/// `root` holds one sub-folder per run (`runs/seed0/…`, `runs/seed1/…`), each with its
/// checkpoints (`CheckpointDiscovery`); runs are taken in natural order of their names, and
/// sub-folders without checkpoints are listed as ignored. For each run with at least two
/// checkpoints the trajectory is analysed and written as `trajectory` writes it, into
/// `<out>/runs/<run>/`, with its random-walk null (`null`) and displacement subspace. Then the weight set (`WeightSetResult`: the `pick` checkpoint of every
/// run, one point each) is analysed, and `<out>/weight-set.json`, `<out>/weight-set-pca.png`
/// (the runs on PC1/PC2, coloured by the group in their names), `<out>/index.md` (the figures
/// and a table of the headline numbers) and `<out>/batch.json` are written.
///
/// Resumable: every streaming pass (a run, the weight set) is cached in `<out>/.cache/`
/// (`BatchCache`, keyed by the checkpoints' size, modification time and header hash) as soon as
/// it finishes, before its files are written. A rerun after an interruption (Ctrl-C, kill, a
/// crash) reuses what is cached, streams only what is missing, and writes files byte-identical
/// to an uninterrupted run's. Every file goes through an `OutputTransaction`, so none is ever
/// half-written; SIGINT and SIGTERM remove the transactions' hidden `.name.partial-PID`
/// temporaries (`InterruptCleanup`), and what a SIGKILL or a crash leaves a rerun removes from
/// the folders it writes. A cache entry used instead of being rewritten is recorded with
/// `OutputTransaction.recordOwned`, so the process's record of its outputs is complete.
/// The printed report (`Outcome.report`) says which passes were reused; the files do not.
///
/// One batch at a time per output folder: `run` locks `outputFolder` (`OutputFolderLock`), and a
/// second batch given the same `--out` refuses at once (exit 73); the lock goes with the process.
///
/// Memory: one streaming pass at a time, O(n² + n·chunk) (see `CheckpointStreamer`).
public struct BatchJob {
    public var root: String
    public var selection: TensorSelection
    public var pick: CheckpointPick
    /// Parameters per checkpoint read at once; `nil` for the streamer's default.
    public var chunkElements: Int?
    /// Whether to fingerprint each checkpoint's analysed bytes (`--data-hash`).
    public var hashesData = false
    public var options: EstimationOptions
    /// The null each run's spectrum is read against (`--null`, `--null-draws`, `--seed`). It is
    /// drawn from each run's cached or streamed pass every time, never cached itself, so a
    /// rerun with other null settings reuses the passes and draws the new null.
    public var null = TrajectoryNullSettings()
    /// How the weight set is aligned before its analysis (`--align`); its seed is `options.seed`.
    public var align = WeightSetAlignmentMethod.weightMatching
    public var outputFolder: String
    public var commandLine: [String]
    /// Called after each chunk with (bytes read so far, bytes to read in all) over the passes
    /// not found in the cache.
    public var progress: ((Int, Int) -> Void)?
    /// Called after each run's results are cached and its files written, with the run's name.
    /// Throwing stops the job there (tests use it to interrupt a batch).
    public var afterEachRun: ((String) throws -> Void)?

    public static let reportName = "batch.json"
    public static let indexName = "index.md"
    public static let weightSetReportName = "weight-set.json"
    public static let weightSetImageName = "weight-set-pca.png"
    public static let runsFolderName = "runs"
    /// The cache entry name of the weight set (run names cannot clash: their files live in `runs/`).
    static let weightSetCacheName = "weight-set"
    /// The cache entry of the aligned weight set's pass.
    static let alignedWeightSetCacheName = "weight-set-aligned"

    /// What a run produced, with what the cache saved.
    public struct Outcome {
        /// The report with this invocation's `reused` flags and pass counts (`batch.json`
        /// holds `report.forFile`).
        public let report: BatchReport
        /// The passes (run names, and `weight-set`) rebuilt from the cache instead of read.
        public let reused: [String]
    }

    public init(root: String, selection: TensorSelection = TensorSelection(), pick: CheckpointPick = .last,
                chunkElements: Int? = nil,
                options: EstimationOptions = EstimationOptions(), outputFolder: String, commandLine: [String] = [],
                progress: ((Int, Int) -> Void)? = nil, afterEachRun: ((String) throws -> Void)? = nil) {
        self.root = root
        self.selection = selection
        self.pick = pick
        self.chunkElements = chunkElements
        self.options = options
        self.outputFolder = outputFolder
        self.commandLine = commandLine
        self.progress = progress
        self.afterEachRun = afterEachRun
    }

    /// One run found under the root.
    struct RunPlan {
        let name: String
        let folder: String
        let paths: [String]
        /// The opened set (nil when fewer than 2 checkpoints or unusable, with the reason).
        let set: CheckpointSet?
        let skipped: String?
        let key: String?
        let cached: BatchCache.Entry?
        let picked: Int
    }

    /// Runs the batch and writes its files (see the type). Errors: `.missingInput` when `root`
    /// is missing or holds no run; `.usage` for bad options; read errors of the checkpoints.
    public func run() throws -> Outcome {
        if let chunkElements, chunkElements < 1 {
            throw MindSpaceError(.usage, "--chunk-elements must be at least 1, got \(chunkElements)")
        }
        if null.kind == .randomWalk && null.draws < 1 {
            throw MindSpaceError(.usage, "--null-draws must be at least 1, got \(null.draws)")
        }
        _ = try selection.nameFilter()
        let (runFolders, ignored) = try discoverRuns()
        // One batch per output folder at a time; the kernel drops the lock however this ends.
        let lock = try OutputFolderLock.acquire(folder: outputFolder, command: "batch")
        defer { lock.release() }
        let cache = BatchCache(outputFolder: outputFolder)
        removeStaleTemporaries(runNames: runFolders.map(\.name))

        // Plan: open every run (headers only), key it, and look in the cache.
        var plans: [RunPlan] = []
        for (name, folder, paths) in runFolders {
            let picked = try pick.index(in: paths, run: folder)
            guard paths.count >= 2 else {
                plans.append(RunPlan(name: name, folder: folder, paths: paths, set: nil,
                                     skipped: "1 checkpoint: a trajectory needs at least 2", key: nil, cached: nil, picked: picked))
                continue
            }
            let set = try CheckpointSet(paths: paths, selection: selection)
            let key = try BatchCache.key(for: set, chunkElements: width(for: set))
            plans.append(RunPlan(name: name, folder: folder, paths: paths, set: set, skipped: nil, key: key,
                                 cached: cache.load(name, key: key), picked: picked))
        }
        var weightSet: CheckpointSet?
        var weightSetSkipped: String?
        var weightSetKey: String?
        if plans.count >= 2 {
            do {
                let set = try CheckpointSet(paths: plans.map { $0.paths[$0.picked] }, selection: selection)
                weightSet = set
                weightSetKey = try BatchCache.key(for: set, chunkElements: width(for: set))
            } catch let error as MindSpaceError where error.kind == .malformedData {
                weightSetSkipped = "the runs' \(pick) checkpoints do not line up: \(error.description)"
            }
        } else {
            weightSetSkipped = "\(plans.count) run: a weight set needs at least 2 runs"
        }
        let weightSetCached = weightSetKey.flatMap { cache.load(Self.weightSetCacheName, key: $0) }
        let aligned = weightSet == nil ? nil : try alignWeightSet(plans, cache: cache)
        var total = plans.reduce(0) { $0 + ($1.cached == nil ? ($1.set?.dataByteCount ?? 0) : 0) }
        if weightSetCached == nil { total += weightSet?.dataByteCount ?? 0 }
        if let pass = aligned?.pass, pass.cached == nil { total += pass.set.dataByteCount }
        var done = 0
        var reused: [String] = []
        let passes = plans.filter { $0.set != nil }.count + (weightSet == nil ? 0 : 1) + (aligned?.pass == nil ? 0 : 1)

        // Runs: stream (or rebuild from the cache), cache, write.
        var runs: [BatchReport.Run] = []
        for plan in plans {
            var entry = BatchReport.Run(name: plan.name, folder: plan.folder, group: WeightSetResult.group(ofRun: plan.name),
                                        checkpoints: plan.paths.count, picked: plan.paths[plan.picked], images: [],
                                        skipped: plan.skipped)
            if let set = plan.set, let key = plan.key {
                let (gram, fromCache) = try streamedGram(set, key: key, cached: plan.cached, name: plan.name, cache: cache,
                                                         done: &done, total: total, reused: &reused)
                entry.reused = fromCache
                let result = try TrajectoryResult(gram: gram, set: set)
                var job = TrajectoryJob(checkpoints: plan.paths, selection: selection, outputFolder: path(Self.runsFolderName, plan.name),
                                        commandLine: commandLine)
                job.null = null
                let report = try job.write(result, set: set)
                entry.parameters = report.parameters
                entry.componentsFor = report.componentsFor
                entry.explainedVarianceRatio = report.explainedVarianceRatio
                entry.distanceTravelled = report.distanceTravelled
                entry.netDisplacement = report.netDisplacement
                entry.report = report.report
                entry.coordinates = report.coordinates
                entry.images = report.images
                entry.still = report.still
                entry.nullModel = report.nullModel
                entry.displacementShare = report.displacementShare
                entry.displacementComponentsFor = report.displacementComponentsFor
            }
            runs.append(entry)
            try afterEachRun?(plan.name)
        }

        // The weight set.
        var weightSetReport: BatchReport.WeightSet?
        let transaction = OutputTransaction()
        if let set = weightSet, let key = weightSetKey {
            var (gram, fromCache) = try streamedGram(set, key: key, cached: weightSetCached, name: Self.weightSetCacheName,
                                                     cache: cache, done: &done, total: total, reused: &reused)
            let raw = gram.distances
            if let pass = aligned?.pass {
                let (alignedGram, alignedFromCache) = try streamedGram(pass.set, key: pass.key, cached: pass.cached,
                                                                       name: Self.alignedWeightSetCacheName, cache: cache,
                                                                       done: &done, total: total, reused: &reused)
                gram = alignedGram
                fromCache = fromCache && alignedFromCache
            }
            let result = try WeightSetResult(gram: gram, names: plans.map(\.name), checkpoints: set.checkpoints.map(\.path),
                                             options: options)
            var report = makeWeightSetReport(result, raw: raw, alignment: aligned?.report ?? .notApplied(align, reason: "not run"))
            try transaction.stage(WeightSetFigure.scatter(result, groups: report.groups, pick: pick,
                                                              alignedTo: report.alignment.applied ? report.alignment.reference : nil)
                                    .pngData(provenance: weightSetProvenance(report)), at: report.image)
            try transaction.stage(ReportEncoding.json(report), at: report.report)
            report.reused = fromCache
            weightSetReport = report
        }
        let images = runs.flatMap(\.images) + (weightSetReport.map { [$0.image] } ?? [])
        let report = BatchReport(root: root, runs: runs, weightSet: weightSetReport, weightSetSkipped: weightSetSkipped,
                                 ignoredFolders: ignored, index: path(Self.indexName), images: images,
                                 report: path(Self.reportName), cache: path(".cache"),
                                 reusedPasses: reused.count, computedPasses: passes - reused.count,
                                 provenance: ReportEncoding.Provenance(command: commandLine, seed: options.seed, inputs: []))
        try transaction.stage(Data(BatchIndex.markdown(report, outputFolder: outputFolder).utf8), at: report.index)
        try transaction.stage(ReportEncoding.json(report.forFile), at: report.report)
        try transaction.commit()
        return Outcome(report: report, reused: reused)
    }

    /// The chunk width the streamer will use for `set`.
    private func width(for set: CheckpointSet) -> Int {
        chunkElements ?? CheckpointStreamer.defaultChunkElements(checkpointCount: set.count)
    }

    /// The pass over `set`, and whether it came from the cache: from the cache when `cached` is
    /// there (its file recorded as owned, and `name` appended to `reused`), else streamed and
    /// cached.
    private func streamedGram(_ set: CheckpointSet, key: String, cached: BatchCache.Entry?, name: String,
                              cache: BatchCache, done: inout Int, total: Int,
                              reused: inout [String]) throws -> (gram: StreamedGram, reused: Bool) {
        // A cached pass without fingerprints does not serve a run that asks for them.
        if let cached, let gram = cached.streamedGram(for: set), !hashesData || gram.totals.dataHashes != nil {
            reused.append(name)
            OutputTransaction.recordOwned(cache.url(name).path)
            return (gram, true)
        }
        let streamer = CheckpointStreamer(set: set, chunkElements: width(for: set), hashesData: hashesData)
        let start = done
        let gram = try StreamedGram.accumulate(streamer) { progress?(start + $0, total) }
        done = start + gram.totals.bytesRead
        try cache.store(BatchCache.Entry(key: key, gram: gram), as: name)
        return (gram, false)
    }

    /// The runs under `root` (name, folder, checkpoint paths) in natural order, and the
    /// sub-folders without checkpoints (the output folder, if inside the root, is neither).
    func discoverRuns() throws -> (runs: [(name: String, folder: String, paths: [String])], ignored: [String]) {
        guard CheckpointDiscovery.kind(of: root) == .directory else {
            throw MindSpaceError(.missingInput, file: root,
                CheckpointDiscovery.kind(of: root) == .missing ? "no such folder" : "is a file; batch takes a folder with one sub-folder per run")
        }
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: root).filter { !$0.hasPrefix(".") }
        } catch {
            throw MindSpaceError(.missingInput, file: root, "cannot list the folder")
        }
        var runs: [(name: String, folder: String, paths: [String])] = []
        var ignored: [String] = []
        let output = URL(fileURLWithPath: outputFolder).standardizedFileURL.resolvingSymlinksInPath().path
        for name in NaturalOrder.sorted(names) {
            let folder = CheckpointDiscovery.join(root, name)
            guard CheckpointDiscovery.kind(of: folder) == .directory else { continue }
            // The output folder may sit inside the root (`batch runs --out runs/report`): never a run.
            if URL(fileURLWithPath: folder).standardizedFileURL.resolvingSymlinksInPath().path == output { continue }
            do {
                runs.append((name, folder, try CheckpointDiscovery.checkpoints(inDirectory: folder)))
            } catch let error as MindSpaceError where error.kind == .missingInput && error.file == folder {
                // No checkpoints in it: not a run. (A checkpoint inside it that cannot be read,
                // such as a link loop, names that file and stops the batch.)
                ignored.append(folder)
            }
        }
        guard !runs.isEmpty else {
            let direct = names.filter(CheckpointDiscovery.isCheckpointFile)
            let hint = direct.isEmpty ? "" : "; it holds checkpoint files itself: for one run use 'mindspace trajectory \(root)'"
            throw MindSpaceError(.missingInput, file: root,
                "no run folders with checkpoints (batch takes one sub-folder per run, e.g. runs/seed0/, runs/seed1/)\(hint)")
        }
        return (runs, ignored)
    }

    /// `<out>/components…`.
    private func path(_ components: String...) -> String {
        components.reduce(URL(fileURLWithPath: outputFolder)) { $0.appendingPathComponent($1) }.relativePath
    }

    private func makeWeightSetReport(_ result: WeightSetResult, raw: Matrix<Double>,
                                     alignment: WeightSetAlignment) -> BatchReport.WeightSet {
        let spectrum = result.pca.spectrum
        let coordinates = result.pca.coordinates
        let n = result.names.count
        return BatchReport.WeightSet(
            runs: result.names, groups: result.names.map(WeightSetResult.group(ofRun:)), checkpoints: result.checkpoints,
            pick: pick.description, parameters: result.parameterCount,
            explainedVariance: spectrum.explainedVariance, explainedVarianceRatio: spectrum.explainedVarianceRatio,
            totalVariance: spectrum.totalVariance, componentsFor: spectrum.componentsForStandardFractions,
            scores: (0..<n).map { i in (0..<min(3, spectrum.componentCount)).map { coordinates[i, $0] } },
            distances: WeightSetDistances(raw: (0..<n).map { i in (0..<n).map { raw[i, $0] } },
                                          aligned: alignment.applied ? (0..<n).map { i in (0..<n).map { result.distances[i, $0] } } : nil),
            alignment: alignment,
            norms: result.norms, dataXXH3: result.gram.totals.dataHashes,
            estimates: result.estimates, skipped: result.skipped, dimensionSummary: result.dimensionSummary,
            image: path(Self.weightSetImageName), report: path(Self.weightSetReportName))
    }

    private func weightSetProvenance(_ report: BatchReport.WeightSet) -> ImageProvenance {
        let hashes = zip(report.dataXXH3 ?? [], report.checkpoints).map { "\($0)  \($1)" }.joined(separator: "\n")
        return ImageProvenance(
            commandLine: commandLine.joined(separator: " "),
            method: "weight-set PCA: eigen-decomposition of the centred Gram matrix of one checkpoint per run, streamed",
            parameters: ["runs=\(report.runs.count)", "parameters=\(report.parameters)", "pick=\(report.pick)"],
            extra: hashes.isEmpty ? [] : [PNGTextEntry(keyword: "mindspace:checkpoints-data-xxh3", text: hashes)])
    }

    /// Deletes `OutputTransaction` temporaries (`.name.partial-PID`) left by a killed batch in
    /// the folders this job writes (`<out>`, `<out>/.cache`, `<out>/runs/<run>`).
    private func removeStaleTemporaries(runNames: [String]) {
        let folders = [path(), path(".cache")] + runNames.map { path(Self.runsFolderName, $0) }
        for folder in folders {
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { continue }
            for name in names where name.hasPrefix(".") && name.range(of: #"\.partial-[0-9]+$"#, options: .regularExpression) != nil {
                try? FileManager.default.removeItem(atPath: CheckpointDiscovery.join(folder, name))
            }
        }
    }
}
