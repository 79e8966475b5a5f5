import Foundation
import Testing
@testable import MindSpaceRender
import MindSpaceTestSupport

/// Ticks of logarithmic axes: which values are labelled for ranges from a fraction of a decade to
/// twenty decades, and, in rendered figures, that the labels appear at their ticks without
/// running into each other.
@Suite struct RenderLogTicksTests {
    // MARK: - Positions and labels (expected values worked out by hand from the rule)

    @Test func severalDecadesAreLabelledAtPowersOfTenWithMinorTicksBetween() {
        let ticks = NiceTicks(logarithmicLower: 1, upper: 1e6, targetCount: 7)
        #expect(ticks.values == [1, 10, 100, 1000, 10000, 1e5, 1e6])
        #expect(ticks.labels == ["1", "10", "100", "1000", "10000", "1e5", "1e6"])
        // 2…9 × 10^k for k = 0…5: six decades of eight minor ticks.
        #expect(ticks.minorValues.count == 48)
        #expect(ticks.minorValues.prefix(3) == [2, 3, 4] && ticks.minorValues.last == 9e5)
        #expect(NiceTicks(logarithmicLower: 3, upper: 2000).labels == ["10", "100", "1000"])
    }

    @Test func tooManyDecadesLabelEveryFewDecadesAndMarkTheRest() {
        // Seven decades with room for 6 labels: every second decade, the others as minor ticks.
        let six = NiceTicks(logarithmicLower: 1, upper: 1e6, targetCount: 6)
        #expect(six.values == [1, 100, 1e4, 1e6])
        #expect(six.minorValues == [10, 1000, 1e5])
        // Twenty decades, 6 labels: every fifth decade (every second or third would give 11 or 7).
        let wide = NiceTicks(logarithmicLower: 1e-10, upper: 1e10, targetCount: 6)
        #expect(wide.values == [1e-10, 1e-5, 1, 1e5, 1e10])
        #expect(wide.labels == ["1e\u{2212}10", "1e\u{2212}5", "1", "1e5", "1e10"])
        #expect(wide.minorValues.count == 16)
    }

    @Test func aboutOneDecadeIsLabelledAtOneTwoFive() {
        let ticks = NiceTicks(logarithmicLower: 3, upper: 40)
        #expect(ticks.values == [5, 10, 20])
        #expect(ticks.labels == ["5", "10", "20"])
        #expect(ticks.minorValues == [3, 4, 6, 7, 8, 9, 30, 40])
        #expect(NiceTicks(logarithmicLower: 3, upper: 60).labels == ["5", "10", "20", "50"])
        // Small values: decimals, and each value exactly the decimal literal.
        let small = NiceTicks(logarithmicLower: 0.0015, upper: 0.03)
        #expect(small.values == [0.002, 0.005, 0.01, 0.02])
        #expect(small.labels == ["0.002", "0.005", "0.01", "0.02"])
    }

    @Test func lessThanADecadeUsesOneToNineMultiplesOrLinearSteps() {
        // 1-2-5 gives only 2 and 5; 2…9 are 8 labels: within a limit of 8 they are used.
        let nine = NiceTicks(logarithmicLower: 1.8, upper: 9.5, targetCount: 8)
        #expect(nine.values == [2, 3, 4, 5, 6, 7, 8, 9])
        #expect(nine.minorValues.isEmpty)
        // With room for 4 only, linear nice steps (the axis is nearly linear over 0.7 decades).
        #expect(NiceTicks(logarithmicLower: 1.8, upper: 9.5, targetCount: 4).values == [2, 4, 6, 8])
        // 0.7, 0.8, 0.9, 1 would leave the upper 55 % of [0.62, 1.8] unlabelled: linear steps.
        let narrow = NiceTicks(logarithmicLower: 0.62, upper: 1.8)
        #expect(narrow.labels == ["0.8", "1.0", "1.2", "1.4", "1.6", "1.8"])
        // 6…10 would leave 10…15 (44 % of the axis) bare: linear steps.
        #expect(NiceTicks(logarithmicLower: 6, upper: 15).values == [6, 8, 10, 12, 14])
    }

    @Test(arguments: [(1.0, 1e6), (3.0, 40.0), (0.62, 1.8), (6.0, 15.0), (1.1, 1.9), (2e-4, 0.7), (1e-10, 1e10), (0.5, 20.0)])
    func ticksStayInsideTheRangeAscendingAndDistinct(lower: Double, upper: Double) {
        for target in 2...9 {
            let ticks = NiceTicks(logarithmicLower: lower, upper: upper, targetCount: target)
            let all = ticks.values + ticks.minorValues
            // The tolerance the rule uses to keep a tick sitting on an end.
            let slack = NiceTicks.rangeEndTolerance
            #expect(all.allSatisfy { $0 >= lower * (1 - slack) && $0 <= upper * (1 + slack) })
            #expect(zip(ticks.values, ticks.values.dropFirst()).allSatisfy { $0 < $1 })
            #expect(Set(ticks.values).isDisjoint(with: ticks.minorValues))
            #expect(ticks.labels.count == ticks.values.count && Set(ticks.labels).count == ticks.labels.count)
            // Never the lone label of the old rule: at least 2 everywhere, 3 from a limit of 3 up
            // (the linear fallback may exceed its target by the rounding to nice steps).
            #expect(ticks.values.count >= (target >= 3 ? 3 : 2))
        }
    }

