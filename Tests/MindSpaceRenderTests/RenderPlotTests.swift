import Foundation
import Testing
@testable import MindSpaceCore
@testable import MindSpaceRender
import MindSpaceTestSupport

/// End-to-end checks of figures: each renders a PNG, decodes it with libpng and inspects pixels.
@Suite struct RenderPlotTests {
    /// A small figure at 100 dpi, quick in debug builds.
    private func smallFigure(_ panel: any PanelContent, title: String? = nil, width: Int = 400, height: Int = 300) -> Figure {
        Figure(panel, title: title, width: width, height: height, style: PlotStyle(dotsPerInch: 100))
    }

    private func decoded(_ figure: Figure, provenance: ImageProvenance = ImageProvenance()) throws -> DecodedPNG {
        try PNGCodec.decode(try figure.pngData(provenance: provenance))
    }

    /// The data frame found in the pixels alone: the columns and rows with the most dark-grey
    /// pixels in each half of the image are the frame lines (tick labels are short by comparison).
    /// Returns the inside edges of the frame.
    private func frame(of image: DecodedPNG) -> (left: Int, right: Int, top: Int, bottom: Int) {
        func dark(_ x: Int, _ y: Int) -> Bool {
            let p = image.pixel(x: x, y: y)
            return p.red < 0x70 && p.green < 0x70 && p.blue < 0x70
        }
        let columns = (0..<image.width).map { x in (0..<image.height).filter { dark(x, $0) }.count }
        let rows = (0..<image.height).map { y in (0..<image.width).filter { dark($0, y) }.count }
        func argmax(_ values: [Int], _ range: Range<Int>) -> Int { range.max { values[$0] < values[$1] } ?? range.lowerBound }
        // The frame line is drawn just outside the data area: left/top lines end at the data
        // edge, right/bottom lines start at it.
        return (argmax(columns, 0..<(image.width / 2)) + 1, argmax(columns, (image.width / 2)..<image.width),
                argmax(rows, 0..<(image.height / 2)) + 1, argmax(rows, (image.height / 2)..<image.height))
    }

    private func matches(_ p: (red: UInt8, green: UInt8, blue: UInt8, alpha: UInt8), _ hex: UInt32, tolerance: Int = 1) -> Bool {
        abs(Int(p.red) - Int(hex >> 16)) <= tolerance && abs(Int(p.green) - Int((hex >> 8) & 0xFF)) <= tolerance
            && abs(Int(p.blue) - Int(hex & 0xFF)) <= tolerance
    }

    private func contains(_ image: DecodedPNG, _ hex: UInt32, xs: Range<Int>, ys: Range<Int>) -> Bool {
        ys.contains { y in xs.contains { x in matches(image.pixel(x: x, y: y), hex) } }
    }

    @Test func singlePointLandsWhereTheAxesSay() throws {
        var plot = ScatterPlot(x: [2.5], y: [7.5], coloring: .uniform(SRGBColor(hex: 0x0072B2)))
        plot.xRange = 0...10
        plot.yRange = 0...10
        plot.pointRadius = 4
        plot.opacity = 1
        let figure = smallFigure(plot)
        let image = try decoded(figure)
        let f = frame(of: image)
        // Where the axes say (2.5, 7.5) is, from the frame found in the pixels.
        let expectedX = Double(f.left) + 0.25 * Double(f.right - f.left)
        let expectedY = Double(f.bottom) - 0.75 * Double(f.bottom - f.top)
        // Where the point is: the centroid of its ink (weight = how far red falls below white).
        var sum = 0.0, sumX = 0.0, sumY = 0.0
        for y in f.top..<f.bottom {
            for x in f.left..<f.right {
                let p = image.pixel(x: x, y: y)
                guard p.blue > p.red else { continue }
                let w = Double(255 - Int(p.red)) / 255
                sum += w; sumX += w * (Double(x) + 0.5); sumY += w * (Double(y) + 0.5)
            }
        }
        #expect(sum > 20) // a disc of radius 4 has area ≈ 50 px²
        // 1 px: the frame is located to a whole pixel; the disc is placed within 1/16 px and is
        // symmetric, so its centroid is its centre.
        #expect(abs(sumX / sum - expectedX) <= 1.0)
        #expect(abs(sumY / sum - expectedY) <= 1.0)
        // The layout's own transform agrees with the pixels.
        let axes = figure.layout().panels[0].axes
        #expect(abs(axes.pixelX(2.5) - sumX / sum) <= 1.0 && abs(axes.pixelY(7.5) - sumY / sum) <= 1.0)
        #expect(Int(axes.dataRect.minX) == f.left && Int(axes.dataRect.maxX) == f.right)
    }

