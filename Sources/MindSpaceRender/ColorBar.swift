/// A vertical viridis colour bar explaining continuous point colours, drawn right of the data
/// area. Values outside `range` are drawn in the end colours, so plots pass a clipped range
/// (the 5th–95th percentiles) to keep a few outliers from washing out the map.
public struct ColorBar: Sendable, Equatable {
    public var label: String
    public var range: ClosedRange<Double>

    public init(label: String, range: ClosedRange<Double>) {
        self.label = label
        self.range = range
    }

    /// The 5th and 95th percentiles of the finite `values` (linear interpolation between order
    /// statistics), widened to ±0.5 around a constant; 0…1 when there are no finite values.
    /// O(n log n).
    public static func clippedRange(_ values: [Double]) -> ClosedRange<Double> {
        let sorted = values.filter(\.isFinite).sorted()
        guard !sorted.isEmpty else { return 0...1 }
        func quantile(_ q: Double) -> Double {
            let position = q * Double(sorted.count - 1)
            let below = Int(position.rounded(.down)), above = min(below + 1, sorted.count - 1)
            let t = position - Double(below)
            return sorted[below] * (1 - t) + sorted[above] * t
        }
        let low = quantile(0.05), high = quantile(0.95)
        return high > low ? low...high : (low - 0.5)...(low + 0.5)
    }

    /// Position of `value` in the map, clamped to [0, 1].
    public func fraction(_ value: Double) -> Double {
        let span = range.upperBound - range.lowerBound
        guard span > 0, value.isFinite else { return 0 }
        return min(max((value - range.lowerBound) / span, 0), 1)
    }

    private func ticks(height: Double, style: PlotStyle) -> NiceTicks {
        let target = max(Int(height / (style.pixels(style.tickLabelPoints) * 3)), 2)
        return NiceTicks(lower: range.lowerBound, upper: range.upperBound, targetCount: min(target, 6))
    }

    /// Width in pixels: bar, ticks, tick labels and the rotated label.
    func width(height: Double, style: PlotStyle) -> Double {
        let text = style.pixels(style.tickLabelPoints)
        let labels = ticks(height: height, style: style).labels
        let widest = labels.map { style.textWidth($0, points: style.tickLabelPoints) }.max() ?? 0
        return text * 0.9 + style.pixels(style.tickLengthPoints) + text * 0.4 + widest
            + style.pixels(style.paddingPoints) + style.pixels(style.axisLabelPoints)
    }

    /// Draws the bar with its top-left at `origin`, `height` pixels tall.
    func draw(on canvas: inout Canvas, at origin: PixelPoint, height: Double, style: PlotStyle) {
        let text = style.pixels(style.tickLabelPoints)
        let barWidth = text * 0.9
        let top = origin.y.rounded(), bottom = (origin.y + height).rounded()
        let rows = Int(bottom - top)
        guard rows > 0 else { return }
        for row in 0..<rows {
            // Top row is the top of the map, bottom row its bottom, so both end colours show.
            let t = rows > 1 ? 1 - Double(row) / Double(rows - 1) : 0.5
            canvas.fillRect(PixelRect(minX: origin.x, minY: top + Double(row), maxX: origin.x + barWidth, maxY: top + Double(row + 1)),
                            color: Palette.viridis(at: t).linear())
        }
        let frame = style.pixels(style.frameWidthPoints)
        canvas.strokeRect(PixelRect(minX: origin.x - frame, minY: top - frame, maxX: origin.x + barWidth + frame, maxY: bottom + frame),
                          lineWidth: frame, color: style.frameColor.linear())
        let tick = style.pixels(style.tickLengthPoints)
        let ticks = ticks(height: height, style: style)
        var widest = 0.0
        for (value, label) in zip(ticks.values, ticks.labels) {
            let y = bottom - fraction(value) * (bottom - top)
            canvas.fillRect(PixelRect(minX: origin.x + barWidth + frame, minY: y - frame / 2,
                                      maxX: origin.x + barWidth + frame + tick, maxY: y + frame / 2),
                            color: style.frameColor.linear())
            let box = canvas.drawText(label, at: PixelPoint(x: origin.x + barWidth + frame + tick + text * 0.4, y: y),
                                      pixelSize: text, color: style.textColor.linear(), alignment: .leading, anchor: .middle)
            widest = max(widest, box.width)
        }
        canvas.drawText(label, at: PixelPoint(x: origin.x + barWidth + frame + tick + text * 0.4 + widest + style.pixels(style.paddingPoints),
                                              y: (top + bottom) / 2),
                        pixelSize: style.pixels(style.axisLabelPoints) * 0.9, color: style.textColor.linear(),
                        alignment: .center, anchor: .top, rotated: true)
    }
}
