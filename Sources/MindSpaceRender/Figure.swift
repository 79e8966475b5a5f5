import Foundation
import MindSpaceCore
import MindSpaceIO

/// A picture made of one or more panels side by side with shared styling, an optional title
/// above, an optional footer below (method, parameters, seed), and legends outside the data
/// areas. `render()` draws it; `pngData`/`write` encode it with provenance.
///
/// Layout: margins are computed from the sizes of the texts they hold (tick labels, axis labels,
/// legend, colour bar), so nothing is clipped; panels share the width equally. A title too wide
/// for the figure (or its panel) wraps onto a second line; one that two lines cannot hold ends in
/// an ellipsis, is listed in `Layout.cutTitles`, and `pngData` reports it as a warning.
public struct Figure: Sendable {
    public var panels: [any PanelContent]
    public var title: String?
    public var footer: String?
    /// Pixels. Default 1600 × 1200 (8 × 6 inches at 200 dpi).
    public var width: Int
    public var height: Int
    public var style: PlotStyle
    /// Merge the panels' legends into one, drawn once at the right of the figure.
    public var sharesLegend: Bool

    /// Largest accepted side in pixels (a guard against typos such as `--width 160000`).
    public static let maximumSide = 16384
    /// Smallest accepted side in pixels.
    public static let minimumSide = 64

    public init(panels: [any PanelContent], title: String? = nil, footer: String? = nil,
                width: Int = 1600, height: Int = 1200, style: PlotStyle = PlotStyle(), sharesLegend: Bool = false) {
        self.panels = panels
        self.title = title
        self.footer = footer
        self.width = width
        self.height = height
        self.style = style
        self.sharesLegend = sharesLegend
    }

    /// A one-panel figure.
    public init(_ panel: any PanelContent, title: String? = nil, footer: String? = nil,
                width: Int = 1600, height: Int = 1200, style: PlotStyle = PlotStyle()) {
        self.init(panels: [panel], title: title, footer: footer, width: width, height: height, style: style)
    }

    /// Where each part of the figure goes.
    public struct Layout: Sendable {
        public struct Panel: Sendable {
            public var description: PanelDescription
            public var axes: Axes
            /// The panel's share of the figure (its title, axes, labels, legend).
            public var bounds: PixelRect
            public var legendOrigin: PixelPoint?
            public var colorBarOrigin: PixelPoint?
            /// The panel title as drawn: one or two lines (none without a title).
            public var titleLines: [String] = []
            /// Whether the panel title had to be cut to fit two lines.
            public var titleCut = false
        }
        public var panels: [Panel]
        /// The title drawn above the panels (the figure's, or a lone panel's).
        public var title: String?
        /// The title as drawn: one line, or two when one is too narrow; the baseline is the first's.
        public var titleLines: [String]
        public var titleBaseline: Double?
        public var footerLines: [String]
        public var footerTop: Double
        public var sharedLegend: Legend?
        public var sharedLegendOrigin: PixelPoint?

        /// The full text of every title (the figure's, then the panels') that two lines could not
        /// hold and that is drawn cut, with an ellipsis.
        public var cutTitles: [String] {
            var cut: [String] = []
            if titleCut, let title { cut.append(title) }
            for panel in panels where panel.titleCut {
                if let title = panel.description.title { cut.append(title) }
            }
            return cut
        }
        var titleCut = false
    }

    /// The most lines a title (the figure's or a panel's) wraps onto before it is cut.
    public static let maximumTitleLines = 2
    /// Baseline-to-baseline distance of a wrapped title's lines, in multiples of its size.
    static let titleLineSpacing = 1.2

    /// Checks the size; throws a usage error (exit 64) naming the problem.
    public func validate() throws {
        guard (Figure.minimumSide...Figure.maximumSide).contains(width),
              (Figure.minimumSide...Figure.maximumSide).contains(height) else {
            throw MindSpaceError(.usage, "figure size \(width)×\(height) is outside \(Figure.minimumSide)…\(Figure.maximumSide) pixels per side")
        }
        guard style.dotsPerInch.isFinite, style.dotsPerInch >= 10, style.dotsPerInch <= 2400 else {
            throw MindSpaceError(.usage, "resolution \(style.dotsPerInch) dpi is outside 10…2400")
        }
        guard !panels.isEmpty else { throw MindSpaceError(.usage, "a figure needs at least one panel") }
    }

