import CPNG
import Foundation
import MindSpaceCore
import MindSpaceIO

/// 8-bit sRGB pixels ready to encode: `channels` is 3 (RGB) or 4 (RGBA, straight alpha),
/// `bytes` row-major from the top-left, `width · height · channels` long.
public struct RasterImage: Sendable, Equatable {
    public let width: Int
    public let height: Int
    public let channels: Int
    public var bytes: [UInt8]

    public init(width: Int, height: Int, channels: Int, bytes: [UInt8]) {
        precondition(width > 0 && height > 0 && (channels == 3 || channels == 4)
                     && bytes.count == width * height * channels, "inconsistent raster image")
        self.width = width
        self.height = height
        self.channels = channels
        self.bytes = bytes
    }
}

/// A PNG read back into memory: RGBA pixels (8-bit sRGB, straight alpha; opaque images get
/// alpha 255), its text entries and its pixel density.
public struct DecodedPNG: Sendable {
    public let width: Int
    public let height: Int
    /// `width · height · 4` bytes, row-major from the top-left.
    public let rgba: [UInt8]
    public let text: [PNGTextEntry]
    public let density: PNGPixelDensity?

    /// (r, g, b, a) of pixel (`x`, `y`).
    public func pixel(x: Int, y: Int) -> (red: UInt8, green: UInt8, blue: UInt8, alpha: UInt8) {
        let o = (y * width + x) * 4
        return (rgba[o], rgba[o + 1], rgba[o + 2], rgba[o + 3])
    }

    /// The text of the first entry with `keyword`.
    public func text(forKeyword keyword: String) -> String? {
        text.first { $0.keyword == keyword }?.text
    }
}

/// PNG encoding and decoding: the only file that imports libpng.
///
/// Pixels go through libpng's "simplified" API (`png_image_write_to_memory`,
/// `png_image_begin_read_from_memory`/`png_image_finish_read`), which catches libpng errors
/// with `setjmp` inside libpng and returns them as values. Swift cannot use `setjmp`, and
/// libpng's full API requires an error handler that never returns, so the full API is not
/// usable from Swift without a C shim. The simplified API cannot write ancillary chunks, so
/// `pHYs` and `tEXt`/`iTXt` chunks are built in Swift (`PNGChunks`) and spliced in directly
/// after `IHDR`, where the PNG specification allows both; on reading they are found by walking
/// the chunks (with CRC checks).
///
/// Compression settings are fixed: `PNG_IMAGE_FLAG_FAST`, which in libpng 1.6 means no row
/// filters and zlib level 3. For plots (large flat areas) this is both faster and smaller than
/// libpng's default adaptive filtering at level 6 (measurement in docs/design-notes.md). No
/// timestamps are written,
/// so the same pixels and text give byte-identical files with the same libpng and zlib builds.
public enum PNGCodec {
    /// Encodes `image` (8-bit sRGB; libpng adds an `sRGB` chunk) with an optional `pHYs` chunk
    /// and the given text entries, in order. Throws `.outputFailed` if libpng reports an error.
    /// O(pixels).
    public static func encode(_ image: RasterImage, density: PNGPixelDensity? = nil,
                              text: [PNGTextEntry] = []) throws -> Data {
        let encoded = try compressPixels(image)
        // Signature (8) + IHDR chunk (4 length + 4 type + 13 data + 4 CRC) = 33 bytes.
        let ihdrEnd = 33
        guard encoded.count > ihdrEnd, Array(encoded[12..<16]) == Array("IHDR".utf8) else {
            throw MindSpaceError(.outputFailed, "libpng produced an unexpected PNG layout")
        }
        var output = Data(capacity: encoded.count + 1024)
        output.append(contentsOf: encoded[0..<ihdrEnd])
        if let density { output.append(contentsOf: PNGChunks.physicalDimensionsChunk(density)) }
        for entry in text { output.append(contentsOf: PNGChunks.textChunk(entry)) }
        output.append(contentsOf: encoded[ihdrEnd...])
        return output
    }

