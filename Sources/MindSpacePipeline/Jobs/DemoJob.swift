import Foundation
import MindSpaceCore
import MindSpaceIO
import MindSpaceSynthetic
import MindSpaceDimension

/// `mindspace demo`: the showcase on the data shipped in `datasets/`, written into one folder
/// with an `index.md` that shows every figure with its headline numbers.
///
/// Steps (each skipped with a note when its data are missing, so a partial checkout still runs):
/// 1. the illustrative mind-space model (`generate mindspace`) and its sphere-vs-manifold contrast;
/// 2. the contrast of real sentence embeddings (`datasets/text-embeddings.npy`, groups beside);
/// 3. the contrast of the handwritten digits (`datasets/digits.npy`, coloured by digit);
/// 4. the training trajectories in `datasets/trajectories/runs` (one trajectory per run).
/// Every step is a library job (`GenerateJob`, `ContrastJob`, `TrajectoryJob`) writing its own
/// files atomically; `demo.json` and `index.md` are written last.
public struct DemoJob: Sendable {
    /// The folder holding the shipped data (`datasets/`).
    public var datasetsFolder: String
    public var outputFolder: String
    public var seed: UInt64
    public var commandLine: [String]
    /// Called with a one-line description before each step.
    public var progress: (@Sendable (String) -> Void)?

    public init(datasetsFolder: String = "datasets", outputFolder: String = "output", seed: UInt64 = 0,
                commandLine: [String] = [], progress: (@Sendable (String) -> Void)? = nil) {
        self.datasetsFolder = datasetsFolder
        self.outputFolder = outputFolder
        self.seed = seed
        self.commandLine = commandLine
        self.progress = progress
    }

