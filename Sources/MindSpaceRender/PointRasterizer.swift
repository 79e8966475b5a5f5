/// The two hot loops of scatter plots: antialiased discs for moderate N, and per-pixel
/// accumulation for density mode.
enum PointRasterizer {
    /// Draws a disc at each pixel position in the order given, colour `palette[colorIndex[i]]`
    /// (premultiplied linear), using precomputed stamps. Positions outside the clip are skipped
    /// cheaply; points near the clip edge are checked per pixel. O(n · stamp size).
    static func drawDiscs(xs: [Double], ys: [Double], colorIndex: [Int32], palette: [SIMD4<Float>],
                          order: [Int], stamps: DiscStampSet, canvas: inout Canvas) {
        let width = canvas.width
        let clipX0 = Int(canvas.clip.minX), clipY0 = Int(canvas.clip.minY)
        let clipX1 = Int(canvas.clip.maxX), clipY1 = Int(canvas.clip.maxY)
        let reach = stamps.reach
        let limit = Double(Int32.max / 4)
        canvas.pixels.withUnsafeMutableBufferPointer { pixels in
        stamps.offsetX.withUnsafeBufferPointer { offsetX in
        stamps.offsetY.withUnsafeBufferPointer { offsetY in
        stamps.coverage.withUnsafeBufferPointer { coverage in
        palette.withUnsafeBufferPointer { colors in
            for i in order {
                let px = xs[i], py = ys[i]
                guard abs(px) < limit, abs(py) < limit else { continue } // also rejects NaN
                let fx = px.rounded(.down), fy = py.rounded(.down)
                let cx = Int(fx), cy = Int(fy)
                if cx + reach < clipX0 || cx - reach >= clipX1 || cy + reach < clipY0 || cy - reach >= clipY1 { continue }
                let source = colors[Int(colorIndex[i])]
                let range = stamps.entryRanges[stamps.stampIndex(fractionX: px - fx, fractionY: py - fy)]
                let inside = cx - reach >= clipX0 && cx + reach < clipX1 && cy - reach >= clipY0 && cy + reach < clipY1
                if inside {
                    let base = cy * width + cx
                    for e in range {
                        let index = base + Int(offsetY[e]) * width + Int(offsetX[e])
                        Canvas.blend(&pixels[index], source, coverage[e])
                    }
                } else {
                    for e in range {
                        let x = cx + Int(offsetX[e]), y = cy + Int(offsetY[e])
                        guard x >= clipX0, x < clipX1, y >= clipY0, y < clipY1 else { continue }
                        Canvas.blend(&pixels[y * width + x], source, coverage[e])
                    }
                }
            }
        }}}}}
    }
}

/// Density mode for large N (after datashader): each point adds one to the count of the pixel
/// it falls in and its colour (linear light) — or its value, for continuous colouring — to the
/// pixel's sum. A pixel is then drawn in the count-weighted mean colour of the points in it
/// (Σ countᵍ·colourᵍ / Σ countᵍ, the same as summing per-group counts first), with an opacity
/// from histogram equalisation of the counts, so both sparse and dense regions stay readable
/// and no group hides another. Memory: 20 bytes per data-area pixel; O(n + pixels).
struct DensityRaster {
    let x0: Int, y0: Int, width: Int, height: Int
    private(set) var counts: [UInt32]
    private(set) var sums: [SIMD4<Float>]

    /// A raster over the whole pixels of `area`.
    init(area: PixelRect) {
        x0 = Int(area.minX.rounded(.down))
        y0 = Int(area.minY.rounded(.down))
        width = max(Int(area.maxX.rounded(.up)) - x0, 0)
        height = max(Int(area.maxY.rounded(.up)) - y0, 0)
        counts = [UInt32](repeating: 0, count: width * height)
        sums = [SIMD4<Float>](repeating: .zero, count: width * height)
    }

    /// Adds each point (in input order, so the float sums are reproducible) with its colour
    /// `palette[colorIndex[i]]`; points outside the raster or not finite are skipped.
    mutating func accumulate(xs: [Double], ys: [Double], colorIndex: [Int32], palette: [SIMD4<Float>]) {
        let width = self.width, height = self.height
        let left = Double(x0), top = Double(y0)
        counts.withUnsafeMutableBufferPointer { counts in
        sums.withUnsafeMutableBufferPointer { sums in
        palette.withUnsafeBufferPointer { colors in
            for i in 0..<xs.count {
                let rx = xs[i] - left, ry = ys[i] - top
                // `!(a >= 0)` also rejects NaN.
                guard rx >= 0, ry >= 0, rx < Double(width), ry < Double(height) else { continue }
                let index = Int(ry) * width + Int(rx)
                counts[index] &+= 1
                sums[index] += colors[Int(colorIndex[i])]
            }
        }}}
    }

