/// One curve of intrinsic dimension against scale, with an optional confidence band.
public struct DimensionCurve: Sendable {
    public var label: String
    /// Scales (neighbourhood size k, radius, or number of points), ascending.
    public var scales: [Double]
    public var estimates: [Double]
    /// Lower and upper confidence limits at each scale (both or neither).
    public var lower: [Double]?
    public var upper: [Double]?

    public init(label: String, scales: [Double], estimates: [Double], lower: [Double]? = nil, upper: [Double]? = nil) {
        precondition(scales.count == estimates.count, "one estimate per scale")
        precondition((lower == nil) == (upper == nil), "give both confidence limits or neither")
        precondition(lower.map { $0.count == scales.count } ?? true && upper.map { $0.count == scales.count } ?? true,
                     "one confidence limit per scale")
        self.label = label
        self.scales = scales
        self.estimates = estimates
        self.lower = lower
        self.upper = upper
    }
}

extension LineChart {
    /// Intrinsic dimension against scale, one line per curve (categorical colours; a
    /// humans/AIs pair gets blue/red) with its confidence band shaded. The scale axis is
    /// logarithmic by default, as scales usually grow geometrically.
    public static func dimensionVersusScale(_ curves: [DimensionCurve], scaleLabel: String = "neighbourhood size k",
                                            logarithmicScale: Bool = true,
                                            title: String? = "Intrinsic dimension across scales") -> LineChart {
        let colors = Palette.categorical(names: curves.map(\.label))
        var series: [Series] = [], bands: [Band] = []
        for (curve, color) in zip(curves, colors) {
            series.append(Series(label: curve.label, x: curve.scales, y: curve.estimates, color: color,
                                 markerRadiusPoints: curve.scales.count <= 40 ? 2 : nil))
            if let lower = curve.lower, let upper = curve.upper {
                bands.append(Band(x: curve.scales, lower: lower, upper: upper, color: color))
            }
        }
        var chart = LineChart(series: series, bands: bands, title: title, xLabel: scaleLabel, yLabel: "intrinsic dimension",
                              xScale: logarithmicScale && curves.allSatisfy({ $0.scales.allSatisfy { $0 > 0 } }) ? .logarithmic : .linear)
        let values = curves.flatMap { $0.estimates + ($0.lower ?? []) + ($0.upper ?? []) }.filter(\.isFinite)
        if let high = values.max() {
            // Dimensions are non-negative: start the axis at 0 unless all values are far from it.
            let low = values.min() ?? 0
            chart.yRange = AxisSpec.paddedRange(low > high * 0.5 ? values : values + [0])
        }
        return chart
    }
}
