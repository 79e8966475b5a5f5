/// A raster image in linear light with premultiplied alpha, the surface every plot draws on.
///
/// Each pixel holds (r·α, g·α, b·α, α), values in [0, 1]. Drawing composites with the
/// Porter–Duff source-over rule weighted by coverage `c`: `dst = src·c + dst·(1 − α_src·c)`,
/// so antialiased edges and translucent points mix as light does; conversion to 8-bit sRGB
/// happens once, in `encodedBytes`. Shapes are antialiased by their exact or supersampled area
/// coverage of each pixel. Every drawing call is restricted to `clip`.
///
/// **Storage.** Each channel is a 16-bit fixed-point fraction v/65535; blending happens in
/// `Float` and rounds to the nearest step once per composite. A step, 1.5·10⁻⁵, is 20 times finer
/// than the smallest gap between two 8-bit sRGB codes in linear light (code 1 is 3.0·10⁻⁴), so
/// the stored colour always resolves the output exactly; 0 and 1 are exact. Rounding can make a
/// long run of faint composites of one colour stop within 0.5/(65535·α·c) of the value it
/// converges to (α·c the composite's weight): under half an 8-bit code for weights of 1 % or
/// more. Against `Float` storage, rendered plots differ by at most one code in a few dozen of
/// 1.9 million pixels. Memory: 8 bytes per pixel (15 MB for 1600 × 1200), half of `Float`.
///
/// Coordinates are pixels, x to the right and y downwards; pixel (i, j) covers
/// [i, i+1) × [j, j+1).
public struct Canvas: Sendable {
    public let width: Int
    public let height: Int
    /// Premultiplied linear RGBA, row-major from the top-left pixel, each channel in units of
    /// 1/65535 (`Canvas.fixedPointScale`).
    public internal(set) var pixels: [SIMD4<UInt16>]
    /// Whole pixels that drawing may touch; the full canvas unless set with `setClip`.
    public private(set) var clip: PixelRect

    /// A canvas filled with `background`. `width` and `height` must be positive (programmer
    /// error otherwise; figure sizes are validated before this point).
    public init(width: Int, height: Int, background: LinearColor = SRGBColor.white.linear()) {
        precondition(width > 0 && height > 0, "canvas size must be positive")
        self.width = width
        self.height = height
        pixels = Array(repeating: Canvas.fixedPoint(background.premultiplied), count: width * height)
        clip = PixelRect(minX: 0, minY: 0, maxX: Double(width), maxY: Double(height))
    }

    /// The colour of one pixel.
    public func pixel(x: Int, y: Int) -> LinearColor {
        LinearColor(premultiplied: Canvas.unpacked(pixels[y * width + x]) / Canvas.fixedPointScale)
    }

    /// 65535: the stored value of a channel at 1.
    public static let fixedPointScale: Float = 65535

    /// A premultiplied colour with components in [0, 1] as stored (nearest step; out-of-range
    /// components clamp to the nearest end, NaN to 0).
    static func fixedPoint(_ color: SIMD4<Float>) -> SIMD4<UInt16> {
        packed(color * fixedPointScale)
    }

    /// Restricts drawing to `rect` rounded outwards to whole pixels and kept inside the canvas;
    /// `nil` restores the whole canvas.
    public mutating func setClip(_ rect: PixelRect?) {
        let whole = PixelRect(minX: 0, minY: 0, maxX: Double(width), maxY: Double(height))
        guard let rect else { clip = whole; return }
        clip = PixelRect(minX: rect.minX.rounded(.down), minY: rect.minY.rounded(.down),
                         maxX: rect.maxX.rounded(.up), maxY: rect.maxY.rounded(.up)).intersection(whole)
    }

    /// The whole pixels that `rect` touches, limited to the clip (empty when disjoint or when
    /// `rect` is not finite).
    func span(touching rect: PixelRect) -> PixelSpan {
        let region = rect.intersection(clip)
        guard region.minX.isFinite, region.maxX.isFinite, region.minY.isFinite, region.maxY.isFinite else {
            return PixelSpan(x0: 0, y0: 0, x1: 0, y1: 0)
        }
        return PixelSpan(x0: Int(region.minX.rounded(.down)), y0: Int(region.minY.rounded(.down)),
                         x1: Int(region.maxX.rounded(.up)), y1: Int(region.maxY.rounded(.up)))
    }

