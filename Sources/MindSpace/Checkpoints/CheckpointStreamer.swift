import Foundation

/// Streams the selected parameters of every checkpoint of a set, chunk by chunk: for each chunk
/// of the `ParameterLayout` walk, the same parameter range is read from all n checkpoints into an
/// n × width block of `Double` (row i = checkpoint i), which a consumer (the Gram accumulation,
/// the component pass) then uses. Memory: one block, n × `chunkElements` doubles, plus one raw
/// chunk per thread, whatever p is.
///
/// Each chunk goes through up to two parallel phases:
/// 1. Reading, by rows: each checkpoint's part of the chunk is read with `pread` (float64 in
///    native order straight into the block, every other dtype into a raw buffer of the thread),
///    fingerprinted (XXH64, `ContentHash`, in layout order), widened to `Double` while still in
///    cache (`RowWidening`, exact for F16/BF16/F32) and totalled. Rows are striped
///    over up to `threads` threads, which also overlaps the reads of different files.
/// 2. For a tile consumer (the Gram pass), by tiles: the chunk's columns are cut into tiles of
///    `tileWidth` columns (an n × tile piece that stays in a core's cache) and the consumer's
///    work (centring and the Gram product) runs on each tile. Tiles are dealt to a fixed number
///    of slots (tile g of the pass goes to slot g mod slots); one thread works a slot's tiles in
///    order, so a consumer that keeps one accumulator per slot gets results that depend on the
///    slot count, never on the thread count or scheduling. A block consumer (the component pass)
///    instead gets the whole block on the calling thread.
///
/// Per pass it also totals, for every checkpoint, the sum and sum of squares of its parameters
/// (in `Double`, per-chunk partial sums added in chunk order) and the XXH64 of the raw bytes of its
/// selected tensors in layout order (the same for any chunk size).
///
/// Errors: read failures (`.missingInput`, truncation as `.malformedData`) and a NaN or ±Inf
/// value, reported with the checkpoint, the tensor and the element index (counting from 0).
/// The first failing row (lowest checkpoint index) of the first failing chunk is reported.
public struct CheckpointStreamer {
    /// What one pass totals per checkpoint.
    public struct PassTotals: Sendable, Equatable {
        /// Σⱼ xᵢⱼ over the selected parameters of checkpoint i.
        public var sums: [Double]
        /// Σⱼ xᵢⱼ², so ‖xᵢ‖ = √(sumsOfSquares[i]).
        public var sumsOfSquares: [Double]
        /// XXH64 (16 hex digits) of the raw bytes of checkpoint i's selected tensors, in layout order.
        public var dataHashes: [String]
        /// Bytes of tensor data read in the pass.
        public var bytesRead: Int
    }

    /// One widened tile of a chunk: n rows × `columns.count` values.
    public struct Tile {
        /// The chunk the tile belongs to.
        public let chunk: ParameterLayout.Chunk
        /// The tile's columns in the chunk.
        public let columns: Range<Int>
        /// Row 0, column `columns.lowerBound`; row i starts `leadingDimension` values further on.
        /// The work may overwrite the tile's values.
        public let values: UnsafeMutablePointer<Double>
        public let leadingDimension: Int
        /// The tile's slot (see the type's documentation).
        public let slot: Int
    }

    /// Work on one widened tile, called from several threads at once for different slots.
    public typealias TileWork = (Tile) -> Void

    public let set: CheckpointSet
    /// The walk: consecutive parameter ranges, each inside one group of `grouping`.
    public let chunks: [ParameterLayout.Chunk]
    /// The widest chunk, in parameters per checkpoint.
    public let chunkElements: Int
    /// Columns per tile of the widening phase (at most `chunkElements`).
    public let tileWidth: Int
    public let grouping: ParameterGrouping
    /// Threads reading rows and widening tiles at once (1 works serially).
    public let threads: Int

