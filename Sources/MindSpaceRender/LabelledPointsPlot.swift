/// A few named points in a plane, each drawn as a disc with its name beside it, coloured by an
/// optional group: the map of models (or layers) that MDS makes from their distances.
///
/// Names are written to the right of their point, or to the left for points in the right third
/// of the panel, so that they stay inside it. The axes are equal in scale (the same data units
/// per pixel) when the panel is square, because an MDS map's distances are its meaning.
public struct LabelledPointsPlot: PanelContent {
    public var x: [Double]
    public var y: [Double]
    public var names: [String]
    /// Each point's group (e.g. a factor's level), or `nil` for one colour.
    public var groups: [String]?
    public var groupTitle: String?
    public var title: String?
    public var xLabel: String
    public var yLabel: String

    public init(x: [Double], y: [Double], names: [String], groups: [String]? = nil, groupTitle: String? = nil,
                title: String? = nil, xLabel: String, yLabel: String) {
        precondition(x.count == y.count && x.count == names.count && (groups?.count ?? x.count) == x.count,
                     "labelled points need one x, y and name per point")
        self.x = x
        self.y = y
        self.names = names
        self.groups = groups
        self.groupTitle = groupTitle
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
    }

    /// The distinct groups in order of first appearance.
    private var groupNames: [String] {
        var seen: [String] = []
        for group in groups ?? [] where !seen.contains(group) { seen.append(group) }
        return seen
    }

    /// Ranges with 15 % padding, widened so that both axes span the same length of data.
    private var ranges: (x: ClosedRange<Double>, y: ClosedRange<Double>) {
        let xRange = AxisSpec.paddedRange(x, padding: 0.15), yRange = AxisSpec.paddedRange(y, padding: 0.15)
        let span = max(xRange.upperBound - xRange.lowerBound, yRange.upperBound - yRange.lowerBound)
        func widened(_ range: ClosedRange<Double>) -> ClosedRange<Double> {
            let middle = (range.lowerBound + range.upperBound) / 2
            return (middle - span / 2)...(middle + span / 2)
        }
        return (widened(xRange), widened(yRange))
    }

    public func panelDescription() -> PanelDescription {
        let colors = Palette.categorical(names: groupNames)
        let legend = groups == nil ? nil
            : Legend(title: groupTitle, entries: zip(groupNames, colors).map { LegendEntry(label: $0, color: $1) })
        return PanelDescription(title: title, x: AxisSpec(label: xLabel, range: ranges.x),
                                y: AxisSpec(label: yLabel, range: ranges.y), legend: legend)
    }

    public func drawData(on canvas: inout Canvas, axes: Axes, style: PlotStyle) {
        let groupNames = self.groupNames
        let colors = Palette.categorical(names: groupNames)
        let radius = style.pixels(4)
        let textSize = style.pixels(style.tickLabelPoints)
        for index in x.indices {
            let point = axes.point(x: x[index], y: y[index])
            let color = groups.flatMap { groupNames.firstIndex(of: $0[index]) }.map { colors[$0] } ?? Palette.okabeIto[0]
            canvas.fillDisc(center: point, radius: radius, color: color.linear())
            let rightThird = point.x > axes.dataRect.minX + axes.dataRect.width * 2 / 3
            canvas.drawText(names[index], at: PixelPoint(x: point.x + (rightThird ? -1 : 1) * radius * 1.8, y: point.y),
                            pixelSize: textSize, color: style.textColor.linear(),
                            alignment: rightThird ? .trailing : .leading, anchor: .middle)
        }
    }
}