    @Test func legendShowsEachGroupColour() throws {
        var xs: [Double] = [], ys: [Double] = [], labels: [String] = []
        for (k, name) in ["setosa", "versicolor", "virginica"].enumerated() {
            for i in 0..<30 { xs.append(Double(k) * 3 + Double(i % 5) * 0.1); ys.append(Double(i / 5) * 0.2); labels.append(name) }
        }
        let image = try decoded(smallFigure(ScatterPlot(x: xs, y: ys, coloring: .groups(labels)), width: 600))
        let f = frame(of: image)
        let legendColumns = (f.right + 3)..<image.width
        // The published Okabe–Ito colours (Okabe & Ito 2008): blue, vermillion, bluish green.
        for hex: UInt32 in [0x0072B2, 0xD55E00, 0x009E73] {
            let found1 = contains(image, hex, xs: legendColumns, ys: 0..<image.height)
            #expect(found1, "legend lacks #\(String(hex, radix: 16))")
        }
        // Each legend row has its label: dark text pixels right of the swatches.
        let textPixels = legendColumns.dropFirst(20).flatMap { x in (0..<image.height).filter { y in
            !matches(image.pixel(x: x, y: y), 0xFFFFFF, tolerance: 0) } }
        #expect(textPixels.count > 100)
    }

    @Test func humansAreBlueAndAIsRed() throws {
        #expect(Palette.categorical(names: ["AIs", "humans"]) == [SRGBColor(hex: 0xD55E00), SRGBColor(hex: 0x0072B2)])
        #expect(Palette.categorical(names: ["Human", "AI"]) == [SRGBColor(hex: 0x0072B2), SRGBColor(hex: 0xD55E00)])
        let labels = (0..<40).map { $0 < 20 ? "humans" : "AIs" }
        let xs = (0..<40).map { $0 < 20 ? 1.0 : 9.0 }, ys = (0..<40).map { Double($0 % 20) / 2 }
        var plot = ScatterPlot(x: xs, y: ys, coloring: .groups(labels))
        plot.opacity = 1
        let image = try decoded(smallFigure(plot, width: 500))
        let f = frame(of: image)
        let middle = (f.left + f.right) / 2
        // Humans (left) blue, AIs (right) red, in the data and in the legend.
        let found2 = contains(image, 0x0072B2, xs: f.left..<middle, ys: f.top..<f.bottom)
        #expect(found2)
        let found3 = contains(image, 0xD55E00, xs: middle..<f.right, ys: f.top..<f.bottom)
        #expect(found3)
        let found4 = contains(image, 0xD55E00, xs: f.left..<middle, ys: f.top..<f.bottom)
        #expect(!found4)
        let found5 = contains(image, 0x0072B2, xs: (f.right + 3)..<image.width, ys: 0..<image.height)
        #expect(found5)
        let found6 = contains(image, 0xD55E00, xs: (f.right + 3)..<image.width, ys: 0..<image.height)
        #expect(found6)
    }

    @Test func manyGroupsMergeIntoOther() {
        let labels = (0..<250).map { "g\($0 % 25)" }
        let plot = ScatterPlot(x: labels.indices.map(Double.init), y: labels.indices.map(Double.init), coloring: .groups(labels))
        let entries = plot.panelDescription().legend?.entries ?? []
        #expect(entries.count == Legend.maximumEntries)
        #expect(entries.last?.label == "other (6 groups)")
        #expect(entries.last?.color == Palette.other)
    }

