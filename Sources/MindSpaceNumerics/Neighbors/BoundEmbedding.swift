import Foundation
import MindSpaceCore

/// A 16-float image z(x) of every point whose distances bound the points' distances from below:
/// ‖z(x) − z(y)‖ ≤ ‖x − y‖ for every pair. The exact neighbour engine scans these short vectors
/// to rule pairs out before it computes any full distance (`ProjectionBoundSearch`).
///
/// **Construction.** With m the column mean and P (D × 15, orthonormal columns) leading principal
/// directions of the data, z(x) = (Pᵀ(x − m), ρ(x) − ρ̄), where ρ(x) = √(‖x − m‖² − ‖Pᵀ(x − m)‖²)
/// is the length of x − m outside the span of P and ρ̄ its mean over the points (a shift, which
/// changes no distance). For any x, y, by Pythagoras and the reverse triangle inequality,
///
///     ‖x − y‖² = ‖Pᵀ(x − y)‖² + ‖(I − PPᵀ)(x − y)‖² ≥ ‖Pᵀ(x − y)‖² + (ρ(x) − ρ(y))² = ‖z(x) − z(y)‖².
///
/// This is the lower-bounding lemma of the GEMINI framework (Faloutsos, Ranganathan &
/// Manolopoulos, "Fast subsequence matching in time-series databases", SIGMOD 1994) for an
/// orthonormal projection, tightened by the norm of the discarded part. It holds for **any**
/// orthonormal P; the choice of P only decides how tight the bound is, never whether it holds.
/// Points near a low-dimensional manifold keep most of their spread in a few principal
/// directions, so there the bound comes close to the distance and rules out almost every pair;
/// on data that fills its space it rules out little (the search then measures that and falls back
/// to full products).
///
/// P comes from the `PCA` of a fixed sample (at most 256 rows, evenly spaced by index),
/// orthonormalised again by two rounds of Gram–Schmidt in Double (so ‖Pᵀv‖ ≤ ‖v‖ holds to
/// ~1e−15); an axis no longer independent of the earlier ones is left out (its coordinate is 0).
/// The projections are computed in Double from the rows centred by `CentredBlocks` and rounded
/// to float once.
///
/// **Layout** (see `NeighborKernels`): `tiles` holds the images 16 at a time, transposed (tile t,
/// coordinate c, lane l at 256t + 16c + l), padded with zero points whose `tileNorms` are +∞ so
/// that no bound against them passes.
struct BoundEmbedding {
    static let width = NeighborKernels.boundWidth
    /// Principal directions used (the last coordinate is the residual length ρ).
    static let directions = width - 1
    /// Rows sampled for the directions.
    static let sampleLimit = 256
    /// 1e36: the largest squared norm w the float32 scan is trusted with. A bound sums 16
    /// squared differences of coordinates, each at most 4w, so 64·1e36 = 6.4e37 stays below
    /// Float's largest value (3.4e38).
    static let largestTrustedScale: Double = 1e36
    /// 1e-28: when even the largest squared norm is below this, the scan's squared coordinate
    /// differences (at most 4w, and far smaller between near points) reach float32's subnormal
    /// range (below 1.2e-38), where rounding is absolute rather than relative and the margins
    /// no longer cover it.
    static let smallestTrustedScale: Double = 1e-28

    let pointCount: Int
    let tileCount: Int
    /// The points in tile order: `order[p]` is the point at position p (lane p mod 16 of tile
    /// p / 16). The order is the leaf order of a k-d tree on the images
    /// (`localityOrder`), so that points near in space sit in near tiles; it changes which points
    /// a scan meets first, never which it returns.
    let order: OwnedBuffer<Int32>
    /// The images z(x) 16 at a time, transposed, in `order`.
    let tiles: OwnedBuffer<Float>
    /// ‖z‖² of the float coordinates (summed in Double, rounded to float), in `order`; +∞ for padding.
    let tileNorms: OwnedBuffer<Float>
    /// wᵢ = max(‖z(xᵢ)‖², ‖xᵢ − m‖²): the scale of the rounding error of any bound involving point i.
    let scales: OwnedBuffer<Double>
    /// The largest of `scales`.
    let largestScale: Double

