import MindSpaceCore

extension CheckpointStreamer {
    /// Where each checkpoint's part of one chunk lies in its raw row (`readColumns` puts the
    /// segments back to back) and how to widen it: a flat table rebuilt per chunk, so that the tasks look
    /// nothing up in the checkpoint set (no reference counting on the hot path).
    final class RowPieces {
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

            /// Where chunk column `column` of checkpoint `row` starts in its raw row (the row's
            /// length for a column past the end).
            func rawOffset(row: Int, column: Int) -> Int {
                for index in (row &* segmentCount)..<((row &+ 1) &* segmentCount) {
                    let piece = pieces[index]
                    if column < piece.column &+ piece.count {
                        return piece.rawOffset &+ max(0, column &- piece.column) &* piece.byteSize
                    }
                }
                return rawBytes(row: row)
            }

            /// Bytes of checkpoint `row`'s raw row for the chunk.
            func rawBytes(row: Int) -> Int {
                guard segmentCount > 0 else { return 0 }
                let last = pieces[(row &+ 1) &* segmentCount &- 1]
                return last.rawOffset &+ last.count &* last.byteSize
            }

            /// Widens the chunk columns `columns` of checkpoint `row` from its raw row `raw` (which
            /// holds the row's bytes from offset `origin` on) and
            /// writes v − `reference` (indexed like `target`; when given) or v to `target`; returns
            /// the row's Σ v and Σ v² over those columns (`RowWidening.widenDifference`, pieces in order).
            func widenDifference(row: Int, raw: UnsafeRawPointer, origin: Int = 0, columns: Range<Int>,
                                 into target: UnsafeMutablePointer<Double>,
                                 minus reference: UnsafePointer<Double>?) -> (sum: Double, squares: Double) {
                var sum = 0.0, squares = 0.0
                for index in (row &* segmentCount)..<((row &+ 1) &* segmentCount) {
                    let piece = pieces[index]
                    let first = max(columns.lowerBound, piece.column)
                    let end = min(columns.upperBound, piece.column &+ piece.count)
                    guard first < end else { continue }
                    let offset = first &- columns.lowerBound
                    let totals = RowWidening.widenDifference(raw + (piece.rawOffset &+ (first &- piece.column) &* piece.byteSize &- origin),
                                                             count: end &- first, dtype: piece.dtype, byteOrder: piece.byteOrder,
                                                             into: target + offset, minus: reference.map { $0 + offset })
                    sum += totals.sum
                    squares += totals.squares
                }
                return (sum, squares)
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
}
