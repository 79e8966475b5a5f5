import Foundation
import MindSpaceRender
import MindSpaceCore
import MindSpaceCheckpoints

/// The two pictures of a trajectory: the scree plot of its spectrum (how many directions the
/// training moves in) and its path on the first two principal components, coloured by step.
/// The figures only receive numbers; where they came from is written by the caller into the
/// PNG's provenance.
public enum TrajectoryFigures {
    /// Components drawn in the scree plot (the cumulative curve always counts all of them).
    public static let screeComponentLimit = 40

    /// The colour of the random-walk null in every figure: a neutral grey behind the data.
    static let nullColor = SRGBColor(hex: 0x7F7F7F)
    /// The null's cumulative curve: a lighter grey, told apart from its per-component mean.
    static let nullCumulativeColor = SRGBColor(hex: 0xB5B5B5)

    /// The scree plot of `pca`'s spectrum (its checkpoints and parameters counted in the title),
    /// with the random-walk null's mean ratio and its cumulative sum (dashed greys) and its 95 % band
    /// (shaded) when `null` is
    /// given, and beside it a second panel with the share of the displacement first → last held
    /// by the top-k components (`DisplacementSubspace`) unless the displacement is 0. `footer`
    /// carries method and provenance in one line.
    public static func scree(_ pca: GramPCA, null: RandomWalkNull? = nil, displacement: DisplacementSubspace? = nil,
                             footer: String?) -> Figure {
        var chart = LineChart.scree(explainedVarianceRatio: pca.spectrum.explainedVarianceRatio,
                                    maximumComponents: screeComponentLimit,
                                    title: "Explained variance per principal component")
        if let null {
            let shown = min(screeComponentLimit, null.explainedVarianceRatio.count)
            let x = (0..<shown).map { Double($0 + 1) }
            chart.bands.insert(LineChart.Band(label: "random walk, \(Int((100 * null.level).rounded()))% band", x: x,
                                              lower: null.band.prefix(shown).map(\.low), upper: null.band.prefix(shown).map(\.high),
                                              color: nullColor, opacity: 0.3), at: 0)
            chart.series.append(LineChart.Series(label: "random walk, mean", x: x, y: Array(null.explainedVarianceRatio.prefix(shown)),
                                                 color: nullColor, dashed: true))
            var running = 0.0
            let cumulative = null.explainedVarianceRatio.prefix(shown).map { running += $0; return running }
            chart.series.append(LineChart.Series(label: "random walk, cumulative", x: x, y: cumulative,
                                                 color: nullCumulativeColor, dashed: true))
        }
        let title = "Trajectory spectrum: \(pca.pointCount) checkpoints × \(grouped(pca.parameterCount)) parameters"
        guard let displacement, displacement.length > 0 else { return Figure(chart, title: title, footer: footer) }
        return Figure(panels: [chart, displacementChart(displacement)], title: title, footer: footer,
                      width: 2600, height: 1200)
    }

    /// The cumulative share of the displacement first → last in the top-k components, with the
    /// components reaching 90 % and 99 % marked as in the scree plot.
    static func displacementChart(_ displacement: DisplacementSubspace) -> LineChart {
        let shown = Array(displacement.cumulativeShare.prefix(screeComponentLimit))
        let x = shown.indices.map { Double($0 + 1) }
        var chart = LineChart(
            series: [LineChart.Series(label: "displacement in top k", x: x, y: shown, color: Palette.okabeIto[2],
                                      markerRadiusPoints: shown.count <= 60 ? 2.2 : nil)],
            title: "Share of the displacement first → last in the top k components",
            xLabel: "principal components k", yLabel: "fraction of the squared displacement")
        for (fraction, percent) in [(0.9, "90%"), (0.99, "99%")] {
            let k = displacement.componentsFor(fraction: fraction)
            let reached = k > 0 && (displacement.cumulativeShare.last ?? 0) >= fraction - 1e-12
            chart.referenceLines.append(LineChart.ReferenceLine(.horizontal, at: fraction,
                                                                label: reached ? "\(percent) at k = \(k)" : "\(percent) not reached"))
            if reached && k <= shown.count { chart.referenceLines.append(LineChart.ReferenceLine(.vertical, at: Double(k))) }
        }
        chart.xRange = 0.5...(Double(max(shown.count, 1)) + 0.5)
        chart.yRange = 0...1.05
        chart.integerXTicks = true
        return chart
    }

    /// The checkpoints on PC1/PC2 joined in order and coloured by `steps` (a trajectory with
    /// one component is drawn on PC1 with PC2 = 0), with the random-walk null's typical path
    /// (`RandomWalkNull.typicalPath`, same units) faint and dashed behind when `null` is given.
    /// Axis labels give each component's share of the variance. Not drawn for a trajectory that
    /// does not move (`TrajectoryResult.isStill`): every checkpoint would sit at the origin with
    /// "start" and "end" on top of each other.
    public static func path(_ pca: GramPCA, steps: CheckpointSteps, null: RandomWalkNull? = nil, footer: String?) -> Figure {
        let spectrum = pca.spectrum
        let coordinates = pca.coordinates
        let n = pca.pointCount
        let x = (0..<n).map { spectrum.componentCount > 0 ? coordinates[$0, 0] : 0 }
        let y = (0..<n).map { spectrum.componentCount > 1 ? coordinates[$0, 1] : 0 }
        func label(_ index: Int) -> String {
            guard index < spectrum.componentCount else { return "PC\(index + 1) (none)" }
            return String(format: "PC%d (%.1f%% of variance)", index + 1, 100 * spectrum.explainedVarianceRatio[index])
        }
        var plot = TrajectoryPlot(x: x, y: y, steps: steps.values, title: "Checkpoints on the first two principal components",
                                  xLabel: label(0), yLabel: label(1), stepLabel: steps.label)
        if let null, null.typicalPath.rows == n {
            // PC2's sign is arbitrary for both: start the null's on the same side as the data's.
            let flip: Double = (null.typicalPath[0, 1] < 0) == (y[0] < 0) ? 1 : -1
            plot.reference = TrajectoryPlot.ReferencePath(
                x: (0..<n).map { null.typicalPath[$0, 0] }, y: (0..<n).map { flip * null.typicalPath[$0, 1] },
                label: "random walk (typical path)", color: nullColor)
        }
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
