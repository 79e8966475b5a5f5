/// A dense, row-major matrix of `Float` or `Double`: `rows` points × `columns` features.
///
/// Storage is one contiguous Swift array, so `withUnsafeBufferPointer` hands BLAS/LAPACK a
/// pointer without copying. A row-major `rows × columns` matrix is the same memory as a
/// column-major `columns × rows` one: pass it to LAPACK that way instead of transposing.
public struct Matrix<Scalar: BinaryFloatingPoint & Sendable>: Sendable, Equatable {
    public let rows: Int
    public let columns: Int
    /// Row-major elements; `storage.count == rows * columns`.
    public var storage: [Scalar]

    /// A matrix filled with `value`.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public init(rows: Int, columns: Int, repeating value: Scalar = 0) {
        precondition(rows >= 0 && columns >= 0, "negative matrix size")
        self.rows = rows
        self.columns = columns
        self.storage = Array(repeating: value, count: rows * columns)
    }

    /// A matrix over existing row-major elements.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public init(rows: Int, columns: Int, storage: [Scalar]) {
        precondition(rows >= 0 && columns >= 0 && storage.count == rows * columns,
                     "storage count \(storage.count) does not match \(rows)×\(columns)")
        self.rows = rows
        self.columns = columns
        self.storage = storage
    }

    /// A matrix from nested rows (tests and small literals); all rows must have equal length.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public init(_ rowArrays: [[Scalar]]) {
        let columns = rowArrays.first?.count ?? 0
        precondition(rowArrays.allSatisfy { $0.count == columns }, "ragged rows")
        self.init(rows: rowArrays.count, columns: columns, storage: rowArrays.flatMap { $0 })
    }

    public subscript(row: Int, column: Int) -> Scalar {
        get { storage[row * columns + column] }
        set { storage[row * columns + column] = newValue }
    }

    /// The elements of one row.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func row(_ index: Int) -> ArraySlice<Scalar> {
        storage[(index * columns)..<((index + 1) * columns)]
    }

    /// The transpose (a copy).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func transposed() -> Matrix {
        var result = Matrix(rows: columns, columns: rows)
        storage.withUnsafeBufferPointer { source in
            result.storage.withUnsafeMutableBufferPointer { target in
                for r in 0..<rows {
                    for c in 0..<columns { target[c * rows + r] = source[r * columns + c] }
                }
            }
        }
        return result
    }

    /// The same values in another floating-point type.
    @_specialize(where Scalar == Float, Other == Double)
    @_specialize(where Scalar == Double, Other == Float)
    @_specialize(where Scalar == Float, Other == Float)
    @_specialize(where Scalar == Double, Other == Double)
    public func converted<Other: BinaryFloatingPoint & Sendable>(to: Other.Type = Other.self) -> Matrix<Other> {
        Matrix<Other>(rows: rows, columns: columns, storage: storage.map { Other($0) })
    }

    /// The position (row, column) of the first NaN or ±Inf, scanning in row-major order.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func firstNonFinite() -> (row: Int, column: Int)? {
        storage.withUnsafeBufferPointer { buffer in
            // Skip, 16 at a time, runs in which no value has an all-ones exponent (NaN or ±Inf),
            // then find the first such value exactly.
            var start = 0
            if Scalar.self == Float.self {
                start = finitePrefix(UnsafeRawBufferPointer(buffer), lane: UInt32.self, exponent: 0x7F80_0000)
            } else if Scalar.self == Double.self {
                start = finitePrefix(UnsafeRawBufferPointer(buffer), lane: UInt64.self, exponent: 0x7FF0_0000_0000_0000)
            }
            for index in start..<buffer.count where !buffer[index].isFinite {
                return (index / max(columns, 1), index % max(columns, 1))
            }
            return nil
        }
    }
}

/// How many leading float32 values (a multiple of 16) are certainly finite: the bit patterns are
/// tested 16 at a time for an exponent field of all ones (NaN or ±Inf). Written once per width:
/// the same code made generic over the lane type runs about 20× slower.
private func finitePrefix(_ bytes: UnsafeRawBufferPointer, lane: UInt32.Type, exponent: UInt32) -> Int {
    let count = bytes.count / 4
    guard let base = bytes.baseAddress else { return 0 }
    let mask = SIMD16<UInt32>(repeating: exponent)
    var index = 0
    while index + 16 <= count {
        let bits = base.loadUnaligned(fromByteOffset: index * 4, as: SIMD16<UInt32>.self)
        if any((bits & mask) .== mask) { break }
        index += 16
    }
    return index
}

/// `finitePrefix` for float64 values.
private func finitePrefix(_ bytes: UnsafeRawBufferPointer, lane: UInt64.Type, exponent: UInt64) -> Int {
    let count = bytes.count / 8
    guard let base = bytes.baseAddress else { return 0 }
    let mask = SIMD16<UInt64>(repeating: exponent)
    var index = 0
    while index + 16 <= count {
        let bits = base.loadUnaligned(fromByteOffset: index * 8, as: SIMD16<UInt64>.self)
        if any((bits & mask) .== mask) { break }
        index += 16
    }
    return index
}