    /// Computes the layout. Call `validate()` first for user-supplied sizes.
    public func layout() -> Layout {
        let s = style
        let pad = s.pixels(s.paddingPoints)
        let figureRect = PixelRect(x: 0, y: 0, width: Double(width), height: Double(height))
        var top = pad
        var titleBaseline: Double? = nil
        var titleLines: [String] = []
        var titleCut = false
        let figureTitle = title ?? (panels.count == 1 ? panels[0].panelDescription().title : nil)
        if let figureTitle {
            let size = s.pixels(s.titlePoints)
            (titleLines, titleCut) = s.fittedLines(figureTitle, points: s.titlePoints, maxWidth: figureRect.width - 2 * pad,
                                                   maxLines: Figure.maximumTitleLines)
            titleBaseline = top + size * 0.9
            top += size * 1.5 + Double(max(titleLines.count - 1, 0)) * size * Figure.titleLineSpacing
        }
        let footerSize = s.pixels(s.footerPoints)
        let footerLines = footer.map { s.wrapped($0, points: s.footerPoints, maxWidth: figureRect.width - 2 * pad, maxLines: 3) } ?? []
        let footerHeight = footerLines.isEmpty ? 0 : Double(footerLines.count) * footerSize * 1.3 + pad * 0.5
        let bottom = figureRect.maxY - pad - footerHeight
        var right = figureRect.maxX - pad

        let descriptions = panels.map { $0.panelDescription() }
        var sharedLegend: Legend? = nil
        if sharesLegend {
            var entries: [LegendEntry] = []
            for d in descriptions { for e in d.legend?.entries ?? [] where !entries.contains(e) { entries.append(e) } }
            if !entries.isEmpty {
                let legend = Legend(title: descriptions.compactMap { $0.legend?.title }.first, entries: entries)
                sharedLegend = legend
                right -= legend.size(style: s, availableHeight: bottom - top).width + pad * 2
            }
        }
        let gap = pad * 2
        let panelWidth = (right - pad - gap * Double(panels.count - 1)) / Double(panels.count)
        var placed: [Layout.Panel] = []
        for (index, description) in descriptions.enumerated() {
            let left = pad + Double(index) * (panelWidth + gap)
            let bounds = PixelRect(minX: left, minY: top, maxX: left + panelWidth, maxY: bottom)
            var d = description
            if panels.count == 1 && title == nil { d.title = nil } // shown as the figure title
            if sharesLegend { d.legend = nil }
            placed.append(Figure.placePanel(d, in: bounds, style: s))
        }
        var sharedOrigin: PixelPoint? = nil
        if sharedLegend != nil, let first = placed.first {
            sharedOrigin = PixelPoint(x: right + pad * 2, y: first.axes.dataRect.minY)
        }
        return Layout(panels: placed, title: figureTitle, titleLines: titleLines, titleBaseline: titleBaseline,
                      footerLines: footerLines, footerTop: bottom + pad * 0.5, sharedLegend: sharedLegend,
                      sharedLegendOrigin: sharedOrigin, titleCut: titleCut)
    }

