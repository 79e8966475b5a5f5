import MindSpaceCore

extension LineChart {
    /// A scree plot: each principal component's fraction of the variance, and the cumulative
    /// fraction, against the component number, with dashed lines at 90 % and 99 % of the variance
    /// and dotted markers at the first components reaching them (labelled with k). Markers are
    /// drawn for up to 60 components. `ratios` are explained-variance ratios (each in [0, 1],
    /// largest first); only the first `maximumComponents` are shown when given.
    public static func scree(explainedVarianceRatio ratios: [Double], maximumComponents: Int? = nil,
                             title: String? = "Explained variance") -> LineChart {
        let shown = Array(ratios.prefix(maximumComponents ?? ratios.count))
        var cumulative: [Double] = []
        var total = 0.0
        // The cumulative curve runs over all components, so a truncated view still shows the true total.
        for r in ratios { total += r.isFinite ? r : 0; cumulative.append(total) }
        let components = shown.indices.map { Double($0 + 1) }
        let markers: Double? = shown.count <= 60 ? 2.2 : nil
        var chart = LineChart(
            series: [
                Series(label: "per component", x: components, y: shown, color: Palette.okabeIto[0], markerRadiusPoints: markers),
                Series(label: "cumulative", x: components, y: Array(cumulative.prefix(shown.count)), color: Palette.okabeIto[1],
                       markerRadiusPoints: markers.map { $0 * 0.8 }),
            ],
            title: title, xLabel: "principal component", yLabel: "fraction of variance")
        for threshold in [0.9, 0.99] {
            let percent = threshold == 0.9 ? "90%" : "99%"
            if let k = cumulative.firstIndex(where: { $0 >= threshold - NumericTolerance.cumulativeFractionSlack }) {
                chart.referenceLines.append(ReferenceLine(.horizontal, at: threshold, label: "\(percent) at k = \(k + 1)"))
                if k < shown.count { chart.referenceLines.append(ReferenceLine(.vertical, at: Double(k + 1))) }
            } else {
                chart.referenceLines.append(ReferenceLine(.horizontal, at: threshold, label: "\(percent) not reached"))
            }
        }
        chart.xRange = 0.5...(Double(max(shown.count, 1)) + 0.5)
        chart.yRange = 0...1.05
        chart.integerXTicks = true
        return chart
    }
}
