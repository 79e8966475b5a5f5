import Foundation
import Testing
import MindSpaceCore
@testable import MindSpaceRender

/// Titles too wide for the figure wrap onto a second line; only what two lines cannot hold is
/// cut, and then said: `Layout.cutTitles`, `Figure.warnings()` and a warning from `pngData`.
@Suite struct RenderTitleTests {
    /// 1600 px at 200 dpi: 12-point titles are 33⅓ px, 16⅔ px a character, 94 characters a line.
    private func figure(title: String?, panelTitles: [String?] = [nil]) -> Figure {
        let panels: [any PanelContent] = panelTitles.map { ScatterPlot(x: [0, 1], y: [0, 1], title: $0) }
        return Figure(panels: panels, title: title)
    }

    private static func words(_ count: Int) -> String {
        (0..<count).map { "word\($0 % 10)" }.joined(separator: " ")
    }

    @Test func aTitleTooWideForOneLineWrapsOntoTwo() throws {
        let title = Self.words(25)  // 149 characters
        let layout = figure(title: title).layout()
        #expect(layout.titleLines.count == 2, "\(layout.titleLines)")
        #expect(layout.titleLines.joined(separator: " ") == title)
        #expect(layout.cutTitles.isEmpty && figure(title: title).warnings().isEmpty)
        // The data area makes room for the second line.
        let oneLine = figure(title: "Short title").layout()
        #expect(oneLine.titleLines == ["Short title"])
        let pushed = layout.panels[0].axes.dataRect.minY - oneLine.panels[0].axes.dataRect.minY
        #expect(pushed >= 33 && pushed <= 45, "\(pushed)")
    }

    @Test func aTitleTwoLinesCannotHoldIsCutAndSaidSo() throws {
        let title = Self.words(40)  // 239 characters
        let figure = figure(title: title)
        let layout = figure.layout()
        #expect(layout.titleLines.count == 2)
        #expect(layout.titleLines[1].hasSuffix("\u{2026}"))
        #expect(layout.titleLines.allSatisfy { $0.unicodeScalars.count <= 94 }, "\(layout.titleLines)")
        #expect(layout.cutTitles == [title])
        #expect(figure.warnings() == ["title cut to fit the figure: \(title)"])
        let collected = Collected()
        let png = try Warnings.$handler.withValue({ collected.append($0) }) {
            try figure.pngData()
        }
        #expect(collected.lines == ["title cut to fit the figure: \(title)"])
        // The PNG's Title entry keeps the whole title.
        #expect(try PNGCodec.decode(png).text(forKeyword: "Title") == title)
    }

    @Test func panelTitlesWrapAndReportCuts() {
        let fits = Self.words(8), wraps = Self.words(14), cut = Self.words(40)
        let layout = figure(title: "Two panels", panelTitles: [wraps, cut]).layout()
        #expect(layout.panels[0].titleLines.count == 2 && !layout.panels[0].titleCut, "\(layout.panels[0].titleLines)")
        #expect(layout.panels[1].titleLines.count == 2 && layout.panels[1].titleCut)
        #expect(layout.cutTitles == [cut])
        let single = figure(title: "Two panels", panelTitles: [fits, fits]).layout()
        #expect(single.panels.allSatisfy { $0.titleLines == [fits] })
        // A second title line lowers the data area of its panel.
        #expect(layout.panels[0].axes.dataRect.minY > single.panels[0].axes.dataRect.minY)
    }

    @Test func aWordWiderThanALineIsBrokenInsideIt() {
        let style = PlotStyle(dotsPerInch: 72)  // 10 points: 5 px a character
        let fit = style.fittedLines("short " + String(repeating: "x", count: 25), points: 10, maxWidth: 50, maxLines: 4)
        #expect(fit.lines == ["short", String(repeating: "x", count: 10), String(repeating: "x", count: 10), "xxxxx"])
        #expect(!fit.cut)
        let cut = style.fittedLines(String(repeating: "y", count: 25), points: 10, maxWidth: 50, maxLines: 2)
        #expect(cut.lines == [String(repeating: "y", count: 10), String(repeating: "y", count: 9) + "\u{2026}"] && cut.cut)
    }

    @Test func aWrappedTitleRenders() throws {
        let canvas = try Figure(ScatterPlot(x: [0, 1], y: [0, 1]), title: Self.words(40), width: 400, height: 300,
                                style: PlotStyle(dotsPerInch: 100)).render()
        #expect(canvas.width == 400)
    }
}

/// Warnings collected from a `Warnings.handler` (called on the test's own task).
private final class Collected: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [String] = []
    var lines: [String] { lock.withLock { stored } }
    func append(_ line: String) { lock.withLock { stored.append(line) } }
}
