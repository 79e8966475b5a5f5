import Foundation

/// How data values map to positions along an axis.
public enum AxisScale: Sendable, Equatable {
    case linear
    /// Base-10 logarithmic; the range must be positive.
    case logarithmic
}

/// One axis of a panel: its label, the data range it shows, and its scale.
public struct AxisSpec: Sendable, Equatable {
    public var label: String
    /// The data values at the two ends of the axis.
    public var range: ClosedRange<Double>
    public var scale: AxisScale
    /// Only whole-number ticks (component indices, steps).
    public var integerTicks: Bool
    /// Named positions instead of numbers: category i sits at value i and is labelled with its
    /// name, every one of them (heatmap rows, layers). `nil` for a numeric axis.
    public var categories: [String]?

    public init(label: String, range: ClosedRange<Double>, scale: AxisScale = .linear, integerTicks: Bool = false) {
        self.label = label
        self.range = range
        self.scale = scale
        self.integerTicks = integerTicks
    }

    /// A categorical axis: `categories[i]` at value i, the range −0.5 … count − 0.5 so that each
    /// category owns a unit cell.
    public init(label: String, categories: [String]) {
        self.init(label: label, range: -0.5...(Double(max(categories.count, 1)) - 0.5))
        self.categories = categories
    }

    /// A range covering the finite `values` with `padding` (a fraction of the span) on each
    /// side. Empty input gives 0…1; a single value v gives v ± max(|v|·0.1, 0.5). On a
    /// logarithmic axis, non-positive values are ignored and padding is in log space.
    public static func paddedRange<S: Sequence>(_ values: S, padding: Double = 0.05,
                                                 scale: AxisScale = .linear) -> ClosedRange<Double> where S.Element == Double {
        var low = Double.infinity, high = -Double.infinity
        for v in values where v.isFinite && (scale == .linear || v > 0) {
            let t = scale == .linear ? v : log10(v)
            low = min(low, t)
            high = max(high, t)
        }
        if low > high { return scale == .linear ? 0...1 : 1...10 }
        if low == high {
            let half = max(abs(low) * 0.1, 0.5)
            low -= half
            high += half
        } else {
            let pad = (high - low) * padding
            low -= pad
            high += pad
        }
        return scale == .linear ? low...high : pow(10, low)...pow(10, high)
    }

    /// Position of `value` along the axis as a fraction of its length (0 at `range.lowerBound`).
    public func fraction(_ value: Double) -> Double {
        switch scale {
        case .linear:
            let span = range.upperBound - range.lowerBound
            return span > 0 ? (value - range.lowerBound) / span : 0.5
        case .logarithmic:
            guard value > 0, range.lowerBound > 0 else { return -.infinity }
            let low = log10(range.lowerBound), span = log10(range.upperBound) - low
            return span > 0 ? (log10(value) - low) / span : 0.5
        }
    }

    /// Nice ticks for this axis, about `targetCount` of them (on a logarithmic axis at most
    /// that many labels, plus unlabelled minor ticks; see `NiceTicks(logarithmicLower:upper:targetCount:)`).
    public func ticks(targetCount: Int) -> NiceTicks {
        if let categories { return NiceTicks(categories: categories) }
        switch scale {
        case .logarithmic:
            return NiceTicks(logarithmicLower: range.lowerBound, upper: range.upperBound, targetCount: targetCount)
        case .linear:
            let ticks = NiceTicks(lower: range.lowerBound, upper: range.upperBound, targetCount: targetCount)
            if integerTicks && ticks.step < 1 {
                return NiceTicks(lower: range.lowerBound, upper: range.upperBound,
                                 targetCount: max(Int(range.upperBound - range.lowerBound) + 1, 2))
            }
            return ticks
        }
    }
}

/// A panel's data area placed on the canvas: maps data coordinates to pixels.
public struct Axes: Sendable {
    /// The data area in canvas pixels (the inside of the frame).
    public let dataRect: PixelRect
    public let x: AxisSpec
    public let y: AxisSpec
    public let xTicks: NiceTicks
    public let yTicks: NiceTicks

    public init(dataRect: PixelRect, x: AxisSpec, y: AxisSpec, xTicks: NiceTicks, yTicks: NiceTicks) {
        self.dataRect = dataRect
        self.x = x
        self.y = y
        self.xTicks = xTicks
        self.yTicks = yTicks
    }

    /// Canvas x (pixels) of data value `value`: `left + fraction · width`.
    public func pixelX(_ value: Double) -> Double { dataRect.minX + x.fraction(value) * dataRect.width }
    /// Canvas y (pixels) of data value `value`: `bottom − fraction · height` (y grows upwards).
    public func pixelY(_ value: Double) -> Double { dataRect.maxY - y.fraction(value) * dataRect.height }
    /// The canvas point of data point (`x`, `y`).
    public func point(x: Double, y: Double) -> PixelPoint { PixelPoint(x: pixelX(x), y: pixelY(y)) }

