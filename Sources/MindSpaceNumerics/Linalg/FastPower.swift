import MindSpaceCore

/// xʸ for x > 0 by exp2(y·log2 x) with short polynomials, for hot loops that need many powers
/// to moderate accuracy (UMAP's layout gradient evaluates one per sample, hundreds of millions
/// per layout). At least as fast as glibc's `pow` (docs/design-notes.md) and, unlike it, the
/// same bits on every platform and C library.
///
/// **Method.** log2: x = m·2ᵉ with m in [√½, √2), split off branch-free from the bit pattern;
/// with s = (m − 1)/(m + 1), |s| ≤ 0.172, ln m = 2·(s + s³/3 + s⁵/5 + s⁷/7) (truncation error
/// < 3·10⁻⁸). exp2: t = n + f with n = t rounded to nearest (by adding and subtracting 1.5·2⁵²)
/// and |f| ≤ ½; 2ᶠ = e^{f·ln 2} by its Taylor polynomial of degree 7 (error < 6·10⁻⁹ relative),
/// scaled by 2ⁿ through the exponent bits. Polynomials are evaluated in Estrin's scheme, which
/// shortens the chain of dependent operations. Relative error of xʸ: about 3·10⁻⁸·(1 + |y|),
/// far below what an SGD step notices.
///
/// Only IEEE additions, multiplications and one division, in a fixed order (the Swift compiler
/// forms no fused multiply-adds), so results are identical on every platform. Edge cases:
/// x ≤ 0, subnormal, infinite or NaN x, and results outside the normal range fall back to the
/// C library's `pow`.
///
/// Public and `@inlinable` so that the layout loop in MindSpaceProjection inlines it.
public enum FastPower {
    @usableFromInline static let log2OfE = 1.4426950408889634
    @usableFromInline static let lnOf2 = 0.6931471805599453

    /// xʸ (see the type's documentation).
    @inlinable @inline(__always)
    public static func pow(_ x: Double, _ y: Double) -> Double {
        guard x >= Double.leastNormalMagnitude, x < Double.infinity else { return fallback(x, y) }
        let exponent = y * log2(x)
        guard exponent > -1020, exponent < 1020 else { return fallback(x, y) }
        return exp2(exponent)
    }

    /// log2 x for normal, finite x > 0 (see the type's documentation).
    @inlinable @inline(__always)
    static func log2(_ x: Double) -> Double {
        // Subtracting the bits of √½ makes the exponent field count from [√½, √2).
        let shifted = x.bitPattern &- 0x3FE6_A09E_667F_3BCD
        let exponent = Int64(bitPattern: shifted) >> 52
        let m = Double(bitPattern: x.bitPattern &- (UInt64(bitPattern: exponent) << 52))
        let s = (m - 1) / (m + 1)
        let s2 = s * s
        let series = s * ((2 + s2 * (2.0 / 3)) + (s2 * s2) * (2.0 / 5 + s2 * (2.0 / 7)))
        return Double(exponent) + series * log2OfE
    }

    /// 2ᵗ for |t| < 1020 (see the type's documentation).
    @inlinable @inline(__always)
    static func exp2(_ t: Double) -> Double {
        let shifter = 6_755_399_441_055_744.0  // 1.5·2⁵²: t + shifter rounds t to an integer
        let n = (t + shifter) - shifter
        let f = (t - n) * lnOf2
        let f2 = f * f, f4 = f2 * f2
        let p = ((1 + f) + f2 * (1.0 / 2 + f * (1.0 / 6)))
            + f4 * ((1.0 / 24 + f * (1.0 / 120)) + f2 * (1.0 / 720 + f * (1.0 / 5040)))
        return p * Double(bitPattern: UInt64(Int(n) + 1023) << 52)
    }

    @usableFromInline @inline(never)
    static func fallback(_ x: Double, _ y: Double) -> Double {
        libraryPower(x, y)
    }
}

#if canImport(Glibc)
import Glibc
private func libraryPower(_ x: Double, _ y: Double) -> Double { Glibc.pow(x, y) }
#else
import Foundation
private func libraryPower(_ x: Double, _ y: Double) -> Double { Foundation.pow(x, y) }
#endif
