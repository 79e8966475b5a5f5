import Foundation
import MindSpaceRender
import MindSpaceCheckpoints

/// The two pictures of a trajectory: the scree plot of its spectrum (how many directions the
/// training moves in) and its path on the first two principal components, coloured by step.
/// The figures only receive numbers; where they came from is written by the caller into the
/// PNG's provenance.
public enum TrajectoryFigures {
    /// Components drawn in the scree plot (the cumulative curve always counts all of them).
    public static let screeComponentLimit = 40

    /// The scree plot of `pca`'s spectrum (its checkpoints and parameters counted in the title);
    /// `footer` carries method and provenance in one line.
    public static func scree(_ pca: GramPCA, footer: String?) -> Figure {
        let chart = LineChart.scree(explainedVarianceRatio: pca.spectrum.explainedVarianceRatio,
                                    maximumComponents: screeComponentLimit,
                                    title: "Explained variance per principal component")
        let title = "Trajectory spectrum: \(pca.pointCount) checkpoints × \(grouped(pca.parameterCount)) parameters"
        return Figure(chart, title: title, footer: footer)
    }

    /// The checkpoints on PC1/PC2 joined in order and coloured by `steps` (a trajectory with
    /// one component is drawn on PC1 with PC2 = 0). Axis labels give each component's share of
    /// the variance. Not drawn for a trajectory that does not move (`TrajectoryResult.isStill`):
    /// every checkpoint would sit at the origin with "start" and "end" on top of each other.
    public static func path(_ pca: GramPCA, steps: CheckpointSteps, footer: String?) -> Figure {
        let spectrum = pca.spectrum
        let coordinates = pca.coordinates
        let n = pca.pointCount
        let x = (0..<n).map { spectrum.componentCount > 0 ? coordinates[$0, 0] : 0 }
        let y = (0..<n).map { spectrum.componentCount > 1 ? coordinates[$0, 1] : 0 }
        func label(_ index: Int) -> String {
            guard index < spectrum.componentCount else { return "PC\(index + 1) (none)" }
            return String(format: "PC%d (%.1f%% of variance)", index + 1, 100 * spectrum.explainedVarianceRatio[index])
        }
        let plot = TrajectoryPlot(x: x, y: y, steps: steps.values, title: "Checkpoints on the first two principal components",
                                  xLabel: label(0), yLabel: label(1), stepLabel: steps.label)
        return Figure(plot, title: "Training trajectory: \(n) checkpoints", footer: footer)
    }

    /// 1234567 → "1,234,567".
    static func grouped(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var result = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { result.append(",") }
            result.append(digit)
        }
        return value < 0 ? "-" + result : result
    }
}