    public func run() throws -> DemoReport {
        let data = URL(fileURLWithPath: datasetsFolder)
        let out = URL(fileURLWithPath: outputFolder)
        func exists(_ url: URL) -> Bool { FileManager.default.fileExists(atPath: url.path) }
        guard exists(data) else {
            throw MindSpaceError(.missingInput, file: datasetsFolder, "no datasets folder here; run the demo from the repository root or pass --datasets")
        }
        var sections: [DemoReport.Section] = []
        var notes: [String] = []
        var realGroups: [DemoReport.RealGroups] = []
        let options = EstimationOptions(seed: seed)

        progress?("two pictures of mind space: the sphere and the manifold model, generated and measured with groups")
        let hypotheses = try HypothesesJob(seed: seed, outputFolder: out.appendingPathComponent("hypotheses").path,
                                           commandLine: commandLine).run()

        progress?("mind-space model: generating 2500 illustrative minds and contrasting them with their null model")
        let model = try GenerateJob(name: "mindspace", n: 2500, seed: seed,
                                    outputFolder: out.appendingPathComponent("mindspace").path, commandLine: commandLine).run()
        let modelContrast = try ContrastJob(dataPath: model.path, groupsPath: model.groups, options: options,
                                            title: "Illustrative mind-space model: sphere view vs manifold view",
                                            outputFolder: out.appendingPathComponent("mindspace").path,
                                            commandLine: commandLine).run()
        sections.append(.init(contrast: modelContrast, heading: "The mind-space model (illustrative)",
                              text: "Synthetic minds built the way the argument says real ones are: one human learning process "
                                + "on diverse data, \(MindSpaceModel().aiProcesses) AI processes trained mostly on human-derived data, "
                                + "each a smooth map from a \(model.trueId)-dimensional latent space into \(model.d) dimensions. "
                                + "True intrinsic dimension: \(model.trueId). Illustrative, not a measurement of real systems."))

        let embeddings = data.appendingPathComponent("text-embeddings.npy")
        if exists(embeddings) {
            progress?("text embeddings: contrasting real sentence embeddings with their null model")
            let groups = data.appendingPathComponent("text-embeddings-groups.tsv")
            let contrast = try ContrastJob(dataPath: embeddings.path, groupsPath: exists(groups) ? groups.path : nil,
                                           options: options, title: "Sentence embeddings (all-MiniLM-L6-v2): sphere view vs manifold view",
                                           outputFolder: out.appendingPathComponent("text-embeddings").path,
                                           commandLine: commandLine).run()
            sections.append(.init(contrast: contrast, heading: "Real sentence embeddings",
                                  text: "Embeddings of real text by a real model (see datasets/README.md), coloured by source group."))
            if exists(groups) {
                realGroups.append(.init(heading: "Sentence embeddings by source group", report: try GroupsJob(
                    dataPath: embeddings.path, groupsPath: groups.path, groupColumn: "group", settings: .init(seed: seed),
                    outputFolder: out.appendingPathComponent("text-embeddings").path, commandLine: commandLine).run()))
            }
        } else {
            notes.append("datasets/text-embeddings.npy not found: the embeddings step was skipped")
        }

        let digits = data.appendingPathComponent("digits.npy")
        if exists(digits) {
            progress?("digits: contrasting the 1797 handwritten digits with their null model")
            let labels = data.appendingPathComponent("digits-labels.tsv")
            let contrast = try ContrastJob(dataPath: digits.path, groupsPath: exists(labels) ? labels.path : nil,
                                           options: options, title: "Handwritten digits: sphere view vs manifold view",
                                           outputFolder: out.appendingPathComponent("digits").path,
                                           commandLine: commandLine).run()
            sections.append(.init(contrast: contrast, heading: "Handwritten digits",
                                  text: "1797 images of 8×8 pixels (64 features), coloured by the digit they show."))
            if exists(labels) {
                realGroups.append(.init(heading: "Handwritten digits by class", report: try GroupsJob(
                    dataPath: digits.path, groupsPath: labels.path, settings: .init(seed: seed),
                    outputFolder: out.appendingPathComponent("digits").path, commandLine: commandLine).run()))
            }
        } else {
            notes.append("datasets/digits.npy not found: the digits step was skipped")
        }

        var trajectories: [DemoReport.Trajectory] = []
        var weightSet: DemoReport.WeightSet?
        let runs = data.appendingPathComponent("trajectories/runs")
        if exists(runs) {
            progress?("trajectories: streaming PCA of every training run and of the runs' final weights (batch)")
            var batchJob = BatchJob(root: runs.path, options: options,
                                    outputFolder: out.appendingPathComponent("trajectories").path,
                                    commandLine: commandLine)
            batchJob.null = TrajectoryNullSettings(seed: seed)
            let batch = try batchJob.run().report
            for run in batch.runs where run.skipped == nil {
                trajectories.append(.init(run: run.name, checkpoints: run.checkpoints, parameters: run.parameters ?? 0,
                                          componentsFor90: run.componentsFor?["0.9"] ?? 0,
                                          firstComponentRatio: run.explainedVarianceRatio?.first ?? 0,
                                          nullFirstComponentRatio: run.nullModel?.explainedVarianceRatio.first,
                                          nullBand: run.nullModel?.band.first,
                                          nullComponentsFor90: run.nullModel?.componentsFor["0.9"]?.median,
                                          displacementFirstComponentShare: (run.netDisplacement ?? 0) > 0 ? run.displacementShare?.first : nil,
                                          displacementComponentsFor90: run.displacementComponentsFor?["0.9"] ?? 0,
                                          reading: run.nullModel?.reading,
                                          images: run.images, report: run.report ?? ""))
            }
            if let set = batch.weightSet {
                weightSet = .init(runs: set.runs.count, componentsFor90: set.componentsFor["0.9"] ?? 0,
                                  dimension: set.dimensionSummary,
                                  alignment: set.alignment.textLine(raw: set.distances.raw, aligned: set.distances.aligned),
                                  image: set.image, index: batch.index)
            }
        } else {
            notes.append("datasets/trajectories/runs not found: the trajectory step was skipped")
        }

        var layers: DemoReport.Layers?
        let textLayers = data.appendingPathComponent("text-layers.npz")
        if exists(textLayers) {
            progress?("layers: the geometry profile of MiniLM's seven layers on 600 of the sentences")
            layers = DemoReport.Layers(try LayersJob(activationsPath: textLayers.relativePath, options: options,
                                                     outputFolder: out.appendingPathComponent("layers").path,
                                                     commandLine: commandLine).run())
        } else {
            notes.append("datasets/text-layers.npz not found: the layers step was skipped")
        }

        var representations: DemoReport.Representations?
        if exists(runs) && exists(digits) {
            progress?("representations: the runs' hidden layers on the digits, compared (CKA, mutual k-NN, PERMANOVA)")
            let folder = out.appendingPathComponent("representations")
            let written = try DemoRepresentations.write(runsFolder: runs, digits: digits, into: folder)
            if written.paths.count >= 3 {
                let compare = try CompareJob(inputPaths: written.paths, comparison: .init(seed: seed),
                                             factorsPath: written.factors, outputFolder: folder.path,
                                             commandLine: commandLine).run()
                representations = DemoReport.Representations(compare, factors: try written.factors.map(FactorTable.read))
            } else {
                notes.append("fewer than three runs with an fc1 layer: the representations step was skipped")
            }
        }

        progress?("writing index.md and demo.json")
        let report = DemoReport(
            hypotheses: hypotheses, groups: realGroups,
            sections: sections, trajectories: trajectories, weightSet: weightSet, representations: representations, layers: layers, notes: notes,
            images: [hypotheses.image] + sections.map(\.image) + trajectories.flatMap(\.images) + (weightSet.map { [$0.image] } ?? [])
                + (representations?.images ?? []) + (layers?.images ?? []),
            index: out.appendingPathComponent("index.md").relativePath,
            report: out.appendingPathComponent("demo.json").relativePath,
            provenance: ReportEncoding.Provenance(command: commandLine, seed: seed, inputs: []))
        let transaction = OutputTransaction()
        try transaction.stage(Data(report.markdown(relativeTo: out).utf8), at: report.index)
        try transaction.stage(ReportEncoding.json(report), at: report.report)
        try transaction.commit()
        return report
    }
}

