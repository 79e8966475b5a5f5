/// What a panel shows around its data: title, axes, legend, colour bar. Plots build it from
/// their data before any pixel is drawn, so the layout can size margins to fit.
public struct PanelDescription: Sendable {
    public var title: String?
    public var x: AxisSpec
    public var y: AxisSpec
    public var legend: Legend?
    public var colorBar: ColorBar?

    public init(title: String?, x: AxisSpec, y: AxisSpec, legend: Legend? = nil, colorBar: ColorBar? = nil) {
        self.title = title
        self.x = x
        self.y = y
        self.legend = legend
        self.colorBar = colorBar
    }
}

/// A plot kind that can fill one panel of a `Figure`: it describes its axes and draws its data
/// inside them. The renderer never knows where the numbers came from; plots take plain arrays.
public protocol PanelContent: Sendable {
    /// Title, axes, legend and colour bar of the panel.
    func panelDescription() -> PanelDescription
    /// Draws the data; the canvas is clipped to `axes.dataRect` while this runs.
    func drawData(on canvas: inout Canvas, axes: Axes, style: PlotStyle)
}
