/// One legend row: a swatch in the colour a group or series is drawn with, and its label.
public struct LegendEntry: Sendable, Equatable {
    public enum Swatch: Sendable, Equatable {
        case disc, line, dashedLine, band
    }

    public var label: String
    public var color: SRGBColor
    public var swatch: Swatch

    public init(label: String, color: SRGBColor, swatch: Swatch = .disc) {
        self.label = label
        self.color = color
        self.swatch = swatch
    }
}

/// A legend drawn outside the data area, to the right of it: an optional title and at most
/// `maximumEntries` rows (callers merge the rest into "other" before they get here).
public struct Legend: Sendable, Equatable {
    /// The most rows a legend shows; more groups are merged into one "other" row by the plots.
    public static let maximumEntries = 20
    /// Labels are truncated to this many characters.
    static let maximumLabelCharacters = 28

    public var title: String?
    public var entries: [LegendEntry]

    public init(title: String? = nil, entries: [LegendEntry]) {
        self.title = title
        self.entries = entries
    }

    /// Row height and text size, shrunk when `availableHeight` cannot hold every row at the
    /// style's legend size.
    private func metrics(style: PlotStyle, availableHeight: Double) -> (row: Double, text: Double) {
        let text = style.pixels(style.legendPoints)
        let rows = Double(entries.count + (title == nil ? 0 : 1))
        let row = text * 1.45
        guard rows > 0, rows * row > availableHeight, availableHeight > 0 else { return (row, text) }
        let shrink = max(availableHeight / (rows * row), 0.5)
        return (row * shrink, text * shrink)
    }

    private func label(_ entry: LegendEntry) -> String {
        let scalars = Array(entry.label.unicodeScalars)
        guard scalars.count > Legend.maximumLabelCharacters else { return entry.label }
        return String(String.UnicodeScalarView(scalars.prefix(Legend.maximumLabelCharacters - 1))) + "\u{2026}"
    }

    /// Width and height in pixels the legend needs.
    func size(style: PlotStyle, availableHeight: Double) -> (width: Double, height: Double) {
        let m = metrics(style: style, availableHeight: availableHeight)
        let swatch = m.text * 1.6
        let gap = m.text * 0.5
        var width = 0.0
        for entry in entries {
            width = max(width, swatch + gap + Double(label(entry).unicodeScalars.count) * m.text / 2)
        }
        if let title { width = max(width, Double(title.unicodeScalars.count) * m.text / 2) }
        let rows = Double(entries.count + (title == nil ? 0 : 1))
        return (width, rows * m.row)
    }

    /// Draws the legend with its top-left corner at `origin`.
    func draw(on canvas: inout Canvas, at origin: PixelPoint, style: PlotStyle, availableHeight: Double) {
        let m = metrics(style: style, availableHeight: availableHeight)
        let swatch = m.text * 1.6
        let gap = m.text * 0.5
        var y = origin.y
        if let title {
            canvas.drawText(title, at: PixelPoint(x: origin.x, y: y + m.row / 2), pixelSize: m.text,
                            color: style.textColor.linear(), alignment: .leading, anchor: .middle)
            y += m.row
        }
        let lineWidth = style.pixels(style.lineWidthPoints) * 1.3
        for entry in entries {
            let mid = y + m.row / 2
            let color = entry.color.linear()
            switch entry.swatch {
            case .disc:
                canvas.fillDisc(center: PixelPoint(x: origin.x + swatch / 2, y: mid), radius: m.text * 0.32, color: color)
            case .line:
                canvas.strokeLine(from: PixelPoint(x: origin.x + 1, y: mid), to: PixelPoint(x: origin.x + swatch - 1, y: mid),
                                  width: lineWidth, color: color)
            case .dashedLine:
                canvas.strokeDashedLine(from: PixelPoint(x: origin.x + 1, y: mid), to: PixelPoint(x: origin.x + swatch - 1, y: mid),
                                        width: lineWidth, dash: swatch / 4, gap: swatch / 8, color: color)
            case .band:
                canvas.fillRect(PixelRect(minX: origin.x, minY: mid - m.text * 0.3, maxX: origin.x + swatch, maxY: mid + m.text * 0.3),
                                color: entry.color.linear(opacity: 0.35))
            }
            canvas.drawText(label(entry), at: PixelPoint(x: origin.x + swatch + gap, y: mid), pixelSize: m.text,
                            color: style.textColor.linear(), alignment: .leading, anchor: .middle)
            y += m.row
        }
    }
}
