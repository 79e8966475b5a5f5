/// Colour palettes: colour-blind-safe categorical colours for groups and the viridis map for
/// continuous values.
public enum Palette {
    /// Okabe & Ito (2008), "Color Universal Design": eight colours distinguishable under the
    /// common colour-vision deficiencies. Ordered for a white background: the strong blue and
    /// vermillion first, yellow (weak on white) and black (the text colour) last.
    public static let okabeIto: [SRGBColor] = [
        0x0072B2, 0xD55E00, 0x009E73, 0xE69F00, 0x56B4E9, 0xCC79A7, 0xF0E442, 0x000000,
    ].map { SRGBColor(hex: $0) }

    /// Tableau 10 (Maureen Stone, 2016 revision), used for 9–10 groups.
    public static let tableau10: [SRGBColor] = [
        0x4E79A7, 0xF28E2B, 0xE15759, 0x76B7B2, 0x59A14F, 0xEDC948, 0xB07AA1, 0xFF9DA7, 0x9C755F, 0xBAB0AC,
    ].map { SRGBColor(hex: $0) }

    /// Twenty colours for more than ten groups: Tableau 10 followed by lighter companions of
    /// each (as in Tableau 20), so the first ten stay the most distinct; cycled beyond twenty.
    public static let extended: [SRGBColor] = tableau10 + [
        0xA0CBE8, 0xFFBE7D, 0xFF9D9A, 0x86BCB6, 0x8CD17D, 0xF1CE63, 0xD4A6C8, 0xFABFD2, 0xD7B5A6, 0x79706E,
    ].map { SRGBColor(hex: $0) }

    /// Grey for the merged "other" legend entry and its points.
    public static let other = SRGBColor(hex: 0x9A9A9A)

    /// The colour of "humans" in a two-group humans/AIs comparison (Okabe–Ito blue).
    public static let humans = SRGBColor(hex: 0x0072B2)
    /// The colour of "AIs" in a two-group humans/AIs comparison (Okabe–Ito vermillion, the
    /// colour-blind-safe red).
    public static let ais = SRGBColor(hex: 0xD55E00)

    /// Colours for `count` groups: Okabe–Ito up to 8, Tableau 10 for 9–10, `extended` (cycled)
    /// beyond.
    public static func categorical(count: Int) -> [SRGBColor] {
        guard count > 0 else { return [] }
        let source = count <= okabeIto.count ? okabeIto : count <= tableau10.count ? tableau10 : extended
        return (0..<count).map { source[$0 % source.count] }
    }

    /// Colours for named groups, in order. Exactly two groups named "humans" and "AIs" (any
    /// case, singular or plural) get blue and red whatever their order; otherwise as
    /// `categorical(count:)`.
    public static func categorical(names: [String]) -> [SRGBColor] {
        if names.count == 2 {
            let kinds = names.map(humanOrAI)
            if Set(kinds.compactMap { $0 }) == [true, false] {
                return kinds.map { $0 == true ? humans : ais }
            }
        }
        return categorical(count: names.count)
    }

    /// `true` for "human(s)", `false` for "AI(s)", `nil` otherwise.
    private static func humanOrAI(_ name: String) -> Bool? {
        switch name.trimmingCharacters(in: .whitespaces).lowercased() {
        case "human", "humans": return true
        case "ai", "ais": return false
        default: return nil
        }
    }

    /// The 256-entry viridis map (van der Walt, Smith & Firing 2015; perceptually uniform,
    /// readable in grey and by colour-blind viewers), dark purple at 0 to yellow at 1.
    public static let viridis: [SRGBColor] = {
        var colors: [SRGBColor] = []
        for line in viridisTable.split(separator: "\n") {
            let parts = line.split(separator: " ").compactMap { Double($0) }
            guard parts.count == 3 else { continue }
            let bytes = parts.map { UInt8(min(max(($0 * 255).rounded(), 0), 255)) }
            colors.append(SRGBColor(red: bytes[0], green: bytes[1], blue: bytes[2]))
        }
        precondition(colors.count == 256, "viridis table is incomplete")
        return colors
    }()

    /// The viridis colour at `t` ∈ [0, 1] (clamped; NaN → 0), nearest of the 256 entries.
    public static func viridis(at t: Double) -> SRGBColor {
        let clamped = t >= 0 ? min(t, 1) : 0
        return viridis[Int((clamped * 255).rounded())]
    }
}

import Foundation
