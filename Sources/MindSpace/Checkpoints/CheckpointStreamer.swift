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
        /// XXH64 (16 hex digits) of the raw bytes of checkpoint i's selected tensors, in layout
        /// order; `nil` unless the streamer `hashesData`.
        public var dataHashes: [String]?
        /// Bytes of tensor data read in the pass.
        public var bytesRead: Int
    }

    /// One widened tile of a chunk: n rows × `columns.count` values, row 0 holding checkpoint
    /// 0's values x₀ and row i ≥ 1 the differences xᵢ − x₀ (`RowWidening.widenDifference`).
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
    /// Whether a pass fingerprints each checkpoint's bytes (`PassTotals.dataHashes`); this costs
    /// a second look at every byte, on a core that did not read it (about 15 % of a pass).
    public let hashesData: Bool
    /// Bytes per checkpoint row of a raw chunk buffer: `chunkElements` of the widest stored dtype,
    /// padded by a cache line or more (rows a power of two apart would share cache sets).
    private let rawRowBytes: Int

    /// About 16 MiB of doubles per block (2²¹ values shared among the n rows), between 4096 and
    /// 65536 parameters per row: large enough that each part of a chunk (a task) reads tens of
    /// KiB per `pread` and a chunk costs little synchronisation, small enough that the raw chunk
    /// stays in the last-level cache.
    public static func defaultChunkElements(checkpointCount: Int) -> Int {
        max(4096, min(1 << 16, (1 << 21) / max(1, checkpointCount)))
    }

    /// About 256 KiB of doubles per tile (2¹⁵ values among the n rows, at least 256 columns so
    /// that each rank-k update of the n×n matrix stays efficient): a tile that stays in the
    /// core's cache between widening, centring and the Gram product.
    public static func defaultTileWidth(checkpointCount: Int) -> Int {
        max(256, (1 << 15) / max(1, checkpointCount))
    }

    /// A streamer over `set`; `chunkElements` `nil` picks `defaultChunkElements`; it must be ≥ 1.
    public init(set: CheckpointSet, chunkElements: Int? = nil, grouping: ParameterGrouping = .none,
                threads: Int = ProcessInfo.processInfo.activeProcessorCount, hashesData: Bool = false) {
        let width = chunkElements ?? Self.defaultChunkElements(checkpointCount: set.count)
        precondition(width >= 1, "chunk size must be at least 1")
        self.set = set
        self.chunkElements = width
        tileWidth = min(width, Self.defaultTileWidth(checkpointCount: set.count))
        self.grouping = grouping
        self.threads = max(1, threads)
        self.hashesData = hashesData
        chunks = set.layout.chunks(maximumWidth: width, grouping: grouping)
        let widest = set.checkpoints.lazy.flatMap { $0.tensors.map(\.dtype.byteSize) }.max() ?? 8
        rawRowBytes = (width * widest + 63) / 64 * 64 + 64
    }

    /// Reads every chunk in order and calls `body(chunk, block)`, where `block` holds n rows of
    /// `chunk.width` values (row-major; row i = checkpoint i, column c = parameter
    /// `chunk.parameters.lowerBound + c`). `body` runs on the calling thread and may overwrite the
    /// block. `progress` is called after each chunk with the bytes read so far in this pass.
    /// Returns the pass totals (sums: per chunk, in chunk order).
    public func forEachBlock(
        progress: ((Int) -> Void)? = nil,
        _ body: (ParameterLayout.Chunk, UnsafeMutableBufferPointer<Double>) throws -> Void
    ) throws -> PassTotals {
        let n = set.count
        let state = PassState(rows: n, slots: 1)
        let raw = RawChunks(rows: n, rowBytes: rawRowBytes, buffers: 1)
        let block = UnsafeMutableBufferPointer<Double>.allocate(capacity: n * max(1, chunkElements))
        defer { block.deallocate() }
        guard let blockBase = block.baseAddress else { return state.totals(bytesRead: 0, hashed: false) }
        var bytesRead = 0
        let pieces = RowPieces(set: set)
        for chunk in chunks {
            let width = chunk.width
            pieces.describe(chunk)
            let layout = pieces.table
            // Each row is read, fingerprinted, widened and totalled by one thread.
            parallelFor(n) { row in
                guard state.failures[row] == nil else { return }
                do {
                    try self.readRaw(row: row, of: chunk, into: raw.row(row, buffer: 0),
                                     hasher: self.hashesData ? state.hashers.baseAddress.map { $0 + row } : nil)
                } catch {
                    state.failures[row] = error
                    return
                }
                let target = blockBase + row &* width
                layout.widen(row: row, raw: UnsafeRawPointer(raw.row(row, buffer: 0)), columns: 0..<width, into: target)
                let totals = GramKernels.sumAndSquares(target, count: width)
                state.sums[row] += totals.sum
                state.squares[row] += totals.squares
            }
            try state.throwFirstFailure()
            if let row = state.firstNonFiniteRow() { throw nonFiniteError(row: row, chunk: chunk) }
            bytesRead += storedBytes(of: chunk)
            try body(chunk, UnsafeMutableBufferPointer(rebasing: block[0..<(n * width)]))
            progress?(bytesRead)
        }
        return state.totals(bytesRead: bytesRead, hashed: hashesData)
    }

    /// Reads every chunk in order and calls `work` on each widened tile (see `TileWork`), from up
    /// to `threads` threads at once, each slot's tiles in pass order by one thread at a time.
    /// `slots` must be ≥ 1. Returns the pass totals (sums: per slot, in tile order, the slots
    /// added in slot order).
    ///
    /// Each chunk is cut by columns into at most `slots` parts of whole tiles; part k of the pass
    /// belongs to slot k mod slots. One task per part reads the part's columns of every checkpoint
    /// (`pread`) and at once widens and works its tiles, so the bytes a core reads are the bytes it
    /// computes on, still in its cache. With `hashesData`, the raw chunk is kept for one more round,
    /// in which one task per checkpoint fingerprints its bytes in layout order.
    public func forEachTile(slots: Int, progress: ((Int) -> Void)? = nil, _ work: TileWork) throws -> PassTotals {
        precondition(slots >= 1)
        let n = set.count
        let state = PassState(rows: n, slots: slots)
        let rawBuffers = hashesData ? 2 : 1
        let raw = RawChunks(rows: n, rowBytes: rawRowBytes, buffers: rawBuffers)
        // Tile rows are padded by a cache line or more, so that no two rows of a tile start at
        // addresses a power of two apart (which would map them all onto the same cache sets).
        let tileStride = (tileWidth + 7) / 8 * 8 + 8
        // One tile buffer per thread (not per slot): a buffer that moves between cores with its
        // slot would make every widening fetch its lines from the other core's cache.
        let tileBuffers = PerThreadBuffers(byteCount: n * tileStride * MemoryLayout<Double>.stride)
        let tables = [RowPieces(set: set), RowPieces(set: set)]
        let partFailures = UnsafeMutableBufferPointer<(row: Int, error: Error)?>.allocate(capacity: slots)
        partFailures.initialize(repeating: nil)
        defer {
            _ = partFailures.deinitialize()
            partFailures.deallocate()
        }
        var bytesRead = 0, firstPart = 0
        for round in 0..<(chunks.count + (hashesData ? 1 : 0)) {
            let reading = round < chunks.count ? chunks[round] : nil
            let hashing = hashesData && round > 0 ? chunks[round - 1] : nil
            if let chunk = reading { tables[round % 2].describe(chunk) }
            let readLayout = tables[round % 2].table, hashLayout = tables[(round + 1) % 2].table
            let readBuffer = round % rawBuffers, hashBuffer = (round + 1) % rawBuffers
            let tileCount = reading.map { ($0.width + tileWidth - 1) / tileWidth } ?? 0
            let tilesPerPart = max(1, (tileCount + slots - 1) / slots)
            let parts = (tileCount + tilesPerPart - 1) / tilesPerPart
            let partOffset = firstPart
            parallelFor(parts + (hashing == nil ? 0 : n)) { task in
                guard task < parts, let chunk = reading else {
                    // Fingerprint checkpoint `row`'s bytes of the previous chunk, in layout order.
                    let row = task - parts
                    state.hashers[row].update(UnsafeRawBufferPointer(start: raw.row(row, buffer: hashBuffer),
                                                                     count: hashLayout.rawBytes(row: row)))
                    return
                }
                let slot = (partOffset + task) % slots
                let columns = (task &* tilesPerPart &* self.tileWidth)..<min(chunk.width, (task &+ 1) &* tilesPerPart &* self.tileWidth)
                for row in 0..<n {
                    do {
                        try self.readColumns(columns, row: row, of: chunk, layout: readLayout, into: raw.row(row, buffer: readBuffer))
                    } catch {
                        partFailures[task] = (row, error)
                        return
                    }
                }
                let values = tileBuffers.buffer().assumingMemoryBound(to: Double.self)
                var start = columns.lowerBound
                while start < columns.upperBound {
                    let tile = start..<min(columns.upperBound, start &+ self.tileWidth)
                    for row in 0..<n {
                        // Row 0 first: checkpoint 0's values are the reference of the others.
                        let totals = readLayout.widenDifference(row: row, raw: UnsafeRawPointer(raw.row(row, buffer: readBuffer)),
                                                                columns: tile, into: values + row &* tileStride,
                                                                minus: row == 0 ? nil : UnsafePointer(values))
                        state.sums[slot &* n &+ row] += totals.sum
                        state.squares[slot &* n &+ row] += totals.squares
                    }
                    work(Tile(chunk: chunk, columns: tile, values: values, leadingDimension: tileStride, slot: slot))
                    start = tile.upperBound
                }
            }
            guard let chunk = reading else { continue }
            // The lowest failing row of the chunk; then the lowest row gone non-finite.
            if let failure = partFailures[0..<parts].compactMap({ $0 }).min(by: { $0.row < $1.row }) { throw failure.error }
            if let row = state.firstNonFiniteRow() { throw nonFiniteError(row: row, chunk: chunk) }
            firstPart += parts
            bytesRead += storedBytes(of: chunk)
            progress?(bytesRead)
        }
        return state.totals(bytesRead: bytesRead, hashed: hashesData)
    }

    /// Reads the chunk columns `columns` of checkpoint `row` into its raw row `rawRow`, each at
    /// the place `layout` gives it (`readRaw`'s layout: the segments' bytes back to back).
    private func readColumns(_ columns: Range<Int>, row: Int, of chunk: ParameterLayout.Chunk, layout: RowPieces.Table,
                             into rawRow: UnsafeMutableRawPointer) throws {
        let tensors = set.checkpoints[row].tensors
        for (index, segment) in chunk.segments.enumerated() {
            let piece = layout.pieces[row &* layout.segmentCount &+ index]
            let first = max(columns.lowerBound, piece.column)
            let end = min(columns.upperBound, piece.column &+ piece.count)
            guard first < end else { continue }
            let skip = first &- piece.column
            let bytes = UnsafeMutableRawBufferPointer(start: rawRow + (piece.rawOffset &+ skip &* piece.byteSize),
                                                      count: (end &- first) &* piece.byteSize)
            try tensors[segment.tensor].source.read(at: (segment.elements.lowerBound &+ skip) &* piece.byteSize, into: bytes)
        }
    }

    /// Runs `body(0)`, …, `body(count − 1)` on up to `threads` threads (serially for one).
    private func parallelFor(_ count: Int, _ body: (Int) -> Void) {
        if threads > 1 && count > 1 {
            DispatchQueue.concurrentPerform(iterations: count, execute: body)
        } else {
            for index in 0..<count { body(index) }
        }
    }

    /// Bytes of stored tensor data in `chunk`, over all checkpoints.
    private func storedBytes(of chunk: ParameterLayout.Chunk) -> Int {
        var bytes = 0
        for checkpoint in set.checkpoints {
            for segment in chunk.segments { bytes += segment.elements.count * checkpoint.tensors[segment.tensor].dtype.byteSize }
        }
        return bytes
    }

    /// Reads checkpoint `row`'s part of `chunk` into `target` as stored (the segments' raw bytes
    /// back to back, in segment order) and feeds them to `hasher`.
    private func readRaw(row: Int, of chunk: ParameterLayout.Chunk, into target: UnsafeMutableRawPointer,
                         hasher: UnsafeMutablePointer<ContentHash>?) throws {
        let checkpoint = set.checkpoints[row]
        var offset = 0
        for segment in chunk.segments {
            let tensor = checkpoint.tensors[segment.tensor]
            let bytes = UnsafeMutableRawBufferPointer(start: target + offset, count: segment.elements.count * tensor.dtype.byteSize)
            try tensor.source.read(at: segment.elements.lowerBound * tensor.dtype.byteSize, into: bytes)
            hasher?.pointee.update(UnsafeRawBufferPointer(bytes))
            offset += bytes.count
        }
    }

    /// Where each checkpoint's part of one chunk lies in its raw row (`readRaw` puts the segments
    /// back to back) and how to widen it: a flat table rebuilt per chunk, so that the tasks look
    /// nothing up in the checkpoint set (no reference counting on the hot path).
    private final class RowPieces {
        struct Piece {
            var rawOffset: Int
            var column: Int
            var count: Int
            var byteSize: Int
            var dtype: DType
            var byteOrder: ByteOrder
        }

        /// The table of one chunk: `pieces[row · segmentCount + s]`.
        struct Table {
            let pieces: UnsafeBufferPointer<Piece>
            let segmentCount: Int

            /// Bytes of checkpoint `row`'s raw row for the chunk.
            func rawBytes(row: Int) -> Int {
                guard segmentCount > 0 else { return 0 }
                let last = pieces[(row &+ 1) &* segmentCount &- 1]
                return last.rawOffset &+ last.count &* last.byteSize
            }

            /// Widens the chunk columns `columns` of checkpoint `row` from its raw row `raw` and
            /// writes v − `reference` (indexed like `target`; when given) or v to `target`; returns
            /// the row's Σ v and Σ v² over those columns (`RowWidening.widenDifference`, pieces in order).
            func widenDifference(row: Int, raw: UnsafeRawPointer, columns: Range<Int>, into target: UnsafeMutablePointer<Double>,
                                 minus reference: UnsafePointer<Double>?) -> (sum: Double, squares: Double) {
                var sum = 0.0, squares = 0.0
                for index in (row &* segmentCount)..<((row &+ 1) &* segmentCount) {
                    let piece = pieces[index]
                    let first = max(columns.lowerBound, piece.column)
                    let end = min(columns.upperBound, piece.column &+ piece.count)
                    guard first < end else { continue }
                    let offset = first &- columns.lowerBound
                    let totals = RowWidening.widenDifference(raw + (piece.rawOffset &+ (first &- piece.column) &* piece.byteSize),
                                                             count: end &- first, dtype: piece.dtype, byteOrder: piece.byteOrder,
                                                             into: target + offset, minus: reference.map { $0 + offset })
                    sum += totals.sum
                    squares += totals.squares
                }
                return (sum, squares)
            }

            /// Widens the chunk columns `columns` of checkpoint `row` from its raw row `raw` to
            /// `target` (`columns.count` doubles; exact, `RowWidening`).
            func widen(row: Int, raw: UnsafeRawPointer, columns: Range<Int>, into target: UnsafeMutablePointer<Double>) {
                for index in (row &* segmentCount)..<((row &+ 1) &* segmentCount) {
                    let piece = pieces[index]
                    let first = max(columns.lowerBound, piece.column)
                    let end = min(columns.upperBound, piece.column &+ piece.count)
                    guard first < end else { continue }
                    RowWidening.widen(raw + (piece.rawOffset &+ (first &- piece.column) &* piece.byteSize), count: end &- first,
                                      dtype: piece.dtype, byteOrder: piece.byteOrder,
                                      into: target + (first &- columns.lowerBound))
                }
            }
        }

        private let set: CheckpointSet
        private var storage: UnsafeMutableBufferPointer<Piece>
        private(set) var table: Table

        init(set: CheckpointSet) {
            self.set = set
            storage = .allocate(capacity: 0)
            table = Table(pieces: UnsafeBufferPointer(storage), segmentCount: 0)
        }

        deinit { storage.deallocate() }

        /// Rebuilds the table for `chunk`; the previous table is invalid afterwards.
        func describe(_ chunk: ParameterLayout.Chunk) {
            let needed = set.count * chunk.segments.count
            if storage.count < needed {
                storage.deallocate()
                storage = .allocate(capacity: needed)
            }
            var index = 0
            for checkpoint in set.checkpoints {
                var offset = 0
                for segment in chunk.segments {
                    let tensor = checkpoint.tensors[segment.tensor]
                    storage[index] = Piece(rawOffset: offset, column: segment.column, count: segment.elements.count,
                                           byteSize: tensor.dtype.byteSize, dtype: tensor.dtype, byteOrder: tensor.byteOrder)
                    offset += segment.elements.count * tensor.dtype.byteSize
                    index += 1
                }
            }
            table = Table(pieces: UnsafeBufferPointer(rebasing: storage[0..<needed]), segmentCount: chunk.segments.count)
        }
    }

    /// A buffer of `byteCount` bytes for each thread that asks (`pthread` thread-specific data),
    /// all freed with the object.
    private final class PerThreadBuffers {
        private var key = pthread_key_t()
        private let byteCount: Int
        private let lock = NSLock()
        private var buffers: [UnsafeMutableRawPointer] = []

        init(byteCount: Int) {
            self.byteCount = max(64, byteCount)
            pthread_key_create(&key, nil)
        }

        deinit {
            pthread_key_delete(key)
            for buffer in buffers { buffer.deallocate() }
        }

        /// The calling thread's buffer.
        func buffer() -> UnsafeMutableRawPointer {
            if let existing = pthread_getspecific(key) { return existing }
            let buffer = UnsafeMutableRawPointer.allocate(byteCount: byteCount, alignment: 64)
            pthread_setspecific(key, buffer)
            lock.lock()
            buffers.append(buffer)
            lock.unlock()
            return buffer
        }
    }

    /// The raw bytes of up to `buffers` chunks: per chunk n rows of `rowBytes` bytes.
    private final class RawChunks {
        let rowBytes: Int
        let rows: Int
        let storage: UnsafeMutableRawBufferPointer

        init(rows: Int, rowBytes: Int, buffers: Int) {
            self.rows = rows
            self.rowBytes = rowBytes
            storage = .allocate(byteCount: max(1, buffers * rows * rowBytes), alignment: 64)
        }

        deinit { storage.deallocate() }

        /// Row `row` of buffer `buffer`.
        func row(_ row: Int, buffer: Int) -> UnsafeMutableRawPointer {
            // `storage` is never empty, so its base address exists.
            storage.baseAddress.unsafelyUnwrapped + (buffer &* rows &+ row) &* rowBytes
        }
    }

    /// What a pass accumulates: per-row fingerprints and read failures, and per slot and row the
    /// sums and sums of squares (slot-major). Each element is touched by one task at a time.
    private final class PassState {
        let rows: Int
        let slots: Int
        let sums: UnsafeMutableBufferPointer<Double>
        let squares: UnsafeMutableBufferPointer<Double>
        let hashers: UnsafeMutableBufferPointer<ContentHash>
        let failures: UnsafeMutableBufferPointer<Error?>

        init(rows: Int, slots: Int) {
            self.rows = rows
            self.slots = slots
            sums = .allocate(capacity: rows * slots)
            squares = .allocate(capacity: rows * slots)
            hashers = .allocate(capacity: rows)
            failures = .allocate(capacity: rows)
            sums.initialize(repeating: 0)
            squares.initialize(repeating: 0)
            hashers.initialize(repeating: ContentHash())
            failures.initialize(repeating: nil)
        }

        deinit {
            sums.deallocate()
            squares.deallocate()
            _ = hashers.deinitialize()
            hashers.deallocate()
            _ = failures.deinitialize()
            failures.deallocate()
        }

        /// The read failure of the lowest row, if any.
        func throwFirstFailure() throws {
            if let failure = failures.lazy.compactMap({ $0 }).first { throw failure }
        }

        /// The lowest row whose sum of squares (in any slot) is no longer finite.
        func firstNonFiniteRow() -> Int? {
            (0..<rows).first { row in (0..<slots).contains { !squares[$0 &* rows &+ row].isFinite } }
        }

        /// The totals, each row's slots added in slot order; fingerprints if `hashed`.
        func totals(bytesRead: Int, hashed: Bool) -> PassTotals {
            var rowSums = [Double](repeating: 0, count: rows), rowSquares = rowSums
            for slot in 0..<slots {
                for row in 0..<rows {
                    rowSums[row] += sums[slot * rows + row]
                    rowSquares[row] += squares[slot * rows + row]
                }
            }
            return PassTotals(sums: rowSums, sumsOfSquares: rowSquares, dataHashes: hashed ? hashers.map { $0.hexDigest() } : nil,
                              bytesRead: bytesRead)
        }
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
