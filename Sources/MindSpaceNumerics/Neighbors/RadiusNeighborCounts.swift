import Foundation
import MindSpaceCore

/// For every point, how many other points lie strictly within each of a few radii: the pair
/// counts behind the correlation integral (Grassberger & Procaccia 1983).
///
/// **Method.** All N(N − 1)/2 pairs are visited once, by blocks, as in `ExactNeighbors`: rows
/// are centred on the column mean, each pair of row blocks (I ≤ J) gets one `gemm`, and
/// ‖x − y‖² = ‖x‖² + ‖y‖² − 2x·y decides the pair. A pair whose product-based squared distance
/// lies within the product's rounding error, 4(D + 4)·ε·(‖x‖² + ‖y‖²), of a radius² is decided
/// by the directly computed distance √Σ(xᵢ − yᵢ)² in Double instead, so the counts are those of
/// exact distances (a pair at exactly the radius is not counted: the comparison is strict).
///
/// **Threads and determinism.** Block pairs are spread over `ParallelLoop.threadLimit` workers, each with its
/// own counts, summed at the end (integers: the result does not depend on the thread count).
/// BLAS runs single-threaded meanwhile, and its setting is restored afterwards.
///
/// **Cost.** N²·D/2 multiply-adds in `gemm` plus N²/2 comparisons; memory: one centred copy
/// of the points, and per worker one block² product and T·N counts.
public enum RadiusNeighborCounts {
    /// Rows per block.
    static let blockSize = 256

    /// `counts[t][i]` = #{j ≠ i : ‖xᵢ − xⱼ‖ < radii[t]} for the rows xᵢ of `points` (all finite;
    /// the caller checks). Radii must be finite and non-negative.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public static func count<Scalar: NeighborScalar>(_ points: Matrix<Scalar>, radii: [Double]) -> [[Int]] {
        precondition(radii.allSatisfy { $0 >= 0 && $0.isFinite }, "radii must be finite and non-negative")
        let n = points.rows, d = points.columns, radiusCount = radii.count
        guard n >= 2, d >= 1, radiusCount >= 1 else { return [[Int]](repeating: [Int](repeating: 0, count: n), count: radiusCount) }
        let (centred, norms) = centredRowsAndNorms(points)
        let block = min(blockSize, n)
        let blockCount = (n + block - 1) / block
        var pairs: [(Int, Int)] = []
        for first in 0..<blockCount { for second in first..<blockCount { pairs.append((first, second)) } }
        let workers = max(1, min(ParallelLoop.threadLimit, pairs.count))
        let squaredRadii = radii.map { $0 * $0 }
        let largest = squaredRadii.max() ?? 0


