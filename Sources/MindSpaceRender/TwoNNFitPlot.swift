extension LineChart {
    /// The TwoNN diagnostic (Facco, d'Errico, Rodriguez & Laio 2017, Sci. Rep. 7:12140): for each
    /// point μ = r₂/r₁ and its empirical cumulative F(μ), the pairs (log μ, −log(1 − F(μ))) lie
    /// on a line through the origin whose slope is the intrinsic dimension d. Points are drawn
    /// translucent (they can number in the thousands); the fitted line y = slope·x + intercept
    /// spans the x range of the points; `discarded` points (e.g. the top 10 % of μ excluded from
    /// the fit) can be passed separately and are drawn grey.
    public static func twoNNFit(logMu: [Double], minusLogOneMinusF: [Double], slope: Double, intercept: Double = 0,
                                discardedLogMu: [Double] = [], discardedMinusLogOneMinusF: [Double] = [],
                                title: String? = "TwoNN fit") -> LineChart {
        let used = logMu.filter(\.isFinite)
        let xMax = max(used.max() ?? 1, discardedLogMu.filter(\.isFinite).max() ?? 0)
        let xMin = min(used.min() ?? 0, 0)
        let count = logMu.count + discardedLogMu.count
        let opacity = min(max((2000 / Double(max(count, 1))).squareRoot(), 0.25), 0.85)
        var series: [Series] = []
        if !discardedLogMu.isEmpty {
            series.append(Series(label: "discarded", x: discardedLogMu, y: discardedMinusLogOneMinusF, color: Palette.other,
                                 lineWidthPoints: 0, markerRadiusPoints: 1.6, markerOpacity: opacity))
        }
        series.append(Series(label: "points", x: logMu, y: minusLogOneMinusF, color: Palette.okabeIto[0],
                             lineWidthPoints: 0, markerRadiusPoints: 1.6, markerOpacity: opacity))
        series.append(Series(label: "fit: d = \(NiceTicks.format(slope, step: 0.01))", x: [xMin, xMax],
                             y: [slope * xMin + intercept, slope * xMax + intercept], color: Palette.okabeIto[1],
                             lineWidthPoints: 1.6))
        return LineChart(series: series, title: title, xLabel: "log \u{03BC}  (\u{03BC} = r\u{2082} / r\u{2081})",
                         yLabel: "\u{2212}log(1 \u{2212} F(\u{03BC}))")
    }
}
