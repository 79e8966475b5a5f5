import Foundation
import MindSpaceRender
import MindSpaceCheckpoints

/// The picture of a weight set: each run's chosen checkpoint on the first two principal
/// components of the set, coloured by the group in the run's name (`subset0-seed2` → `subset0`;
/// by run when every run is its own group). The figure only receives numbers; the caller writes
/// the provenance.
public enum WeightSetFigure {
    /// The PC1/PC2 scatter of `result` (a set with one component is drawn with PC2 = 0);
    /// `alignedTo` names the run the weights were aligned to (weight matching), if they were.
    public static func scatter(_ result: WeightSetResult, groups: [String], pick: CheckpointPick,
                               alignedTo: String? = nil) -> Figure {
        let spectrum = result.pca.spectrum
        let coordinates = result.pca.coordinates
        let n = result.pca.pointCount
        let x = (0..<n).map { spectrum.componentCount > 0 ? coordinates[$0, 0] : 0 }
        let y = (0..<n).map { spectrum.componentCount > 1 ? coordinates[$0, 1] : 0 }
        func label(_ index: Int) -> String {
            guard index < spectrum.componentCount else { return "PC\(index + 1) (none)" }
            return String(format: "PC%d (%.1f%% of variance)", index + 1, 100 * spectrum.explainedVarianceRatio[index])
        }
        let byRun = Set(groups).count == groups.count
        var plot = ScatterPlot(x: x, y: y, coloring: .groups(byRun ? result.names : groups),
                               title: "The \(pick.phrase) of each run on the first two principal components",
                               xLabel: label(0), yLabel: label(1))
        plot.mode = .points
        plot.pointRadius = 7
        plot.opacity = 0.9
        plot.legendTitle = byRun ? "run" : "group"
        let k = spectrum.componentsForStandardFractions
        let footer = "mindspace batch · PCA of \(n) runs × \(TrajectoryFigures.grouped(result.parameterCount)) parameters via their centred Gram matrix · "
            + "k(50/90/99%) = \(k["0.5"] ?? 0)/\(k["0.9"] ?? 0)/\(k["0.99"] ?? 0) · ID: \(result.dimensionSummary)"
        let aligned = alignedTo.map { ", units aligned to \($0) by weight matching" } ?? " (not aligned)"
        return Figure(plot, title: "Weight set: \(n) runs\(aligned)", footer: footer)
    }
}
