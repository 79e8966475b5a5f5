import MindSpaceCore

/// Gathers an n-dimensional array into row-major order with some of its axes permuted:
///
///     out[i₀, …, i_{r−1}] = source[Σₐ map_a(i_a) · stride_a],   map_a(i) = maps[a]?[i] ?? i,
///
/// so `out` along axis a at index i holds the source's index `maps[a][i]` (the convention of
/// `WeightMatching`: position i of the aligned model takes model unit π(i)). `strides` are the
/// source's element strides per axis (row-major: the products of the later dimensions; a Fortran
/// array's are the products of the earlier ones), so the same call turns column-major storage
/// into row-major.
///
/// The element type is anything copyable: `Float` for the arithmetic (`WeightMatching`),
/// fixed-width unsigned integers of the dtype's width for bit-exact copies of stored elements. Cost: one read and one
/// write per element; memory: the output.
public enum AxisPermutation {
    /// Row-major element strides of `shape`.
    public static func rowMajorStrides(_ shape: [Int]) -> [Int] {
        var strides = [Int](repeating: 1, count: shape.count)
        var step = 1
        for axis in shape.indices.reversed() {
            strides[axis] = step
            step *= shape[axis]
        }
        return strides
    }

    /// Column-major (Fortran) element strides of `shape`.
    public static func columnMajorStrides(_ shape: [Int]) -> [Int] {
        var strides = [Int](repeating: 1, count: shape.count)
        var step = 1
        for axis in shape.indices {
            strides[axis] = step
            step *= shape[axis]
        }
        return strides
    }

    /// The gathered row-major array (see the type's formula). `maps[a]`, when present, is a
    /// permutation of 0..<shape[a]; `maps.count == shape.count`.
    @_specialize(where Element == Float)
    @_specialize(where Element == Double)
    @_specialize(where Element == UInt8)
    @_specialize(where Element == UInt16)
    @_specialize(where Element == UInt32)
    @_specialize(where Element == UInt64)
    public static func gather<Element>(_ source: UnsafeBufferPointer<Element>, shape: [Int], strides: [Int],
                                       maps: [[Int]?]) -> [Element] {
        precondition(shape.count == strides.count && shape.count == maps.count)
        let total = shape.reduce(1, *)
        if total == 0 { return [] }
        let rank = shape.count
        if rank == 0 { return [source[0]] }
        let offsets: [[Int]] = shape.indices.map { axis in
            (0..<shape[axis]).map { index in
                let mapped = maps[axis]?[index] ?? index
                precondition(mapped >= 0 && mapped < shape[axis], "axis map out of range")
                return mapped * strides[axis]
            }
        }
        let inner = offsets[rank - 1]
        let innerCount = shape[rank - 1]
        let rows = total / innerCount
        // Output row r (one index of every axis but the last) starts at the source offset
        // Σ offsets[a][index_a]; rows are copied in parallel ranges, each writing only its own.
        return [Element](unsafeUninitializedCapacity: total) { buffer, count in
            guard let out = buffer.baseAddress, let from = source.baseAddress else { count = 0; return }
            inner.withUnsafeBufferPointer { inner in
                ParallelLoop.forEachRange(rows, ranges: rows >= 64 && total >= 1 << 16 ? 16 : 1) { _, range in
                    var counter = [Int](repeating: 0, count: rank - 1)
                    var rest = range.lowerBound
                    for axis in stride(from: rank - 2, through: 0, by: -1) {
                        counter[axis] = rest % shape[axis]
                        rest /= shape[axis]
                    }
                    for row in range {
                        var base = 0
                        for axis in 0..<(rank - 1) { base += offsets[axis][counter[axis]] }
                        let target = out + row * innerCount
                        for index in 0..<innerCount { (target + index).initialize(to: from[base + inner[index]]) }
                        var axis = rank - 2
                        while axis >= 0 {
                            counter[axis] += 1
                            if counter[axis] < shape[axis] { break }
                            counter[axis] = 0
                            axis -= 1
                        }
                    }
                }
            }
            count = total
        }
    }
}