    /// Margins of one panel from the sizes of its texts; ticks chosen to fit the space.
    static func placePanel(_ d: PanelDescription, in bounds: PixelRect, style s: PlotStyle) -> Layout.Panel {
        let pad = s.pixels(s.paddingPoints)
        let frame = s.pixels(s.frameWidthPoints)
        let tick = s.pixels(s.tickLengthPoints)
        let tickText = s.pixels(s.tickLabelPoints)
        let labelText = s.pixels(s.axisLabelPoints)
        let labelGap = pad * 0.5

        var top = bounds.minY + tickText * 0.6
        var titleLines: [String] = []
        var titleCut = false
        if let title = d.title {
            (titleLines, titleCut) = s.fittedLines(title, points: s.panelTitlePoints, maxWidth: bounds.width,
                                                   maxLines: Figure.maximumTitleLines)
            let extra = Double(max(titleLines.count - 1, 0)) * Figure.titleLineSpacing
            top = bounds.minY + s.pixels(s.panelTitlePoints) * (1.6 + extra)
        }
        var bottom = bounds.maxY - (frame + tick + labelGap + tickText)
        if !d.x.label.isEmpty { bottom -= pad + labelText }
        let dataHeight = max(bottom - top, 1)
        let yTicks = fittedYTicks(d.y, dataHeight: dataHeight, style: s)
        let widestY = yTicks.labels.map { s.textWidth($0, points: s.tickLabelPoints) }.max() ?? 0
        var left = bounds.minX + widestY + labelGap + tick + frame
        if !d.y.label.isEmpty { left += labelText + pad }

        var rightReserve = pad
        if let legend = d.legend, !legend.entries.isEmpty {
            rightReserve = max(rightReserve, legend.size(style: s, availableHeight: dataHeight).width + pad * 3)
        }
        if let bar = d.colorBar {
            rightReserve = max(rightReserve, bar.width(height: dataHeight * 0.8, style: s) + pad * 3)
        }
        // Leave room for half of the last x tick label.
        let (xTicks, right) = fittedXTicks(d.x, left: left, boundsRight: bounds.maxX, rightReserve: rightReserve, style: s)
        let dataRect = PixelRect(minX: left.rounded(), minY: top.rounded(), maxX: max(right, left + 1).rounded(), maxY: bottom.rounded())
        let axes = Axes(dataRect: dataRect, x: d.x, y: d.y, xTicks: xTicks, yTicks: yTicks)
        var legendOrigin: PixelPoint? = nil
        var barOrigin: PixelPoint? = nil
        if let legend = d.legend, !legend.entries.isEmpty {
            legendOrigin = PixelPoint(x: dataRect.maxX + pad * 2, y: dataRect.minY)
            // A colour bar as well goes under the legend, in the height left below it.
            if d.colorBar != nil {
                let below = dataRect.minY + legend.size(style: s, availableHeight: dataHeight).height + pad * 4
                barOrigin = PixelPoint(x: dataRect.maxX + pad * 2, y: max(below, dataRect.minY + dataRect.height * 0.1))
            }
        } else if d.colorBar != nil {
            barOrigin = PixelPoint(x: dataRect.maxX + pad * 2, y: dataRect.minY + dataRect.height * 0.1)
        }
        return Layout.Panel(description: d, axes: axes, bounds: bounds, legendOrigin: legendOrigin, colorBarOrigin: barOrigin,
                            titleLines: titleLines, titleCut: titleCut)
    }

    /// Y ticks: about one per 4.5 label heights of axis length (3–7), and at least 3 where the
    /// rounding to nice steps leaves fewer (a ±33 range asked for 3 ticks gets a step of 50 and a
    /// lone "0"), as long as neighbouring labels stay two label heights apart (on a log axis,
    /// checked for every pair, fewer labels when they would not).
    static func fittedYTicks(_ axis: AxisSpec, dataHeight: Double, style s: PlotStyle) -> NiceTicks {
        let tickText = s.pixels(s.tickLabelPoints)
        let first = min(max(Int(dataHeight / (tickText * 4.5)), 3), 7)
        if axis.scale == .logarithmic {
            // Log ticks are unevenly spaced (2, 3, … 9 crowd towards 10): check every neighbour pair.
            func fits(_ ticks: NiceTicks) -> Bool {
                labelsKeepApart(ticks, axis: axis, length: dataHeight,
                                extents: Array(repeating: tickText, count: ticks.values.count), gap: tickText)
            }
            for target in first...(first + 4) {
                let ticks = axis.ticks(targetCount: target)
                if ticks.values.count >= 3 && fits(ticks) { return ticks }
            }
            for target in stride(from: first, through: 2, by: -1) {
                let ticks = axis.ticks(targetCount: target)
                if fits(ticks) { return ticks }
            }
            return axis.ticks(targetCount: 2)
        }
        var ticks = axis.ticks(targetCount: first)
        let span = axis.range.upperBound - axis.range.lowerBound
        guard axis.scale == .linear, span > 0, span.isFinite else { return ticks }
        var target = first
        while ticks.values.count < 3 && target < first + 4 {
            target += 1
            let candidate = axis.ticks(targetCount: target)
            guard candidate.step / span * dataHeight >= tickText * 2 else { break }
            ticks = candidate
        }
        return ticks
    }

