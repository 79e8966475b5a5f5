/// The K-quants: 256-value super-blocks with per-sub-block scales (ggml-quants.c,
/// `dequantize_row_q2_K` … `dequantize_row_q6_K`; layouts from ggml-common.h). Each function
/// follows ggml's loop order and rounding: one `Float` rounding per multiplication and per
/// subtraction, in the order written.
extension GGUFQuantization {
    /// Q2_K (84 bytes): `scales[16]` (low nibble scale, high nibble min), `qs[64]` (2-bit
    /// values), `d`, `dmin`. Value `128n + 32j + l` (and `+16`) is bits `2j` of `qs[32n + l]`
    /// (`qs[32n + l + 16]`); `y = (d·sc)·q − dmin·m`.
    static func blockQ2_K(_ b: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>) {
        let d = half(b, 80), min = half(b, 82)
        var out = 0, scale = 0
        for n in stride(from: 0, to: 256, by: 128) {
            let q = 16 + n / 4
            for j in 0..<4 {
                let shift = UInt8(2 * j)
                for half in 0..<2 {
                    let sc = byte(b, scale)
                    scale += 1
                    let dl = d * Float(sc & 0x0F), ml = min * Float(sc >> 4)
                    for l in 0..<16 {
                        y[out] = dl * Float((byte(b, q + l + 16 * half) >> shift) & 3) - ml
                        out += 1
                    }
                }
            }
        }
    }

    /// Q3_K (110 bytes): `hmask[32]`, `qs[64]` (low 2 bits), `scales[12]` (sixteen 6-bit scales:
    /// scale k has low bits `scales[k mod 8] >> (4·(k div 8))` and high bits
    /// `scales[8 + k mod 4] >> (2·(k div 4))`, minus 32), `d`. Value `e` takes bit `e div 32` of
    /// `hmask[e mod 32]`; a clear bit subtracts 4. `y = (d·(s − 32))·q`.
    static func blockQ3_K(_ b: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>) {
        let d = half(b, 108)
        func scale(_ k: Int) -> Int32 {
            let low = (byte(b, 96 + k % 8) >> UInt8(4 * (k / 8))) & 0x0F
            let high = (byte(b, 104 + k % 4) >> UInt8(2 * (k / 4))) & 0x03
            return Int32(low | high << 4) - 32
        }
        var out = 0, next = 0
        var mask: UInt8 = 1
        for n in stride(from: 0, to: 256, by: 128) {
            let q = 32 + n / 4
            for j in 0..<4 {
                let shift = UInt8(2 * j)
                for half in 0..<2 {
                    let dl = d * Float(scale(next))
                    next += 1
                    for l in 0..<16 {
                        let index = l + 16 * half
                        let low = Int32((byte(b, q + index) >> shift) & 3)
                        let value = low - (byte(b, index) & mask != 0 ? 0 : 4)
                        y[out] = dl * Float(value)
                        out += 1
                    }
                }
                mask <<= 1
            }
        }
    }

    /// The 6-bit scale and min of sub-block `j` of a Q4_K/Q5_K block's 12 packed bytes at
    /// `offset` (`get_scale_min_k4`).
    @inline(__always)
    static func scaleMinK4(_ j: Int, _ b: UnsafeRawPointer, _ offset: Int) -> (scale: UInt8, min: UInt8) {
        let q = { (i: Int) in byte(b, offset + i) }
        if j < 4 { return (q(j) & 63, q(j + 4) & 63) }
        return ((q(j + 4) & 0x0F) | ((q(j - 4) >> 6) << 4), (q(j + 4) >> 4) | ((q(j) >> 6) << 4))
    }

    /// Q4_K (144 bytes): `d`, `dmin`, `scales[12]` (eight 6-bit scale/min pairs), `qs[128]`.
    /// Values `64i … 64i + 31` are the low nibbles of `qs[32i …]` with pair `2i`, the next 32 the
    /// high nibbles with pair `2i + 1`; `y = (d·sc)·q − dmin·m`.
    static func blockQ4_K(_ b: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>) {
        let d = half(b, 0), min = half(b, 2)
        var out = 0
        for i in 0..<4 {
            let (sc1, m1) = scaleMinK4(2 * i, b, 4)
            let (sc2, m2) = scaleMinK4(2 * i + 1, b, 4)
            let d1 = d * Float(sc1), min1 = min * Float(m1)
            let d2 = d * Float(sc2), min2 = min * Float(m2)
            let q = 16 + 32 * i
            for l in 0..<32 { y[out + l] = d1 * Float(byte(b, q + l) & 0x0F) - min1 }
            for l in 0..<32 { y[out + 32 + l] = d2 * Float(byte(b, q + l) >> 4) - min2 }
            out += 64
        }
    }

    /// Q5_K (176 bytes): as Q4_K with `qh[32]` before `qs[128]`: bit `2i` (`2i + 1`) of `qh[l]`
    /// adds 16 to the low (high) nibble value of `qs[32i + l]`.
    static func blockQ5_K(_ b: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>) {
        let d = half(b, 0), min = half(b, 2)
        var out = 0
        for i in 0..<4 {
            let (sc1, m1) = scaleMinK4(2 * i, b, 4)
            let (sc2, m2) = scaleMinK4(2 * i + 1, b, 4)
            let d1 = d * Float(sc1), min1 = min * Float(m1)
            let d2 = d * Float(sc2), min2 = min * Float(m2)
            let u1 = UInt8(1) << UInt8(2 * i), u2 = UInt8(2) << UInt8(2 * i)
            let q = 48 + 32 * i
            for l in 0..<32 {
                let high: UInt8 = byte(b, 16 + l) & u1 != 0 ? 16 : 0
                y[out + l] = d1 * Float((byte(b, q + l) & 0x0F) + high) - min1
            }
            for l in 0..<32 {
                let high: UInt8 = byte(b, 16 + l) & u2 != 0 ? 16 : 0
                y[out + 32 + l] = d2 * Float((byte(b, q + l) >> 4) + high) - min2
            }
            out += 64
        }
    }

    /// Q6_K (210 bytes): `ql[128]` (low 4 bits), `qh[64]` (high 2 bits), sixteen signed 8-bit
    /// `scales`, `d`. Per half (128 values, `ql` += 64, `qh` += 32, scales += 8), value
    /// `l + 32k` combines a nibble of `ql` with bits `2k` of `qh[l]`, minus 32;
    /// `y = (d·sc)·q`.
    static func blockQ6_K(_ b: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>) {
        let d = half(b, 208)
        for n in 0..<2 {
            let ql = 64 * n, qh = 128 + 32 * n, sc = 192 + 8 * n
            let target = y + 128 * n
            for l in 0..<32 {
                let scale = l / 16
                let h = byte(b, qh + l)
                let q1 = Int32((byte(b, ql + l) & 0x0F) | ((h >> 0) & 3) << 4) - 32
                let q2 = Int32((byte(b, ql + l + 32) & 0x0F) | ((h >> 2) & 3) << 4) - 32
                let q3 = Int32((byte(b, ql + l) >> 4) | ((h >> 4) & 3) << 4) - 32
                let q4 = Int32((byte(b, ql + l + 32) >> 4) | ((h >> 6) & 3) << 4) - 32
                let s = { (k: Int) in Float(Int8(bitPattern: byte(b, sc + scale + k))) }
                target[l] = d * s(0) * Float(q1)
                target[l + 32] = d * s(2) * Float(q2)
                target[l + 64] = d * s(4) * Float(q3)
                target[l + 96] = d * s(6) * Float(q4)
            }
        }
    }
}
