import Foundation
import MindSpaceCore

/// Exact k-nearest neighbours of a point set against itself.
///
/// **Two paths, one answer.** For wide points (D ≥ 64, k ≤ 64, N ≥ 32·(8k + 16)) the search first
/// tries `ProjectionBoundSearch`: a 16-float image of every point whose distances bound the true
/// ones from below rules out almost every pair on data near a low-dimensional manifold, so only
/// a few dozen full distances per point are computed (timings: docs/design-notes.md and
/// BENCHMARKS.md). It measures on a pilot whether the bound pays and declines
/// when it does not (data that fills its space); the block products below then run. Both return
/// the exact k nearest; they can differ only between neighbours whose distances agree within
/// float rounding (the bound path ranks by the direct distance, the products by the GEMM
/// distance, see Precision). Giving `blockSize` forces the block products.
///
/// **Method (block products).** Squared distances come from ‖x − y‖² = ‖x‖² + ‖y‖² − 2·x·y: the rows are cut into
/// blocks of `blockSize`, and for each pair of blocks (I, J) one `gemm` forms the block of dot
/// products, which a scan turns into squared distances (negative round-off clamped to 0) and
/// offers to the bounded sorted neighbour list of each row (`TopKSelection`); a SIMD pass
/// first compares each candidate with the current k-th distance of its row and of its column,
/// so the lists are touched only by the few that qualify. The distance matrix is symmetric, so
/// each unordered block pair is computed **once** and updates both the lists of block I's rows
/// (along the rows of the product) and those of block J's rows (along its columns). The full
/// N×N matrix never exists: memory is O(N·k) for the lists plus, per thread, one blockSize²
/// product, up to two blockSize×D row blocks and blockSize column thresholds (by default at most
/// 1/16 of the input per thread: `defaultBlockSize(pointCount:columns:scalarBytes:)`).
///
/// **Threads.** Block pairs are grouped into rounds in which no block occurs twice
/// (`BlockPairSchedule`, the round-robin "circle method"), and the pairs of a round run in
/// parallel with `ParallelLoop.forEach` (on `ParallelLoop.threadLimit` threads). Each pair writes only the lists of its own
/// two blocks, so within a round every list has exactly one writer: no locks, no data races, no
/// per-thread copies of the lists. OpenBLAS always runs on one thread (`BLAS.singleThreaded`):
/// every worker runs its own single-threaded `gemm`, so our threads parallelise both the
/// products and the selection scan (a large share of the time for small k).
///
/// **Determinism.** Candidates are ranked by (squared distance, index), a strict total order, so
/// the lists hold the same k entries whatever the thread count or the order of rounds. The block
/// partition depends only on N, D, the scalar type and `blockSize` (by default a function of
/// those three), never on the thread count.
///
/// **Precision.** Float32 input is computed in float32 and float64 in float64. When the points
/// sit far from the origin (‖column mean‖² above the mean squared distance to it, so that
/// ‖x‖² + ‖y‖² − 2x·y would lose more than a factor of 2 to cancellation), rows are centred on
/// the column mean (computed in Double) while they are copied into the block buffers; for very
/// wide rows (blockSize·D elements above 16 MiB) the copy is skipped and the product reads the
/// rows in place, uncentred. Points near the origin (for example centred beforehand with
/// `Matrix.centreColumns`, as `mindspace id` does) are multiplied in place, without copies. The product's squared distances carry an absolute error of about
/// ε·(‖x‖² + ‖y‖²) (ε the unit round-off, ‖·‖ of centred rows), so they only choose the
/// candidates. The reported distances are then **recomputed directly** as √Σ(xᵢ − yᵢ)² for the k
/// chosen neighbours of each row and the row re-sorted: identical rows are at distance exactly
/// 0 (GEMM would report ~1e−7 relative noise in float32), and small distances keep full relative
/// accuracy. Only neighbours whose squared distances agree within the GEMM error above can be
/// ranked differently from an exact brute-force search.
///
/// **Duplicates.** Exact duplicates are ordinary neighbours at distance 0 here; see
/// `NeighborTable.pointsWithZeroDistanceNeighbor` to detect them after a search and
/// `DeduplicatedPoints` to find and remove them (by exact row equality) before one.
///
/// **Cost.** N²·D multiply-adds in the products (half of the full N×N) plus N²/2 scan steps,
/// plus N·k·D for the refinement.
public enum ExactNeighbors {
    /// Rows per block when none is given, from N alone: N/16 rounded up to a multiple of 64,
    /// within [128, 1024]. Large blocks amortise the centring copies (each block is copied once
    /// per round, so copies total N·D·N/blockSize) and run `gemm` near peak; 16 blocks or more
    /// keep ≥ 8 independent pairs per round for the threads. Depends on N only, so results do not
    /// change with the thread count. `search` then caps it for memory:
    /// `defaultBlockSize(pointCount:columns:scalarBytes:)`.
    public static func defaultBlockSize(pointCount: Int) -> Int {
        let sixteenth = (pointCount + 15) / 16
        return min(1024, max(128, (sixteenth + 63) / 64 * 64))
    }

