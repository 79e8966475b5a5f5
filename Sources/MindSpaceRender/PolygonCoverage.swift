/// Scanline rasterisation of filled polygons into a coverage mask (even–odd rule).
enum PolygonCoverage {
    /// Sub-scanlines per pixel row.
    static let subScanlines = 4

    /// Adds the polygon's coverage to `mask` (whose top-left is canvas pixel (`originX`,
    /// `originY`)), clamping at 1. Along each of the 4 sub-scanlines per row the covered length
    /// of every pixel is computed exactly from the edge crossings.
    static func accumulate(_ vertices: [PixelPoint], into mask: inout CoverageMask, originX: Int, originY: Int) {
        let n = vertices.count
        guard n >= 3, mask.width > 0, mask.height > 0 else { return }
        let weight = Float(1) / Float(subScanlines)
        var crossings: [Double] = []
        crossings.reserveCapacity(16)
        let maskWidth = mask.width
        let left = Double(originX), right = Double(originX + maskWidth)
        mask.values.withUnsafeMutableBufferPointer { values in
            for row in 0..<mask.height {
                for sub in 0..<subScanlines {
                    let y = Double(originY + row) + (Double(sub) + 0.5) / Double(subScanlines)
                    crossings.removeAll(keepingCapacity: true)
                    for i in 0..<n {
                        let p = vertices[i], q = vertices[(i + 1) % n]
                        // Half-open rule: an edge counts when y ∈ [min, max), so shared
                        // vertices are counted once.
                        if (p.y <= y && y < q.y) || (q.y <= y && y < p.y) {
                            crossings.append(p.x + (y - p.y) / (q.y - p.y) * (q.x - p.x))
                        }
                    }
                    guard crossings.count >= 2 else { continue }
                    crossings.sort()
                    var k = 0
                    while k + 1 < crossings.count {
                        let x0 = max(crossings[k], left), x1 = min(crossings[k + 1], right)
                        k += 2
                        guard x0 < x1 else { continue }
                        addSpan(x0 - left, x1 - left, weight: weight, row: row * maskWidth, values: values)
                    }
                }
            }
        }
    }

    /// Adds `weight` × (covered fraction of each pixel) for the horizontal span [x0, x1) given
    /// in mask coordinates.
    @inline(__always)
    private static func addSpan(_ x0: Double, _ x1: Double, weight: Float, row: Int,
                                values: UnsafeMutableBufferPointer<Float>) {
        let first = Int(x0.rounded(.down)), last = Int(x1.rounded(.up)) - 1
        for col in first...last {
            let covered = min(x1, Double(col + 1)) - max(x0, Double(col))
            guard covered > 0 else { continue }
            let index = row + col
            values[index] = min(values[index] + weight * Float(covered), 1)
        }
    }
}