        var perWorker = [[Int]](repeating: [], count: workers)
        perWorker.withUnsafeMutableBufferPointer { results in
            let results = results   // worker w writes only results[w]
            points.storage.withUnsafeBufferPointer { original in
                centred.withUnsafeBufferPointer { rows in
                    norms.withUnsafeBufferPointer { norms in
                        let work = { (worker: Int) in
                            var counts = [Int](repeating: 0, count: radiusCount * n)
                            let products = UnsafeMutablePointer<Scalar>.allocate(capacity: block * block)
                            defer { products.deallocate() }
                            let scratch = Scalar.self == Float.self ? SinglePrecisionProducts.Scratch(rows: block, terms: d) : nil
                            guard let rowBase = rows.baseAddress, let originalBase = original.baseAddress else { return }
                            for task in stride(from: worker, to: pairs.count, by: workers) {
                                let (first, second) = pairs[task]
                                let rowsI = (first * block)..<min(n, (first + 1) * block)
                                let rowsJ = (second * block)..<min(n, (second + 1) * block)
                                Scalar.multiplyTransposed(rowBase + rowsI.lowerBound * d, rowBase + rowsJ.lowerBound * d,
                                                          into: products, m: rowsI.count, n: rowsJ.count, d: d,
                                                          scratch: scratch)
                                counts.withUnsafeMutableBufferPointer { counts in
                                    countBlock(products, rowsI: rowsI, rowsJ: rowsJ, norms: norms, original: originalBase,
                                               columns: d, radii: radii, squaredRadii: squaredRadii, largest: largest,
                                               counts: counts)
                                }
                            }
                            results[worker] = counts
                        }
                        ParallelLoop.forEach(workers, work)
                    }
                }
            }
        }
        var total = [[Int]](repeating: [Int](repeating: 0, count: n), count: radiusCount)
        for counts in perWorker where !counts.isEmpty {
            for radius in 0..<radiusCount {
                for point in 0..<n { total[radius][point] += counts[radius * n + point] }
            }
        }
        return total
    }

    /// Rows minus the column mean (mean accumulated in Double) and their squared norms.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    private static func centredRowsAndNorms<Scalar: NeighborScalar>(_ points: Matrix<Scalar>) -> ([Scalar], [Scalar]) {
        let n = points.rows, d = points.columns
        var sums = [Double](repeating: 0, count: d)
        for row in 0..<n { for column in 0..<d { sums[column] += Double(points.storage[row * d + column]) } }
        let mean = sums.map { Scalar($0 / Double(n)) }
        var centred = [Scalar](repeating: 0, count: n * d)
        var norms = [Scalar](repeating: 0, count: n)
        for row in 0..<n {
            var norm = 0.0
            for column in 0..<d {
                let value = points.storage[row * d + column] - mean[column]
                centred[row * d + column] = value
                norm += Double(value) * Double(value)
            }
            norms[row] = Scalar(norm)
        }
        return (centred, norms)
    }

    /// Decides every pair of one block product (j > i on a diagonal block) against every
    /// radius, adding 1 to both points' counts for each radius the pair is within.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    private static func countBlock<Scalar: NeighborScalar>(
        _ products: UnsafeMutablePointer<Scalar>, rowsI: Range<Int>, rowsJ: Range<Int>, norms: UnsafeBufferPointer<Scalar>,
        original: UnsafePointer<Scalar>, columns d: Int, radii: [Double], squaredRadii: [Double], largest: Double,
        counts: UnsafeMutableBufferPointer<Int>
    ) {
        let n = norms.count, width = rowsJ.count
        let errorScale = 4 * Double(d + 4) * Double(Scalar.ulpOfOne)
        let diagonal = rowsI == rowsJ
        for i in rowsI {
            let row = products + (i - rowsI.lowerBound) * width
            let normI = Double(norms[i])
            for column in (diagonal ? i - rowsI.lowerBound + 1 : 0)..<width {
                let j = rowsJ.lowerBound + column
                let normJ = Double(norms[j])
                let squared = normI + normJ - 2 * Double(row[column])
                let tolerance = errorScale * (normI + normJ)
                if squared > largest + tolerance { continue }
                var exact: Double? = nil
                for (radius, target) in squaredRadii.enumerated() {
                    let inside: Bool
                    if squared < target - tolerance {
                        inside = true
                    } else if squared > target + tolerance {
                        inside = false
                    } else {
                        let distance = exact ?? directDistance(original + i * d, original + j * d, count: d)
                        exact = distance
                        inside = distance < radii[radius]
                    }
                    if inside {
                        counts[radius * n + i] += 1
                        counts[radius * n + j] += 1
                    }
                }
            }
        }
    }

    /// √Σ(xᵢ − yᵢ)², accumulated in Double in index order.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    @inline(__always)
    private static func directDistance<Scalar: BinaryFloatingPoint>(_ x: UnsafePointer<Scalar>, _ y: UnsafePointer<Scalar>,
                                                                     count: Int) -> Double {
        var sum = 0.0
        for index in 0..<count {
            let difference = Double(x[index]) - Double(y[index])
            sum += difference * difference
        }
        return sum.squareRoot()
    }
}
