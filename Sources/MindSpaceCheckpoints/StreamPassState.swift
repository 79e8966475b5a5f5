import Foundation
import MindSpaceCore

// The bookkeeping of one `CheckpointStreamer` pass: its failures, the slots' turns, the raw
// chunk and the per-row totals.
extension CheckpointStreamer {
    /// A failed read or a non-finite value in a task of the tile pass, with where it happened.
    struct StreamFailure: Error {
        enum Kind: Int { case read = 0, nonFinite = 1 }
        let chunk: Int
        let kind: Kind
        let row: Int
        /// The read error; `nil` for a non-finite value (described by `nonFiniteError`).
        let error: Error?
    }

    /// Lets the parts of each slot run one at a time, in pass order: part g waits until the slot
    /// has finished g / slots parts. Parts are handed out in order, so the wait is almost always
    /// already over.
    final class SlotTurns {
        private let condition = NSCondition()
        private var finished: [Int]

        init(slots: Int) {
            finished = Array(repeating: 0, count: slots)
        }

        func wait(slot: Int, turn: Int) {
            condition.lock()
            while finished[slot] != turn { condition.wait() }
            condition.unlock()
        }

        func finish(slot: Int) {
            condition.lock()
            finished[slot] += 1
            condition.broadcast()
            condition.unlock()
        }
    }

    /// The raw bytes of one chunk: n rows of `rowBytes` bytes.
    final class RawChunk {
        let rowBytes: Int
        let storage: UnsafeMutableRawBufferPointer

        init(rows: Int, rowBytes: Int) {
            self.rowBytes = rowBytes
            storage = .allocate(byteCount: max(1, rows * rowBytes), alignment: 64)
        }

        deinit { storage.deallocate() }

        /// Row `row`.
        func row(_ row: Int) -> UnsafeMutableRawPointer {
            // `storage` is never empty, so its base address exists.
            storage.baseAddress.unsafelyUnwrapped + row &* rowBytes
        }
    }

    /// What a pass accumulates: per-row fingerprints and read failures, and per slot and row the
    /// sums and sums of squares (slot-major). Each element is touched by one task at a time.
    final class PassState {
        let rows: Int
        let slots: Int
        let sums: UnsafeMutableBufferPointer<Double>
        let squares: UnsafeMutableBufferPointer<Double>
        let hashers: UnsafeMutableBufferPointer<XXH3Hash>
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
            hashers.initialize(repeating: XXH3Hash())
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
}
