/// A path through 2-D space in order (for example each training checkpoint's weights projected
/// on PC1/PC2): points joined step by step, each segment and point coloured by its step with
/// viridis (explained by a colour bar over the full step range), the start marked by a ring
/// and the end by a larger filled disc, both labelled. An optional reference path (for example a
/// null model's typical path in the same units) is drawn first, faint and dashed, and named in
/// a legend.
public struct TrajectoryPlot: PanelContent {
    /// A faint path drawn behind the data, in the same coordinates.
    public struct ReferencePath: Sendable {
        public var x: [Double]
        public var y: [Double]
        public var label: String
        public var color: SRGBColor

        public init(x: [Double], y: [Double], label: String, color: SRGBColor = SRGBColor(hex: 0x8C8C8C)) {
            precondition(x.count == y.count, "reference x and y differ in length")
            self.x = x
            self.y = y
            self.label = label
            self.color = color
        }
    }

    public let x: [Double]
    public let y: [Double]
    /// The step of each point (e.g. training step); 0, 1, 2, … when `nil`.
    public let steps: [Double]?
    public var title: String?
    public var xLabel: String
    public var yLabel: String
    public var stepLabel: String
    /// Drawn behind the data, faint and dashed; included in the axis ranges.
    public var reference: ReferencePath?

    public init(x: [Double], y: [Double], steps: [Double]? = nil, title: String? = "Trajectory",
                xLabel: String = "PC1", yLabel: String = "PC2", stepLabel: String = "step") {
        precondition(x.count == y.count, "x and y differ in length")
        precondition(steps.map { $0.count == x.count } ?? true, "one step per point")
        self.x = x
        self.y = y
        self.steps = steps
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.stepLabel = stepLabel
    }

    private var stepValues: [Double] { steps ?? x.indices.map(Double.init) }

    private var stepRange: ClosedRange<Double> {
        let finite = stepValues.filter(\.isFinite)
        guard let low = finite.min(), let high = finite.max(), high > low else { return 0...1 }
        return low...high
    }

    public func panelDescription() -> PanelDescription {
        // Extra padding so the start/end labels fit inside the frame.
        let xs = x + (reference?.x ?? []), ys = y + (reference?.y ?? [])
        return PanelDescription(title: title, x: AxisSpec(label: xLabel, range: AxisSpec.paddedRange(xs, padding: 0.08)),
                                y: AxisSpec(label: yLabel, range: AxisSpec.paddedRange(ys, padding: 0.08)),
                                legend: reference.map { Legend(title: nil, entries: [LegendEntry(label: $0.label, color: $0.color, swatch: .dashedLine)]) },
                                colorBar: x.count > 1 ? ColorBar(label: stepLabel, range: stepRange) : nil)
    }

    public func drawData(on canvas: inout Canvas, axes: Axes, style: PlotStyle) {
        let bar = ColorBar(label: stepLabel, range: stepRange)
        let points = zip(x, y).map { axes.point(x: $0, y: $1) }
        let stepOf = stepValues
        let width = style.pixels(style.lineWidthPoints)
        if let reference {
            let path = zip(reference.x, reference.y).map { axes.point(x: $0, y: $1) }
            let color = reference.color.linear(opacity: 0.7)
            for (a, b) in zip(path, path.dropFirst()) where a.x.isFinite && a.y.isFinite && b.x.isFinite && b.y.isFinite {
                canvas.strokeDashedLine(from: a, to: b, width: width * 0.8, dash: width * 4, gap: width * 2.5, color: color)
            }
        }
        for i in points.indices.dropLast() {
            let a = points[i], b = points[i + 1]
            guard a.x.isFinite, a.y.isFinite, b.x.isFinite, b.y.isFinite else { continue }
            let color = Palette.viridis(at: bar.fraction((stepOf[i] + stepOf[i + 1]) / 2)).linear()
            canvas.strokeLine(from: a, to: b, width: width, color: color)
        }
        let radius = max(style.pixels(1.8), 1.5)
        for (i, p) in points.enumerated() where p.x.isFinite && p.y.isFinite {
            canvas.fillDisc(center: p, radius: radius, color: Palette.viridis(at: bar.fraction(stepOf[i])).linear())
        }
        let ink = style.textColor.linear()
        let text = style.pixels(style.tickLabelPoints)
        let pad = style.pixels(style.paddingPoints)
        if let start = points.first(where: { $0.x.isFinite && $0.y.isFinite }) {
            let ring = style.pixels(4.5)
            canvas.fillDisc(center: start, radius: ring, color: ink)
            canvas.fillDisc(center: start, radius: ring - style.pixels(1.2), color: style.background.linear())
            canvas.drawText("start", at: PixelPoint(x: start.x + ring + pad * 0.5, y: start.y - ring), pixelSize: text,
                            color: ink, alignment: .leading, anchor: .bottom)
        }
        if points.count > 1, let end = points.last(where: { $0.x.isFinite && $0.y.isFinite }) {
            let disc = style.pixels(4)
            canvas.fillDisc(center: end, radius: disc, color: ink)
            canvas.drawText("end", at: PixelPoint(x: end.x + disc + pad * 0.5, y: end.y - disc), pixelSize: text,
                            color: ink, alignment: .leading, anchor: .bottom)
        }
    }
}