/// The JSON report of `mindspace demo` (keys per shared/cli.md: `images[]`, `report`).
public struct DemoReport: Codable, Equatable, Sendable {
    /// One sphere-vs-manifold figure with its headline numbers.
    public struct Section: Codable, Equatable, Sendable {
        public var heading: String
        public var text: String
        public var data: String
        public var n: Int
        public var d: Int
        public var manifoldID: Double
        public var manifoldCI: [Double]
        public var sphereID: Double
        public var sphereCI: [Double]
        public var estimator: String
        public var manifoldComponentsFor90: Int
        public var sphereComponentsFor90: Int
        public var image: String

        init(contrast: ContrastReport, heading: String, text: String) {
            self.heading = heading
            self.text = text
            data = contrast.provenance.inputs.first?.path ?? ""
            n = contrast.n
            d = contrast.d
            manifoldID = contrast.manifold.id
            manifoldCI = contrast.manifold.ci
            sphereID = contrast.sphere.id
            sphereCI = contrast.sphere.ci
            estimator = contrast.manifold.estimator
            manifoldComponentsFor90 = contrast.manifold.componentsFor90
            sphereComponentsFor90 = contrast.sphere.componentsFor90
            image = contrast.image
        }

        enum CodingKeys: String, CodingKey {
            case heading, text, data, n, d, estimator, image
            case manifoldID = "manifold_id", manifoldCI = "manifold_ci", sphereID = "sphere_id", sphereCI = "sphere_ci"
            case manifoldComponentsFor90 = "manifold_components_for_90", sphereComponentsFor90 = "sphere_components_for_90"
        }
    }

    /// One training run's trajectory summary.
    public struct Trajectory: Codable, Equatable, Sendable {
        public var run: String
        public var checkpoints: Int
        public var parameters: Int
        public var componentsFor90: Int
        public var firstComponentRatio: Double
        /// The random-walk null's mean PC1 share, its 95 % band and its median components for
        /// 90 % (`TrajectoryNullReport`); `nil` for a still run.
        public var nullFirstComponentRatio: Double?
        public var nullBand: [Double]?
        public var nullComponentsFor90: Double?
        /// The share of the displacement first → last on PC1 (`nil` when it is 0) and the
        /// components holding 90 % of it.
        public var displacementFirstComponentShare: Double?
        public var displacementComponentsFor90: Int
        /// The data against the null, in words.
        public var reading: String?
        public var images: [String]
        public var report: String