    /// Source-over of `source` (premultiplied, components in [0, 1]) onto `destination` (stored),
    /// weighted by `coverage` in [0, 1]: computed in `Float` in units of 1/65535 and rounded to
    /// the nearest step (clamped, though a premultiplied colour's components never exceed its
    /// alpha, so the result is in range up to round-off).
    @inline(__always)
    static func blend(_ destination: inout SIMD4<UInt16>, _ source: SIMD4<Float>, _ coverage: Float) {
        let mixed = source * (coverage * fixedPointScale) + unpacked(destination) * (1 - source.w * coverage)
        destination = packed(mixed)
    }

    /// Stored channels as `Float`s in units of 1/65535 (lane by lane: the concrete conversions
    /// inline, the generic SIMD ones do not).
    @inline(__always)
    static func unpacked(_ stored: SIMD4<UInt16>) -> SIMD4<Float> {
        SIMD4(Float(stored.x), Float(stored.y), Float(stored.z), Float(stored.w))
    }

    /// `Float`s in units of 1/65535 rounded to the nearest step (halves up) and clamped to
    /// [0, 65535]; NaN becomes 0.
    @inline(__always)
    static func packed(_ units: SIMD4<Float>) -> SIMD4<UInt16> {
        @inline(__always) func lane(_ v: Float) -> UInt16 {
            let shifted = v + 0.5   // `>=` is false for NaN
            return shifted >= 0 ? UInt16(min(shifted, fixedPointScale)) : 0
        }
        return SIMD4(lane(units.x), lane(units.y), lane(units.z), lane(units.w))
    }

    // MARK: Rectangles

    /// Fills `rect`; partly covered edge pixels get their exact area fraction. O(area).
    public mutating func fillRect(_ rect: PixelRect, color: LinearColor) {
        let span = span(touching: rect)
        guard !span.isEmpty else { return }
        let source = color.premultiplied
        let width = self.width
        pixels.withUnsafeMutableBufferPointer { buffer in
            for y in span.y0..<span.y1 {
                let coverY = Float(min(rect.maxY, Double(y + 1)) - max(rect.minY, Double(y)))
                guard coverY > 0 else { continue }
                for x in span.x0..<span.x1 {
                    let coverX = Float(min(rect.maxX, Double(x + 1)) - max(rect.minX, Double(x)))
                    guard coverX > 0 else { continue }
                    Canvas.blend(&buffer[y * width + x], source, coverX * coverY)
                }
            }
        }
    }

    /// Outlines `rect` with lines of `lineWidth` pixels drawn inside it.
    public mutating func strokeRect(_ rect: PixelRect, lineWidth: Double, color: LinearColor) {
        let w = min(lineWidth, rect.width / 2, rect.height / 2)
        fillRect(PixelRect(minX: rect.minX, minY: rect.minY, maxX: rect.maxX, maxY: rect.minY + w), color: color)
        fillRect(PixelRect(minX: rect.minX, minY: rect.maxY - w, maxX: rect.maxX, maxY: rect.maxY), color: color)
        fillRect(PixelRect(minX: rect.minX, minY: rect.minY + w, maxX: rect.minX + w, maxY: rect.maxY - w), color: color)
        fillRect(PixelRect(minX: rect.maxX - w, minY: rect.minY + w, maxX: rect.maxX, maxY: rect.maxY - w), color: color)
    }

    // MARK: Discs

    /// Fills the disc of `radius` pixels around `center`. Interior pixels are fully covered;
    /// pixels the edge crosses get their area fraction from 8 × 8 supersampling (error
    /// ≤ 1/64 of a pixel's area). O(radius²).
    public mutating func fillDisc(center: PixelPoint, radius: Double, color: LinearColor) {
        guard radius > 0, center.x.isFinite, center.y.isFinite else { return }
        let span = span(touching: PixelRect(minX: center.x - radius, minY: center.y - radius,
                                            maxX: center.x + radius, maxY: center.y + radius))
        guard !span.isEmpty else { return }
        let source = color.premultiplied
        let width = self.width
        pixels.withUnsafeMutableBufferPointer { buffer in
            for y in span.y0..<span.y1 {
                for x in span.x0..<span.x1 {
                    let coverage = DiscCoverage.pixel(dx: Double(x) + 0.5 - center.x,
                                                      dy: Double(y) + 0.5 - center.y, radius: radius)
                    if coverage > 0 { Canvas.blend(&buffer[y * width + x], source, coverage) }
                }
            }
        }
    }

    // MARK: Masks

