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
    /// Labels longer than this many characters are shortened (see `displayLabels`).
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

    /// The labels as drawn, one per entry (see `displayLabels`).
    func drawnLabels() -> [String] {
        Legend.displayLabels(entries.map(\.label), maximumCharacters: Legend.maximumLabelCharacters)
    }

    /// `labels` shortened to fit `maximumCharacters` (Unicode scalars; the font is monospaced)
    /// while every two different labels stay different, so no group hides behind another's name.
    ///
    /// A label that is too long keeps its start and its end around a middle ellipsis
    /// (`asyncio.…oop.create_connection`): names that share a prefix, such as the methods of one
    /// class, differ at the end, and the start says what family they belong to. Every shortened
    /// label of a legend is cut the same way, so that labels shown apart differ in what they say,
    /// not in where they were cut: first a third of the length from the start and the rest from
    /// the end; if two different labels would then read the same, the other splits of that length,
    /// nearest first (more of the start, for names that differ in the middle, such as
    /// `layers.10.…` and `layers.11.…`); if no split keeps them apart, four more characters at a
    /// time, at worst every label in full. Labels that were equal stay equal; no shortened label
    /// reads like another label shown in full. Cost: O(n · L²) character copies for n labels of at
    /// most L characters, and n is at most `maximumEntries`.
    static func displayLabels(_ labels: [String], maximumCharacters: Int) -> [String] {
        let scalars = labels.map { Array($0.unicodeScalars) }
        let longest = scalars.map(\.count).max() ?? 0
        var budget = max(maximumCharacters, 3)
        while budget < longest {
            let preferred = max((budget - 1) / 3, 1)
            let heads = (1...(budget - 2)).sorted { (abs($0 - preferred), $0) < (abs($1 - preferred), $1) }
            for head in heads {
                let shown = labels.indices.map { shortened(scalars[$0], budget: budget, head: head) ?? labels[$0] }
                if keepsApart(shown, labels: labels) { return shown }
            }
            budget += 4
        }
        return labels
    }

    /// `text` as `head` scalars, an ellipsis and its last `budget − 1 − head` scalars; `nil` when
    /// it fits `budget` as it is.
    private static func shortened(_ text: [Unicode.Scalar], budget: Int, head: Int) -> String? {
        guard text.count > budget else { return nil }
        var view = String.UnicodeScalarView(text.prefix(head))
        view.append("\u{2026}")
        view.append(contentsOf: text.suffix(budget - 1 - head))
        return String(view)
    }

    /// Whether labels that differ are shown differently.
    private static func keepsApart(_ shown: [String], labels: [String]) -> Bool {
        var owner: [String: String] = [:]
        for (text, label) in zip(shown, labels) {
            if let first = owner[text], first != label { return false }
            owner[text] = label
        }
        return true
    }

    /// Width and height in pixels the legend needs.
    func size(style: PlotStyle, availableHeight: Double) -> (width: Double, height: Double) {
        let m = metrics(style: style, availableHeight: availableHeight)
        let swatch = m.text * 1.6
        let gap = m.text * 0.5
        var width = 0.0
        for label in drawnLabels() {
            width = max(width, swatch + gap + Double(label.unicodeScalars.count) * m.text / 2)
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
        for (entry, label) in zip(entries, drawnLabels()) {
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
            canvas.drawText(label, at: PixelPoint(x: origin.x + swatch + gap, y: mid), pixelSize: m.text,
                            color: style.textColor.linear(), alignment: .leading, anchor: .middle)
            y += m.row
        }
    }
}
