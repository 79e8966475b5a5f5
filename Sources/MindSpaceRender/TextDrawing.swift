/// Where a text's anchor point lies along its reading direction.
public enum TextAlignment: Sendable {
    case leading, center, trailing
}

/// Where a text's anchor point lies across its reading direction.
public enum TextBaselineAnchor: Sendable {
    /// Top of the character cell.
    case top
    /// Halfway between the top of capitals/digits and the baseline (visual centre of a number).
    case middle
    case baseline
    /// Bottom of the character cell (below descenders).
    case bottom
}

extension Canvas {
    /// Draws one line of `text` with the embedded bitmap font so that the anchor point given by
    /// `alignment` (along the text) and `anchor` (across it) lands on `point`. With `rotated`,
    /// the text reads bottom to top (a quarter turn counter-clockwise), as a y-axis label does;
    /// `.top` then means the glyph tops face left. The text box is snapped to whole pixels so
    /// the same call always yields the same pixels. Returns the box it drew in.
    @discardableResult
    public mutating func drawText(_ text: String, at point: PixelPoint, pixelSize: Double, color: LinearColor,
                                  alignment: TextAlignment = .leading, anchor: TextBaselineAnchor = .baseline,
                                  rotated: Bool = false, font: BitmapFont = .standard) -> PixelRect {
        guard point.x.isFinite, point.y.isFinite, pixelSize.isFinite, pixelSize > 0, pixelSize < 4096 else {
            return PixelRect(minX: 0, minY: 0, maxX: 0, maxY: 0)
        }
        var mask = font.mask(for: text, pixelSize: pixelSize)
        guard mask.width > 0, mask.height > 0 else { return PixelRect(minX: point.x, minY: point.y, maxX: point.x, maxY: point.y) }
        let length = Double(mask.width)
        let along: Double
        switch alignment {
        case .leading: along = 0
        case .center: along = length / 2
        case .trailing: along = length
        }
        let across = Canvas.anchorOffset(anchor, pixelSize: pixelSize)
        let left: Int, top: Int
        if rotated {
            mask = mask.rotatedCounterClockwise()
            left = Int((point.x - across).rounded())
            top = Int((point.y - (length - along)).rounded())
        } else {
            left = Int((point.x - along).rounded())
            top = Int((point.y - across).rounded())
        }
        fill(mask: mask, x: left, y: top, color: color)
        return PixelRect(x: Double(left), y: Double(top), width: Double(mask.width), height: Double(mask.height))
    }

    /// Distance in pixels from the top of the character cell to the anchor line.
    static func anchorOffset(_ anchor: TextBaselineAnchor, pixelSize: Double) -> Double {
        let unit = pixelSize / Double(BitmapFont.cellHeight)
        switch anchor {
        case .top: return 0
        case .middle: return Double(BitmapFont.capTop + BitmapFont.ascent) / 2 * unit
        case .baseline: return Double(BitmapFont.ascent) * unit
        case .bottom: return pixelSize
        }
    }
}