        enum CodingKeys: String, CodingKey {
            case run, checkpoints, parameters, images, report, reading
            case componentsFor90 = "components_for_90", firstComponentRatio = "first_component_ratio"
            case nullFirstComponentRatio = "null_first_component_ratio", nullBand = "null_band"
            case nullComponentsFor90 = "null_components_for_90"
            case displacementFirstComponentShare = "displacement_first_component_share"
            case displacementComponentsFor90 = "displacement_components_for_90"
        }
    }

    /// The runs' final weights as a point set (from `batch`).
    public struct WeightSet: Codable, Equatable, Sendable {
        public var runs: Int
        public var componentsFor90: Int
        /// The intrinsic-dimension result or the reason there is none.
        public var dimension: String
        /// How the runs were aligned for the permutation symmetry of hidden units, with the mean
        /// distance between runs raw and aligned (or why they were not aligned).
        public var alignment: String
        public var image: String
        /// The batch's own index.md.
        public var index: String

        enum CodingKeys: String, CodingKey {
            case runs, dimension, alignment, image, index
            case componentsFor90 = "components_for_90"
        }
    }

    /// The two pictures of mind space, side by side (the demo's first figure).
    public var hypotheses: HypothesesJob.Result
    /// `groups` on the shipped labelled data.
    public var groups: [RealGroups]
    public var sections: [Section]
    public var trajectories: [Trajectory]
    public var weightSet: WeightSet?
    /// `compare` on the runs' hidden layers.
    public var representations: Representations?
    /// `layers` on the shipped MiniLM hidden states.
    public var layers: Layers?
    public var notes: [String]
    public var images: [String]
    public var index: String
    public var report: String
    public var provenance: ReportEncoding.Provenance

    enum CodingKeys: String, CodingKey {
        case hypotheses, groups, sections, trajectories, representations, layers, notes, images, index, report, provenance
        case weightSet = "weight_set"
    }