    /// Adds each point with its value (continuous colouring); non-finite values are skipped.
    mutating func accumulate(xs: [Double], ys: [Double], values: [Double]) {
        let width = self.width, height = self.height
        let left = Double(x0), top = Double(y0)
        counts.withUnsafeMutableBufferPointer { counts in
        sums.withUnsafeMutableBufferPointer { sums in
            for i in 0..<xs.count {
                let rx = xs[i] - left, ry = ys[i] - top
                guard rx >= 0, ry >= 0, rx < Double(width), ry < Double(height), values[i].isFinite else { continue }
                let index = Int(ry) * width + Int(rx)
                counts[index] &+= 1
                sums[index].x += Float(values[i])
            }
        }}
    }

    /// Opacity for each count by histogram equalisation: with F(c) the fraction of non-empty
    /// pixels whose count is ≤ c, α(c) = αmin + (1 − αmin)·(F(c) − F(cmin)) / (1 − F(cmin)).
    /// Table indexed by count; O(pixels + max count).
    func equalisedAlpha(minimumAlpha: Float) -> [Float] {
        var maxCount: UInt32 = 0
        for c in counts where c > maxCount { maxCount = c }
        guard maxCount > 0 else { return [0] }
        var histogram = [Int](repeating: 0, count: Int(maxCount) + 1)
        for c in counts where c > 0 { histogram[Int(c)] += 1 }
        let nonEmpty = Double(histogram.reduce(0, +))
        var alpha = [Float](repeating: 0, count: histogram.count)
        var cumulative = 0
        var lowest: Double? = nil
        for c in 1..<histogram.count where histogram[c] > 0 {
            cumulative += histogram[c]
            let f = Double(cumulative) / nonEmpty
            let fMin = lowest ?? f
            if lowest == nil { lowest = f }
            let t = fMin < 1 ? (f - fMin) / (1 - fMin) : 1
            alpha[c] = minimumAlpha + (1 - minimumAlpha) * Float(t)
        }
        // Counts that no pixel has keep the alpha of the next lower count (never looked up).
        return alpha
    }

    /// Composites every non-empty pixel onto `canvas`: colour = sum / count, or, when
    /// `valueMap` is given, `valueMap[Int(fraction · 255)]` of the mean value stored in the
    /// sum's first component; opacity from `equalisedAlpha`.
    func composite(onto canvas: inout Canvas, minimumAlpha: Float, valueMap: [SIMD4<Float>]? = nil,
                   valueRange: ClosedRange<Double> = 0...1) {
        let alphaOfCount = equalisedAlpha(minimumAlpha: minimumAlpha)
        let canvasWidth = canvas.width
        let x0 = self.x0, y0 = self.y0, width = self.width
        let clipX0 = Int(canvas.clip.minX), clipY0 = Int(canvas.clip.minY)
        let clipX1 = Int(canvas.clip.maxX), clipY1 = Int(canvas.clip.maxY)
        let low = Float(valueRange.lowerBound), span = Float(valueRange.upperBound - valueRange.lowerBound)
        canvas.pixels.withUnsafeMutableBufferPointer { pixels in
            for row in 0..<height {
                let y = y0 + row
                guard y >= clipY0, y < clipY1 else { continue }
                for column in 0..<width {
                    let x = x0 + column
                    let index = row * width + column
                    let count = counts[index]
                    guard count > 0, x >= clipX0, x < clipX1 else { continue }
                    let mean = sums[index] / Float(count)
                    var color: SIMD4<Float>
                    if let valueMap {
                        let t = span > 0 ? (mean.x - low) / span : 0
                        let clamped = t >= 0 ? min(t, 1) : 0
                        color = valueMap[Int(clamped * 255 + 0.5)]
                    } else {
                        color = SIMD4(mean.x, mean.y, mean.z, 1)
                    }
                    let alpha = alphaOfCount[Int(count)]
                    color = SIMD4(color.x * alpha, color.y * alpha, color.z * alpha, alpha)
                    Canvas.blend(&pixels[y * canvasWidth + x], color, 1)
                }
            }
        }
    }
}
