/// Area coverage of pixels by a disc, and precomputed coverage "stamps" for drawing many small
/// discs quickly (scatter plots).
enum DiscCoverage {
    /// Supersampling grid per pixel side for pixels the disc edge crosses (8 × 8 = 64 samples,
    /// so coverage is exact to 1/64 of a pixel's area).
    static let samplesPerSide = 8

    /// Fraction of the unit pixel centred at offset (`dx`, `dy`) from the disc centre that lies
    /// inside a disc of `radius` pixels. Pixels entirely inside (distance ≤ r − √2/2) or outside
    /// (≥ r + √2/2) are decided without sampling.
    @inline(__always)
    static func pixel(dx: Double, dy: Double, radius: Double) -> Float {
        let distance = (dx * dx + dy * dy).squareRoot()
        let halfDiagonal = 0.70711
        if distance <= radius - halfDiagonal { return 1 }
        if distance >= radius + halfDiagonal { return 0 }
        let n = samplesPerSide
        let r2 = radius * radius
        var inside = 0
        for j in 0..<n {
            let sy = dy + (Double(j) + 0.5) / Double(n) - 0.5
            for i in 0..<n {
                let sx = dx + (Double(i) + 0.5) / Double(n) - 0.5
                if sx * sx + sy * sy <= r2 { inside += 1 }
            }
        }
        return Float(inside) / Float(n * n)
    }
}

/// Coverage stamps of one disc radius for every sub-pixel position of its centre on a
/// `subdivisions × subdivisions` grid (8 × 8 by default, so a centre is placed within 1/16 px).
/// Each stamp lists only the pixels it touches, as offsets from the pixel that holds the centre,
/// so drawing a point is a short loop of blends. Building costs O(subdivisions² · radius²) once.
struct DiscStampSet {
    let radius: Double
    let subdivisions: Int
    /// Per stamp, the range of its entries in `offsetX`/`offsetY`/`coverage`.
    let entryRanges: [Range<Int>]
    let offsetX: [Int32]
    let offsetY: [Int32]
    let coverage: [Float]
    /// Largest |offset| of any entry: a point whose centre pixel is at least this far from the
    /// clip edges needs no per-pixel bounds checks.
    let reach: Int

    init(radius: Double, subdivisions: Int = 8) {
        precondition(radius > 0 && subdivisions > 0)
        self.radius = radius
        self.subdivisions = subdivisions
        let reach = Int((radius + 1).rounded(.up))
        var ranges: [Range<Int>] = [], xs: [Int32] = [], ys: [Int32] = [], cs: [Float] = []
        var maxOffset = 0
        for sy in 0..<subdivisions {
            for sx in 0..<subdivisions {
                let cx = (Double(sx) + 0.5) / Double(subdivisions)
                let cy = (Double(sy) + 0.5) / Double(subdivisions)
                let start = cs.count
                for dy in -reach...reach {
                    for dx in -reach...reach {
                        let c = DiscCoverage.pixel(dx: Double(dx) + 0.5 - cx, dy: Double(dy) + 0.5 - cy, radius: radius)
                        guard c > 0 else { continue }
                        xs.append(Int32(dx)); ys.append(Int32(dy)); cs.append(c)
                        maxOffset = max(maxOffset, abs(dx), abs(dy))
                    }
                }
                ranges.append(start..<cs.count)
            }
        }
        entryRanges = ranges
        offsetX = xs
        offsetY = ys
        coverage = cs
        self.reach = maxOffset
    }

    /// Index of the stamp for a centre whose fractional pixel position is (`fx`, `fy`) ∈ [0, 1)².
    @inline(__always)
    func stampIndex(fractionX fx: Double, fractionY fy: Double) -> Int {
        let n = subdivisions
        let sx = min(max(Int(fx * Double(n)), 0), n - 1)
        let sy = min(max(Int(fy * Double(n)), 0), n - 1)
        return sy * n + sx
    }
}
