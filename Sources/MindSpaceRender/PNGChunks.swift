import MindSpaceCore

/// A `tEXt`/`iTXt` entry of a PNG file: a keyword (1–79 Latin-1 characters) and its text.
public struct PNGTextEntry: Sendable, Equatable, Hashable {
    public var keyword: String
    public var text: String

    public init(keyword: String, text: String) {
        self.keyword = keyword
        self.text = text
    }
}

/// Physical pixel density from a PNG `pHYs` chunk.
public struct PNGPixelDensity: Sendable, Equatable {
    public var pixelsPerUnitX: UInt32
    public var pixelsPerUnitY: UInt32
    /// `true` when the unit is the metre; otherwise only the aspect ratio is known.
    public var unitIsMetre: Bool

    public init(pixelsPerUnitX: UInt32, pixelsPerUnitY: UInt32, unitIsMetre: Bool) {
        self.pixelsPerUnitX = pixelsPerUnitX
        self.pixelsPerUnitY = pixelsPerUnitY
        self.unitIsMetre = unitIsMetre
    }

    /// The density of `dotsPerInch` in both directions, stored (as PNG requires) in whole pixels
    /// per metre: `round(dpi / 0.0254)`, e.g. 200 dpi → 7874 px/m.
    public init(dotsPerInch: Double) {
        let perMetre = UInt32(min(max((dotsPerInch / 0.0254).rounded(), 1), Double(Int32.max)))
        self.init(pixelsPerUnitX: perMetre, pixelsPerUnitY: perMetre, unitIsMetre: true)
    }

    /// Horizontal dots per inch, when the unit is the metre.
    public var dotsPerInchX: Double? { unitIsMetre ? Double(pixelsPerUnitX) * 0.0254 : nil }
}

