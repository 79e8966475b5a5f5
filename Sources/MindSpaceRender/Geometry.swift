/// A position on a canvas in pixels: x to the right, y downwards. Pixel (i, j) covers the square
/// [i, i+1) × [j, j+1), so its centre is (i + 0.5, j + 0.5).
public struct PixelPoint: Sendable, Equatable {
    public var x: Double
    public var y: Double
    public init(x: Double, y: Double) {
        self.x = x
        self.y = y
    }
}

/// An axis-aligned rectangle on a canvas in (fractional) pixels; `minX ≤ maxX`, `minY ≤ maxY`.
public struct PixelRect: Sendable, Equatable {
    public var minX: Double
    public var minY: Double
    public var maxX: Double
    public var maxY: Double

    public init(minX: Double, minY: Double, maxX: Double, maxY: Double) {
        self.minX = min(minX, maxX)
        self.minY = min(minY, maxY)
        self.maxX = max(minX, maxX)
        self.maxY = max(minY, maxY)
    }

    public init(x: Double, y: Double, width: Double, height: Double) {
        self.init(minX: x, minY: y, maxX: x + width, maxY: y + height)
    }

    public var width: Double { maxX - minX }
    public var height: Double { maxY - minY }
    public var midX: Double { (minX + maxX) / 2 }
    public var midY: Double { (minY + maxY) / 2 }

    /// The overlap of two rectangles (empty rectangles have zero width or height).
    public func intersection(_ other: PixelRect) -> PixelRect {
        let x0 = max(minX, other.minX), y0 = max(minY, other.minY)
        let x1 = min(maxX, other.maxX), y1 = min(maxY, other.maxY)
        return PixelRect(minX: x0, minY: y0, maxX: max(x0, x1), maxY: max(y0, y1))
    }

    /// The rectangle grown by `amount` on every side (shrunk when negative, never inverted).
    public func insetBy(_ amount: Double) -> PixelRect {
        let dx = min(amount, width / 2), dy = min(amount, height / 2)
        return PixelRect(minX: minX + dx, minY: minY + dy, maxX: maxX - dx, maxY: maxY - dy)
    }

    public func contains(_ point: PixelPoint) -> Bool {
        point.x >= minX && point.x <= maxX && point.y >= minY && point.y <= maxY
    }
}

/// A range of whole pixels: columns `x0..<x1`, rows `y0..<y1` (possibly empty).
struct PixelSpan: Equatable {
    var x0: Int, y0: Int, x1: Int, y1: Int
    var isEmpty: Bool { x0 >= x1 || y0 >= y1 }
}