    /// The block size `search` uses when none is given: `defaultBlockSize(pointCount:)`, lowered
    /// in steps of 64 (not below 128) until one thread's scratch — two blockSize × D row copies
    /// (counted whenever the block is within `centringCopyLimit`, whether or not the points need
    /// centring) and a blockSize² product, `scalarBytes` each — is at
    /// most `max(scratchFloor, input bytes / 16)`. Up to 16 threads the scratch therefore stays
    /// within one more input's worth of memory, so the search needs at most twice the input plus
    /// the N·k lists. Points that need no copies keep the N-only size (larger blocks spill the
    /// second-level cache and cost memory; the measurements behind both choices are in
    /// docs/design-notes.md). Depends on N, D and the scalar type only, never on the data or the
    /// thread count.
    public static func defaultBlockSize(pointCount: Int, columns: Int, scalarBytes: Int) -> Int {
        let inputBytes = pointCount * columns * scalarBytes
        let limit = max(scratchFloor, inputBytes / 16)
        var block = min(defaultBlockSize(pointCount: pointCount), max(pointCount, 1))
        func scratch(_ rows: Int) -> Int {
            let copies = rows * columns * scalarBytes <= centringCopyLimit ? 2 * rows * columns : 0
            return (copies + rows * rows) * scalarBytes
        }
        while block > 128 && scratch(block) > limit { block -= 64 }
        return block
    }

    /// Scratch per thread that is always allowed (2 MiB), whatever the input's size.
    static let scratchFloor = 2 << 20

    /// Largest row block (in bytes) copied and centred per thread; wider rows are used in place.
    static let centringCopyLimit = 16 << 20