    /// Whether neighbouring tick labels keep at least `gap` pixels between them on an axis of
    /// `length` pixels, label i taking `extents[i]` pixels along the axis centred on its tick.
    static func labelsKeepApart(_ ticks: NiceTicks, axis: AxisSpec, length: Double, extents: [Double], gap: Double) -> Bool {
        let positions = ticks.values.map { axis.fraction($0) * length }
        for i in positions.indices.dropFirst() where abs(positions[i] - positions[i - 1]) - (extents[i] + extents[i - 1]) / 2 < gap {
            return false
        }
        return true
    }

    /// X ticks whose labels fit side by side: start from about one tick per 5 label heights of
    /// axis length, prefer at least 3 ticks, fewer when the labels would touch. Also returns the
    /// data area's right edge, which leaves room for half of the last label.
    static func fittedXTicks(_ axis: AxisSpec, left: Double, boundsRight: Double, rightReserve: Double,
                             style s: PlotStyle) -> (NiceTicks, Double) {
        let pad = s.pixels(s.paddingPoints)
        let tickText = s.pixels(s.tickLabelPoints)
        let first = min(max(Int((boundsRight - rightReserve - left) / (tickText * 5)), 3), 9)
        func attempt(_ target: Int) -> (ticks: NiceTicks, right: Double, fits: Bool) {
            let ticks = axis.ticks(targetCount: target)
            let widths = ticks.labels.map { s.textWidth($0, points: s.tickLabelPoints) }
            let right = boundsRight - max(rightReserve, (widths.last ?? 0) / 2 + pad)
            if axis.scale == .logarithmic {
                // Unevenly spaced: every neighbour pair keeps the gap the linear sum allows on average.
                return (ticks, right, labelsKeepApart(ticks, axis: axis, length: right - left, extents: widths, gap: tickText * 1.5))
            }
            let needed = widths.reduce(0, +) + Double(max(widths.count - 1, 0)) * tickText * 1.5
            return (ticks, right, needed <= right - left)
        }
        for target in first...(first + 4) {
            let a = attempt(target)
            if a.ticks.values.count >= 3 && a.fits { return (a.ticks, a.right) }
        }
        for target in stride(from: first, through: 2, by: -1) {
            let a = attempt(target)
            if a.fits || target == 2 { return (a.ticks, a.right) }
        }
        let a = attempt(2)
        return (a.ticks, a.right)
    }

