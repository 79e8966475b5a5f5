import MindSpaceCore

/// Correctly rounded conversion of decimal text to `Double`, fast for the numbers that text
/// exports of embeddings contain, for the text readers.
///
/// Accepted text is what C's `strtod` accepts in the "C" locale, and nothing else: an optional
/// sign, then a decimal number with optional fraction and exponent (`-1.5e-3`, `.5`, `7.`), or
/// `nan`, `inf`, `infinity` in any case, or a hexadecimal float (`0x1p-3`). Leading white space,
/// which `strtod` would skip, is refused (it could run into the next cell).
///
/// Fast path (no library call): a decimal with at most 19 significant digits w (so w < 2⁶⁴) and
/// a decimal exponent q with |q| ≤ 27 (so 5^|q| < 2⁶⁴), the value being w·10^q:
/// - q ≥ 0: w·5^q is formed exactly as a 128-bit integer; the value is that times 2^q;
/// - q < 0: w·2^k / 5^|q| is formed by one 128-by-64-bit division, giving a ≥ 62-bit quotient
///   and a remainder that says whether anything was discarded;
/// and the integer (with that "sticky" remainder flag) is rounded once to 53 bits, ties to even.
/// Both are exact integer arithmetic followed by a single rounding, so the result equals the
/// correctly rounded one that `strtod` gives (glibc's is correctly rounded); a test checks the
/// two agree on random and edge-case strings. Anything else (more digits, larger exponents,
/// NaN, infinities, hex) is passed to `strtod`.
///
/// Cost on this project's 2-core machine: about 25 ns per number on the fast path, 100–150 ns
/// through `strtod`.
enum DecimalTextParsing {
    /// The value of the text `start ..< end`, or `nil` unless the whole range is one number.
    /// The byte at `end` must be readable and must not continue a number (a separator, line end
    /// or NUL).
    static func parseDouble(_ start: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>) -> Double? {
        guard start < end, let (value, stop) = parsePrefix(start), stop == end else { return nil }
        return value
    }

    /// The longest number at `start`, as `strtod` reads it, and the first byte after it; `nil`
    /// if no number starts exactly at `start`. The text must be terminated by a byte that
    /// cannot continue a number (the readers put a NUL after the file's bytes).
    @inline(__always)
    static func parsePrefix(_ start: UnsafePointer<UInt8>) -> (value: Double, end: UnsafePointer<UInt8>)? {
        if let result = fastPrefix(start) { return result }
        return libraryPrefix(start)
    }

    /// `strtod` at `start`; `nil` if it reads nothing or `start` is white space.
    private static func libraryPrefix(_ start: UnsafePointer<UInt8>) -> (value: Double, end: UnsafePointer<UInt8>)? {
        let first = start.pointee
        guard first != 0x20, !(0x09...0x0D).contains(first) else { return nil }
        return UnsafeRawPointer(start).withMemoryRebound(to: CChar.self, capacity: 1) { text in
            var stop: UnsafeMutablePointer<CChar>? = nil
            let value = strtod(text, &stop)
            guard let stop, UnsafeRawPointer(stop) != UnsafeRawPointer(start) else { return nil }
            return (value, UnsafeRawPointer(stop).assumingMemoryBound(to: UInt8.self))
        }
    }

    /// 5^n for 0 ≤ n ≤ 27 (5²⁷ < 2⁶³), as a switch so that it compiles to a constant table.
    @inline(__always)
    private static func powerOfFive(_ n: Int) -> UInt64 {
        switch n {
        case 0: return 1
        case 1: return 5
        case 2: return 25
        case 3: return 125
        case 4: return 625
        case 5: return 3125
        case 6: return 15625
        case 7: return 78125
        case 8: return 390625
        case 9: return 1953125
        case 10: return 9765625
        case 11: return 48828125
        case 12: return 244140625
        case 13: return 1220703125
        case 14: return 6103515625
        case 15: return 30517578125
        case 16: return 152587890625
        case 17: return 762939453125
        case 18: return 3814697265625
        case 19: return 19073486328125
        case 20: return 95367431640625
        case 21: return 476837158203125
        case 22: return 2384185791015625
        case 23: return 11920928955078125
        case 24: return 59604644775390625
        case 25: return 298023223876953125
        case 26: return 1490116119384765625
        default: return 7450580596923828125
        }
    }

