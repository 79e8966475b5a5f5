/// Text rendering without FreeType: the public-domain X11 misc-fixed 10×20 bitmap font
/// (see `BitmapFontGlyphs.swift` and `scripts/generate_font.py` for its source and licence),
/// drawn at any size with antialiasing.
///
/// Scaling a bitmap font naively gives blocky or blurry text, so each glyph is first enlarged
/// 4× with the Scale2x (EPX) rule applied twice (Mazzoleni 2001), which rounds diagonal steps
/// into smooth slopes while keeping straight strokes straight; a glyph of the requested size is
/// then sampled from that 40×80 bitmap on a 4 × 4 grid per output pixel, giving 17 coverage
/// levels. The font is monospaced: every character advances one 10-unit cell.
///
/// Sizes are "pixel sizes": the height in pixels of the 20-unit cell (ascent 16, descent 4).
/// A font of `p` points at `d` dots per inch has pixel size `p · d / 72`.
public struct BitmapFont: Sendable {
    /// Units of the base cell.
    public static let cellWidth = 10
    public static let cellHeight = 20
    public static let ascent = 16
    /// Rows from the top of the cell to the top of capitals and digits.
    static let capTop = 3
    /// Enlargement of the smoothed glyph bitmaps.
    static let upscale = 4

    /// The embedded 10×20 font.
    public static let standard = BitmapFont(table: BitmapFont.misc10x20Table)

    /// Smoothed glyphs: `upscale·10 × upscale·20` bytes (0 or 1), row-major, by code point.
    private let glyphs: [UInt32: [UInt8]]
    private let fallback: [UInt8]

    init(table: String) {
        var glyphs: [UInt32: [UInt8]] = [:]
        for line in table.split(separator: "\n") {
            let parts = line.split(separator: " ")
            guard parts.count == 2, let code = UInt32(parts[0], radix: 16) else { continue }
            let hex = Array(parts[1])
            guard hex.count == 3 * BitmapFont.cellHeight else { continue }
            var bits = [UInt8](repeating: 0, count: BitmapFont.cellWidth * BitmapFont.cellHeight)
            for row in 0..<BitmapFont.cellHeight {
                guard let value = UInt16(String(hex[(3 * row)..<(3 * row + 3)]), radix: 16) else { continue }
                for column in 0..<BitmapFont.cellWidth where (value >> (BitmapFont.cellWidth - 1 - column)) & 1 == 1 {
                    bits[row * BitmapFont.cellWidth + column] = 1
                }
            }
            var smooth = (bits, BitmapFont.cellWidth, BitmapFont.cellHeight)
            smooth = BitmapFont.scale2x(smooth.0, width: smooth.1, height: smooth.2)
            smooth = BitmapFont.scale2x(smooth.0, width: smooth.1, height: smooth.2)
            glyphs[code] = smooth.0
        }
        self.glyphs = glyphs
        fallback = glyphs[UInt32(UInt8(ascii: "?"))] ?? [UInt8](repeating: 0, count: 16 * BitmapFont.cellWidth * BitmapFont.cellHeight)
    }

    /// Whether the font has a glyph for `scalar` (others are drawn as `?`).
    public func hasGlyph(_ scalar: Unicode.Scalar) -> Bool { glyphs[scalar.value] != nil }

    /// Width and height in pixels of `text` drawn at `pixelSize` (one line; the font is
    /// monospaced, so width = characters × pixelSize / 2).
    public func size(of text: String, pixelSize: Double) -> (width: Double, height: Double) {
        let scale = pixelSize / Double(BitmapFont.cellHeight)
        return (Double(text.unicodeScalars.count * BitmapFont.cellWidth) * scale, pixelSize)
    }

    /// `text` rendered as a coverage mask `ceil(width) × ceil(pixelSize)` pixels, the top of the
    /// cell at row 0. Tabs and line breaks are drawn as spaces; characters without a glyph as
    /// `?`. O(characters · pixelSize²).
    public func mask(for text: String, pixelSize: Double) -> CoverageMask {
        let scale = pixelSize / Double(BitmapFont.cellHeight)
        let scalars = Array(text.unicodeScalars)
        let measured = size(of: text, pixelSize: pixelSize)
        var mask = CoverageMask(width: Int(measured.width.rounded(.up)), height: Int(pixelSize.rounded(.up)))
        guard scale > 0, mask.width > 0, mask.height > 0 else { return mask }
        let hiWidth = BitmapFont.cellWidth * BitmapFont.upscale
        let hiHeight = BitmapFont.cellHeight * BitmapFont.upscale
        let samples = 4
        let unitsPerPixel = Double(BitmapFont.upscale) / scale
        for (index, scalar) in scalars.enumerated() {
            let code: UInt32 = (scalar == "\t" || scalar == "\n" || scalar == "\r") ? 32 : scalar.value
            if code == 32 { continue }
            let glyph = glyphs[code] ?? fallback
            let cellLeft = Double(index * BitmapFont.cellWidth) * scale
            let cellRight = cellLeft + Double(BitmapFont.cellWidth) * scale
            let x0 = Int(cellLeft.rounded(.down)), x1 = min(Int(cellRight.rounded(.up)), mask.width)
            for y in 0..<mask.height {
                for x in x0..<x1 {
                    var hits = 0
                    for j in 0..<samples {
                        let v = Int(((Double(y) + (Double(j) + 0.5) / Double(samples)) * unitsPerPixel).rounded(.down))
                        guard v >= 0, v < hiHeight else { continue }
                        for i in 0..<samples {
                            let px = Double(x) + (Double(i) + 0.5) / Double(samples)
                            guard px >= cellLeft, px < cellRight else { continue }
                            let u = Int(((px - cellLeft) * unitsPerPixel).rounded(.down))
                            if u < hiWidth, glyph[v * hiWidth + u] != 0 { hits += 1 }
                        }
                    }
                    if hits > 0 {
                        mask[x, y] = min(mask[x, y] + Float(hits) / Float(samples * samples), 1)
                    }
                }
            }
        }
        return mask
    }

    /// One Scale2x (EPX) step: each pixel becomes 2 × 2, and a corner takes the colour of its
    /// two neighbours when they agree and the opposite neighbours differ. Outside is background.
    static func scale2x(_ bits: [UInt8], width: Int, height: Int) -> ([UInt8], Int, Int) {
        var out = [UInt8](repeating: 0, count: 4 * width * height)
        func at(_ x: Int, _ y: Int) -> UInt8 {
            (x < 0 || y < 0 || x >= width || y >= height) ? 0 : bits[y * width + x]
        }
        let outWidth = 2 * width
        for y in 0..<height {
            for x in 0..<width {
                let p = at(x, y), a = at(x, y - 1), b = at(x + 1, y), c = at(x - 1, y), d = at(x, y + 1)
                out[(2 * y) * outWidth + 2 * x] = (c == a && c != d && a != b) ? a : p
                out[(2 * y) * outWidth + 2 * x + 1] = (a == b && a != c && b != d) ? b : p
                out[(2 * y + 1) * outWidth + 2 * x] = (d == c && d != b && c != a) ? c : p
                out[(2 * y + 1) * outWidth + 2 * x + 1] = (b == d && b != a && d != c) ? d : p
            }
        }
        return (out, outWidth, 2 * height)
    }
}