    /// Decodes a PNG of any colour type and bit depth into 8-bit sRGB RGBA plus its text and
    /// density. `file` names the source in errors (malformed data, exit 65).
    public static func decode(_ data: Data, file: String? = nil) throws -> DecodedPNG {
        let bytes = [UInt8](data)
        let metadata = try PNGChunks.readMetadata(bytes, file: file)
        // libpng reads from the caller's memory until `png_image_finish_read`, so both calls
        // happen while the bytes are pinned.
        let pixels: (width: Int, height: Int, rgba: [UInt8]) = try bytes.withUnsafeBytes { raw in
            var image = png_image()
            image.version = png_uint_32(PNG_IMAGE_VERSION)
            guard png_image_begin_read_from_memory(&image, raw.baseAddress, raw.count) != 0 else {
                throw MindSpaceError.malformed(file, "libpng cannot read the PNG: \(message(of: &image))")
            }
            let width = Int(image.width), height = Int(image.height)
            let (total, overflow) = width.multipliedReportingOverflow(by: height * 4)
            guard !overflow, total <= 1 << 31 else {
                png_image_free(&image)
                throw MindSpaceError.malformed(file, "PNG of \(width)×\(height) pixels is too large to decode")
            }
            image.format = png_uint_32(PNG_FORMAT_FLAG_COLOR | PNG_FORMAT_FLAG_ALPHA)
            var rgba = [UInt8](repeating: 0, count: total)
            let finished = rgba.withUnsafeMutableBytes { target in
                png_image_finish_read(&image, nil, target.baseAddress, 0, nil)
            }
            guard finished != 0 else {
                throw MindSpaceError.malformed(file, "libpng cannot decode the PNG pixels: \(message(of: &image))")
            }
            return (width, height, rgba)
        }
        return DecodedPNG(width: pixels.width, height: pixels.height, rgba: pixels.rgba,
                          text: metadata.text, density: metadata.density)
    }

    /// The whole PNG stream (signature … IEND) that libpng writes for `image`.
    private static func compressPixels(_ image: RasterImage) throws -> [UInt8] {
        var descriptor = png_image()
        descriptor.version = png_uint_32(PNG_IMAGE_VERSION)
        descriptor.width = png_uint_32(image.width)
        descriptor.height = png_uint_32(image.height)
        descriptor.format = png_uint_32(image.channels == 4 ? PNG_FORMAT_FLAG_COLOR | PNG_FORMAT_FLAG_ALPHA : PNG_FORMAT_FLAG_COLOR)
        // Fixed settings (no filters, zlib level 3); see the type's documentation.
        descriptor.flags = png_uint_32(PNG_IMAGE_FLAG_FAST)
        // An upper bound on the stream size, after libpng's PNG_IMAGE_PNG_SIZE_MAX: the zlib
        // bound of the filtered data plus chunk overheads (one IDAT per 8 KiB buffer).
        let filtered = image.height * (1 + image.width * image.channels)
        let compressedMax = filtered + (filtered + 7) / 8 + (filtered + 63) / 64 + 11
        var capacity = 8 + 25 + 16 + 44 + 12 + 12 + 12 * (compressedMax / 8192 + 1) + compressedMax
        for _ in 0..<2 {
            // Left uninitialised: the bound is about the raw image's size, the stream usually a
            // few percent of it, and pages libpng never writes then never become resident.
            var size = png_alloc_size_t(capacity)
            var ok: Int32 = 0
            let output = [UInt8](unsafeUninitializedCapacity: capacity) { target, initialized in
                ok = image.bytes.withUnsafeBytes { source in
                    png_image_write_to_memory(&descriptor, target.baseAddress, &size, 0, source.baseAddress, 0, nil)
                }
                initialized = ok != 0 ? min(Int(size), capacity) : 0
            }
            if ok != 0 { return output }
            // libpng reports a too-small buffer by raising `size` to what it needs.
            guard Int(size) > capacity else { break }
            capacity = Int(size)
        }
        throw MindSpaceError(.outputFailed, "libpng could not encode the image: \(message(of: &descriptor))")
    }

    /// libpng's error or warning text from a `png_image`.
    private static func message(of image: inout png_image) -> String {
        withUnsafeBytes(of: &image.message) { raw in
            let bytes = raw.prefix { $0 != 0 }
            return String(decoding: bytes, as: UTF8.self)
        }
    }

    /// Encodes `image` and writes it to `path` atomically (temporary file, then rename), so an
    /// interrupted run never leaves a partial PNG.
    public static func write(_ image: RasterImage, density: PNGPixelDensity? = nil,
                             text: [PNGTextEntry] = [], to path: String) throws {
        let data = try encode(image, density: density, text: text)
        let transaction = OutputTransaction()
        try transaction.stage(data, at: path)
        try transaction.commit()
    }
}
