import Foundation

/// A matrix of values drawn as coloured cells (viridis), with the row and column names on the
/// axes and, while the cells are large enough, each value written in its cell: the picture of a
/// similarity matrix between models or layers.
///
/// Row 0 is at the top, as in a printed matrix. Column names are written under the columns when
/// they fit side by side; otherwise the columns are numbered 1…n and the row names carry the
/// same numbers ("1 name"), so every cell can still be read. Cell text is black on light cells
/// and white on dark ones (relative luminance of the cell colour above or below 0.4).
public struct Heatmap: PanelContent {
    /// values[row][column]; non-finite cells are drawn grey, without text.
    public var values: [[Double]]
    public var rowNames: [String]
    public var columnNames: [String]
    public var title: String?
    /// The colour bar's label (the metric).
    public var valueLabel: String
    /// The values at the two ends of the colour map; defaults to the finite values' span.
    public var range: ClosedRange<Double>?
    /// Write the values in the cells (when the cells are at least two text lines tall).
    public var showsValues: Bool
    /// Digits after the decimal point of the cell texts.
    public var decimals: Int

    public init(values: [[Double]], rowNames: [String], columnNames: [String], title: String? = nil,
                valueLabel: String, range: ClosedRange<Double>? = nil, showsValues: Bool = true, decimals: Int = 2) {
        precondition(values.count == rowNames.count && values.allSatisfy { $0.count == columnNames.count },
                     "heatmap values do not match the names")
        self.values = values
        self.rowNames = rowNames
        self.columnNames = columnNames
        self.title = title
        self.valueLabel = valueLabel
        self.range = range
        self.showsValues = showsValues
        self.decimals = decimals
    }

    /// The colour-map range: `range`, or the finite values' minimum and maximum (±0.5 around a constant).
    var colorRange: ClosedRange<Double> {
        if let range { return range }
        let finite = values.joined().filter(\.isFinite)
        guard let low = finite.min(), let high = finite.max() else { return 0...1 }
        return high > low ? low...high : (low - 0.5)...(low + 0.5)
    }

    /// Whether the column names fit side by side under `columns` cells of an axis `width` pixels long.
    public static func namesFit(_ names: [String], width: Double, style: PlotStyle) -> Bool {
        guard !names.isEmpty else { return true }
        let cell = width / Double(names.count)
        let gap = style.pixels(style.tickLabelPoints) * 0.8
        return names.allSatisfy { style.textWidth($0, points: style.tickLabelPoints) + gap <= cell }
    }

    /// The axis names: as given, or numbered when the column names would collide at a typical
    /// panel width (1200 pixels at the default style).
    private var numbered: Bool {
        !Heatmap.namesFit(columnNames, width: 1100, style: PlotStyle())
    }

    public func panelDescription() -> PanelDescription {
        let columns = numbered ? columnNames.indices.map { String($0 + 1) } : columnNames
        let rows = numbered ? rowNames.enumerated().map { "\($0.offset + 1)  \($0.element)" } : rowNames
        // Row 0 at the top: the y axis counts upwards, so the names go in reverse.
        return PanelDescription(title: title, x: AxisSpec(label: "", categories: columns),
                                y: AxisSpec(label: "", categories: rows.reversed()),
                                colorBar: ColorBar(label: valueLabel, range: colorRange))
    }

    public func drawData(on canvas: inout Canvas, axes: Axes, style: PlotStyle) {
        let bar = ColorBar(label: valueLabel, range: colorRange)
        let rowCount = values.count
        let cellHeight = axes.dataRect.height / Double(max(rowCount, 1))
        let cellWidth = axes.dataRect.width / Double(max(columnNames.count, 1))
        let textSize = min(style.pixels(style.tickLabelPoints), cellHeight / 2.2)
        let writes = showsValues && cellHeight >= style.pixels(style.tickLabelPoints) * 1.6
        for (row, rowValues) in values.enumerated() {
            let y = Double(rowCount - 1 - row)
            for (column, value) in rowValues.enumerated() {
                let rect = PixelRect(minX: axes.pixelX(Double(column) - 0.5).rounded(), minY: axes.pixelY(y + 0.5).rounded(),
                                     maxX: axes.pixelX(Double(column) + 0.5).rounded(), maxY: axes.pixelY(y - 0.5).rounded())
                guard value.isFinite else {
                    canvas.fillRect(rect, color: Palette.other.linear())
                    continue
                }
                let fraction = bar.fraction(value)
                let color = Palette.viridis(at: fraction)
                canvas.fillRect(rect, color: color.linear())
                if writes {
                    let text = String(format: "%.\(decimals)f", value)
                    guard style.textWidth(text, points: style.tickLabelPoints) * textSize
                            / style.pixels(style.tickLabelPoints) <= cellWidth * 0.9 else { continue }
                    let light = Heatmap.luminance(color) > 0.4
                    canvas.drawText(text, at: PixelPoint(x: (rect.minX + rect.maxX) / 2, y: (rect.minY + rect.maxY) / 2),
                                    pixelSize: textSize, color: (light ? SRGBColor(hex: 0x000000) : SRGBColor(hex: 0xFFFFFF)).linear(),
                                    alignment: .center, anchor: .middle)
                }
            }
        }
    }

    /// Relative luminance (ITU-R BT.709 weights on linear light) of an sRGB colour.
    static func luminance(_ color: SRGBColor) -> Double {
        let linear = color.linear().premultiplied
        return 0.2126 * Double(linear.x) + 0.7152 * Double(linear.y) + 0.0722 * Double(linear.z)
    }
}