    /// `index.md`: each figure with its headline numbers; links relative to `folder`.
    public func markdown(relativeTo folder: URL) -> String {
        func relative(_ path: String) -> String {
            let base = folder.standardizedFileURL.path + "/"
            let full = URL(fileURLWithPath: path).standardizedFileURL.path
            return full.hasPrefix(base) ? String(full.dropFirst(base.count)) : path
        }
        func interval(_ ci: [Double]) -> String { String(format: "[%.2f, %.2f]", ci.first ?? .nan, ci.last ?? .nan) }
        var text = "# MindSpace demo\n\nMade by `\(provenance.command)` (MindSpace \(provenance.version), seed \(provenance.seed ?? 0)). "
            + "Each figure puts the data (manifold view, right) beside a null model with the same points, features and spread "
            + "but no joint structure (sphere view, left). The numbers are what the data show, with 95% confidence intervals.\n\n"
        text += hypothesesMarkdown(relative: relative)
        text += "| data | N × D | ID of the data | ID of the null model | PCs for 90% (data / null) |\n|---|---|---|---|---|\n"
        for section in sections {
            text += "| \(section.heading) | \(section.n) × \(section.d) | \(String(format: "%.2f", section.manifoldID)) \(interval(section.manifoldCI)) "
                + "| \(String(format: "%.2f", section.sphereID)) \(interval(section.sphereCI)) "
                + "| \(section.manifoldComponentsFor90) / \(section.sphereComponentsFor90) |\n"
        }
        for section in sections {
            text += "\n## \(section.heading)\n\n\(section.text)\n\n![\(section.heading)](\(relative(section.image)))\n\n"
            text += "Intrinsic dimension (\(section.estimator)): data \(String(format: "%.2f", section.manifoldID)) \(interval(section.manifoldCI)), "
                + "null model \(String(format: "%.2f", section.sphereID)) \(interval(section.sphereCI)); "
                + "principal components for 90% of the variance: \(section.manifoldComponentsFor90) of \(section.d) for the data, "
                + "\(section.sphereComponentsFor90) for the null model.\n"
        }
        text += realGroupsMarkdown()
        if !trajectories.isEmpty {
            func percent(_ value: Double?) -> String { value.map { String(format: "%.1f%%", 100 * $0) } ?? "–" }
            text += "\n## Training trajectories\n\nStreaming PCA of each run's checkpoints (one point per epoch): in how few directions "
                + "training moves, set against a random walk with the same number of steps of the same lengths (isotropic, in as "
                + "many dimensions as the run has parameters; such a walk alone puts about 61% of its variance on PC1 when its "
                + "steps are equal, Antognini & Sohl-Dickstein 2018), and how much of the way from the first checkpoint to the "
                + "last lies on the leading components (the displacement subspace, Li et al. 2022).\n\n"
            text += "| run | checkpoints | parameters | PC1 share | random walk PC1 [95%] | PCs for 90% (data / walk) "
                + "| displacement on PC1 | PCs for 90% of the displacement |\n|---|---|---|---|---|---|---|---|\n"
            for run in trajectories {
                let null = run.nullFirstComponentRatio.map { "\(percent($0)) [\(percent(run.nullBand?.first)), \(percent(run.nullBand?.last))]" } ?? "–"
                let walkK = run.nullComponentsFor90.map { $0 == $0.rounded() ? String(Int($0)) : String(format: "%.1f", $0) } ?? "–"
                text += "| \(run.run) | \(run.checkpoints) | \(run.parameters) | \(percent(run.firstComponentRatio)) | \(null) "
                    + "| \(run.componentsFor90) / \(walkK) | \(percent(run.displacementFirstComponentShare)) "
                    + "| \(run.displacementFirstComponentShare == nil ? "–" : String(run.displacementComponentsFor90)) |\n"
            }
            if let reading = trajectories.first?.reading {
                text += "\nIn words, for \(trajectories[0].run): \(reading)\n"
            }
            if let first = trajectories.first {
                text += "\n" + first.images.map { "![\(first.run)](\(relative($0)))" }.joined(separator: "\n") + "\n"
            }
        }
        if let weightSet {
            text += "\n## The runs' final weights\n\nEach run's last checkpoint as one point (\(weightSet.runs) runs): "
                + "\(weightSet.componentsFor90) principal components hold 90% of their spread. \(weightSet.dimension)\n\n"
                + "Hidden units are interchangeable, so runs that compute the same function can sit far apart in "
                + "weight space; the runs are first aligned by weight matching (Ainsworth et al. 2023): "
                + "\(weightSet.alignment).\n\n"
                + "![weight set](\(relative(weightSet.image)))\n\nDetails: [\(relative(weightSet.index))](\(relative(weightSet.index)))\n"
        }
        if let representations { text += representations.markdown(relative: relative) }
        if let layers { text += layers.markdown(relative: relative) }
        if !notes.isEmpty { text += "\n## Notes\n\n" + notes.map { "- \($0)\n" }.joined() }
        return text
    }

    /// The human-readable summary the CLI prints without `--json`.
    public func text() -> String {
        var text = ""
        for section in sections {
            text += "\(section.heading): ID \(String(format: "%.2f", section.manifoldID)) vs null \(String(format: "%.2f", section.sphereID)); "
                + "PCs for 90%: \(section.manifoldComponentsFor90) vs \(section.sphereComponentsFor90)\n"
        }
        for run in trajectories {
            let null = run.nullFirstComponentRatio.map { String(format: " vs random walk %.1f%%", 100 * $0) } ?? ""
            text += "trajectory \(run.run): \(run.checkpoints) checkpoints, PC1 \(String(format: "%.1f%%", 100 * run.firstComponentRatio))"
                + "\(null), PCs for 90%: \(run.componentsFor90)\n"
        }
        for note in notes { text += "note: \(note)\n" }
        return text + "wrote \(index), \(report) and \(images.count) images\n"
    }
}
