/// Rasterises thick line segments ("capsules": all points within half the width of a segment,
/// which gives round ends and joins) into a coverage mask.
enum LineCoverage {
    /// Raises each mask pixel to the capsule's coverage there: `clamp(h + 0.5 − d, 0, 1)` where
    /// `d` is the distance from the pixel centre to the segment and `h` the half width. The mask's
    /// top-left pixel is canvas pixel (`originX`, `originY`). Work is limited, row by row, to the
    /// columns the capsule can reach, so a long diagonal costs O(length · width), not its
    /// bounding box.
    static func addCapsule(from a: PixelPoint, to b: PixelPoint, halfWidth: Double,
                           into mask: inout CoverageMask, originX: Int, originY: Int) {
        let reach = halfWidth + 1
        let dx = b.x - a.x, dy = b.y - a.y
        let lengthSquared = dx * dx + dy * dy
        let rowStart = max(Int((min(a.y, b.y) - reach).rounded(.down)) - originY, 0)
        let rowEnd = min(Int((max(a.y, b.y) + reach).rounded(.up)) - originY, mask.height)
        guard rowStart < rowEnd else { return }
        let maskWidth = mask.width
        mask.values.withUnsafeMutableBufferPointer { values in
            for row in rowStart..<rowEnd {
                let yc = Double(originY + row) + 0.5
                // Parameter range t ∈ [t0, t1] where the segment is within `reach` rows of yc.
                var t0 = 0.0, t1 = 1.0
                if dy != 0 {
                    let ta = (yc - reach - a.y) / dy, tb = (yc + reach - a.y) / dy
                    t0 = max(0, min(ta, tb))
                    t1 = min(1, max(ta, tb))
                    if t0 > t1 { continue }
                } else if abs(yc - a.y) > reach {
                    continue
                }
                let xa = a.x + dx * t0, xb = a.x + dx * t1
                let colStart = max(Int((min(xa, xb) - reach).rounded(.down)) - originX, 0)
                let colEnd = min(Int((max(xa, xb) + reach).rounded(.up)) - originX, maskWidth)
                guard colStart < colEnd else { continue }
                for col in colStart..<colEnd {
                    let xc = Double(originX + col) + 0.5
                    var t = lengthSquared > 0 ? ((xc - a.x) * dx + (yc - a.y) * dy) / lengthSquared : 0
                    t = min(max(t, 0), 1)
                    let ex = xc - (a.x + t * dx), ey = yc - (a.y + t * dy)
                    let distance = (ex * ex + ey * ey).squareRoot()
                    let c = Float(min(max(halfWidth + 0.5 - distance, 0), 1))
                    let index = row * maskWidth + col
                    if c > values[index] { values[index] = c }
                }
            }
        }
    }
}
