import MindSpaceCore

/// Conversion of raw stored elements (any `DType`, either byte order) to `Float` or `Double`.
///
/// Every conversion is exact where the target can hold the value: float16 and bfloat16 widen
/// exactly to `Float` (and so to `Double`); integers up to 2²⁴ (`Float`) or 2⁵³ (`Double`) are
/// exact, larger ones round to nearest. `bool` is 0 or 1.
public enum ElementDecoding {
    /// The `Float` whose value equals the IEEE 754 binary16 number with bit pattern `bits`
    /// (subnormals, infinities and NaN payload class preserved).
    @inline(__always)
    public static func float(fromHalfBits bits: UInt16) -> Float {
        let sign = UInt32(bits & 0x8000) << 16
        let exponent = Int((bits >> 10) & 0x1F)
        let mantissa = UInt32(bits & 0x3FF)
        if exponent == 0 {
            // Zero or subnormal: mantissa · 2⁻²⁴, exact in Float.
            let magnitude = Float(mantissa) * 0x1p-24
            return sign == 0 ? magnitude : -magnitude
        }
        if exponent == 0x1F {
            return Float(bitPattern: sign | 0x7F80_0000 | (mantissa << 13))
        }
        return Float(bitPattern: sign | (UInt32(exponent + 112) << 23) | (mantissa << 13))
    }

    /// The `Float` for bfloat16 bits (the upper half of a binary32 pattern): exact.
    @inline(__always)
    public static func float(fromBFloat16Bits bits: UInt16) -> Float {
        Float(bitPattern: UInt32(bits) << 16)
    }

    /// Decodes `target.count` elements of `dtype` from `raw` (which holds at least
    /// `target.count * dtype.byteSize` bytes) into `target`.
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    public static func decode<T: BinaryFloatingPoint>(
        _ raw: UnsafeRawBufferPointer, dtype: DType, byteOrder: ByteOrder,
        into target: UnsafeMutableBufferPointer<T>
    ) {
        let count = target.count
        precondition(raw.count >= count * dtype.byteSize, "raw buffer too small")
        let swap = byteOrder != .native
        switch dtype {
        case .float64:
            if T.self == Double.self && !swap {
                UnsafeMutableRawBufferPointer(target).copyMemory(
                    from: UnsafeRawBufferPointer(rebasing: raw[0..<(count * 8)]))
                return
            }
            for i in 0..<count {
                let bits = load(UInt64.self, raw, i, swap)
                target[i] = T(Double(bitPattern: bits))
            }
        case .float32:
            if T.self == Float.self && !swap {
                UnsafeMutableRawBufferPointer(target).copyMemory(
                    from: UnsafeRawBufferPointer(rebasing: raw[0..<(count * 4)]))
                return
            }
            for i in 0..<count { target[i] = T(Float(bitPattern: load(UInt32.self, raw, i, swap))) }
        case .float16:
            for i in 0..<count { target[i] = T(float(fromHalfBits: load(UInt16.self, raw, i, swap))) }
        case .bfloat16:
            for i in 0..<count { target[i] = T(float(fromBFloat16Bits: load(UInt16.self, raw, i, swap))) }
        case .int8:
            for i in 0..<count { target[i] = T(Int8(bitPattern: raw[i])) }
        case .uint8:
            for i in 0..<count { target[i] = T(raw[i]) }
        case .bool:
            for i in 0..<count { target[i] = raw[i] == 0 ? 0 : 1 }
        case .int16:
            for i in 0..<count { target[i] = T(Int16(bitPattern: load(UInt16.self, raw, i, swap))) }
        case .uint16:
            for i in 0..<count { target[i] = T(load(UInt16.self, raw, i, swap)) }
        case .int32:
            for i in 0..<count { target[i] = T(Int32(bitPattern: load(UInt32.self, raw, i, swap))) }
        case .uint32:
            for i in 0..<count { target[i] = T(load(UInt32.self, raw, i, swap)) }
        case .int64:
            for i in 0..<count { target[i] = T(Int64(bitPattern: load(UInt64.self, raw, i, swap))) }
        case .uint64:
            for i in 0..<count { target[i] = T(load(UInt64.self, raw, i, swap)) }
        }
    }

    @inline(__always)
    private static func load<I: FixedWidthInteger>(_ type: I.Type, _ raw: UnsafeRawBufferPointer,
                                                   _ index: Int, _ swap: Bool) -> I {
        let value = raw.loadUnaligned(fromByteOffset: index * MemoryLayout<I>.size, as: I.self)
        return swap ? value.byteSwapped : value
    }
}
