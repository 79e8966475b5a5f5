import Foundation

/// Streams the selected parameters of every checkpoint of a set, chunk by chunk: for each chunk
/// of the `ParameterLayout` walk, the same parameter range is read from all n checkpoints into an
/// n × width block of `Double` (row i = checkpoint i), which a consumer (the Gram accumulation,
/// the component pass) then uses. Memory: one block, n × `chunkElements` doubles, whatever p is.
///
/// Reading: each row is read with `pread` into a raw buffer of its thread (float64 straight into
/// the block), fingerprinted (XXH64, `ContentHash`) and widened to `Double` (`RowWidening`), so
/// F32, F16, BF16 and F64 checkpoints mix freely. Rows are read by up to `threads` threads at
/// once (rows striped over threads), which overlaps the reads of different files; results do
/// not depend on the thread count. Memory: the block plus one raw chunk per thread.
///
/// Per pass it also totals, for every checkpoint, the sum and sum of squares of its parameters
/// (in `Double`, chunk partial sums added in order) and the XXH64 of the raw bytes of its
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

    public let set: CheckpointSet
    /// The walk: consecutive parameter ranges, each inside one group of `grouping`.
    public let chunks: [ParameterLayout.Chunk]
    /// The widest chunk, in parameters per checkpoint.
    public let chunkElements: Int
    public let grouping: ParameterGrouping
    /// Threads reading rows at once (1 reads serially).
    public let threads: Int

    /// About 2 MiB of doubles per block (2¹⁸ values shared among the n rows), between 4096 and
    /// 65536 parameters per row. A block that stays in the processor's cache between widening,
    /// centring and `dsyrk` halves the CPU time against 32 MiB blocks (measured on 8 checkpoints
    /// of 10⁷ F32 parameters: 0.33 s against 0.61 s of user time); `dsyrk` is still efficient
    /// at k = 4096.
    public static func defaultChunkElements(checkpointCount: Int) -> Int {
        max(4096, min(1 << 16, (1 << 18) / max(1, checkpointCount)))
    }

    /// A streamer over `set`; `chunkElements` `nil` picks `defaultChunkElements`; it must be ≥ 1.
    public init(set: CheckpointSet, chunkElements: Int? = nil, grouping: ParameterGrouping = .none,
                threads: Int = ProcessInfo.processInfo.activeProcessorCount) {
        let width = chunkElements ?? Self.defaultChunkElements(checkpointCount: set.count)
        precondition(width >= 1, "chunk size must be at least 1")
        self.set = set
        self.chunkElements = width
        self.grouping = grouping
        self.threads = max(1, threads)
        chunks = set.layout.chunks(maximumWidth: width, grouping: grouping)
    }

    /// Reads every chunk in order and calls `body(chunk, block)`, where `block` holds n rows of
    /// `chunk.width` values (row-major; row i = checkpoint i, column c = parameter
    /// `chunk.parameters.lowerBound + c`). `body` may overwrite the block. `progress` is called
    /// after each chunk with the bytes read so far in this pass. Returns the pass totals.
    public func forEachBlock(
        progress: ((Int) -> Void)? = nil,
        _ body: (ParameterLayout.Chunk, UnsafeMutableBufferPointer<Double>) throws -> Void
    ) throws -> PassTotals {
        let n = set.count
        let block = UnsafeMutableBufferPointer<Double>.allocate(capacity: n * max(1, chunkElements))
        defer { block.deallocate() }
        guard let blockBase = block.baseAddress else { return PassTotals(sums: [], sumsOfSquares: [], dataHashes: [], bytesRead: 0) }
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
        let stripes = min(threads, n)
        // One raw buffer per thread, large enough for a chunk of the widest dtype.
        let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: stripes * max(1, chunkElements) * 8, alignment: 64)
        defer { scratch.deallocate() }
        guard let scratchBase = scratch.baseAddress else { return PassTotals(sums: [], sumsOfSquares: [], dataHashes: [], bytesRead: 0) }
        var bytesRead = 0
        for chunk in chunks {
            let width = chunk.width
            let readStripe = { (stripe: Int) in
                for row in stride(from: stripe, to: n, by: stripes) where failures[row] == nil {
                    do {
                        let totals = try self.readRow(row, of: chunk, into: blockBase + row * width,
                                                      scratch: scratchBase + stripe * self.chunkElements * 8,
                                                      hasher: &hashers[row])
                        sums[row] += totals.sum
                        squares[row] += totals.squares
                    } catch {
                        failures[row] = error
                    }
                }
            }
            if stripes > 1 {
                DispatchQueue.concurrentPerform(iterations: stripes, execute: readStripe)
            } else {
                readStripe(0)
            }
            if let failure = failures.compactMap({ $0 }).first { throw failure }
            for row in 0..<n {
                for segment in chunk.segments {
                    bytesRead += segment.elements.count * set.checkpoints[row].tensors[segment.tensor].dtype.byteSize
                }
            }
            try body(chunk, UnsafeMutableBufferPointer(rebasing: block[0..<(n * width)]))
            progress?(bytesRead)
        }
        return PassTotals(sums: Array(sums), sumsOfSquares: Array(squares), dataHashes: hashers.map { $0.hexDigest() },
                          bytesRead: bytesRead)
    }

    /// Reads checkpoint `row`'s part of `chunk` into `target` (chunk.width doubles): raw bytes
    /// per segment into `scratch` (float64 in native order straight into `target`), hashed,
    /// widened; returns the row's sum and sum of squares, or throws for a non-finite value.
    private func readRow(_ row: Int, of chunk: ParameterLayout.Chunk, into target: UnsafeMutablePointer<Double>,
                         scratch: UnsafeMutableRawPointer, hasher: inout ContentHash) throws -> (sum: Double, squares: Double) {
        let checkpoint = set.checkpoints[row]
        for segment in chunk.segments {
            let tensor = checkpoint.tensors[segment.tensor]
            let byteSize = tensor.dtype.byteSize
            let count = segment.elements.count
            let direct = tensor.dtype == .float64 && tensor.byteOrder == .native
            let destination = direct ? UnsafeMutableRawPointer(target + segment.column) : scratch
            let raw = UnsafeMutableRawBufferPointer(start: destination, count: count * byteSize)
            try tensor.source.read(at: segment.elements.lowerBound * byteSize, into: raw)
            hasher.update(UnsafeRawBufferPointer(raw))
            if !direct {
                RowWidening.widen(UnsafeRawPointer(scratch), count: count, dtype: tensor.dtype, byteOrder: tensor.byteOrder,
                                  into: target + segment.column)
            }
        }
        let totals = RowWidening.sumAndSquares(target, count: chunk.width)
        guard totals.squares.isFinite else {
            throw nonFiniteError(row: row, chunk: chunk, values: UnsafeBufferPointer(start: target, count: chunk.width))
        }
        return totals
    }

    /// The error for a row whose sum of squares is not finite: the first NaN/±Inf with its
    /// tensor and element, or (all values finite) an overflow of the sum of squares.
    private func nonFiniteError(row: Int, chunk: ParameterLayout.Chunk, values: UnsafeBufferPointer<Double>) -> MindSpaceError {
        let checkpoint = set.checkpoints[row]
        for segment in chunk.segments {
            for offset in 0..<segment.elements.count where !values[segment.column + offset].isFinite {
                let value = values[segment.column + offset]
                let name = value.isNaN ? "NaN" : (value > 0 ? "+Inf" : "-Inf")
                let tensor = checkpoint.tensors[segment.tensor]
                return MindSpaceError.malformed(checkpoint.path,
                    "tensor '\(tensor.name)' holds \(name) at element \(segment.elements.lowerBound + offset) (counting from 0, \(Checkpoint.describe(shape: tensor.shape))); the analysis needs finite weights")
            }
        }
        return MindSpaceError.malformed(checkpoint.path,
            "values too large: the sum of squares of the selected parameters overflows Double")
    }
}
