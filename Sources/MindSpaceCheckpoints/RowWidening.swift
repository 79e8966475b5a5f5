import MindSpaceCore
import MindSpaceIO

/// Converts raw stored elements to `Double` for the checkpoint stream: the SIMD kernel
/// (`GramKernels.widenFloat32`) for float32 and tight loops for bfloat16 and float16 in native
/// byte order, and `ElementDecoding` for everything else. Every conversion is exact for floating
/// point (float16/bfloat16/float32 widen exactly); integers convert as `ElementDecoding` says.
enum RowWidening {
    /// Writes `count` elements of `dtype`/`byteOrder` from `raw` as doubles into `target`.
    /// `raw` and `target` must not overlap.
    static func widen(_ raw: UnsafeRawPointer, count: Int, dtype: DType, byteOrder: ByteOrder,
                      into target: UnsafeMutablePointer<Double>) {
        guard count > 0 else { return }
        if byteOrder == .native {
            switch dtype {
            case .float64:
                target.update(from: raw.assumingMemoryBound(to: Double.self), count: count)
                return
            case .float32:
                GramKernels.widenFloat32(raw.assumingMemoryBound(to: Float.self), into: target, count: count)
                return
            case .bfloat16:
                let source = raw.assumingMemoryBound(to: UInt16.self)
                for i in 0..<count { target[i] = Double(Float(bitPattern: UInt32(source[i]) &<< 16)) }
                return
            case .float16:
                let source = raw.assumingMemoryBound(to: UInt16.self)
                for i in 0..<count { target[i] = Double(ElementDecoding.float(fromHalfBits: source[i])) }
                return
            default:
                break
            }
        }
        ElementDecoding.decode(UnsafeRawBufferPointer(start: raw, count: count * dtype.byteSize), dtype: dtype,
                               byteOrder: byteOrder, into: UnsafeMutableBufferPointer(start: target, count: count))
    }

    /// Widens like `widen`, then writes v − `reference` (when given) instead of v, and returns
    /// Σ v and Σ v² of the widened values (`GramKernels.differenceRow`; one pass for float32 in
    /// native order). For float16/bfloat16/float32 the difference is exact whenever the two
    /// values' exponents differ by less than 29 (both have at most 24 significant bits).
    static func widenDifference(_ raw: UnsafeRawPointer, count: Int, dtype: DType, byteOrder: ByteOrder,
                                into target: UnsafeMutablePointer<Double>,
                                minus reference: UnsafePointer<Double>?) -> (sum: Double, squares: Double) {
        guard count > 0 else { return (0, 0) }
        if dtype == .float32 && byteOrder == .native {
            return GramKernels.differenceRow(widening: raw.assumingMemoryBound(to: Float.self), values: target,
                                             minus: reference, count: count)
        }
        widen(raw, count: count, dtype: dtype, byteOrder: byteOrder, into: target)
        return GramKernels.differenceRow(widening: nil, values: target, minus: reference, count: count)
    }
}
