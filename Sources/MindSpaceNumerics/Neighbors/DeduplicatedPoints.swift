import Foundation
import MindSpaceCore

/// A point set with its exact duplicate rows found and removed: the unique rows (in order of
/// first occurrence), how often each occurs, and the map from every original row to its unique
/// row, so per-point results computed on the unique rows can be spread back to all rows.
///
/// **Why.** Repeated rows put a neighbour at distance 0, which breaks every estimator built on
/// distance ratios or logarithms of distances (TwoNN's μ = r₂/r₁ becomes ∞, Levina–Bickel's
/// log(T_k/T_1) becomes ∞). Estimators therefore work on the unique rows by default and report
/// how many rows were removed.
///
/// **Equality.** Rows are duplicates when every element compares equal (`==`): +0 and −0 are
/// equal, and NaN never is (the neighbour search refuses non-finite input anyway). This is
/// exact, not a distance tolerance: rows that differ in the last bit are distinct.
///
/// **Cost.** One pass hashing each row (O(N·D)) plus an element comparison per hash match;
/// memory O(N) besides the unique rows. When no row repeats (the usual case), `unique` shares
/// the input's storage instead of copying it (Swift arrays are copy-on-write), so the distinct
/// rows cost no memory.
public struct DeduplicatedPoints<Scalar: BinaryFloatingPoint & Sendable>: Sendable {
    /// The distinct rows, in order of their first occurrence.
    public let unique: Matrix<Scalar>
    /// For each original row, the row of `unique` that equals it.
    public let uniqueRowOfOriginal: [Int]
    /// For each unique row, the original row where it first occurs (ascending).
    public let firstOriginalRow: [Int]
    /// For each unique row, how many original rows equal it (≥ 1; the sum is N).
    public let multiplicity: [Int]

    /// Finds the exact duplicate rows of `points` and keeps the first occurrence of each.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public init(_ points: Matrix<Scalar>) {
        let d = points.columns
        var buckets: [UInt64: [Int]] = [:]     // row hash → unique rows with that hash
        var uniqueRowOfOriginal = [Int](repeating: 0, count: points.rows)
        var firstOriginalRow: [Int] = []
        var multiplicity: [Int] = []
        // Row hashes on all cores (each row's hash is the same whoever computes it), then the
        // buckets in row order.
        var hashes = [UInt64](repeating: 0, count: points.rows)
        points.storage.withUnsafeBufferPointer { rows in
            hashes.withUnsafeMutableBufferPointer { result in
                let n = points.rows
                ParallelLoop.forEachRange(n) { _, span in
                    for row in span {
                        result[row] = Self.rowHash(rows, start: row * d, count: d)
                    }
                }
            }
        }
        points.storage.withUnsafeBufferPointer { rows in
            for row in 0..<points.rows {
                let start = row * d
                let hash = hashes[row]
                var match: Int? = nil
                for candidate in buckets[hash, default: []] {
                    let other = firstOriginalRow[candidate] * d
                    if (0..<d).allSatisfy({ rows[start + $0] == rows[other + $0] }) {
                        match = candidate
                        break
                    }
                }
                if let match {
                    uniqueRowOfOriginal[row] = match
                    multiplicity[match] += 1
                } else {
                    let id = firstOriginalRow.count
                    buckets[hash, default: []].append(id)
                    firstOriginalRow.append(row)
                    multiplicity.append(1)
                    uniqueRowOfOriginal[row] = id
                }
            }
        }
        if firstOriginalRow.count == points.rows {
            self.unique = points   // nothing repeated: share the storage, no copy
        } else {
            var storage: [Scalar] = []
            storage.reserveCapacity(firstOriginalRow.count * d)
            for row in firstOriginalRow { storage.append(contentsOf: points.row(row)) }
            self.unique = Matrix(rows: firstOriginalRow.count, columns: d, storage: storage)
        }
        self.uniqueRowOfOriginal = uniqueRowOfOriginal
        self.firstOriginalRow = firstOriginalRow
        self.multiplicity = multiplicity
    }

    /// N, the number of original rows.
    public var originalCount: Int { uniqueRowOfOriginal.count }

    /// The number of rows removed (N minus the number of unique rows).
    public var removedCount: Int { originalCount - unique.rows }

    /// Whether any row was repeated.
    public var hasDuplicates: Bool { removedCount > 0 }

    /// The groups of equal original rows that have two or more members: each group ascending,
    /// groups ordered by their first row.
    public var duplicateGroups: [[Int]] {
        var members = [[Int]](repeating: [], count: unique.rows)
        for (row, id) in uniqueRowOfOriginal.enumerated() where multiplicity[id] > 1 {
            members[id].append(row)
        }
        return members.filter { $0.count > 1 }
    }

    /// Spreads values computed per unique row back to the N original rows (duplicates get the
    /// value of the row they equal).
    public func expand<Value>(_ perUniqueRow: [Value]) -> [Value] {
        precondition(perUniqueRow.count == unique.rows, "one value per unique row expected")
        return uniqueRowOfOriginal.map { perUniqueRow[$0] }
    }

    /// An FNV-1a-style hash over the rows' values as 64-bit Double bit patterns (one xor and
    /// multiply per element), with −0 mapped to +0 so that rows
    /// that compare equal hash equal.
    private static func rowHash(_ rows: UnsafeBufferPointer<Scalar>, start: Int, count: Int) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for index in start..<(start + count) {
            let value = rows[index]
            let bits = value == 0 ? 0 : Double(value).bitPattern
            hash = (hash ^ bits) &* 0x0000_0100_0000_01B3
        }
        return hash
    }
}