/// The chunk layer of the PNG format (ISO/IEC 15948, W3C PNG 2nd edition §5): length, type,
/// data, CRC-32. Pure Swift; pixel compression is left to libpng in `PNGCodec`.
enum PNGChunks {
    /// The 8-byte PNG signature.
    static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// CRC-32 (ISO 3309 / ITU-T V.42, reflected polynomial 0xEDB88320) as PNG uses it.
    static let crcTable: [UInt32] = (0..<256).map { n -> UInt32 in
        var c = UInt32(n)
        for _ in 0..<8 { c = (c & 1) != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    /// CRC-32 over the chunk type and data. O(bytes).
    static func crc32<C: Collection>(_ bytes: C) -> UInt32 where C.Element == UInt8 {
        var c: UInt32 = 0xFFFF_FFFF
        for byte in bytes { c = crcTable[Int((c ^ UInt32(byte)) & 0xFF)] ^ (c >> 8) }
        return c ^ 0xFFFF_FFFF
    }

    static func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)]
    }

    static func readBigEndian(_ bytes: [UInt8], at offset: Int) -> UInt32 {
        UInt32(bytes[offset]) << 24 | UInt32(bytes[offset + 1]) << 16 | UInt32(bytes[offset + 2]) << 8 | UInt32(bytes[offset + 3])
    }

    /// One complete chunk: length, type, data, CRC.
    static func chunk(type: String, data: [UInt8]) -> [UInt8] {
        let typeBytes = Array(type.utf8)
        precondition(typeBytes.count == 4, "chunk type must be 4 ASCII letters")
        return bigEndian(UInt32(data.count)) + typeBytes + data + bigEndian(crc32(typeBytes + data))
    }

    /// The `pHYs` chunk for `density`.
    static func physicalDimensionsChunk(_ density: PNGPixelDensity) -> [UInt8] {
        chunk(type: "pHYs", data: bigEndian(density.pixelsPerUnitX) + bigEndian(density.pixelsPerUnitY)
                + [density.unitIsMetre ? 1 : 0])
    }

    /// A PNG keyword made valid: Latin-1 printable characters only (others become `_`),
    /// no leading, trailing or doubled spaces, 1–79 bytes (`_` when nothing is left).
    static func sanitizedKeyword(_ keyword: String) -> [UInt8] {
        var bytes: [UInt8] = []
        for scalar in keyword.unicodeScalars {
            let v = scalar.value
            let printable = (32...126).contains(v) || (161...255).contains(v)
            let byte = printable ? UInt8(v) : UInt8(ascii: "_")
            if byte == 32 && (bytes.isEmpty || bytes.last == 32) { continue }
            bytes.append(byte)
        }
        while bytes.last == 32 { bytes.removeLast() }
        if bytes.count > 79 { bytes = Array(bytes.prefix(79)) }
        while bytes.last == 32 { bytes.removeLast() }
        return bytes.isEmpty ? [UInt8(ascii: "_")] : bytes
    }

    /// A `tEXt` chunk when the text is Latin-1, otherwise an uncompressed `iTXt` chunk carrying
    /// UTF-8. NUL characters (not allowed in either) are dropped.
    static func textChunk(_ entry: PNGTextEntry) -> [UInt8] {
        let keyword = sanitizedKeyword(entry.keyword)
        let scalars = entry.text.unicodeScalars.filter { $0.value != 0 }
        if scalars.allSatisfy({ $0.value <= 255 }) {
            return chunk(type: "tEXt", data: keyword + [0] + scalars.map { UInt8($0.value) })
        }
        var utf8: [UInt8] = []
        for scalar in scalars { utf8.append(contentsOf: Array(String(scalar).utf8)) }
        // keyword, NUL, compression flag 0, method 0, empty language tag, NUL, empty translated keyword, NUL.
        return chunk(type: "iTXt", data: keyword + [0, 0, 0, 0, 0] + utf8)
    }

    /// What `read` finds besides the pixels.
    struct Metadata {
        var text: [PNGTextEntry] = []
        var density: PNGPixelDensity?
    }

    /// Walks every chunk of a PNG stream, checking structure and CRCs, and returns its `tEXt`,
    /// uncompressed `iTXt` and `pHYs` contents (compressed text is skipped). Throws a
    /// malformed-data error naming `file` and the byte offset of the problem.
    static func readMetadata(_ bytes: [UInt8], file: String?) throws -> Metadata {
        guard bytes.count >= 8, Array(bytes[0..<8]) == signature else {
            throw MindSpaceError.malformed(file, offset: 0, "not a PNG file (bad signature)")
        }
        var metadata = Metadata()
        var offset = 8
        var sawEnd = false
        while offset < bytes.count {
            guard offset + 12 <= bytes.count else {
                throw MindSpaceError.malformed(file, offset: offset, "truncated PNG chunk header")
            }
            let length = Int(readBigEndian(bytes, at: offset))
            guard length <= Int(Int32.max), offset + 12 + length <= bytes.count else {
                throw MindSpaceError.malformed(file, offset: offset, "PNG chunk length \(length) runs past the end of the file")
            }
            let typeBytes = Array(bytes[(offset + 4)..<(offset + 8)])
            let data = Array(bytes[(offset + 8)..<(offset + 8 + length)])
            let storedCRC = readBigEndian(bytes, at: offset + 8 + length)
            guard crc32(typeBytes + data) == storedCRC else {
                throw MindSpaceError.malformed(file, offset: offset, "PNG chunk CRC mismatch")
            }
            let type = String(decoding: typeBytes, as: UTF8.self)
            switch type {
            case "tEXt":
                if let nul = data.firstIndex(of: 0) {
                    metadata.text.append(PNGTextEntry(keyword: latin1(data[..<nul]), text: latin1(data[(nul + 1)...])))
                }
            case "iTXt":
                if let entry = internationalText(data) { metadata.text.append(entry) }
            case "pHYs" where length == 9:
                metadata.density = PNGPixelDensity(pixelsPerUnitX: readBigEndian(data, at: 0),
                                                   pixelsPerUnitY: readBigEndian(data, at: 4),
                                                   unitIsMetre: data[8] == 1)
            case "IEND":
                sawEnd = true
            default:
                break
            }
            offset += 12 + length
            if sawEnd { break }
        }
        guard sawEnd else { throw MindSpaceError.malformed(file, offset: offset, "PNG stream has no IEND chunk") }
        return metadata
    }

    private static func latin1(_ bytes: ArraySlice<UInt8>) -> String {
        String(String.UnicodeScalarView(bytes.map { Unicode.Scalar($0) }))
    }

    /// An uncompressed `iTXt` entry (keyword, flag, method, language, translated keyword, text).
    private static func internationalText(_ data: [UInt8]) -> PNGTextEntry? {
        guard let keywordEnd = data.firstIndex(of: 0), keywordEnd + 2 < data.count,
              data[keywordEnd + 1] == 0 else { return nil }
        var position = keywordEnd + 3
        guard let languageEnd = data[position...].firstIndex(of: 0) else { return nil }
        position = languageEnd + 1
        guard position <= data.count, let translatedEnd = data[position...].firstIndex(of: 0) else { return nil }
        let text = String(decoding: data[(translatedEnd + 1)...], as: UTF8.self)
        return PNGTextEntry(keyword: latin1(data[..<keywordEnd]), text: text)
    }
}
