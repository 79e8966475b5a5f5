import Foundation
import MindSpaceCheckpoints

/// `index.md` of a batch: the headline numbers in tables and every figure, linked relative to
/// the output folder so the folder can be moved or published as is (GitHub renders it).
enum BatchIndex {
    /// The Markdown text for `report`, whose paths start with `outputFolder`.
    static func markdown(_ report: BatchReport, outputFolder: String) -> String {
        func relative(_ path: String) -> String {
            let prefix = URL(fileURLWithPath: outputFolder).relativePath + "/"
            return path.hasPrefix(prefix) ? String(path.dropFirst(prefix.count)) : path
        }
        func number(_ value: Double?) -> String { value.map { String(format: "%.4g", $0) } ?? "–" }
        var text = "# MindSpace batch: \(report.runs.count) runs in `\(report.root)`\n\n"
        text += "Made by `\(report.provenance.command)` (MindSpace \(report.provenance.version)). "
        text += "Each checkpoint is one point of parameter space (its selected tensors flattened); "
        text += "PCA is exact, from the centred Gram matrix of the checkpoints.\n\n"
        text += "## Runs\n\n"
        text += "| run | checkpoints | parameters | components for 50% / 90% / 99% | PC1 share | random walk PC1 [95%] "
            + "| displacement on PC1 | components for 90% / 99% of the displacement | distance travelled | net displacement |\n"
        text += "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n"
        func percent(_ value: Double?) -> String { value.map { String(format: "%.1f%%", 100 * $0) } ?? "–" }
        for run in report.runs {
            let k = run.componentsFor.map { "\($0["0.5"] ?? 0) / \($0["0.9"] ?? 0) / \($0["0.99"] ?? 0)" } ?? "–"
            let null = run.nullModel.map { null in
                "\(percent(null.explainedVarianceRatio.first)) [\(percent(null.band.first?.first)), \(percent(null.band.first?.last))]"
            } ?? "–"
            let moved = (run.netDisplacement ?? 0) > 0
            let displacementK = run.displacementComponentsFor.map { "\($0["0.9"] ?? 0) / \($0["0.99"] ?? 0)" } ?? "–"
            let name = run.report.map { "[\(run.name)](\(relative($0)))" } ?? run.name
            text += "| \(name) | \(run.checkpoints) | \(run.parameters.map(String.init) ?? "–") | \(k) | "
                + "\(percent(run.explainedVarianceRatio?.first)) | \(null) | \(moved ? percent(run.displacementShare?.first) : "–") | "
                + "\(moved ? displacementK : "–") | \(number(run.distanceTravelled)) | \(number(run.netDisplacement)) |\n"
        }
        let readings = report.runs.compactMap { run in run.nullModel.map { "- \(run.name): \($0.reading)\n" } }
        if !readings.isEmpty {
            text += "\nAgainst the random-walk null (isotropic walks with each run's own step lengths, in as many "
                + "dimensions as it has parameters; Antognini & Sohl-Dickstein 2018):\n\n" + readings.joined()
        }
        let skipped = report.runs.filter { $0.skipped != nil }
        if !skipped.isEmpty {
            text += "\n" + skipped.map { "- \($0.name): no trajectory (\($0.skipped ?? ""))\n" }.joined()
        }
        if !report.ignoredFolders.isEmpty {
            text += "\nIgnored (no checkpoints): " + report.ignoredFolders.map { "`\($0)`" }.joined(separator: ", ") + "\n"
        }
        text += "\n## Weight set\n\n"
        if let set = report.weightSet {
            let k = set.componentsFor
            text += "The \(CheckpointPick.phrase(set.pick)) of each run, one point each: \(set.runs.count) points × \(set.parameters) parameters. "
            text += "PC1 holds \(String(format: "%.1f%%", 100 * (set.explainedVarianceRatio.first ?? 0))) of the variance; "
            text += "components for 50% / 90% / 99%: \(k["0.5"] ?? 0) / \(k["0.9"] ?? 0) / \(k["0.99"] ?? 0). "
            text += "Intrinsic dimension: \(set.dimensionSummary). ([weight-set.json](\(relative(set.report))))\n\n"
            text += "![weight set](\(relative(set.image)))\n\n"
            text += alignmentText(set.alignment)
            if let aligned = set.distances.aligned {
                text += distanceTable("Distances ‖xᵢ − xⱼ‖ between the runs' weights, aligned:", runs: set.runs, aligned)
                text += "\n" + distanceTable("As read (before alignment):", runs: set.runs, set.distances.raw)
            } else {
                text += distanceTable("Distances ‖xᵢ − xⱼ‖ between the runs' weights:", runs: set.runs, set.distances.raw)
            }
        } else {
            text += "No weight set: \(report.weightSetSkipped ?? "")\n"
        }
        let withImages = report.runs.filter { !$0.images.isEmpty }
        if !withImages.isEmpty {
            text += "\n## Trajectories\n"
            for run in withImages {
                text += "\n### \(run.name)\n\n"
                if run.still == true {
                    let note = TrajectoryReport.stillNote
                    text += note.prefix(1).uppercased() + note.dropFirst() + ".\n\n"
                }
                text += run.images.reversed().map { "![\(run.name)](\(relative($0)))" }.joined(separator: " ") + "\n"
            }
        }
        return text
    }

    /// One paragraph on the weight set's alignment.
    static func alignmentText(_ alignment: WeightSetAlignment) -> String {
        guard alignment.applied, let runs = alignment.runs, let groups = alignment.groups else {
            return "Not aligned: \(alignment.reason ?? "")\n\n"
        }
        let raw = runs.dropFirst().map(\.raw), aligned = runs.dropFirst().map(\.aligned)
        func mean(_ values: [Double]) -> String {
            String(format: "%.4g", values.reduce(0, +) / Double(max(1, values.count)))
        }
        let names = groups.map { "\($0.name) (\($0.size))" }.joined(separator: ", ")
        let plural = groups.count == 1 ? "" : "s"
        return "Aligned to \(alignment.reference ?? "") by weight matching (Ainsworth et al. 2023, \"Git Re-Basin\"; "
            + "\(groups.count) permutation group\(plural): \(names)): the mean distance to it goes from \(mean(raw)) to \(mean(aligned)). "
            + "The PCA, the image and the intrinsic dimension are of the aligned weights.\n\n"
    }

    /// A Markdown table of an n × n distance matrix under a caption.
    static func distanceTable(_ caption: String, runs: [String], _ matrix: [[Double]]) -> String {
        var text = caption + "\n\n| | " + runs.joined(separator: " | ") + " |\n"
        text += "|---|" + String(repeating: "---:|", count: runs.count) + "\n"
        for (i, run) in runs.enumerated() {
            text += "| \(run) | " + matrix[i].map { String(format: "%.4g", $0) }.joined(separator: " | ") + " |\n"
        }
        return text
    }
}
