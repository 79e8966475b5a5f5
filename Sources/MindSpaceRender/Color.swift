import MindSpaceCore

/// An 8-bit sRGB colour as written in palettes and hex codes (`#0072B2`); opaque.
///
/// Palettes are defined in sRGB because that is how they are published; the canvas works in
/// linear light, so a colour is converted with `linear` before it is drawn.
public struct SRGBColor: Sendable, Equatable, Hashable, CustomStringConvertible {
    public var red: UInt8
    public var green: UInt8
    public var blue: UInt8

    public init(red: UInt8, green: UInt8, blue: UInt8) {
        self.red = red
        self.green = green
        self.blue = blue
    }

    /// A colour from a 24-bit hex value: `SRGBColor(hex: 0x0072B2)`.
    public init(hex: UInt32) {
        self.init(red: UInt8((hex >> 16) & 0xFF), green: UInt8((hex >> 8) & 0xFF), blue: UInt8(hex & 0xFF))
    }

    /// `#RRGGBB`.
    public var description: String {
        let digits = Array("0123456789ABCDEF")
        var text = "#"
        for byte in [red, green, blue] {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0xF)])
        }
        return text
    }

    /// The colour in linear light with the given opacity (premultiplied).
    public func linear(opacity: Float = 1) -> LinearColor {
        LinearColor(red: SRGBTransfer.decodeTable[Int(red)],
                    green: SRGBTransfer.decodeTable[Int(green)],
                    blue: SRGBTransfer.decodeTable[Int(blue)],
                    opacity: opacity)
    }

    public static let white = SRGBColor(hex: 0xFFFFFF)
    public static let black = SRGBColor(hex: 0x000000)
}

/// A colour in linear light with premultiplied alpha: the components are already multiplied by
/// `alpha`, so source-over compositing is `result = source + destination·(1 − source.alpha)`
/// (Porter & Duff 1984). Components lie in [0, 1].
public struct LinearColor: Sendable, Equatable {
    /// (red·α, green·α, blue·α, α).
    public var premultiplied: SIMD4<Float>

    /// A colour from straight (not premultiplied) linear components and an opacity in [0, 1].
    public init(red: Float, green: Float, blue: Float, opacity: Float = 1) {
        let alpha = min(max(opacity, 0), 1)
        premultiplied = SIMD4(red * alpha, green * alpha, blue * alpha, alpha)
    }

    /// A colour from components that are already premultiplied.
    public init(premultiplied: SIMD4<Float>) {
        self.premultiplied = premultiplied
    }

    public var alpha: Float { premultiplied.w }

    /// The same colour with its opacity multiplied by `factor` (clamped to [0, 1]).
    public func scaledOpacity(_ factor: Float) -> LinearColor {
        LinearColor(premultiplied: premultiplied * min(max(factor, 0), 1))
    }

    /// The straight (un-premultiplied) linear red, green and blue; black when fully transparent.
    public var straightRGB: SIMD3<Float> {
        let a = premultiplied.w
        guard a > 0 else { return .zero }
        return SIMD3(premultiplied.x, premultiplied.y, premultiplied.z) / a
    }

    /// The colour back in 8-bit sRGB (alpha ignored).
    public var srgb: SRGBColor {
        let rgb = straightRGB
        return SRGBColor(red: SRGBTransfer.encodeByte(rgb.x),
                         green: SRGBTransfer.encodeByte(rgb.y),
                         blue: SRGBTransfer.encodeByte(rgb.z))
    }

    public static let transparent = LinearColor(premultiplied: .zero)
}

/// The sRGB transfer function (IEC 61966-2-1): the piecewise curve with a linear toe below
/// 0.04045 (encoded) / 0.0031308 (linear) and a 2.4 power above. All compositing happens in
/// linear light; conversion to 8-bit sRGB happens once, when a canvas is encoded.
public enum SRGBTransfer {
    /// Encoded sRGB value in [0, 1] → linear light in [0, 1].
    public static func toLinear(_ encoded: Double) -> Double {
        encoded <= 0.04045 ? encoded / 12.92 : pow((encoded + 0.055) / 1.055, 2.4)
    }

    /// Linear light in [0, 1] → encoded sRGB value in [0, 1] (inputs are clamped).
    public static func toEncoded(_ linear: Double) -> Double {
        let x = min(max(linear, 0), 1)
        return x <= 0.0031308 ? 12.92 * x : 1.055 * pow(x, 1 / 2.4) - 0.055
    }

    /// Linear value of each 8-bit sRGB code (256 entries).
    public static let decodeTable: [Float] = (0..<256).map { Float(toLinear(Double($0) / 255)) }

    /// Number of entries in `encodeTable`: the linear range [0, 1] is sampled in steps of
    /// 1/65535, fine enough that even in the steep toe (slope 12.92) one step moves the encoded
    /// value by 0.05 of an 8-bit code, so the table agrees with exact rounding except at a
    /// vanishing fraction of bin edges.
    public static let encodeTableSize = 65536

    /// 8-bit sRGB code for each linear value `i / 65535` (rounded to nearest).
    public static let encodeTable: [UInt8] = (0..<encodeTableSize).map {
        UInt8((toEncoded(Double($0) / Double(encodeTableSize - 1)) * 255).rounded())
    }

    /// Linear value in [0, 1] → 8-bit sRGB code through `encodeTable` (clamps; NaN → 0).
    @inline(__always)
    public static func encodeByte(_ linear: Float) -> UInt8 {
        let scaled = linear * Float(encodeTableSize - 1) + 0.5
        // Clamp before converting (Int(∞) traps); `scaled >= 0` is false for NaN.
        let clamped = scaled >= 0 ? min(scaled, Float(encodeTableSize - 1)) : 0
        return encodeTable[Int(clamped)]
    }
}