    /// Canvas x of many values at once (a tight loop for linear axes).
    public func pixelXs(_ values: [Double]) -> [Double] {
        Axes.map(values, axis: x, start: dataRect.minX, length: dataRect.width)
    }

    /// Canvas y of many values at once.
    public func pixelYs(_ values: [Double]) -> [Double] {
        Axes.map(values, axis: y, start: dataRect.maxY, length: -dataRect.height)
    }

    /// `start + fraction(v) · length` for every value; the linear case is one multiply-add.
    private static func map(_ values: [Double], axis: AxisSpec, start: Double, length: Double) -> [Double] {
        let span = axis.range.upperBound - axis.range.lowerBound
        guard axis.scale == .linear, span > 0 else {
            return values.map { start + axis.fraction($0) * length }
        }
        let scale = length / span, offset = start - axis.range.lowerBound * scale
        var result = [Double](repeating: 0, count: values.count)
        values.withUnsafeBufferPointer { source in
            result.withUnsafeMutableBufferPointer { target in
                for i in 0..<source.count { target[i] = source[i] * scale + offset }
            }
        }
        return result
    }

    /// Draws the light grid at the ticks (before the data).
    func drawGrid(on canvas: inout Canvas, style: PlotStyle) {
        guard style.showGrid else { return }
        let width = style.pixels(style.gridWidthPoints)
        let color = style.gridColor.linear()
        for value in xTicks.values {
            let px = pixelX(value)
            canvas.fillRect(PixelRect(minX: px - width / 2, minY: dataRect.minY, maxX: px + width / 2, maxY: dataRect.maxY), color: color)
        }
        for value in yTicks.values {
            let py = pixelY(value)
            canvas.fillRect(PixelRect(minX: dataRect.minX, minY: py - width / 2, maxX: dataRect.maxX, maxY: py + width / 2), color: color)
        }
    }

    /// Whether the minor ticks of `ticks` are far enough apart to draw: at least 3 pixels (and
    /// 2 frame widths) between any two ticks, minor or major, along an axis of `length` pixels.
    static func minorTicksAreLegible(_ ticks: NiceTicks, axis: AxisSpec, length: Double, frame: Double) -> Bool {
        guard !ticks.minorValues.isEmpty else { return false }
        let positions = (ticks.values + ticks.minorValues).map { axis.fraction($0) * length }.sorted()
        let closest = zip(positions, positions.dropFirst()).map { $1 - $0 }.min() ?? .infinity
        return closest >= max(3, 2 * frame)
    }

    /// Draws the frame, outward ticks and tick labels (after the data, so they stay on top);
    /// minor ticks, unlabelled and 60 % as long, where `minorTicksAreLegible`.
    func drawFrameAndTicks(on canvas: inout Canvas, style: PlotStyle) {
        let frame = style.pixels(style.frameWidthPoints)
        let tick = style.pixels(style.tickLengthPoints)
        let minorTick = tick * 0.6
        let gap = style.pixels(style.paddingPoints) * 0.5
        let size = style.pixels(style.tickLabelPoints)
        let frameColor = style.frameColor.linear(), textColor = style.textColor.linear()
        let r = dataRect
        canvas.strokeRect(PixelRect(minX: r.minX - frame, minY: r.minY - frame, maxX: r.maxX + frame, maxY: r.maxY + frame),
                          lineWidth: frame, color: frameColor)
        if Axes.minorTicksAreLegible(xTicks, axis: x, length: r.width, frame: frame) {
            for value in xTicks.minorValues {
                let px = pixelX(value)
                canvas.fillRect(PixelRect(minX: px - frame / 2, minY: r.maxY + frame, maxX: px + frame / 2, maxY: r.maxY + frame + minorTick),
                                color: frameColor)
            }
        }
        if Axes.minorTicksAreLegible(yTicks, axis: y, length: r.height, frame: frame) {
            for value in yTicks.minorValues {
                let py = pixelY(value)
                canvas.fillRect(PixelRect(minX: r.minX - frame - minorTick, minY: py - frame / 2, maxX: r.minX - frame, maxY: py + frame / 2),
                                color: frameColor)
            }
        }
        for (value, label) in zip(xTicks.values, xTicks.labels) {
            let px = pixelX(value)
            canvas.fillRect(PixelRect(minX: px - frame / 2, minY: r.maxY + frame, maxX: px + frame / 2, maxY: r.maxY + frame + tick), color: frameColor)
            canvas.drawText(label, at: PixelPoint(x: px, y: r.maxY + frame + tick + gap), pixelSize: size,
                            color: textColor, alignment: .center, anchor: .top)
        }
        for (value, label) in zip(yTicks.values, yTicks.labels) {
            let py = pixelY(value)
            canvas.fillRect(PixelRect(minX: r.minX - frame - tick, minY: py - frame / 2, maxX: r.minX - frame, maxY: py + frame / 2), color: frameColor)
            canvas.drawText(label, at: PixelPoint(x: r.minX - frame - tick - gap, y: py), pixelSize: size,
                            color: textColor, alignment: .trailing, anchor: .middle)
        }
    }
}
