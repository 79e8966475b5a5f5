import MindSpaceRender

/// The three pictures of `layers`: the profile (intrinsic dimension with its band beside the PCA
/// dimensions), the transitions (overlap and CKA between consecutive layers, with their bands
/// and the overlap of independent layers), and the layer × layer CKA heatmap. Layer names label
/// the axes when they fit side by side, else the layers are numbered (the heatmap lists both).
struct LayersFigures {
    let report: LayersReport

    private var names: [String] { report.layers.map(\.name) }
    private var positions: [Double] { report.layers.indices.map(Double.init) }

    /// The x-axis names: the layer names when they fit at the figure's width, else 1…L.
    private func axisNames(_ names: [String], width: Double) -> [String] {
        Heatmap.namesFit(names, width: width, style: PlotStyle()) ? names : names.indices.map { String($0 + 1) }
    }

    func profile() -> Figure {
        let estimator = report.settings.estimators.first ?? "auto"
        let ids = report.layers.map { $0.estimates.first?.dimension ?? .nan }
        let low = report.layers.map { layer in layer.estimates.first.map { $0.ci.hasBounds ? $0.ci.low : .nan } ?? .nan }
        let high = report.layers.map { layer in layer.estimates.first.map { $0.ci.hasBounds ? $0.ci.high : .nan } ?? .nan }
        var id = LineChart(series: [LineChart.Series(label: "ID (\(estimator))", x: positions, y: ids, color: Palette.okabeIto[0],
                                                     markerRadiusPoints: 2.5)],
                           bands: [LineChart.Band(label: "\(Int((report.settings.level * 100).rounded()))% interval", x: positions,
                                                  lower: low, upper: high, color: Palette.okabeIto[0])],
                           title: "Intrinsic dimension", xLabel: "layer", yLabel: "intrinsic dimension")
        id.xCategories = axisNames(names, width: 880)
        var pcaSeries: [LineChart.Series] = []
        for (index, (fraction, percent)) in [("0.5", "50%"), ("0.9", "90%"), ("0.99", "99%")].enumerated() {
            pcaSeries.append(LineChart.Series(label: "\(percent) of the variance", x: positions,
                                              y: report.layers.map { Double($0.componentsFor[fraction] ?? 0) },
                                              color: Palette.okabeIto[index + 1], dashed: fraction != "0.9", markerRadiusPoints: 2))
        }
        let band = { (side: Int) in report.layers.map { layer in layer.componentsForCI["0.9"].map { Double($0[side]) } ?? .nan } }
        var pca = LineChart(series: pcaSeries,
                            bands: [LineChart.Band(x: positions, lower: band(0), upper: band(1), color: Palette.okabeIto[2])],
                            title: "Principal components needed", xLabel: "layer", yLabel: "components", yScale: .logarithmic)
        pca.xCategories = axisNames(names, width: 880)
        return Figure(panels: [id, pca], title: "Geometry of \(report.layers.count) layers of \(report.source) (N = \(report.layers.first?.n ?? 0))",
                      footer: footer, width: 2400, height: 1200)
    }

    func transitions() -> Figure {
        let steps = report.layers.dropLast()
        let x = steps.indices.map(Double.init)
        func series(_ pick: (LayersReport.Layer) -> LayersReport.Transition?) -> (y: [Double], low: [Double], high: [Double]) {
            let values = steps.map(pick)
            return (values.map { $0?.value ?? .nan }, values.map { $0?.ci?.first ?? .nan }, values.map { $0?.ci?.last ?? .nan })
        }
        let overlap = series(\.overlapNext), cka = series(\.ckaNext)
        var chart = LineChart(
            series: [LineChart.Series(label: "overlap (k = \(report.settings.k))", x: x, y: overlap.y,
                                      color: Palette.okabeIto[0], markerRadiusPoints: 2.5),
                     LineChart.Series(label: "linear CKA", x: x, y: cka.y, color: Palette.okabeIto[1], markerRadiusPoints: 2.5)],
            bands: [LineChart.Band(x: x, lower: overlap.low, upper: overlap.high, color: Palette.okabeIto[0]),
                    LineChart.Band(x: x, lower: cka.low, upper: cka.high, color: Palette.okabeIto[1])],
            title: "From each layer to the next", xLabel: "transition", yLabel: "similarity")
        if let null = report.layers.first?.overlapNext?.null {
            chart.referenceLines.append(.init(.horizontal, at: null, label: String(format: "independent layers %.3f", null)))
        }
        chart.yRange = -0.08...1.05
        let labels = steps.indices.map { "\(names[$0])→\(names[$0 + 1])" }
        chart.xCategories = Heatmap.namesFit(labels, width: 1000, style: PlotStyle())
            ? labels : steps.indices.map { "\($0 + 1)→\($0 + 2)" }
        return Figure(chart, footer: footer, width: 1600, height: 1200)
    }

    func matrix() -> Figure {
        let heatmap = Heatmap(values: report.ckaMatrix, rowNames: names, columnNames: names,
                              title: "Linear CKA between layers", valueLabel: "linear CKA", range: 0...1,
                              showsValues: names.count <= 16)
        return Figure(heatmap, width: 1600, height: 1400)
    }

    private var footer: String {
        "Bands: ID intervals by the estimator; PCA 90 %: first-order bootstrap over inputs; overlap: bootstrap over inputs "
            + "(\(report.settings.bootstrap) resamples); "
            + "CKA: delete-a-group jackknife (\(report.settings.jackknifeGroups) groups). Layers in the order read."
    }
}
