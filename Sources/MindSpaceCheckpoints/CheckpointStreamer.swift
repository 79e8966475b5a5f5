import Foundation
import MindSpaceCore

/// Streams the selected parameters of every checkpoint of a set, chunk by chunk: for each chunk
/// of the `ParameterLayout` walk, the same parameter range is read from all n checkpoints (row
/// i = checkpoint i, `pread`, as stored) and widened to `Double` (`RowWidening`, exact for
/// F16/BF16/F32) for a consumer. Memory, whatever p is: for tiles, per thread one part's raw
/// bytes (n × about `chunkElements`/slots stored values), one tile and, when fingerprinting, a
/// 1 MiB read buffer; for blocks, the raw chunk and one n × chunk block of doubles.
///
/// Two consumers:
/// - Tiles (the Gram pass, `forEachTile`): each chunk is cut by columns into parts of whole
///   tiles (`tileWidth` columns, an n × tile piece that stays in a core's cache). One task per
///   part reads the part's columns of every checkpoint and at once widens and works its tiles, so
///   the bytes a core reads are the bytes it computes on. Parts are dealt to a fixed number of
///   slots (part k of the pass to slot k mod slots, at most one part per slot in a chunk) and a
///   slot's parts run in pass order, one at a time; a consumer that keeps one accumulator per
///   slot gets results that depend on the slot count, never on the thread count or scheduling.
///   A tile arrives as checkpoint 0's values and the other checkpoints' differences from them
///   (see `Tile`). Fingerprints, when asked for, come from reading the bytes a second time.
/// - Blocks (the component pass, `forEachBlock`): each checkpoint's part of the chunk is read,
///   widened and totalled by one task; the consumer gets the whole n × width block on the
///   calling thread.
///
/// Per pass it also totals, for every checkpoint, the sum and sum of squares of its parameters
/// (in `Double`), and, when `hashesData`, the XXH3-64 (`XXH3Hash`) of the raw bytes of its selected
/// tensors in layout order (the same for any chunk size).
///
/// Each pass checks, before and after, that every file is still the one that was opened
/// (`CheckpointSet.verifyUnchanged`: device, inode, size, modification time), so a checkpoint
/// truncated, rewritten or replaced during the pass is an error, never a result.
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
        /// XXH3-64 (16 hex digits) of the raw bytes of checkpoint i's selected tensors, in layout
        /// order; `nil` unless the streamer `hashesData`.
        public var dataHashes: [String]?
        /// Bytes of tensor data read in the pass.
        public var bytesRead: Int

        package init(sums: [Double], sumsOfSquares: [Double], dataHashes: [String]?, bytesRead: Int) {
            self.sums = sums
            self.sumsOfSquares = sumsOfSquares
            self.dataHashes = dataHashes
            self.bytesRead = bytesRead
        }
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
    /// Whether a pass fingerprints each checkpoint's bytes (`PassTotals.dataHashes`). In a tile
    /// pass this reads every byte a second time (about 40 % more time on a 2-core machine).
    public let hashesData: Bool
    /// Bytes per element of the widest stored dtype of the set.
    private let widestByteSize: Int
    /// Bytes per checkpoint row of a raw chunk buffer: `chunkElements` of the widest stored dtype,
    /// padded by a cache line or more (rows a power of two apart would share cache sets).
    private var rawRowBytes: Int { (chunkElements * widestByteSize + 63) / 64 * 64 + 64 }

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
        max(256, (1 << 14) / max(1, checkpointCount))
    }

    /// A streamer over `set`; `chunkElements` `nil` picks `defaultChunkElements`; it must be ≥ 1.
    public init(set: CheckpointSet, chunkElements: Int? = nil, grouping: ParameterGrouping = .none,
                hashesData: Bool = false) {
        let width = chunkElements ?? Self.defaultChunkElements(checkpointCount: set.count)
        precondition(width >= 1, "chunk size must be at least 1")
        self.set = set
        self.chunkElements = width
        tileWidth = min(width, Self.defaultTileWidth(checkpointCount: set.count))
        self.grouping = grouping
        self.hashesData = hashesData
        chunks = set.layout.chunks(maximumWidth: width, grouping: grouping)
        widestByteSize = set.checkpoints.lazy.flatMap { $0.tensors.map(\.dtype.byteSize) }.max() ?? 8
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
        try set.verifyUnchanged()
        let n = set.count
        let state = PassState(rows: n, slots: 1)
        let raw = RawChunk(rows: n, rowBytes: rawRowBytes)
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
            ParallelLoop.forEach(n) { row in
                guard state.failures[row] == nil else { return }
                do {
                    try self.readColumns(0..<width, row: row, of: chunk, layout: layout, into: raw.row(row), origin: 0)
                } catch {
                    state.failures[row] = error
                    return
                }
                if self.hashesData {
                    state.hashers[row].update(UnsafeRawBufferPointer(start: raw.row(row), count: layout.rawBytes(row: row)))
                }
                let totals = layout.widenDifference(row: row, raw: UnsafeRawPointer(raw.row(row)), columns: 0..<width,
                                                    into: blockBase + row &* width, minus: nil)
                state.sums[row] += totals.sum
                state.squares[row] += totals.squares
            }
            try state.throwFirstFailure()
            if let row = state.firstNonFiniteRow() { throw nonFiniteError(row: row, chunk: chunk) }
            bytesRead += storedBytes(of: chunk)
            try body(chunk, UnsafeMutableBufferPointer(rebasing: block[0..<(n * width)]))
            progress?(bytesRead)
        }
        try set.verifyUnchanged()
        return state.totals(bytesRead: bytesRead, hashed: hashesData)
    }

    /// Reads every chunk in order and calls `work` on each widened tile (see `TileWork`), from up
    /// to `ParallelLoop.threadLimit` threads at once, each slot's tiles in pass order by one
    /// thread at a time. `slots` must be ≥ 1. Returns the pass totals (sums: per slot, in tile order, the slots
    /// added in slot order).
    ///
    /// Each chunk is cut by columns into at most `slots` parts of whole tiles; part g of the pass
    /// belongs to slot g mod slots. One task per part reads the part's columns of every checkpoint
    /// (`pread`, into the thread's own buffer) and at once widens and works its tiles, so the
    /// bytes a core reads are the bytes it computes on, still in its cache. Tasks run in batches
    /// of chunks (about 2²⁵ values each, one synchronisation and one `progress` call per batch);
    /// within a batch a part waits for the slot's previous part (`SlotTurns`), which is almost
    /// always done. With `hashesData` one more task per checkpoint and batch reads the
    /// checkpoint's bytes of the batch again, in layout order, and fingerprints them.
    public func forEachTile(slots: Int, progress: ((Int) -> Void)? = nil, _ work: TileWork) throws -> PassTotals {
        precondition(slots >= 1)
        try set.verifyUnchanged()
        let n = set.count
        let state = PassState(rows: n, slots: slots)
        // Tile rows are padded by a cache line or more, so that no two rows of a tile start at
        // addresses a power of two apart (which would map them all onto the same cache sets).
        let tileStride = (tileWidth + 7) / 8 * 8 + 8
        let tilesPerPart = max(1, ((chunkElements + tileWidth - 1) / tileWidth + slots - 1) / slots)
        let partColumns = tilesPerPart * tileWidth
        let partRowBytes = (partColumns * widestByteSize + 63) / 64 * 64 + 64
        // Per thread: a part's raw bytes, a tile, and a buffer for re-reading bytes to fingerprint.
        // (A buffer that moved between cores would make every access fetch the other core's lines.)
        let rawBuffers = PerThreadBuffers(byteCount: n * partRowBytes)
        let tileBuffers = PerThreadBuffers(byteCount: n * tileStride * MemoryLayout<Double>.stride)
        let hashBuffers = hashesData ? PerThreadBuffers(byteCount: Self.hashReadBytes) : nil
        let chunksPerBatch = max(1, (1 << 25) / max(1, n * chunkElements))
        let tables = (0..<min(chunksPerBatch, max(1, chunks.count))).map { _ in RowPieces(set: set) }
        let maximumTasks = chunksPerBatch * slots + (hashesData ? n : 0)
        let failures = UnsafeMutableBufferPointer<StreamFailure?>.allocate(capacity: maximumTasks)
        failures.initialize(repeating: nil)
        defer {
            _ = failures.deinitialize()
            failures.deallocate()
        }
        let turns = SlotTurns(slots: slots)
        var bytesRead = 0, firstPart = 0
        for batchStart in stride(from: 0, to: chunks.count, by: chunksPerBatch) {
            let batch = batchStart..<min(chunks.count, batchStart + chunksPerBatch)
            // Parts of the batch, in pass order: (chunk, part within the chunk, global part index).
            var parts: [(chunk: Int, part: Int, global: Int)] = []
            for index in batch {
                tables[index - batchStart].describe(chunks[index])
                let tiles = (chunks[index].width + tileWidth - 1) / tileWidth
                for part in 0..<((tiles + tilesPerPart - 1) / tilesPerPart) {
                    parts.append((index, part, firstPart + parts.count))
                }
            }
            let layouts = tables.map(\.table)
            let hashTasks = hashesData ? n : 0
            ParallelLoop.forEach(parts.count + hashTasks) { task in
                guard task < parts.count else {
                    guard let hashBuffers else { return }
                    let row = task - parts.count
                    do {
                        try self.fingerprint(row: row, chunks: batch, into: &state.hashers[row], scratch: hashBuffers.buffer())
                    } catch let failure as StreamFailure {
                        failures[task] = failure
                    } catch {
                        failures[task] = StreamFailure(chunk: batch.lowerBound, kind: .read, row: row, error: error)
                    }
                    return
                }
                let (index, part, global) = parts[task]
                let slot = global % slots
                turns.wait(slot: slot, turn: global / slots)
                defer { turns.finish(slot: slot) }
                let chunk = self.chunks[index], layout = layouts[index - batchStart]
                let columns = (part &* partColumns)..<min(chunk.width, (part &+ 1) &* partColumns)
                let raw = rawBuffers.buffer()
                // Row r of the part starts at raw + r·partRowBytes, holding its bytes from `origin` on.
                var origins = [Int](repeating: 0, count: n)
                for row in 0..<n {
                    origins[row] = layout.rawOffset(row: row, column: columns.lowerBound)
                    do {
                        try self.readColumns(columns, row: row, of: chunk, layout: layout,
                                             into: raw + row &* partRowBytes, origin: origins[row])
                    } catch {
                        failures[task] = StreamFailure(chunk: index, kind: .read, row: row, error: error)
                        return
                    }
                }
                let values = tileBuffers.buffer().assumingMemoryBound(to: Double.self)
                var start = columns.lowerBound
                while start < columns.upperBound {
                    let tile = start..<min(columns.upperBound, start &+ self.tileWidth)
                    for row in 0..<n {
                        // Row 0 first: checkpoint 0's values are the reference of the others.
                        let totals = layout.widenDifference(row: row, raw: UnsafeRawPointer(raw + row &* partRowBytes),
                                                            origin: origins[row], columns: tile,
                                                            into: values + row &* tileStride,
                                                            minus: row == 0 ? nil : UnsafePointer(values))
                        state.sums[slot &* n &+ row] += totals.sum
                        state.squares[slot &* n &+ row] += totals.squares
                        if !totals.squares.isFinite && (failures[task].map { row < $0.row } ?? true) {
                            failures[task] = StreamFailure(chunk: index, kind: .nonFinite, row: row, error: nil)
                        }
                    }
                    work(Tile(chunk: chunk, columns: tile, values: values, leadingDimension: tileStride, slot: slot))
                    start = tile.upperBound
                }
            }
            // The first failure of the pass: lowest chunk, then read failures before values, then lowest row.
            let found = failures[0..<(parts.count + hashTasks)].compactMap { $0 }
            if let first = found.min(by: { ($0.chunk, $0.kind.rawValue, $0.row) < ($1.chunk, $1.kind.rawValue, $1.row) }) {
                throw first.error ?? nonFiniteError(row: first.row, chunk: chunks[first.chunk])
            }
            // Every value finite, yet a running sum of squares overflowed.
            if let row = state.firstNonFiniteRow() { throw nonFiniteError(row: row, chunk: chunks[batch.upperBound - 1]) }
            firstPart += parts.count
            for index in batch { bytesRead += storedBytes(of: chunks[index]) }
            progress?(bytesRead)
        }
        try set.verifyUnchanged()
        return state.totals(bytesRead: bytesRead, hashed: hashesData)
    }

    /// Bytes read at a time to fingerprint.
    static let hashReadBytes = 1 << 20

    /// Feeds checkpoint `row`'s stored bytes of `chunks` (in layout order) to `hasher`, read in
    /// pieces of up to `hashReadBytes` into `scratch` (consecutive segments of one tensor are read
    /// as one range). Throws a `StreamFailure` for a read error.
    private func fingerprint(row: Int, chunks range: Range<Int>, into hasher: inout XXH3Hash,
                             scratch: UnsafeMutableRawPointer) throws {
        let tensors = set.checkpoints[row].tensors
        // Runs of stored bytes: (chunk of the run's start, tensor, elements).
        var runs: [(chunk: Int, tensor: Int, elements: Range<Int>)] = []
        for index in range {
            for segment in chunks[index].segments {
                if let last = runs.last, last.tensor == segment.tensor, last.elements.upperBound == segment.elements.lowerBound {
                    runs[runs.count - 1].elements = last.elements.lowerBound..<segment.elements.upperBound
                } else {
                    runs.append((index, segment.tensor, segment.elements))
                }
            }
        }
        for run in runs {
            let tensor = tensors[run.tensor]
            let size = tensor.dtype.byteSize
            var offset = run.elements.lowerBound * size
            let end = run.elements.upperBound * size
            while offset < end {
                let bytes = UnsafeMutableRawBufferPointer(start: scratch, count: min(Self.hashReadBytes, end - offset))
                do {
                    try tensor.source.read(at: offset, into: bytes)
                } catch {
                    throw StreamFailure(chunk: run.chunk, kind: .read, row: row, error: error)
                }
                hasher.update(UnsafeRawBufferPointer(bytes))
                offset += bytes.count
            }
        }
    }

    /// Reads the chunk columns `columns` of checkpoint `row` into `rawRow`, each at the place
    /// `layout` gives it (the segments' bytes back to back) minus `origin`.
    private func readColumns(_ columns: Range<Int>, row: Int, of chunk: ParameterLayout.Chunk, layout: RowPieces.Table,
                             into rawRow: UnsafeMutableRawPointer, origin: Int) throws {
        let tensors = set.checkpoints[row].tensors
        for (index, segment) in chunk.segments.enumerated() {
            let piece = layout.pieces[row &* layout.segmentCount &+ index]
            let first = max(columns.lowerBound, piece.column)
            let end = min(columns.upperBound, piece.column &+ piece.count)
            guard first < end else { continue }
            let skip = first &- piece.column
            let bytes = UnsafeMutableRawBufferPointer(start: rawRow + (piece.rawOffset &+ skip &* piece.byteSize &- origin),
                                                      count: (end &- first) &* piece.byteSize)
            try tensors[segment.tensor].source.read(at: (segment.elements.lowerBound &+ skip) &* piece.byteSize, into: bytes)
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
                        "tensor '\(TerminalText.escaped(tensor.name))' holds \(name) at element \(segment.elements.lowerBound + offset) (counting from 0, \(Checkpoint.describe(shape: tensor.shape))); the analysis needs finite weights")
                }
            }
        } catch {
            return error
        }
        return MindSpaceError.malformed(checkpoint.path,
            "values too large: the sum of squares of the selected parameters overflows Double")
    }
}
