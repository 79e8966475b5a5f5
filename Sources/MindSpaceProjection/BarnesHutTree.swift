/// A point-region quadtree over 2-D points with each cell's point count and centre of mass, for
/// Barnes–Hut approximations of sums over all points (Barnes & Hut 1986; for t-SNE,
/// van der Maaten 2014, "Accelerating t-SNE using tree-based algorithms").
///
/// The root is the smallest square holding every point (slightly enlarged); a cell with more
/// than one point is split into its non-empty quadrants, down to cells of one point, or of
/// identical points, or to depth 48 (then the cell keeps its points as a leaf). Build: O(N log N)
/// for points spread at bounded ratios of scale; memory O(N).
///
/// `repulsion(of:)` sums, for one point yᵢ, qᵢⱼ = 1/(1 + ‖yᵢ − yⱼ‖²) and qᵢⱼ²·(yᵢ − yⱼ) over
/// every other point j: a cell of side w whose centre of mass lies at distance r from yᵢ is
/// used as a whole (its count times the terms at the centre of mass) when w/r < θ; otherwise
/// its children are visited; leaves are summed point by point, skipping i itself. A cell that
/// contains yᵢ always has r ≤ √2·w, so it is never summarised for θ < 1/√2.
struct BarnesHutTree {
    private var centreX: [Double] = [], centreY: [Double] = []
    private var counts: [Int32] = []
    private var squaredWidths: [Double] = []
    /// For inner cells the range of their children in `children`; for leaves the range of their
    /// points in `order`, with `isLeaf` set.
    private var firstIndex: [Int32] = [], endIndex: [Int32] = []
    private var isLeaf: [Bool] = []
    private var children: [Int32] = []
    private var order: [Int32]
    private var scratch: [Int32]
    private let points: [Double]

    static let maximumDepth = 48
    /// The root square is the points' bounding box widened by this fraction of its side plus
    /// `rootPaddingAbsolute`, so that every point lies strictly inside the half-open cells
    /// [x, x + side) even after the rounding of x + side (a few ulps), and a box of zero width
    /// (all points equal) still has a positive side.
    static let rootPaddingRelative = 1e-6
    /// See `rootPaddingRelative`.
    static let rootPaddingAbsolute = 1e-12

    /// The tree over `points` (N×2 row-major).
    init(points: [Double]) {
        self.points = points
        let n = points.count / 2
        order = (0..<n).map { Int32($0) }
        scratch = order
        guard n > 0 else { return }
        var minX = Double.infinity, maxX = -Double.infinity, minY = Double.infinity, maxY = -Double.infinity
        for i in 0..<n {
            minX = min(minX, points[2 * i]); maxX = max(maxX, points[2 * i])
            minY = min(minY, points[2 * i + 1]); maxY = max(maxY, points[2 * i + 1])
        }
        let side = max(maxX - minX, maxY - minY) * (1 + Self.rootPaddingRelative) + Self.rootPaddingAbsolute
        build(first: 0, end: n, x: minX, y: minY, side: side, depth: 0)
    }

    /// Builds the cell of points order[first..<end] in the square [x, x + side) × [y, y + side);
    /// returns its index.
    @discardableResult
    private mutating func build(first: Int, end: Int, x: Double, y: Double, side: Double, depth: Int) -> Int {
        let cell = counts.count
        var sumX = 0.0, sumY = 0.0
        var identical = true
        let firstPoint = Int(order[first])
        for position in first..<end {
            let p = Int(order[position])
            sumX += points[2 * p]; sumY += points[2 * p + 1]
            if points[2 * p] != points[2 * firstPoint] || points[2 * p + 1] != points[2 * firstPoint + 1] { identical = false }
        }
        let count = end - first
        centreX.append(sumX / Double(count)); centreY.append(sumY / Double(count))
        counts.append(Int32(count))
        squaredWidths.append(side * side)
        firstIndex.append(Int32(first)); endIndex.append(Int32(end))
        isLeaf.append(true)
        if count == 1 || identical || depth >= Self.maximumDepth { return cell }

        // Partition into quadrants 0: (low x, low y), 1: (high x, low y), 2: (low x, high y),
        // 3: (high x, high y), stably, through the scratch buffer.
        let half = side / 2, midX = x + half, midY = y + half
        var sizes = (0, 0, 0, 0)
        func quadrant(_ p: Int) -> Int {
            (points[2 * p] >= midX ? 1 : 0) + (points[2 * p + 1] >= midY ? 2 : 0)
        }
        for position in first..<end {
            switch quadrant(Int(order[position])) {
            case 0: sizes.0 += 1
            case 1: sizes.1 += 1
            case 2: sizes.2 += 1
            default: sizes.3 += 1
            }
        }
        var starts = [first, first + sizes.0, first + sizes.0 + sizes.1, first + sizes.0 + sizes.1 + sizes.2, end]
        var cursor = Array(starts[0..<4])
        for position in first..<end {
            let q = quadrant(Int(order[position]))
            scratch[cursor[q]] = order[position]
            cursor[q] += 1
        }
        for position in first..<end { order[position] = scratch[position] }
        // The children's slots are reserved first, so they are contiguous; each is filled after
        // its subtree is built.
        let nonEmpty = (0..<4).filter { starts[$0 + 1] > starts[$0] }
        let slot = children.count
        children.append(contentsOf: repeatElement(0, count: nonEmpty.count))
        for (offset, q) in nonEmpty.enumerated() {
            let childX = x + (q & 1 == 1 ? half : 0), childY = y + (q & 2 == 2 ? half : 0)
            children[slot + offset] = Int32(build(first: starts[q], end: starts[q + 1], x: childX, y: childY,
                                                  side: half, depth: depth + 1))
        }
        starts.removeAll()
        isLeaf[cell] = false
        firstIndex[cell] = Int32(slot)
        endIndex[cell] = Int32(slot + nonEmpty.count)
        return cell
    }

    /// (Σⱼ qᵢⱼ, Σⱼ qᵢⱼ²·(xᵢ − xⱼ), Σⱼ qᵢⱼ²·(yᵢ − yⱼ)) over j ≠ i, with the Barnes–Hut
    /// approximation at opening angle `theta`. `stack` is scratch space (reused between calls).
    func repulsion(of i: Int, theta: Double, stack: inout [Int32]) -> (z: Double, x: Double, y: Double) {
        guard !counts.isEmpty else { return (0, 0, 0) }
        let px = points[2 * i], py = points[2 * i + 1]
        let thetaSquared = theta * theta
        var z = 0.0, fx = 0.0, fy = 0.0
        stack.removeAll(keepingCapacity: true)
        stack.append(0)
        while let top = stack.popLast() {
            let cell = Int(top)
            if isLeaf[cell] {
                for position in Int(firstIndex[cell])..<Int(endIndex[cell]) {
                    let j = Int(order[position])
                    if j == i { continue }
                    let dx = px - points[2 * j], dy = py - points[2 * j + 1]
                    let q = 1 / (1 + dx * dx + dy * dy)
                    z += q
                    fx += q * q * dx
                    fy += q * q * dy
                }
                continue
            }
            let dx = px - centreX[cell], dy = py - centreY[cell]
            let squared = dx * dx + dy * dy
            if squaredWidths[cell] < thetaSquared * squared {
                let q = 1 / (1 + squared)
                let weight = Double(counts[cell])
                z += weight * q
                fx += weight * q * q * dx
                fy += weight * q * q * dy
            } else {
                for c in Int(firstIndex[cell])..<Int(endIndex[cell]) { stack.append(children[c]) }
            }
        }
        return (z, fx, fy)
    }
}