    /// Composites `color` through `mask` placed with its top-left corner at pixel (`x`, `y`).
    public mutating func fill(mask: CoverageMask, x originX: Int, y originY: Int, color: LinearColor) {
        let span = span(touching: PixelRect(x: Double(originX), y: Double(originY),
                                            width: Double(mask.width), height: Double(mask.height)))
        guard !span.isEmpty else { return }
        let source = color.premultiplied
        let width = self.width
        pixels.withUnsafeMutableBufferPointer { buffer in
            mask.values.withUnsafeBufferPointer { coverage in
                for y in span.y0..<span.y1 {
                    let maskRow = (y - originY) * mask.width - originX
                    for x in span.x0..<span.x1 {
                        let c = coverage[maskRow + x]
                        if c > 0 { Canvas.blend(&buffer[y * width + x], source, min(c, 1)) }
                    }
                }
            }
        }
    }

    // MARK: Lines

    /// Strokes a straight line `width` pixels wide with round ends.
    public mutating func strokeLine(from start: PixelPoint, to end: PixelPoint, width: Double, color: LinearColor) {
        strokePolyline([start, end], width: width, color: color)
    }

    /// Strokes connected segments `width` pixels wide with round joins and ends. The whole
    /// polyline is rasterised into one coverage mask (the maximum over its segments) before it is
    /// composited, so joins of a translucent line are not drawn twice. Non-finite points break
    /// the line into separate pieces. Coverage of a pixel is `clamp(w/2 + 0.5 − d, 0, 1)` with
    /// `d` the distance from the pixel centre to the segment, a close approximation of the area
    /// fraction for widths of a pixel or more. O(length · width).
    public mutating func strokePolyline(_ points: [PixelPoint], width lineWidth: Double, color: LinearColor) {
        guard lineWidth > 0 else { return }
        let finite = points.filter { $0.x.isFinite && $0.y.isFinite }
        guard let first = finite.first else { return }
        let reach = lineWidth / 2 + 1
        var bounds = PixelRect(minX: first.x, minY: first.y, maxX: first.x, maxY: first.y)
        for p in finite {
            bounds = PixelRect(minX: min(bounds.minX, p.x), minY: min(bounds.minY, p.y),
                               maxX: max(bounds.maxX, p.x), maxY: max(bounds.maxY, p.y))
        }
        let span = span(touching: PixelRect(minX: bounds.minX - reach, minY: bounds.minY - reach,
                                            maxX: bounds.maxX + reach, maxY: bounds.maxY + reach))
        guard !span.isEmpty else { return }
        var mask = CoverageMask(width: span.x1 - span.x0, height: span.y1 - span.y0)
        var previous: PixelPoint? = nil
        for point in points {
            guard point.x.isFinite, point.y.isFinite else { previous = nil; continue }
            let start = previous ?? point
            LineCoverage.addCapsule(from: start, to: point, halfWidth: lineWidth / 2,
                                    into: &mask, originX: span.x0, originY: span.y0)
            previous = point
        }
        fill(mask: mask, x: span.x0, y: span.y0, color: color)
    }

    /// Strokes a dashed straight line: `dash` pixels drawn, `gap` pixels skipped, starting with a
    /// dash at `start`.
    public mutating func strokeDashedLine(from start: PixelPoint, to end: PixelPoint, width: Double,
                                          dash: Double, gap: Double, color: LinearColor) {
        let dx = end.x - start.x, dy = end.y - start.y
        let length = (dx * dx + dy * dy).squareRoot()
        guard length > 0, dash > 0, gap >= 0, length.isFinite else { return }
        var position = 0.0
        while position < length {
            let stop = min(position + dash, length)
            let a = PixelPoint(x: start.x + dx * position / length, y: start.y + dy * position / length)
            let b = PixelPoint(x: start.x + dx * stop / length, y: start.y + dy * stop / length)
            strokeLine(from: a, to: b, width: width, color: color)
            position = stop + gap
        }
    }

    // MARK: Polygons

    /// Fills a simple or self-intersecting polygon (even–odd rule). Each pixel row is sampled
    /// on 4 sub-scanlines and, along each, the covered length of every pixel is exact, so the
    /// coverage error is at most 1/8 of a pixel's area on slanted edges. O(rows · edges + area).
    public mutating func fillPolygon(_ vertices: [PixelPoint], color: LinearColor) {
        guard vertices.count >= 3, vertices.allSatisfy({ $0.x.isFinite && $0.y.isFinite }) else { return }
        var bounds = PixelRect(minX: vertices[0].x, minY: vertices[0].y, maxX: vertices[0].x, maxY: vertices[0].y)
        for p in vertices {
            bounds = PixelRect(minX: min(bounds.minX, p.x), minY: min(bounds.minY, p.y),
                               maxX: max(bounds.maxX, p.x), maxY: max(bounds.maxY, p.y))
        }
        let span = span(touching: bounds)
        guard !span.isEmpty else { return }
        var mask = CoverageMask(width: span.x1 - span.x0, height: span.y1 - span.y0)
        PolygonCoverage.accumulate(vertices, into: &mask, originX: span.x0, originY: span.y0)
        fill(mask: mask, x: span.x0, y: span.y0, color: color)
    }