    /// The decimal fast path described on the type; `nil` means "ask strtod" (not necessarily
    /// invalid). It claims a result only when the byte after the number is not a letter or a
    /// point, so that `strtod` could not read further (as it would in `0x1p3`).
    @inline(__always)
    private static func fastPrefix(_ start: UnsafePointer<UInt8>) -> (value: Double, end: UnsafePointer<UInt8>)? {
        var p = start
        var negative = false
        if p.pointee == UInt8(ascii: "-") || p.pointee == UInt8(ascii: "+") {
            negative = p.pointee == UInt8(ascii: "-")
            p += 1
        }
        // Digits: leading zeros skipped, then up to 19 significant digits accumulated (more
        // wrap the mantissa, and are then left to strtod). The terminator is not a digit, so
        // these loops stop.
        var mantissa: UInt64 = 0
        var anyDigit = false
        while p.pointee == UInt8(ascii: "0") { p += 1; anyDigit = true }
        let integerStart = p
        while p.pointee &- 0x30 < 10 {
            mantissa = mantissa &* 10 &+ UInt64(p.pointee &- 0x30)
            p += 1
        }
        var significantDigits = p - integerStart
        var decimalExponent = 0
        if p.pointee == UInt8(ascii: ".") {
            p += 1
            let fractionStart = p
            if significantDigits == 0 {
                while p.pointee == UInt8(ascii: "0") { p += 1 }
            }
            let significantStart = p
            while p.pointee &- 0x30 < 10 {
                mantissa = mantissa &* 10 &+ UInt64(p.pointee &- 0x30)
                p += 1
            }
            significantDigits += p - significantStart
            decimalExponent = fractionStart - p
            anyDigit = anyDigit || p > fractionStart
        }
        anyDigit = anyDigit || significantDigits > 0
        guard anyDigit, significantDigits <= 19 else { return nil }
        // Exponent.
        if p.pointee | 0x20 == UInt8(ascii: "e") {
            p += 1
            var exponentNegative = false
            if p.pointee == UInt8(ascii: "-") || p.pointee == UInt8(ascii: "+") {
                exponentNegative = p.pointee == UInt8(ascii: "-")
                p += 1
            }
            var exponent = 0
            var exponentDigits = 0
            while p.pointee &- 0x30 < 10 {
                exponent = exponent &* 10 &+ Int(p.pointee &- 0x30)
                exponentDigits += 1
                p += 1
            }
            guard exponentDigits > 0, exponentDigits <= 6 else { return nil }
            decimalExponent += exponentNegative ? -exponent : exponent
        }
        let next = p.pointee | 0x20
        guard next != UInt8(ascii: ".") | 0x20, !(UInt8(ascii: "a")...UInt8(ascii: "z")).contains(next) else {
            return nil
        }
        if mantissa == 0 { return (negative ? -0.0 : 0.0, p) }
        guard decimalExponent >= -27, decimalExponent <= 27 else { return nil }

        let bits: UInt64
        if decimalExponent >= 0 {
            let (high, low) = mantissa.multipliedFullWidth(by: powerOfFive(decimalExponent))
            bits = roundToDoubleBits(high: high, low: low, sticky: false, binaryExponent: decimalExponent)
        } else {
            let divisor = powerOfFive(-decimalExponent)
            let divisorShift = divisor.leadingZeroBitCount
            let normalizedDivisor = divisor << UInt64(divisorShift)
            let mantissaShift = mantissa.leadingZeroBitCount
            let normalizedMantissa = mantissa << UInt64(mantissaShift)
            // Numerator = mantissa · 2^(mantissaShift + 63) as (high, low); high < 2⁶³ ≤ divisor.
            let numerator = (high: normalizedMantissa >> 1, low: normalizedMantissa << 63)
            let (quotient, remainder) = normalizedDivisor.dividingFullWidth(numerator)
            // mantissa / 5^|q| = (quotient + fraction) · 2^(divisorShift − mantissaShift − 63).
            bits = roundToDoubleBits(high: 0, low: quotient, sticky: remainder != 0,
                                     binaryExponent: divisorShift - mantissaShift - 63 + decimalExponent)
        }
        return (Double(bitPattern: negative ? bits | (1 << 63) : bits), p)
    }

    /// The bits of the double nearest to (high·2⁶⁴ + low + ε)·2^binaryExponent, ties to even,
    /// where ε is in (0, 1) if `sticky` and 0 otherwise; the integer is not zero. The fast path
    /// only produces values between 10⁻²⁷ and 10⁴⁷, all normal doubles, so the exponent field
    /// never under- or overflows.
    @inline(__always)
    private static func roundToDoubleBits(high: UInt64, low: UInt64, sticky: Bool, binaryExponent: Int) -> UInt64 {
        var value = low
        var exponent = binaryExponent
        var lost = sticky
        if high != 0 {
            // Keep the top 64 bits; fold the rest into the sticky flag.
            let shift = 64 - high.leadingZeroBitCount
            value = (high << UInt64(64 - shift)) | (low >> UInt64(shift))
            lost = lost || (low << UInt64(64 - shift)) != 0
            exponent += shift
        }
        // Bring the integer to 53 bits: value ≈ significand · 2^exponent, 2⁵² ≤ significand ≤ 2⁵³.
        let bitLength = 64 - value.leadingZeroBitCount
        var significand: UInt64
        if bitLength <= 53 {
            // Exact (the division path always has ≥ 62 bits, so nothing was lost here).
            let shift = 53 - bitLength
            significand = value << UInt64(shift)
            exponent -= shift
        } else {
            let drop = UInt64(bitLength - 53)
            significand = value >> drop
            let rest = value & ((1 << drop) - 1)
            let half: UInt64 = 1 << (drop - 1)
            if rest > half || (rest == half && (lost || significand & 1 == 1)) {
                significand += 1
            }
            exponent += Int(drop)
            if significand == 1 << 53 {
                significand = 1 << 52
                exponent += 1
            }
        }
        // significand · 2^exponent = 1.f · 2^(exponent + 52); IEEE bias 1023.
        let biased = UInt64(exponent + 52 + 1023)
        return biased << 52 | (significand & ((1 << 52) - 1))
    }
}
