import Foundation

/// A chart of lines, markers, shaded bands and reference lines over shared axes: the base of
/// the scree, TwoNN-fit and dimension-versus-scale plots (see their `LineChart` factory
/// functions). Draw order: bands, reference lines, lines, markers.
public struct LineChart: PanelContent {
    /// A sequence of (x, y) points drawn as a line, markers, or both. Non-finite points break
    /// the line and are not marked.
    public struct Series: Sendable {
        public var label: String?
        public var x: [Double]
        public var y: [Double]
        public var color: SRGBColor
        /// Line width in points; 0 draws no line, `nil` uses the style's width.
        public var lineWidthPoints: Double?
        public var dashed: Bool
        /// Marker radius in points; `nil` draws no markers.
        public var markerRadiusPoints: Double?
        public var markerOpacity: Double

        public init(label: String? = nil, x: [Double], y: [Double], color: SRGBColor, lineWidthPoints: Double? = nil,
                    dashed: Bool = false, markerRadiusPoints: Double? = nil, markerOpacity: Double = 1) {
            precondition(x.count == y.count, "series x and y differ in length")
            self.label = label
            self.x = x
            self.y = y
            self.color = color
            self.lineWidthPoints = lineWidthPoints
            self.dashed = dashed
            self.markerRadiusPoints = markerRadiusPoints
            self.markerOpacity = markerOpacity
        }
    }

    /// A shaded region between `lower` and `upper` over `x` (a confidence band).
    public struct Band: Sendable {
        public var label: String?
        public var x: [Double]
        public var lower: [Double]
        public var upper: [Double]
        public var color: SRGBColor
        public var opacity: Double

        public init(label: String? = nil, x: [Double], lower: [Double], upper: [Double], color: SRGBColor, opacity: Double = 0.25) {
            precondition(x.count == lower.count && x.count == upper.count, "band arrays differ in length")
            self.label = label
            self.x = x
            self.lower = lower
            self.upper = upper
            self.color = color
            self.opacity = opacity
        }
    }

    /// A dashed line across the whole data area at a fixed value, with an optional label drawn
    /// just above it (horizontal) or beside it (vertical).
    public struct ReferenceLine: Sendable {
        public enum Orientation: Sendable { case horizontal, vertical }
        public var orientation: Orientation
        public var value: Double
        public var label: String?
        public var color: SRGBColor

        public init(_ orientation: Orientation, at value: Double, label: String? = nil, color: SRGBColor = SRGBColor(hex: 0x808080)) {
            self.orientation = orientation
            self.value = value
            self.label = label
            self.color = color
        }
    }

    public var series: [Series]
    public var bands: [Band]
    public var referenceLines: [ReferenceLine]
    public var title: String?
    public var xLabel: String
    public var yLabel: String
    /// Axis limits; `nil` = the range of all series and bands plus 5 %.
    public var xRange: ClosedRange<Double>?
    public var yRange: ClosedRange<Double>?
    public var xScale: AxisScale
    public var yScale: AxisScale
    public var integerXTicks: Bool
    public var legendTitle: String?
    /// Names for the x positions 0, 1, … (layers): a categorical x axis labelled with them.
    public var xCategories: [String]?

    public init(series: [Series], bands: [Band] = [], referenceLines: [ReferenceLine] = [], title: String? = nil,
                xLabel: String = "", yLabel: String = "", xScale: AxisScale = .linear, yScale: AxisScale = .linear) {
        self.series = series
        self.bands = bands
        self.referenceLines = referenceLines
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.xScale = xScale
        self.yScale = yScale
        integerXTicks = false
    }

    public func panelDescription() -> PanelDescription {
        let xs = series.flatMap(\.x) + bands.flatMap(\.x)
        let ys = series.flatMap(\.y) + bands.flatMap { $0.lower + $0.upper }
        let xr = xRange ?? AxisSpec.paddedRange(xs, scale: xScale)
        let yr = yRange ?? AxisSpec.paddedRange(ys, scale: yScale)
        var entries: [LegendEntry] = []
        for s in series {
            guard let label = s.label else { continue }
            let hasLine = (s.lineWidthPoints ?? 1) > 0
            entries.append(LegendEntry(label: label, color: s.color, swatch: hasLine ? (s.dashed ? .dashedLine : .line) : .disc))
        }
        for b in bands {
            if let label = b.label { entries.append(LegendEntry(label: label, color: b.color, swatch: .band)) }
        }
        return PanelDescription(title: title,
                                x: xCategories.map { AxisSpec(label: xLabel, categories: $0) }
                                    ?? AxisSpec(label: xLabel, range: xr, scale: xScale, integerTicks: integerXTicks),
                                y: AxisSpec(label: yLabel, range: yr, scale: yScale),
                                legend: entries.isEmpty ? nil : Legend(title: legendTitle, entries: entries))
    }