    /// About 4 MiB of doubles per block (2¹⁹ values shared among the n rows), between 4096 and
    /// 65536 parameters per row: large enough that the two parallel phases of a chunk cost little
    /// synchronisation, small enough that block and raw buffer stay in the last-level cache.
    public static func defaultChunkElements(checkpointCount: Int) -> Int {
        max(4096, min(1 << 16, (1 << 19) / max(1, checkpointCount)))
    }

    /// About 256 KiB of doubles per tile (2¹⁵ values among the n rows, at least 256 columns so
    /// that each rank-k update of the n×n matrix stays efficient): a tile that stays in the
    /// core's cache between widening, centring and the Gram product.
    public static func defaultTileWidth(checkpointCount: Int) -> Int {
        max(256, (1 << 15) / max(1, checkpointCount))
    }

    /// A streamer over `set`; `chunkElements` `nil` picks `defaultChunkElements`; it must be ≥ 1.
    public init(set: CheckpointSet, chunkElements: Int? = nil, grouping: ParameterGrouping = .none,
                threads: Int = ProcessInfo.processInfo.activeProcessorCount) {
        let width = chunkElements ?? Self.defaultChunkElements(checkpointCount: set.count)
        precondition(width >= 1, "chunk size must be at least 1")
        self.set = set
        self.chunkElements = width
        tileWidth = min(width, Self.defaultTileWidth(checkpointCount: set.count))
        self.grouping = grouping
        self.threads = max(1, threads)
        chunks = set.layout.chunks(maximumWidth: width, grouping: grouping)
    }

    /// Reads every chunk in order and calls `body(chunk, block)`, where `block` holds n rows of
    /// `chunk.width` values (row-major; row i = checkpoint i, column c = parameter
    /// `chunk.parameters.lowerBound + c`). `body` runs on the calling thread and may overwrite the
    /// block. `progress` is called after each chunk with the bytes read so far in this pass.
    /// Returns the pass totals.
    public func forEachBlock(
        progress: ((Int) -> Void)? = nil,
        _ body: (ParameterLayout.Chunk, UnsafeMutableBufferPointer<Double>) throws -> Void
    ) throws -> PassTotals {
        try stream(slots: threads, tileWork: { _ in }, progress: progress, tileMode: false, blockWork: body)
    }

    /// Reads every chunk in order and calls `work` on each widened tile (see `TileWork`), from up
    /// to `threads` threads at once, each slot's tiles in pass order by one thread at a time.
    /// `slots` must be ≥ 1. Returns the pass totals.
    public func forEachTile(slots: Int, progress: ((Int) -> Void)? = nil, _ work: TileWork) throws -> PassTotals {
        precondition(slots >= 1)
        return try stream(slots: slots, tileWork: work, progress: progress, tileMode: true, blockWork: { _, _ in })
    }

    private func stream(
        slots: Int, tileWork nonEscapingTileWork: TileWork, progress: ((Int) -> Void)?,
        tileMode: Bool, blockWork: (ParameterLayout.Chunk, UnsafeMutableBufferPointer<Double>) throws -> Void
    ) throws -> PassTotals {
        // The tile work runs inside `concurrentPerform` only, which returns before this does.
        try withoutActuallyEscaping(nonEscapingTileWork) { tileWork in
            try streamEscaping(slots: slots, tileWork: tileWork, progress: progress, tileMode: tileMode, blockWork: blockWork)
        }
    }