    /// Draws the figure. Throws a usage error for an invalid size or resolution.
    public func render() throws -> Canvas {
        try validate()
        let s = style
        let layout = layout()
        var canvas = Canvas(width: width, height: height, background: s.background.linear())
        let text = s.textColor.linear()
        let pad = s.pixels(s.paddingPoints)
        for (panel, content) in zip(layout.panels, panels) {
            let axes = panel.axes
            axes.drawGrid(on: &canvas, style: s)
            canvas.setClip(axes.dataRect)
            content.drawData(on: &canvas, axes: axes, style: s)
            canvas.setClip(nil)
            axes.drawFrameAndTicks(on: &canvas, style: s)
            let d = panel.description
            let panelTitleSize = s.pixels(s.panelTitlePoints)
            for (index, line) in panel.titleLines.enumerated() {
                let above = Double(panel.titleLines.count - 1 - index) * panelTitleSize * Figure.titleLineSpacing
                canvas.drawText(line, at: PixelPoint(x: axes.dataRect.midX, y: axes.dataRect.minY - panelTitleSize * 0.45 - above),
                                pixelSize: panelTitleSize, color: text, alignment: .center, anchor: .baseline)
            }
            if !d.x.label.isEmpty {
                let fitted = s.truncated(d.x.label, points: s.axisLabelPoints, maxWidth: axes.dataRect.width)
                canvas.drawText(fitted, at: PixelPoint(x: axes.dataRect.midX, y: panel.bounds.maxY), pixelSize: s.pixels(s.axisLabelPoints),
                                color: text, alignment: .center, anchor: .bottom)
            }
            if !d.y.label.isEmpty {
                let fitted = s.truncated(d.y.label, points: s.axisLabelPoints, maxWidth: axes.dataRect.height)
                canvas.drawText(fitted, at: PixelPoint(x: panel.bounds.minX, y: axes.dataRect.midY), pixelSize: s.pixels(s.axisLabelPoints),
                                color: text, alignment: .center, anchor: .top, rotated: true)
            }
            if let legend = d.legend, let origin = panel.legendOrigin {
                legend.draw(on: &canvas, at: origin, style: s, availableHeight: axes.dataRect.height)
            }
            if let bar = d.colorBar, let origin = panel.colorBarOrigin {
                bar.draw(on: &canvas, at: origin, height: min(axes.dataRect.height * 0.8, axes.dataRect.maxY - origin.y), style: s)
            }
        }
        if let legend = layout.sharedLegend, let origin = layout.sharedLegendOrigin, let first = layout.panels.first {
            legend.draw(on: &canvas, at: origin, style: s, availableHeight: first.axes.dataRect.height)
        }
        if let baseline = layout.titleBaseline {
            let size = s.pixels(s.titlePoints)
            for (index, line) in layout.titleLines.enumerated() {
                canvas.drawText(line, at: PixelPoint(x: Double(width) / 2, y: baseline + Double(index) * size * Figure.titleLineSpacing),
                                pixelSize: size, color: text, alignment: .center, anchor: .baseline)
            }
        }
        let footerSize = s.pixels(s.footerPoints)
        for (index, line) in layout.footerLines.enumerated() {
            canvas.drawText(line, at: PixelPoint(x: pad, y: layout.footerTop + Double(index) * footerSize * 1.3), pixelSize: footerSize,
                            color: s.secondaryTextColor.linear(), alignment: .leading, anchor: .top)
        }
        return canvas
    }

    /// The rendered figure as 8-bit sRGB RGB pixels.
    public func rasterImage() throws -> RasterImage {
        let canvas = try render()
        return RasterImage(width: canvas.width, height: canvas.height, channels: 3, bytes: canvas.encodedBytes(includeAlpha: false))
    }

    /// What a user should be told about the figure as drawn: one line per title cut to fit
    /// (`Layout.cutTitles`), empty when every text fits.
    public func warnings() -> [String] {
        layout().cutTitles.map { "title cut to fit the figure: \($0)" }
    }

    /// The figure as a PNG with a `pHYs` chunk for the style's resolution, a `Title` entry when
    /// there is a title (in full, even when the drawn one is cut), and the provenance entries.
    /// Reports `warnings()` through `Warnings.emit` (standard error unless the task has a handler).
    public func pngData(provenance: ImageProvenance = ImageProvenance()) throws -> Data {
        let image = try rasterImage()
        for warning in warnings() { Warnings.emit(warning) }
        var text: [PNGTextEntry] = []
        if let title = layout().title { text.append(PNGTextEntry(keyword: "Title", text: title)) }
        text += provenance.textEntries
        return try PNGCodec.encode(image, density: PNGPixelDensity(dotsPerInch: style.dotsPerInch), text: text)
    }

    /// Writes the PNG to `path` atomically (temporary name, then rename).
    public func write(to path: String, provenance: ImageProvenance = ImageProvenance()) throws {
        let data = try pngData(provenance: provenance)
        let transaction = OutputTransaction()
        try transaction.stage(data, at: path)
        try transaction.commit()
    }
}