    public func drawData(on canvas: inout Canvas, axes: Axes, style: PlotStyle) {
        let r = axes.dataRect
        for band in bands {
            // Upper edge left to right, lower edge back; split where values are missing.
            var run: [Int] = []
            func flush() {
                guard run.count >= 2 else { run.removeAll(); return }
                let polygon = run.map { axes.point(x: band.x[$0], y: band.upper[$0]) }
                    + run.reversed().map { axes.point(x: band.x[$0], y: band.lower[$0]) }
                canvas.fillPolygon(polygon, color: band.color.linear(opacity: Float(band.opacity)))
                run.removeAll()
            }
            for i in band.x.indices {
                if band.x[i].isFinite && band.lower[i].isFinite && band.upper[i].isFinite { run.append(i) } else { flush() }
            }
            flush()
        }
        let referenceWidth = style.pixels(style.lineWidthPoints) * 0.8
        let pad = style.pixels(style.paddingPoints)
        let textSize = style.pixels(style.tickLabelPoints)
        for line in referenceLines {
            let color = line.color.linear()
            switch line.orientation {
            case .horizontal:
                let y = axes.pixelY(line.value)
                guard y.isFinite else { continue }
                canvas.strokeDashedLine(from: PixelPoint(x: r.minX, y: y), to: PixelPoint(x: r.maxX, y: y), width: referenceWidth,
                                        dash: pad * 1.6, gap: pad, color: color)
            case .vertical:
                let x = axes.pixelX(line.value)
                guard x.isFinite else { continue }
                canvas.strokeDashedLine(from: PixelPoint(x: x, y: r.maxY), to: PixelPoint(x: x, y: r.minY), width: referenceWidth,
                                        dash: pad * 1.6, gap: pad, color: color)
            }
        }
        for s in series {
            let width = style.pixels(s.lineWidthPoints ?? style.lineWidthPoints)
            guard width > 0 else { continue }
            let points = zip(s.x, s.y).map { x, y in
                x.isFinite && y.isFinite ? axes.point(x: x, y: y) : PixelPoint(x: .nan, y: .nan)
            }
            if s.dashed {
                for (a, b) in zip(points, points.dropFirst()) where a.x.isFinite && b.x.isFinite {
                    canvas.strokeDashedLine(from: a, to: b, width: width, dash: width * 4, gap: width * 2.5, color: s.color.linear())
                }
            } else {
                canvas.strokePolyline(points, width: width, color: s.color.linear())
            }
        }
        for s in series {
            guard let radiusPoints = s.markerRadiusPoints, !s.x.isEmpty else { continue }
            let stamps = DiscStampSet(radius: max(style.pixels(radiusPoints), 1.5))
            let px = axes.pixelXs(s.x), py = axes.pixelYs(s.y)
            let color = s.color.linear(opacity: Float(s.markerOpacity)).premultiplied
            PointRasterizer.drawDiscs(xs: px, ys: py, colorIndex: [Int32](repeating: 0, count: px.count), palette: [color],
                                      order: Array(px.indices), stamps: stamps, canvas: &canvas)
        }
        // Reference-line labels last, on a translucent backing, so that no line or curve crosses
        // them: a horizontal line's label sits under it at the right end, a vertical line's
        // beside it at the bottom.
        for line in referenceLines {
            guard let label = line.label else { continue }
            let width = style.textWidth(label, points: style.tickLabelPoints)
            let ascent = Canvas.anchorOffset(.baseline, pixelSize: textSize)
            let origin: PixelPoint
            switch line.orientation {
            case .horizontal:
                let y = axes.pixelY(line.value)
                guard y.isFinite else { continue }
                origin = PixelPoint(x: r.maxX - pad - width, y: y + pad * 0.6 + ascent)
            case .vertical:
                let x = axes.pixelX(line.value)
                guard x.isFinite else { continue }
                origin = PixelPoint(x: x + pad * 0.6, y: r.maxY - pad)
            }
            canvas.fillRect(PixelRect(minX: origin.x - pad * 0.4, minY: origin.y - ascent * 1.05,
                                      maxX: origin.x + width + pad * 0.4, maxY: origin.y + pad * 0.4),
                            color: style.background.linear(opacity: 0.85))
            canvas.drawText(label, at: origin, pixelSize: textSize, color: style.secondaryTextColor.linear(),
                            alignment: .leading, anchor: .baseline)
        }
    }
}