    /// The `k` nearest other points of every row of `points`, sorted by ascending Euclidean
    /// distance (ties by ascending index).
    ///
    /// - Parameters:
    ///   - points: N points (rows) × D features, all finite.
    ///   - k: neighbours per point, 1 ≤ k ≤ N − 1.
    ///   - blockSize: rows per block (default `defaultBlockSize(pointCount:columns:scalarBytes:)`); results agree
    ///     across block sizes except possibly for neighbours tied within GEMM round-off.
    /// - Throws: `MindSpaceError` (`.usage` for k < 1; `.malformedData` when N ≤ k, D = 0, a
    ///   value is NaN or ±Inf, or N does not fit 32-bit indices).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public static func search<Scalar: NeighborScalar>(
        _ points: Matrix<Scalar>, k: Int, blockSize: Int? = nil
    ) throws -> NeighborTable<Scalar> {
        try search(points, k: k, blockSize: blockSize, centringCopyLimit: centringCopyLimit)
    }

    /// `search` with the centring-copy limit (bytes per row block) as a parameter, for tests.
    /// Specialised for Float and Double: the public entry point is generic and not inlinable,
    /// so without these the hot loops would run through generic witness calls (≈ 20× slower);
    /// the specialisations propagate to every generic helper called from here.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    static func search<Scalar: NeighborScalar>(
        _ points: Matrix<Scalar>, k: Int, blockSize: Int?, centringCopyLimit: Int
    ) throws -> NeighborTable<Scalar> {
        try validate(points, k: k)
        precondition(blockSize.map { $0 >= 1 } ?? true, "block size must be positive")
        let n = points.rows, d = points.columns
        // One pass of column sums serves both paths (`columnMeans()` is these, rounded).
        let exactMean = points.columnSums().map { $0 / Double(n) }
        if blockSize == nil, ProjectionBoundSearch.isEligible(pointCount: n, columns: d, k: k),
           let table = try ProjectionBoundSearch.search(points, k: k, mean: exactMean) {
            return table
        }
        let stride = MemoryLayout<Scalar>.stride
        let workerCount = ParallelLoop.threadLimit
        // Centre only when the offset would cost precision: ‖m‖² > mean ‖x − m‖², i.e.
        // 2‖m‖² > mean ‖x‖² (computed from the uncentred norms, which are needed otherwise).
        let mean = exactMean.map { Scalar($0) }
        let uncentredNorms = rowSquaredNorms(points, centre: [Scalar](repeating: 0, count: d))
        let meanSquaredNorm = uncentredNorms.reduce(0.0) { $0 + Double($1) } / Double(n)
        let offsetMatters = 2 * mean.reduce(0.0) { $0 + Double($1) * Double($1) } > meanSquaredNorm
        let block = min(blockSize ?? defaultBlockSize(pointCount: n, columns: d, scalarBytes: stride), n)
        let centred = offsetMatters && block * d * stride <= centringCopyLimit
        let centre = centred ? mean : [Scalar](repeating: 0, count: d)
        let squaredNorms = centred ? rowSquaredNorms(points, centre: centre) : uncentredNorms
        let schedule = BlockPairSchedule(blockCount: (n + block - 1) / block)

        var listDistances = [Scalar](repeating: .infinity, count: n * k)
        var listIndices = [Int32](repeating: .max, count: n * k)

        let workspaces = (0..<workerCount).map { _ in
            BlockWorkspace<Scalar>(blockRows: block, columns: d, copiesRows: centred)
        }

        points.storage.withUnsafeBufferPointer { rows in
            centre.withUnsafeBufferPointer { mean in
                squaredNorms.withUnsafeBufferPointer { norms in
                    listDistances.withUnsafeMutableBufferPointer { distances in
                        listIndices.withUnsafeMutableBufferPointer { indices in
                            // Validation guarantees N·D > 0 and N·k > 0: no buffer is empty.
                            guard let rowBase = rows.baseAddress, let meanBase = mean.baseAddress,
                                  let normBase = norms.baseAddress, let distanceBase = distances.baseAddress,
                                  let indexBase = indices.baseAddress
                            else { return }
                            let context = ScanContext(rows: rowBase, centre: centred ? meanBase : nil,
                                                      norms: normBase, distances: distanceBase,
                                                      indices: indexBase, pointCount: n, columns: d, k: k,
                                                      blockRows: block)
                            runSchedule(schedule, context, workspaces: workspaces)
                            refineAndSort(context, workerCount: workerCount)
                        }
                    }
                }
            }
        }
        return NeighborTable(pointCount: n, k: k, indices: listIndices, distances: listDistances)
    }

    // MARK: - Validation and per-row preparation

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    private static func validate<Scalar: NeighborScalar>(_ points: Matrix<Scalar>, k: Int) throws {
        guard k >= 1 else {
            throw MindSpaceError(.usage, "the number of neighbours k must be at least 1, got \(k)")
        }
        guard points.rows > k else {
            throw MindSpaceError(.malformedData,
                                 "too few points for \(k) nearest neighbours: need at least \(k + 1), got \(points.rows)")
        }
        guard points.rows < Int(Int32.max) else {
            throw MindSpaceError(.malformedData, "too many points for the neighbour search: \(points.rows)")
        }
        guard points.columns > 0 else {
            throw MindSpaceError(.malformedData, "points have no features (0 columns)")
        }
        if let (row, column) = points.firstNonFinite() {
            throw MindSpaceError(.malformedData,
                                 "non-finite value (NaN or Inf) at row \(row), column \(column)")
        }
    }

    /// ‖x − centre‖² per row, from exactly the working-precision values the blocks will hold
    /// (so identical rows get identical norms), accumulated in Double; rows in 16 fixed ranges
    /// on all cores (each row's sum is the same whoever computes it). A zero centre stands
    /// for "not centred" (x − 0 is x exactly).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    private static func rowSquaredNorms<Scalar: NeighborScalar>(_ points: Matrix<Scalar>,
                                                                 centre: [Scalar]) -> [Scalar] {
        let d = points.columns, n = points.rows
        var norms = [Scalar](repeating: 0, count: n)
        points.storage.withUnsafeBufferPointer { rows in
            centre.withUnsafeBufferPointer { mean in
                norms.withUnsafeMutableBufferPointer { result in
                    guard let rowBase = rows.baseAddress, let meanBase = mean.baseAddress,
                          let resultBase = result.baseAddress else { return }
                    ParallelLoop.forEachRange(n) { _, span in
                        for row in span {
                            let source = rowBase + row * d
                            var sum = 0.0
                            for column in 0..<d {
                                let value = source[column] - meanBase[column]
                                sum += Double(value) * Double(value)
                            }
                            resultBase[row] = Scalar(sum)
                        }
                    }
                }
            }
        }
        return norms
    }

    // MARK: - Block pairs

    /// Everything a block-pair task reads or writes; the list buffers are shared, but each task
    /// writes only the rows of its two blocks (see `BlockPairSchedule`).
    private struct ScanContext<Scalar: NeighborScalar> {
        let rows: UnsafePointer<Scalar>
        /// Column means to subtract while copying blocks; `nil` when rows are used in place.
        let centre: UnsafePointer<Scalar>?
        let norms: UnsafePointer<Scalar>
        let distances: UnsafeMutablePointer<Scalar>
        let indices: UnsafeMutablePointer<Int32>
        let pointCount: Int
        let columns: Int
        let k: Int
        let blockRows: Int

        @_specialize(where Scalar == Float)
        @_specialize(where Scalar == Double)
        func rowRange(ofBlock block: Int) -> Range<Int> {
            (block * blockRows)..<min(pointCount, (block + 1) * blockRows)
        }
    }

    /// Per-thread scratch: two row blocks (when centring copies are made), one product block
    /// (overwritten in place by squared distances) and the k-th distances of a block's columns.
    private final class BlockWorkspace<Scalar: NeighborScalar> {
        let first: OwnedBuffer<Scalar>?
        let second: OwnedBuffer<Scalar>?
        let products: OwnedBuffer<Scalar>
        let columnWorst: OwnedBuffer<Scalar>
        /// Packing space of the float32 product kernels (nil for float64).
        let productScratch: SinglePrecisionProducts.Scratch?

        @_specialize(where Scalar == Float)
        @_specialize(where Scalar == Double)
        init(blockRows: Int, columns: Int, copiesRows: Bool) {
            productScratch = Scalar.self == Float.self ? SinglePrecisionProducts.Scratch(rows: blockRows, terms: columns) : nil
            first = copiesRows ? OwnedBuffer(repeating: 0, count: blockRows * columns) : nil
            second = copiesRows ? OwnedBuffer(repeating: 0, count: blockRows * columns) : nil
            products = OwnedBuffer(repeating: 0, count: blockRows * blockRows)
            columnWorst = OwnedBuffer(repeating: 0, count: blockRows)
        }
    }

    /// Runs the rounds one after another; the pairs of a round are spread over the workers
    /// (worker w takes pairs w, w + W, …), each with its own workspace.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    private static func runSchedule<Scalar: NeighborScalar>(_ schedule: BlockPairSchedule, _ context: ScanContext<Scalar>,
                                                            workspaces: [BlockWorkspace<Scalar>]) {
        for round in schedule.rounds {
            let active = min(workspaces.count, round.count)
            let runWorker = { (worker: Int) in
                for task in stride(from: worker, to: round.count, by: active) {
                    processBlockPair(round[task], context, workspaces[worker])
                }
            }
            ParallelLoop.forEach(active, runWorker)
        }
    }

    /// The rows of `range`, centred into `buffer` when there is one, else read in place.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    private static func blockRows<Scalar: NeighborScalar>(_ range: Range<Int>, _ context: ScanContext<Scalar>,
                                                          buffer: UnsafeMutablePointer<Scalar>?) -> UnsafePointer<Scalar> {
        let d = context.columns
        let source = context.rows + range.lowerBound * d
        guard let buffer, let mean = context.centre else { return source }
        for row in 0..<range.count {
            let from = source + row * d, to = buffer + row * d
            for column in 0..<d { to[column] = from[column] - mean[column] }
        }
        return UnsafePointer(buffer)
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    private static func processBlockPair<Scalar: NeighborScalar>(
        _ pair: (first: Int, second: Int), _ context: ScanContext<Scalar>, _ workspace: BlockWorkspace<Scalar>
    ) {
        let rowsI = context.rowRange(ofBlock: pair.first)
        let rowsJ = context.rowRange(ofBlock: pair.second)
        let a = blockRows(rowsI, context, buffer: workspace.first?.base)
        let b = pair.first == pair.second ? a : blockRows(rowsJ, context, buffer: workspace.second?.base)
        Scalar.multiplyTransposed(a, b, into: workspace.products.base, m: rowsI.count, n: rowsJ.count,
                                  d: context.columns, scratch: workspace.productScratch)
        for column in 0..<rowsJ.count {
            let list = (rowsJ.lowerBound + column) * context.k
            workspace.columnWorst[column] = context.distances[list + context.k - 1]
        }
        scanBlock(workspace.products.base, rowsI: rowsI, rowsJ: rowsJ, columnWorst: workspace.columnWorst.base, context)
    }

    /// Turns each row of the product block into squared distances (in place) and offers every
    /// pair (i, j) to i's list and to j's list. On a diagonal block (I = J) only j > i is
    /// visited. `columnWorst[c]` mirrors the k-th distance of column c's list, so the common
    /// case, a candidate worse than both lists, costs two comparisons.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    private static func scanBlock<Scalar: NeighborScalar>(
        _ products: UnsafeMutablePointer<Scalar>, rowsI: Range<Int>, rowsJ: Range<Int>,
        columnWorst: UnsafeMutablePointer<Scalar>, _ context: ScanContext<Scalar>
    ) {
        let k = context.k, width = rowsJ.count
        let diagonal = rowsI == rowsJ
        let columnNorms = context.norms + rowsJ.lowerBound
        let distances = context.distances, indices = context.indices
        for i in rowsI {
            let local = i - rowsI.lowerBound
            let row = products + local * width
            let normI = context.norms[i]
            let firstColumn = diagonal ? local + 1 : 0
            let rowDistances = distances + i * k, rowIndices = indices + i * k
            var rowWorst = rowDistances[k - 1]
            // Pass 1 (SIMD, `NeighborScalar.squaredDistances`): squared distances, and whether
            // any beats its row's or its column's current k-th distance. Both only decrease, so
            // a row without such a candidate now has none later either and is skipped; most
            // rows are, once the lists have filled. Pass 2 offers the candidates.
            guard Scalar.squaredDistances(row + firstColumn, count: width - firstColumn, rowNorm: normI,
                                          columnNorms: columnNorms + firstColumn, rowWorst: rowWorst,
                                          columnWorst: columnWorst + firstColumn) else { continue }
            for column in firstColumn..<width {
                let squared = max(0, row[column])   // negative round-off clamped here
                guard squared <= rowWorst || squared <= columnWorst[column] else { continue }
                let j = rowsJ.lowerBound + column
                if squared <= rowWorst {
                    rowWorst = TopKSelection.offer(squared, Int32(truncatingIfNeeded: j),
                                                   distances: rowDistances, indices: rowIndices, k: k)
                }
                if squared <= columnWorst[column] {
                    columnWorst[column] = TopKSelection.offer(squared, Int32(truncatingIfNeeded: i),
                                                              distances: distances + j * k,
                                                              indices: indices + j * k, k: k)
                }
            }
        }
    }

    // MARK: - Refinement

    /// Replaces each chosen neighbour's GEMM distance by the directly computed √Σ(xᵢ − yᵢ)²
    /// (`NeighborScalar.directSquaredDistances`),
    /// re-sorts each row by (distance, index), rows split across threads (each owns its rows).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    private static func refineAndSort<Scalar: NeighborScalar>(_ context: ScanContext<Scalar>, workerCount: Int) {
        let n = context.pointCount, chunk = 256
        let chunkCount = (n + chunk - 1) / chunk
        let active = min(workerCount, chunkCount)
        let refineWorker = { (worker: Int) in
            for chunkIndex in stride(from: worker, to: chunkCount, by: active) {
                refineRows((chunkIndex * chunk)..<min(n, (chunkIndex + 1) * chunk), context)
            }
        }
        ParallelLoop.forEach(active, refineWorker)
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    private static func refineRows<Scalar: NeighborScalar>(_ range: Range<Int>, _ context: ScanContext<Scalar>) {
        let k = context.k, d = context.columns
        let rows = context.rows, distances = context.distances, indices = context.indices
        for i in range {
            Scalar.directSquaredDistances(from: rows + i * d, to: rows, columns: d, indices: indices + i * k,
                                          count: k, into: distances + i * k)
            TopKSelection.sortList(distances: distances + i * k, indices: indices + i * k, k: k)
            for slot in 0..<k { distances[i * k + slot] = distances[i * k + slot].squareRoot() }
        }
    }
}
