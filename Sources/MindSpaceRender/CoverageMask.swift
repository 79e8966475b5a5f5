/// A rectangular grid of coverage values in [0, 1] (0 = untouched, 1 = fully covered), used to
/// draw shapes and text once onto a canvas with a single colour: rendering text or a polyline into
/// a mask first means overlapping strokes of one shape do not darken each other.
public struct CoverageMask: Sendable, Equatable {
    public let width: Int
    public let height: Int
    /// Row-major values, `values.count == width * height`.
    public var values: [Float]

    /// An empty (all-zero) mask.
    public init(width: Int, height: Int) {
        precondition(width >= 0 && height >= 0, "negative mask size")
        self.width = width
        self.height = height
        values = Array(repeating: 0, count: width * height)
    }

    public subscript(x: Int, y: Int) -> Float {
        get { values[y * width + x] }
        set { values[y * width + x] = newValue }
    }

    /// The mask turned a quarter turn counter-clockwise (for text read bottom to top, as on a
    /// y axis): the left edge becomes the bottom edge. O(width·height).
    public func rotatedCounterClockwise() -> CoverageMask {
        var rotated = CoverageMask(width: height, height: width)
        for y in 0..<height {
            for x in 0..<width {
                rotated.values[(width - 1 - x) * height + y] = values[y * width + x]
            }
        }
        return rotated
    }
}