    /// The embedding of `points` (column means `mean`, in Double), or nil when the scan's float32 arithmetic could not be trusted:
    /// squared norms that could overflow (above 1e36), or all so small (below 1e−28) that the
    /// margins would fall to the scale of float32's subnormal spacing (identical points, too,
    /// have nothing to bound).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    init?<Scalar: NeighborScalar>(_ points: Matrix<Scalar>, mean: [Double]) throws {
        let n = points.rows, width = Self.width
        let basis = try Self.principalDirections(points)
        let rows = OwnedBuffer<Float>(repeating: 0, count: n * width)
        let residuals = OwnedBuffer<Double>(repeating: 0, count: n)
        let scales = OwnedBuffer<Double>(repeating: 0, count: n)
        Self.project(points, mean: mean, basis: basis, into: rows, residuals: residuals, centredNorms: scales)
        // The residual coordinate, shifted by its mean (in row order).
        var residualSum = 0.0
        for i in 0..<n { residualSum += residuals[i] }
        let residualMean = residualSum / Double(n)
        let rowNorms = OwnedBuffer<Float>(repeating: 0, count: n)
        var largest = 0.0
        for i in 0..<n {
            rows[i * width + width - 1] = Float(residuals[i] - residualMean)
            var norm = 0.0
            for c in 0..<width { norm += Double(rows[i * width + c]) * Double(rows[i * width + c]) }
            rowNorms[i] = Float(norm)
            scales[i] = max(norm, scales[i])
            largest = max(largest, scales[i])
        }
        guard largest.isFinite, largest < Self.largestTrustedScale, largest > Self.smallestTrustedScale else { return nil }
        let order = Self.localityOrder(rows, count: n)
        let tileCount = (n + width - 1) / width
        let tiles = OwnedBuffer<Float>(repeating: 0, count: tileCount * width * width)
        let tileNorms = OwnedBuffer<Float>(repeating: .infinity, count: tileCount * width)
        for place in 0..<n {
            let i = Int(order[place]), tile = place / width, lane = place % width
            for c in 0..<width { tiles[tile * width * width + c * width + lane] = rows[i * width + c] }
            tileNorms[place] = rowNorms[i]
        }
        self.pointCount = n
        self.tileCount = tileCount
        self.order = order
        self.tiles = tiles
        self.tileNorms = tileNorms
        self.scales = scales
        self.largestScale = largest
    }

    /// z of the point at tile position `place`, coordinate `c`.
    func coordinate(_ place: Int, _ c: Int) -> Float {
        tiles[place / Self.width * Self.width * Self.width + c * Self.width + place % Self.width]
    }

    /// Up to 15 orthonormal directions (rows of a 15 × D array; rows left over are 0): the
    /// leading axes of the `PCA` of a fixed sample, orthonormalised again by two rounds of
    /// Gram–Schmidt (`LanczosEigensolver.subtractProjections`), an axis that is then no longer
    /// independent of the earlier ones being left out.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    private static func principalDirections<Scalar: NeighborScalar>(_ points: Matrix<Scalar>) throws -> [Double] {
        let n = points.rows, d = points.columns, m = min(n, sampleLimit)
        var sample = [Scalar]()
        sample.reserveCapacity(m * d)
        for s in 0..<m {
            let row = s * n / m
            sample.append(contentsOf: points.storage[(row * d)..<((row + 1) * d)])
        }
        let axes = try sample.withUnsafeBufferPointer {
            try PCA(components: directions).fitRows($0, rows: m, columns: d).components
        }
        var basis = [Double](repeating: 0, count: directions * d)
        var kept = 0
        basis.withUnsafeMutableBufferPointer { rows in
            guard let base = rows.baseAddress else { return }
            for axis in 0..<axes.rows {
                let target = UnsafeMutableBufferPointer(start: base + kept * d, count: d)
                for c in 0..<d { target[c] = axes.storage[axis * d + c] }
                let before = LanczosEigensolver.norm(Array(target))
                for _ in 0..<2 {
                    LanczosEigensolver.subtractProjections(onto: UnsafeBufferPointer(rows), vectors: kept, length: d,
                                                           from: target)
                }
                let after = LanczosEigensolver.norm(Array(target))
                guard after > before * NumericTolerance.linearDependenceRemainder, after > 0 else {
                    for c in 0..<d { target[c] = 0 }
                    continue
                }
                for c in 0..<d { target[c] /= after }
                kept += 1
            }
        }
        return basis
    }

    /// A k-d tree's leaf order (Bentley, "Multidimensional binary search trees used for
    /// associative searching", CACM 1975) of the N images (row-major N × 16): the positions are split
    /// recursively at a multiple of 16 near the middle, along the coordinate with the widest range
    /// (the first such), by (coordinate, index) — a strict order, so the result depends on the
    /// images only — until 16 points or fewer remain, so every tile is one leaf. Cost O(N log N).
    static func localityOrder(_ z: OwnedBuffer<Float>, count n: Int) -> OwnedBuffer<Int32> {
        let order = OwnedBuffer<Int32>(repeating: 0, count: n)
        for i in 0..<n { order[i] = Int32(i) }
        var pending = [(lower: 0, upper: n)]
        while let (lower, upper) = pending.popLast() {
            guard upper - lower > width else { continue }
            var lows = [Float](repeating: .infinity, count: width)
            var highs = [Float](repeating: -.infinity, count: width)
            for place in lower..<upper {
                let base = Int(order[place]) * width
                for c in 0..<width {
                    lows[c] = min(lows[c], z[base + c])
                    highs[c] = max(highs[c], z[base + c])
                }
            }
            var axis = 0
            for c in 1..<width where highs[c] - lows[c] > highs[axis] - lows[axis] { axis = c }
            let middle = lower + ((upper - lower) / 2 + width - 1) / width * width
            select(order, lower: lower, upper: upper, rank: middle, z: z, axis: axis)
            pending.append((lower, middle))
            pending.append((middle, upper))
        }
        return order
    }

    /// Rearranges order[lower..<upper] so that position `rank` holds the element it would hold if
    /// sorted by (z[·, axis], index), smaller ones before it and larger after (Hoare quickselect).
    private static func select(_ order: OwnedBuffer<Int32>, lower: Int, upper: Int, rank: Int, z: OwnedBuffer<Float>,
                               axis: Int) {
        func precedes(_ a: Int32, _ b: Int32) -> Bool {
            let u = z[Int(a) * width + axis], v = z[Int(b) * width + axis]
            return u < v || (u == v && a < b)
        }
        var low = lower, high = upper - 1
        while low < high {
            let pivot = order[low + (high - low) / 2]
            var i = low, j = high
            while i <= j {
                while precedes(order[i], pivot) { i += 1 }
                while precedes(pivot, order[j]) { j -= 1 }
                if i <= j {
                    (order[i], order[j]) = (order[j], order[i])
                    i += 1
                    j -= 1
                }
            }
            if rank <= j {
                high = j
            } else if rank >= i {
                low = i
            } else {
                break
            }
        }
    }

    /// rows[i] ← Pᵀ(xᵢ − m) rounded to float (the last coordinate is left for ρ), residuals[i] ←
    /// ρ(xᵢ) and centredNorms[i] ← ‖xᵢ − m‖², all computed in Double: rows in 16 fixed ranges on all
    /// cores, each range in blocks of up to 64 rows (one `dgemm` each).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    private static func project<Scalar: NeighborScalar>(_ points: Matrix<Scalar>, mean: [Double], basis: [Double],
                                                       into rows: OwnedBuffer<Float>, residuals: OwnedBuffer<Double>,
                                                       centredNorms: OwnedBuffer<Double>) {
        let n = points.rows, d = points.columns, width = Self.width, directions = Self.directions
        let centre = OwnedBuffer(mean), directionRows = OwnedBuffer(basis)
        points.storage.withUnsafeBufferPointer { stored in
            ParallelLoop.forEachRange(n) { _, span in
                let blockRows = 64
                let block = OwnedBuffer<Double>(repeating: 0, count: blockRows * d)
                let projected = OwnedBuffer<Double>(repeating: 0, count: blockRows * directions)
                var start = span.lowerBound
                while start < span.upperBound {
                    let count = min(blockRows, span.upperBound - start)
                    CentredBlocks.copyRows(stored, columns: d, firstRow: start, rowCount: count,
                                           centre: UnsafeBufferPointer(start: centre.base, count: d),
                                           into: UnsafeMutableBufferPointer(start: block.base, count: block.count))
                    BLAS.gemm(transposeA: false, transposeB: true, m: count, n: directions, k: d, alpha: 1,
                              a: block.base, lda: d, b: directionRows.base, ldb: d, beta: 0, c: projected.base,
                              ldc: directions)
                    for r in 0..<count {
                        var squares = 0.0, inside = 0.0
                        for c in 0..<d { squares += block[r * d + c] * block[r * d + c] }
                        for c in 0..<directions {
                            let value = projected[r * directions + c]
                            rows[(start + r) * width + c] = Float(value)
                            inside += value * value
                        }
                        centredNorms[start + r] = squares
                        residuals[start + r] = max(0, squares - inside).squareRoot()
                    }
                    start += count
                }
            }
        }
    }
}