    private func streamEscaping(
        slots: Int, tileWork: @escaping TileWork, progress: ((Int) -> Void)?,
        tileMode: Bool, blockWork: (ParameterLayout.Chunk, UnsafeMutableBufferPointer<Double>) throws -> Void
    ) throws -> PassTotals {
        let n = set.count
        let readers = min(threads, n)
        // In tile mode rows are padded by a cache line or more, so that no two rows of a tile
        // start at addresses a power of two apart (which would map them all onto the same
        // cache sets); the block handed to a block consumer is contiguous.
        let block = UnsafeMutableBufferPointer<Double>.allocate(capacity: n * (max(1, chunkElements) + 16))
        defer { block.deallocate() }
        // One raw buffer per reading thread, large enough for a chunk of the widest dtype.
        let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: readers * max(1, chunkElements) * 8, alignment: 64)
        defer { scratch.deallocate() }
        // Per-row state, each element touched by one thread at a time.
        let sums = UnsafeMutableBufferPointer<Double>.allocate(capacity: n)
        let squares = UnsafeMutableBufferPointer<Double>.allocate(capacity: n)
        let hashers = UnsafeMutableBufferPointer<ContentHash>.allocate(capacity: n)
        let failures = UnsafeMutableBufferPointer<Error?>.allocate(capacity: n)
        sums.initialize(repeating: 0)
        squares.initialize(repeating: 0)
        hashers.initialize(repeating: ContentHash())
        failures.initialize(repeating: nil)
        defer {
            sums.deallocate()
            squares.deallocate()
            _ = hashers.deinitialize()
            hashers.deallocate()
            _ = failures.deinitialize()
            failures.deallocate()
        }
        guard let blockBase = block.baseAddress, let scratchBase = scratch.baseAddress else {
            return PassTotals(sums: [], sumsOfSquares: [], dataHashes: [], bytesRead: 0)
        }
        var bytesRead = 0, tileCounter = 0
        for chunk in chunks {
            let width = chunk.width
            let rowStride = tileMode ? (width + 7) / 8 * 8 + 8 : width
            // Phase 1: read, fingerprint, widen and total, rows striped over the threads.
            let readStripe = { (stripe: Int) in
                for row in stride(from: stripe, to: n, by: readers) where failures[row] == nil {
                    do {
                        let totals = try self.readRow(row, of: chunk, into: blockBase + row &* rowStride,
                                                      scratch: scratchBase + stripe &* self.chunkElements &* 8,
                                                      hasher: &hashers[row])
                        sums[row] += totals.sum
                        squares[row] += totals.squares
                    } catch {
                        failures[row] = error
                    }
                }
            }
            if readers > 1 {
                DispatchQueue.concurrentPerform(iterations: readers, execute: readStripe)
            } else {
                readStripe(0)
            }
            if let failure = failures.compactMap({ $0 }).first { throw failure }
            // The first row (lowest index) that went non-finite fails the pass.
            if let row = (0..<n).first(where: { !squares[$0].isFinite }) { throw nonFiniteError(row: row, chunk: chunk) }
            for row in 0..<n {
                for segment in chunk.segments {
                    bytesRead += segment.elements.count * set.checkpoints[row].tensors[segment.tensor].dtype.byteSize
                }
            }

            if tileMode {
                // Phase 2: tile by tile; tile g of the pass belongs to slot g mod slots.
                let tiles = (width + tileWidth - 1) / tileWidth
                let firstTile = tileCounter
                let slotWork = { (slot: Int) in
                    var local = ((slot - firstTile) % slots + slots) % slots
                    while local < tiles {
                        let columns = (local &* self.tileWidth)..<min(width, (local &+ 1) &* self.tileWidth)
                        tileWork(Tile(chunk: chunk, columns: columns, values: blockBase + columns.lowerBound,
                                      leadingDimension: rowStride, slot: slot))
                        local &+= slots
                    }
                }
                if threads > 1 && slots > 1 && tiles > 1 {
                    DispatchQueue.concurrentPerform(iterations: slots, execute: slotWork)
                } else {
                    for slot in 0..<slots { slotWork(slot) }
                }
                tileCounter += tiles
            } else {
                try blockWork(chunk, UnsafeMutableBufferPointer(rebasing: block[0..<(n * width)]))
            }
            progress?(bytesRead)
        }
        return PassTotals(sums: Array(sums), sumsOfSquares: Array(squares), dataHashes: hashers.map { $0.hexDigest() },
                          bytesRead: bytesRead)
    }

    /// Whether checkpoint `row`'s tensor `tensor` is read straight into the block (float64 in
    /// native byte order needs no widening).
    private func readsDirectly(row: Int, tensor: Int) -> Bool {
        let stored = set.checkpoints[row].tensors[tensor]
        return stored.dtype == .float64 && stored.byteOrder == .native
    }

    /// Reads checkpoint `row`'s part of `chunk` into `target` (chunk.width doubles): raw bytes
    /// per segment into `scratch` (float64 in native order straight into `target`), hashed,
    /// widened; returns the row's sum and sum of squares over the chunk.
    private func readRow(_ row: Int, of chunk: ParameterLayout.Chunk, into target: UnsafeMutablePointer<Double>,
                         scratch: UnsafeMutableRawPointer, hasher: inout ContentHash) throws -> (sum: Double, squares: Double) {
        let checkpoint = set.checkpoints[row]
        for segment in chunk.segments {
            let tensor = checkpoint.tensors[segment.tensor]
            let count = segment.elements.count
            let direct = readsDirectly(row: row, tensor: segment.tensor)
            let destination = direct ? UnsafeMutableRawPointer(target + segment.column) : scratch
            let bytes = UnsafeMutableRawBufferPointer(start: destination, count: count * tensor.dtype.byteSize)
            try tensor.source.read(at: segment.elements.lowerBound * tensor.dtype.byteSize, into: bytes)
            hasher.update(UnsafeRawBufferPointer(bytes))
            guard !direct else { continue }
            RowWidening.widen(UnsafeRawPointer(scratch), count: count, dtype: tensor.dtype, byteOrder: tensor.byteOrder,
                              into: target + segment.column)
        }
        return GramKernels.sumAndSquares(target, count: chunk.width)
    }

    /// The error for a row whose sum of squares went non-finite in `chunk`: the first NaN/±Inf
    /// with its tensor and element (the row is read again, since the block may have been
    /// overwritten), or, all values finite, an overflow of the sum of squares.
    private func nonFiniteError(row: Int, chunk: ParameterLayout.Chunk) -> Error {
        let checkpoint = set.checkpoints[row]
        let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: max(1, chunk.width) * 8, alignment: 64)
        defer { scratch.deallocate() }
        guard let base = scratch.baseAddress else { return MindSpaceError.malformed(checkpoint.path, "out of memory") }
        var values = [Double](repeating: 0, count: chunk.width)
        do {
            for segment in chunk.segments {
                let tensor = checkpoint.tensors[segment.tensor]
                let count = segment.elements.count
                let bytes = UnsafeMutableRawBufferPointer(start: base, count: count * tensor.dtype.byteSize)
                try tensor.source.read(at: segment.elements.lowerBound * tensor.dtype.byteSize, into: bytes)
                values.withUnsafeMutableBufferPointer { target in
                    guard let targetBase = target.baseAddress else { return }
                    RowWidening.widen(UnsafeRawPointer(base), count: count, dtype: tensor.dtype, byteOrder: tensor.byteOrder,
                                      into: targetBase + segment.column)
                }
                for offset in 0..<count where !values[segment.column + offset].isFinite {
                    let value = values[segment.column + offset]
                    let name = value.isNaN ? "NaN" : (value > 0 ? "+Inf" : "-Inf")
                    return MindSpaceError.malformed(checkpoint.path,
                        "tensor '\(tensor.name)' holds \(name) at element \(segment.elements.lowerBound + offset) (counting from 0, \(Checkpoint.describe(shape: tensor.shape))); the analysis needs finite weights")
                }
            }
        } catch {
            return error
        }
        return MindSpaceError.malformed(checkpoint.path,
            "values too large: the sum of squares of the selected parameters overflows Double")
    }
}
