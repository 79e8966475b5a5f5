import Testing
@testable import MindSpaceRender

/// `Heatmap`: each cell in the viridis colour of its value, row 0 on top, names on the axes
/// (numbered when they would collide), and `LabelledPointsPlot`'s equal-span axes.
@Suite struct RenderHeatmapTests {
    @Test func cellsTakeTheirValuesColourWithRowZeroOnTop() throws {
        let values = [[1.0, 0.25], [0.0, 0.5]]
        let heatmap = Heatmap(values: values, rowNames: ["a", "b"], columnNames: ["a", "b"], valueLabel: "score",
                              range: 0...1, showsValues: false)
        let figure = Figure(heatmap, width: 800, height: 600)
        let canvas = try figure.render()
        let axes = figure.layout().panels[0].axes
        for (row, rowValues) in values.enumerated() {
            for (column, value) in rowValues.enumerated() {
                // Cell centre: column at x = column, row r at y = rows − 1 − r.
                let point = axes.point(x: Double(column), y: Double(values.count - 1 - row))
                let pixel = canvas.pixel(x: Int(point.x), y: Int(point.y))
                let expected = Palette.viridis(at: value).linear()
                #expect(abs(pixel.premultiplied.x - expected.premultiplied.x) < 1e-3
                        && abs(pixel.premultiplied.y - expected.premultiplied.y) < 1e-3, "cell (\(row), \(column))")
            }
        }
        let description = heatmap.panelDescription()
        #expect(description.x.categories == ["a", "b"])
        #expect(description.y.categories == ["b", "a"], "the y axis counts upwards: row 0 is the last category")
    }

    @Test func longColumnNamesAreNumbered() {
        let names = (0..<12).map { "a-rather-long-model-name-\($0)" }
        let values = names.map { _ in names.map { _ in 0.5 } }
        let description = Heatmap(values: values, rowNames: names, columnNames: names, valueLabel: "s").panelDescription()
        #expect(description.x.categories == (1...12).map(String.init))
        #expect(description.y.categories?.last == "1  a-rather-long-model-name-0")
    }

    @Test func cellTextContrastsWithTheCell() {
        #expect(Heatmap.luminance(Palette.viridis(at: 1)) > 0.4, "yellow end: dark text")
        #expect(Heatmap.luminance(Palette.viridis(at: 0)) < 0.4, "purple end: light text")
    }

    @Test func labelledPointsShareOneSpanOnBothAxes() {
        let plot = LabelledPointsPlot(x: [0, 10, 5], y: [0, 1, 0.5], names: ["p", "q", "r"], xLabel: "x", yLabel: "y")
        let description = plot.panelDescription()
        let xSpan = description.x.range.upperBound - description.x.range.lowerBound
        let ySpan = description.y.range.upperBound - description.y.range.lowerBound
        #expect(abs(xSpan - ySpan) < 1e-12 && xSpan >= 10)
    }
}