    @Test func invalidRangesFallBackToLinearTicks() {
        #expect(NiceTicks(logarithmicLower: 0, upper: 10, targetCount: 6) == NiceTicks(lower: 0, upper: 10, targetCount: 6))
        #expect(NiceTicks(logarithmicLower: 5, upper: 5).values == [5])
    }

    // MARK: - Rendered figures (decoded with libpng)

    /// A line on a logarithmic x axis over `range`, at 100 dpi.
    private func figure(xRange: ClosedRange<Double>, width: Int = 800) -> Figure {
        let xs = (0...8).map { xRange.lowerBound * pow(xRange.upperBound / xRange.lowerBound, Double($0) / 8) }
        var chart = LineChart(series: [.init(x: xs, y: xs.indices.map(Double.init), color: Palette.okabeIto[0])],
                              xLabel: "scale", yLabel: "value", xScale: .logarithmic)
        chart.xRange = xRange
        return Figure(chart, width: width, height: 400, style: PlotStyle(dotsPerInch: 100))
    }

    /// Column ranges with inked pixels (every channel below `below`) in rows `ys`, merging runs
    /// separated by at most `joinGap` blank columns.
    private func darkRuns(_ image: DecodedPNG, ys: Range<Int>, xs: Range<Int>, joinGap: Int, below: UInt8) -> [ClosedRange<Int>] {
        var runs: [ClosedRange<Int>] = []
        for x in xs where ys.contains(where: { y in let p = image.pixel(x: x, y: y); return max(p.red, p.green, p.blue) < below }) {
            if let last = runs.last, x - last.upperBound <= joinGap + 1 {
                runs[runs.count - 1] = last.lowerBound...x
            } else {
                runs.append(x...x)
            }
        }
        return runs
    }

    @Test(arguments: [0.62...1.8, 3.0...40.0, 2.5...45.0, 1.0...1e6])
    func labelsAppearUnderTheirTicksApart(range: ClosedRange<Double>) throws {
        let figure = figure(xRange: range)
        let axes = figure.layout().panels[0].axes
        let style = figure.style
        #expect(axes.xTicks.values.count >= 3)
        let image = try PNGCodec.decode(try figure.pngData())
        let r = axes.dataRect
        let frame = style.pixels(style.frameWidthPoints), tick = style.pixels(style.tickLengthPoints)
        let text = style.pixels(style.tickLabelPoints)
        let labelTop = Int((r.maxY + frame + tick).rounded(.up)) + 1
        // Glyphs inside one label are at most a fraction of a cell apart; labels are kept 1.5
        // label heights apart, so runs joined across < 0.8 label height are whole labels.
        let runs = darkRuns(image, ys: labelTop..<min(labelTop + Int(text * 1.2), image.height),
                            xs: 0..<image.width, joinGap: Int(text * 0.8), below: 0x90)
        #expect(runs.count == axes.xTicks.labels.count)
        for (run, value) in zip(runs, axes.xTicks.values) {
            // Each label is centred on its tick: within 2 px (glyph ink need not fill its cell
            // symmetrically: "1" is narrower than its cell; half a cell is ≈ 0.3·text).
            let centre = Double(run.lowerBound + run.upperBound + 1) / 2
            #expect(abs(centre - axes.pixelX(value)) <= 0.35 * text)
        }
        // Tick marks below the frame: one per labelled value, plus the minor ones when drawn.
        // The row two pixels below the frame line lies inside every tick (minor ticks are 0.6 ×
        // 3.5 pt ≈ 2.9 px long at 100 dpi); a 0.97 px tick straddling two columns still covers
        // half of one, ≈ 0xBC over white, so any channel below 0xD8 is ink.
        let markRow = Int((r.maxY + frame).rounded(.up)) + 1
        let marks = darkRuns(image, ys: markRow..<markRow + 1, xs: Int(r.minX) + 1..<Int(r.maxX) - 1, joinGap: 0, below: 0xD8)
        let minor = Axes.minorTicksAreLegible(axes.xTicks, axis: axes.x, length: r.width, frame: frame)
        let inside = (axes.xTicks.values + (minor ? axes.xTicks.minorValues : []))
            .filter { axes.pixelX($0) > r.minX + 2 && axes.pixelX($0) < r.maxX - 2 }
        #expect(marks.count == inside.count)
    }

    @Test func aNarrowFigureDropsLabelsRatherThanOverlapThem() throws {
        // 400 px wide: seven decades cannot all be labelled; the labels chosen must not touch.
        let figure = figure(xRange: 1...1e6, width: 400)
        let axes = figure.layout().panels[0].axes
        let style = figure.style
        let widths = axes.xTicks.labels.map { style.textWidth($0, points: style.tickLabelPoints) }
        let positions = axes.xTicks.values.map(axes.pixelX)
        #expect(axes.xTicks.values.count >= 3 && axes.xTicks.values.count < 7)
        for i in positions.indices.dropFirst() {
            #expect(positions[i] - positions[i - 1] >= (widths[i] + widths[i - 1]) / 2 + style.pixels(style.tickLabelPoints))
        }
    }
}