    @Test func titleTextRenders() throws {
        let plot = ScatterPlot(x: [0, 1], y: [0, 1])
        for title in ["Embeddings of three groups", nil] {
            let image = try decoded(smallFigure(plot, title: title))
            let f = frame(of: image)
            // The title box: above the frame, middle third of the width (tick labels sit left).
            var ink = 0
            for y in 0..<(f.top - 2) {
                for x in (image.width / 3)..<(2 * image.width / 3) where !matches(image.pixel(x: x, y: y), 0xFFFFFF, tolerance: 0) {
                    ink += 1
                }
            }
            if title == nil { #expect(ink == 0) } else { #expect(ink > 50) }
        }
    }

    @Test func nothingRunsOffTheEdges() throws {
        var plot = ScatterPlot(x: [-123456.0, 98765.4], y: [-0.000123, 0.000456], coloring: .groups(["a long group name that goes on", "b"]),
                               title: "A rather long title that should still fit", xLabel: "first axis with a long label",
                               yLabel: "second axis label")
        plot.opacity = 1
        let figure = Figure(plot, footer: String(repeating: "footer words ", count: 40), width: 500, height: 350,
                            style: PlotStyle(dotsPerInch: 100))
        let image = try decoded(figure)
        let white = { (x: Int, y: Int) in matches(image.pixel(x: x, y: y), 0xFFFFFF, tolerance: 0) }
        let edgesClear = (0..<image.width).allSatisfy { white($0, 0) && white($0, image.height - 1) }
            && (0..<image.height).allSatisfy { white(0, $0) && white(image.width - 1, $0) }
        #expect(edgesClear)
    }

    @Test func provenanceChunksArePresent() throws {
        let figure = Figure(ScatterPlot(x: [0, 1], y: [1, 0]), title: "PCA", width: 200, height: 150, style: PlotStyle(dotsPerInch: 150))
        let provenance = ImageProvenance(commandLine: "mindspace pca données.npy --seed 42",
                                         inputs: [.init(path: "données.npy", xxh64: String(repeating: "ab", count: 8))],
                                         seed: 42, method: "PCA", parameters: ["components=2", "standardise=false"])
        let image = try decoded(figure, provenance: provenance)
        #expect(image.text(forKeyword: "Title") == "PCA")
        #expect(image.text(forKeyword: "Software") == "MindSpace \(MindSpaceVersion.string)")
        #expect(image.text(forKeyword: "mindspace:command") == "mindspace pca données.npy --seed 42")
        #expect(image.text(forKeyword: "mindspace:inputs") == String(repeating: "ab", count: 8) + "  données.npy")
        #expect(image.text(forKeyword: "mindspace:seed") == "42")
        #expect(image.text(forKeyword: "mindspace:method") == "PCA")
        #expect(image.text(forKeyword: "mindspace:parameters") == "components=2\nstandardise=false")
        // pHYs matches the DPI: round(150 / 0.0254) = 5906 px/m.
        #expect(image.density == PNGPixelDensity(pixelsPerUnitX: 5906, pixelsPerUnitY: 5906, unitIsMetre: true))
    }

    @Test func rendersAreByteIdentical() throws {
        var generator = SeededGenerator(seed: 11)
        let n = 3000
        let xs = (0..<n).map { _ in generator.nextGaussian() }, ys = (0..<n).map { _ in generator.nextGaussian() }
        let labels = (0..<n).map { ["a", "b", "c"][$0 % 3] }
        func png(seed: UInt64) throws -> Data {
            var plot = ScatterPlot(x: xs, y: ys, coloring: .groups(labels), title: "t", xLabel: "x", yLabel: "y")
            plot.seed = seed
            plot.opacity = 0.8
            return try Figure(plot, footer: "seed \(seed)", width: 500, height: 400, style: PlotStyle(dotsPerInch: 100))
                .pngData(provenance: ImageProvenance(seed: seed))
        }
        let first = try png(seed: 5)
        let same = try first == png(seed: 5)
        #expect(same)
        // The seed sets the drawing order, which changes where overlapping groups meet.
        var reseeded = try png(seed: 6)
        let differ = first != reseeded
        #expect(differ)
        // …and not just the footer and text chunk: the pixels differ too.
        reseeded = try png(seed: 6)
        let pixelsDiffer = try PNGCodec.decode(first).rgba != PNGCodec.decode(reseeded).rgba
        #expect(pixelsDiffer)
        // Files written twice are identical.
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("mindspace-render-\(getpid())")
        defer { try? FileManager.default.removeItem(at: folder) }
        let figure = Figure(ScatterPlot(x: xs, y: ys, coloring: .groups(labels)), width: 300, height: 200, style: PlotStyle(dotsPerInch: 100))
        try figure.write(to: folder.appendingPathComponent("1.png").path)
        try figure.write(to: folder.appendingPathComponent("2.png").path)
        let identicalFiles = try Data(contentsOf: folder.appendingPathComponent("1.png")) == Data(contentsOf: folder.appendingPathComponent("2.png"))
        #expect(identicalFiles)
    }

    /// sRGB encoding written out independently of the library (IEC 61966-2-1).
    private func srgbByte(_ linear: Double) -> Int {
        let encoded = linear <= 0.0031308 ? 12.92 * linear : 1.055 * pow(linear, 1 / 2.4) - 0.055
        return Int((encoded * 255).rounded())
    }

    private func linear(_ byte: UInt32) -> Double {
        let v = Double(byte) / 255
        return v <= 0.04045 ? v / 12.92 : pow((v + 0.055) / 1.055, 2.4)
    }

    @Test func densityModeEngagesAboveTheThresholdAndShowsBothGroups() throws {
        let blue: UInt32 = 0x0072B2, red: UInt32 = 0xD55E00
        var xs: [Double] = [], ys: [Double] = [], labels: [String] = []
        // 3000 blue and 1000 red points on one spot: the densest pixel (opacity 1 after
        // equalisation), whose colour must be the count-weighted mean (3·blue + red)/4 in linear light.
        for _ in 0..<3000 { xs.append(5); ys.append(5); labels.append("blue") }
        for _ in 0..<1000 { xs.append(5); ys.append(5); labels.append("red") }
        var generator = SeededGenerator(seed: 3)
        for i in 0..<12000 {
            let isBlue = i % 2 == 0
            xs.append(isBlue ? generator.nextUnitDouble() * 4 : 6 + generator.nextUnitDouble() * 4)
            ys.append(generator.nextUnitDouble() * 10)
            labels.append(isBlue ? "blue" : "red")
        }
        var plot = ScatterPlot(x: xs, y: ys, coloring: .groupIndices(labels.map { $0 == "blue" ? 0 : 1 }, names: ["blue", "red"]))
        plot.xRange = 0...10
        plot.yRange = 0...10
        let figure = smallFigure(plot)
        let area = figure.layout().panels[0].axes.dataRect
        let threshold = ScatterPlot.densityThreshold(dataArea: area)
        #expect(threshold == Int(area.width * area.height / 10))
        #expect(xs.count > threshold)
        #expect(plot.usesDensity(dataArea: area))
        #expect(!ScatterPlot(x: Array(xs.prefix(threshold)), y: Array(ys.prefix(threshold))).usesDensity(dataArea: area))
        #expect(ScatterPlot(x: Array(xs.prefix(threshold + 1)), y: Array(ys.prefix(threshold + 1))).usesDensity(dataArea: area))

        let image = try decoded(figure)
        let f = frame(of: image)
        let middle = (f.left + f.right) / 2
        func hasHue(_ xs: Range<Int>, blueDominant: Bool) -> Bool {
            (f.top..<f.bottom).contains { y in xs.contains { x in
                let p = image.pixel(x: x, y: y)
                return blueDominant ? Int(p.blue) > Int(p.red) + 40 : Int(p.red) > Int(p.blue) + 40
            } }
        }
        let blueLeft = hasHue(f.left..<(middle - 20), blueDominant: true)
        let redRight = hasHue((middle + 20)..<f.right, blueDominant: false)
        let redLeft = hasHue(f.left..<(middle - 20), blueDominant: false)
        #expect(blueLeft && redRight && !redLeft)
        // The densest pixel: exact mean colour (±1 code value for the 8-bit lookup table).
        let spot = figure.layout().panels[0].axes.point(x: 5, y: 5)
        let p = image.pixel(x: Int(spot.x), y: Int(spot.y))
        let expected = [16, 8, 0].map { shift in
            srgbByte((3 * linear((blue >> UInt32(shift)) & 0xFF) + linear((red >> UInt32(shift)) & 0xFF)) / 4)
        }
        let observed = [Int(p.red), Int(p.green), Int(p.blue)]
        #expect(zip(observed, expected).allSatisfy { abs($0 - $1) <= 1 }, "densest pixel \(observed), expected \(expected)")
        // The legend still shows both groups.
        let found7 = contains(image, blue, xs: (f.right + 3)..<image.width, ys: 0..<image.height)
        #expect(found7)
        let found8 = contains(image, red, xs: (f.right + 3)..<image.width, ys: 0..<image.height)
        #expect(found8)
    }

    @Test func continuousColouringUsesViridisClippedAtPercentiles() throws {
        let values = (0..<100).map(Double.init)
        // 5th and 95th percentiles by linear interpolation of 0…99: 4.95 and 94.05.
        let range = ColorBar.clippedRange(values)
        #expect(abs(range.lowerBound - 4.95) < Tolerance.roundOffOfThousandsOfOperations && abs(range.upperBound - 94.05) < Tolerance.roundOffOfThousandsOfOperations)
        #expect(Palette.viridis.count == 256)
        // Published viridis end points: #440154 and #FDE725.
        #expect(Palette.viridis(at: 0) == SRGBColor(hex: 0x440154) && Palette.viridis(at: 1) == SRGBColor(hex: 0xFDE725))
        var plot = ScatterPlot(x: values, y: values, coloring: .continuous(values, label: "value"))
        plot.opacity = 1
        plot.pointRadius = 3
        let image = try decoded(smallFigure(plot, width: 500))
        let f = frame(of: image)
        // The colour bar, right of the frame, holds both ends of the map.
        let found9 = contains(image, 0x440154, xs: (f.right + 3)..<image.width, ys: 0..<image.height)
        #expect(found9)
        let found10 = contains(image, 0xFDE725, xs: (f.right + 3)..<image.width, ys: 0..<image.height)
        #expect(found10)
    }

    @Test func screeMarksNinetyAndNinetyNinePercent() throws {
        let chart = LineChart.scree(explainedVarianceRatio: [0.5, 0.3, 0.15, 0.04, 0.01])
        let labels = chart.referenceLines.compactMap(\.label)
        // Cumulative 0.5, 0.8, 0.95, 0.99, 1.0.
        #expect(labels == ["90% at k = 3", "99% at k = 4"])
        #expect(chart.referenceLines.filter { $0.orientation == .vertical }.map(\.value) == [3, 4])
        let image = try decoded(smallFigure(chart))
        let f = frame(of: image)
        let found11 = contains(image, 0x0072B2, xs: f.left..<f.right, ys: f.top..<f.bottom)
        #expect(found11)
        let found12 = contains(image, 0xD55E00, xs: f.left..<f.right, ys: f.top..<f.bottom)
        #expect(found12)
        let truncated = LineChart.scree(explainedVarianceRatio: [0.4, 0.3])
        #expect(truncated.referenceLines.compactMap(\.label) == ["90% not reached", "99% not reached"])
    }

    @Test func otherPlotKindsRender() throws {
        let twoNN = LineChart.twoNNFit(logMu: [0.1, 0.2, 0.3], minusLogOneMinusF: [0.5, 1.0, 1.6], slope: 5.1)
        #expect(twoNN.series.last?.label == "fit: d = 5.10")
        let curve = DimensionCurve(label: "humans", scales: [5, 10, 20, 40], estimates: [6, 7, 8, 9],
                                   lower: [5, 6, 7, 8], upper: [7, 8, 9, 10])
        let scale = LineChart.dimensionVersusScale([curve])
        #expect(scale.xScale == .logarithmic)
        let trajectory = TrajectoryPlot(x: [0, 1, 2, 3], y: [0, 1, 0, 1])
        for panel: any PanelContent in [twoNN, scale, trajectory] {
            let image = try decoded(smallFigure(panel))
            let f = frame(of: image)
            let coloured: Bool = (f.top..<f.bottom).contains { y in (f.left..<f.right).contains { x in
                let p = image.pixel(x: x, y: y); return abs(Int(p.red) - Int(p.blue)) > 60 } }
            #expect(coloured)
        }
        // Panels side by side share one legend.
        let a = ScatterPlot(x: [0, 1], y: [0, 1], coloring: .groups(["humans", "AIs"]))
        let b = ScatterPlot(x: [1, 0], y: [0, 1], coloring: .groups(["humans", "AIs"]))
        let layout = Figure(panels: [a, b], sharesLegend: true).layout()
        #expect(layout.sharedLegend?.entries.count == 2)
        #expect(layout.panels.count == 2 && layout.panels[0].axes.dataRect.maxX < layout.panels[1].axes.dataRect.minX)
    }

    @Test func invalidSizesAreUsageErrors() throws {
        let figure = Figure(ScatterPlot(x: [0], y: [0]), width: 10, height: 100_000)
        #expect(throws: MindSpaceError.self) { try figure.render() }
        // The smallest accepted size still renders, with awkward data (non-finite, huge, tiny spread).
        let awkward = ScatterPlot(x: [.nan, 1e16, 1e16 + 2, .infinity], y: [0, 1e-300, -1e-300, 5],
                                  coloring: .groups(["a", "b", "a", "b"]), title: "t", xLabel: "x", yLabel: "y")
        let canvas = try Figure(awkward, footer: "f", width: Figure.minimumSide, height: Figure.minimumSide).render()
        #expect(canvas.width == Figure.minimumSide)
        let ticks = NiceTicks(lower: 1e16, upper: 1e16 + 2)
        #expect(ticks.values == [1e16, 1e16 + 2])
    }
}