    /// Draws an arrow from `start` to `end`: a shaft `width` pixels wide and a filled triangular
    /// head `headLength` long and `headWidth` wide whose tip is at `end`.
    public mutating func drawArrow(from start: PixelPoint, to end: PixelPoint, width: Double,
                                   headLength: Double, headWidth: Double, color: LinearColor) {
        let dx = end.x - start.x, dy = end.y - start.y
        let length = (dx * dx + dy * dy).squareRoot()
        guard length > 0, length.isFinite else { return }
        let ux = dx / length, uy = dy / length
        let head = min(headLength, length)
        let base = PixelPoint(x: end.x - ux * head, y: end.y - uy * head)
        if length > head {
            // The shaft stops inside the head so its round end does not poke out of the tip.
            let shaftEnd = PixelPoint(x: end.x - ux * head * 0.6, y: end.y - uy * head * 0.6)
            strokeLine(from: start, to: shaftEnd, width: width, color: color)
        }
        let half = headWidth / 2
        fillPolygon([end,
                     PixelPoint(x: base.x - uy * half, y: base.y + ux * half),
                     PixelPoint(x: base.x + uy * half, y: base.y - ux * half)], color: color)
    }

    // MARK: Output

    /// The canvas as 8-bit sRGB bytes, row-major from the top-left: RGBA (straight alpha) when
    /// `includeAlpha`, otherwise RGB of the premultiplied colour, which is exact for an opaque
    /// canvas (the usual case: plots start from an opaque background). O(pixels).
    public func encodedBytes(includeAlpha: Bool) -> [UInt8] {
        let channels = includeAlpha ? 4 : 3
        var bytes = [UInt8](repeating: 0, count: width * height * channels)
        pixels.withUnsafeBufferPointer { source in
            bytes.withUnsafeMutableBufferPointer { target in
                SRGBEncoding.encode(source, into: target, includeAlpha: includeAlpha)
            }
        }
        return bytes
    }
}

/// The hot loop that turns premultiplied linear pixels (stored as in `Canvas`) into 8-bit sRGB.
enum SRGBEncoding {
    static func encode(_ source: UnsafeBufferPointer<SIMD4<UInt16>>, into target: UnsafeMutableBufferPointer<UInt8>,
                       includeAlpha: Bool) {
        let table = SRGBTransfer.encodeTable
        let scale = Float(SRGBTransfer.encodeTableSize - 1)
        let perStep = scale / Canvas.fixedPointScale
        table.withUnsafeBufferPointer { lut in
            /// The code of linear value `v` given in table units (v · scale).
            @inline(__always) func code(tableUnits v: Float) -> UInt8 {
                let s = v + 0.5
                let clamped = s >= 0 ? min(s, scale) : 0
                return lut[Int(clamped)]
            }
            if includeAlpha {
                for i in 0..<source.count {
                    let p = Canvas.unpacked(source[i])
                    let a = p.w
                    let o = i * 4
                    if a <= 0 {
                        target[o] = 0; target[o + 1] = 0; target[o + 2] = 0; target[o + 3] = 0
                        continue
                    }
                    // Straight colour c / α, in table units.
                    let inverse = a >= Canvas.fixedPointScale ? perStep : scale / a
                    target[o] = code(tableUnits: p.x * inverse)
                    target[o + 1] = code(tableUnits: p.y * inverse)
                    target[o + 2] = code(tableUnits: p.z * inverse)
                    let alpha = a * (255 / Canvas.fixedPointScale) + 0.5
                    target[o + 3] = UInt8(alpha >= 0 ? min(alpha, 255) : 0)
                }
            } else {
                // The table has one entry per stored step (`SRGBTransfer.encodeTableSize` is
                // `Canvas.fixedPointScale` + 1): a stored value is its own index.
                for i in 0..<source.count {
                    let p = source[i]
                    let o = i * 3
                    target[o] = lut[Int(p.x)]
                    target[o + 1] = lut[Int(p.y)]
                    target[o + 2] = lut[Int(p.z)]
                }
            }
        }
    }
}
