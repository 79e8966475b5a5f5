import Foundation
import MindSpaceCore

/// A scatter plot of 2-D points coloured by group or by a continuous value.
///
/// Two drawing modes:
/// - points: an antialiased disc per point (radius never below 1.5 px), translucent, drawn in a
///   seeded random order so that no group is always drawn last and hides the others;
/// - density (datashader-style, for large N): per-pixel counts, each pixel in the count-weighted
///   mean colour of its points, opacity by histogram equalisation (see `DensityRaster`).
/// `.automatic` picks density when N exceeds `densityThreshold` (a tenth of the data area's
/// pixels). The legend lists every group in both modes.
///
/// Non-finite coordinates are skipped. Points with a non-finite value under continuous colouring
/// are drawn grey.
public struct ScatterPlot: PanelContent {
    /// How points are coloured.
    public enum Coloring: Sendable {
        /// Every point in one colour, no legend.
        case uniform(SRGBColor)
        /// One group label per point; groups are ordered numerically when all labels are integers,
        /// else alphabetically.
        case groups([String])
        /// One group index per point into `names` (index order is colour order).
        case groupIndices([Int], names: [String])
        /// One value per point, drawn with viridis over the 5th–95th percentile range, explained by
        /// a colour bar titled `label`.
        case continuous([Double], label: String)
    }

    public enum Mode: Sendable, Equatable {
        case automatic, points, density
    }

    public let x: [Double]
    public let y: [Double]
    public let coloring: Coloring
    public var title: String?
    public var xLabel: String
    public var yLabel: String
    /// Axis limits; `nil` = the data range plus 5 % on each side.
    public var xRange: ClosedRange<Double>?
    public var yRange: ClosedRange<Double>?
    public var mode: Mode = .automatic
    /// Seed of the drawing order in points mode.
    public var seed: UInt64 = 0
    /// Disc radius in pixels, kept within 1.5–100; `nil` chooses from N and the resolution.
    public var pointRadius: Double?
    /// Opacity of each disc in points mode; `nil` chooses from N.
    public var opacity: Double?
    public var legendTitle: String?

    private let groups: GroupColoring?
    /// The colour-bar range under continuous colouring (5th–95th percentiles).
    private let valueRange: ClosedRange<Double>?
    /// Data ranges plus 5 % padding, computed once (N may be millions).
    private let paddedXRange: ClosedRange<Double>
    private let paddedYRange: ClosedRange<Double>

    /// Points (`x[i]`, `y[i]`). `x`, `y` and the coloring must have the same length (a programmer
    /// error otherwise).
    public init(x: [Double], y: [Double], coloring: Coloring = .uniform(Palette.okabeIto[0]),
                title: String? = nil, xLabel: String = "", yLabel: String = "") {
        precondition(x.count == y.count, "x and y differ in length")
        self.x = x
        self.y = y
        self.coloring = coloring
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        paddedXRange = AxisSpec.paddedRange(x)
        paddedYRange = AxisSpec.paddedRange(y)
        if case .continuous(let values, _) = coloring {
            valueRange = ColorBar.clippedRange(values)
        } else {
            valueRange = nil
        }
        switch coloring {
        case .uniform:
            groups = nil
        case .groups(let labels):
            precondition(labels.count == x.count, "one group label per point")
            groups = GroupColoring(labels: labels)
        case .groupIndices(let indices, let names):
            precondition(indices.count == x.count, "one group index per point")
            groups = GroupColoring(groupOfPoint: indices.map { Int32(clamping: $0) }, names: names)
        case .continuous(let values, _):
            precondition(values.count == x.count, "one value per point")
            groups = nil
        }
    }

    /// Points from the first two columns of `points` (N × ≥2).
    public init(points: Matrix<Double>, coloring: Coloring = .uniform(Palette.okabeIto[0]),
                title: String? = nil, xLabel: String = "", yLabel: String = "") {
        precondition(points.columns >= 2, "a scatter plot needs two columns")
        var xs = [Double](repeating: 0, count: points.rows), ys = xs
        for i in 0..<points.rows {
            xs[i] = points.storage[i * points.columns]
            ys[i] = points.storage[i * points.columns + 1]
        }
        self.init(x: xs, y: ys, coloring: coloring, title: title, xLabel: xLabel, yLabel: yLabel)
    }

    /// Above this many points `.automatic` switches to density mode: one point per ten pixels
    /// of the data area (W·H/10).
    public static func densityThreshold(dataArea: PixelRect) -> Int {
        Int(dataArea.width * dataArea.height / 10)
    }

    /// Whether the plot will be drawn in density mode inside `dataArea`.
    public func usesDensity(dataArea: PixelRect) -> Bool {
        switch mode {
        case .points: return false
        case .density: return true
        case .automatic: return x.count > ScatterPlot.densityThreshold(dataArea: dataArea)
        }
    }

    /// Default disc radius in pixels: a diameter of 150/√N points, kept within 1–6 pt, and never
    /// below 1.5 px.
    public static func defaultRadius(count: Int, dotsPerInch: Double) -> Double {
        let diameterPoints = min(max(150 / Double(max(count, 1)).squareRoot(), 1), 6)
        return max(diameterPoints * dotsPerInch / 72 / 2, 1.5)
    }

    /// Default disc opacity: √(5000/N) kept within 0.2–0.9.
    public static func defaultOpacity(count: Int) -> Double {
        min(max((5000 / Double(max(count, 1))).squareRoot(), 0.2), 0.9)
    }

    public func panelDescription() -> PanelDescription {
        let xr = xRange ?? paddedXRange
        let yr = yRange ?? paddedYRange
        var legend: Legend? = nil
        var bar: ColorBar? = nil
        switch coloring {
        case .uniform: break
        case .groups, .groupIndices:
            if let groups { legend = Legend(title: legendTitle, entries: groups.legend) }
        case .continuous(_, let label):
            bar = ColorBar(label: label, range: valueRange ?? 0...1)
        }
        return PanelDescription(title: title, x: AxisSpec(label: xLabel, range: xr), y: AxisSpec(label: yLabel, range: yr),
                                legend: legend, colorBar: bar)
    }

    public func drawData(on canvas: inout Canvas, axes: Axes, style: PlotStyle) {
        let n = x.count
        guard n > 0 else { return }
        let px = axes.pixelXs(x), py = axes.pixelYs(y)
        let (colorIndex, palette, bar) = pointColors()
        if usesDensity(dataArea: axes.dataRect) {
            var raster = DensityRaster(area: axes.dataRect)
            if case .continuous(let values, _) = coloring, let bar {
                raster.accumulate(xs: px, ys: py, values: values)
                raster.composite(onto: &canvas, minimumAlpha: 0.25, valueMap: Palette.viridis.map { $0.linear().premultiplied },
                                 valueRange: bar.range)
            } else {
                raster.accumulate(xs: px, ys: py, colorIndex: colorIndex, palette: palette.map { SIMD4($0.x, $0.y, $0.z, 1) })
                raster.composite(onto: &canvas, minimumAlpha: 0.25)
            }
            return
        }
        let alpha = Float(opacity ?? ScatterPlot.defaultOpacity(count: n))
        // At least 1.5 px so single points stay visible; at most 100 px (stamps grow as r²).
        let requested = pointRadius ?? ScatterPlot.defaultRadius(count: n, dotsPerInch: style.dotsPerInch)
        let radius = requested.isFinite ? min(max(requested, 1.5), 100) : 1.5
        let stamps = DiscStampSet(radius: radius)
        var generator = SeededGenerator(seed: seed)
        var order = Array(0..<n)
        generator.shuffle(&order)
        PointRasterizer.drawDiscs(xs: px, ys: py, colorIndex: colorIndex, palette: palette.map { $0 * alpha },
                                  order: order, stamps: stamps, canvas: &canvas)
    }

    /// Colour index per point and the opaque premultiplied palette it indexes.
    private func pointColors() -> ([Int32], [SIMD4<Float>], ColorBar?) {
        switch coloring {
        case .uniform(let color):
            return ([Int32](repeating: 0, count: x.count), [color.linear().premultiplied], nil)
        case .groups, .groupIndices:
            guard let groups else { return ([], [], nil) }
            return (groups.pointColor, groups.colors.map { $0.linear().premultiplied }, nil)
        case .continuous(let values, let label):
            let bar = ColorBar(label: label, range: valueRange ?? 0...1)
            let palette = Palette.viridis.map { $0.linear().premultiplied } + [Palette.other.linear().premultiplied]
            let indices = values.map { v -> Int32 in
                v.isFinite ? Int32((bar.fraction(v) * 255).rounded()) : 256
            }
            return (indices, palette, bar)
        }
    }
}
