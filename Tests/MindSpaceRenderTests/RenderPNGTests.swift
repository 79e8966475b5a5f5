import Foundation
import Testing
@testable import MindSpaceCore
@testable import MindSpaceRender
import MindSpaceTestSupport

@Suite struct RenderPNGTests {
    /// A deterministic pseudo-random image (values from the seeded generator).
    private func noiseImage(width: Int, height: Int, channels: Int, seed: UInt64) -> RasterImage {
        var generator = SeededGenerator(seed: seed)
        let bytes = (0..<(width * height * channels)).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
        return RasterImage(width: width, height: height, channels: channels, bytes: bytes)
    }

    @Test(arguments: [3, 4])
    func pixelsRoundTripExactly(channels: Int) throws {
        let image = noiseImage(width: 37, height: 23, channels: channels, seed: UInt64(channels))
        let decoded = try PNGCodec.decode(try PNGCodec.encode(image))
        #expect(decoded.width == 37 && decoded.height == 23)
        for i in 0..<(37 * 23) {
            for c in 0..<3 { #expect(decoded.rgba[i * 4 + c] == image.bytes[i * channels + c]) }
            // RGB images decode as opaque.
            #expect(decoded.rgba[i * 4 + 3] == (channels == 4 ? image.bytes[i * 4 + 3] : 255))
        }
    }

    @Test func textAndDensityChunksRoundTrip() throws {
        let image = noiseImage(width: 8, height: 8, channels: 3, seed: 9)
        let entries = [
            PNGTextEntry(keyword: "Software", text: "MindSpace 0.1.0"),
            PNGTextEntry(keyword: "mindspace:command", text: "mindspace pca données.npy --seed 42"), // Latin-1 → tEXt
            PNGTextEntry(keyword: "mindspace:inputs", text: "ab12  数据.npy"), // not Latin-1 → iTXt (UTF-8)
        ]
        let data = try PNGCodec.encode(image, density: PNGPixelDensity(dotsPerInch: 200), text: entries)
        let decoded = try PNGCodec.decode(data)
        #expect(decoded.text == entries)
        // 200 dpi = 200 / 0.0254 = 7874.0157 px/m, stored as the whole number 7874.
        #expect(decoded.density == PNGPixelDensity(pixelsPerUnitX: 7874, pixelsPerUnitY: 7874, unitIsMetre: true))
        // Back to dpi: rounding to whole px/m moves it by at most 0.5 px/m · 0.0254 m/in = 0.0127 dpi.
        #expect(abs((decoded.density?.dotsPerInchX ?? 0) - 200) <= 0.0127)
        // The chunk types are in the byte stream where the PNG specification allows them (before IDAT).
        let bytes = [UInt8](data)
        func offset(of type: String) -> Int? {
            let pattern = Array(type.utf8)
            return (0...(bytes.count - 4)).first { Array(bytes[$0..<($0 + 4)]) == pattern }
        }
        let idat = try #require(offset(of: "IDAT"))
        for type in ["pHYs", "tEXt", "iTXt", "sRGB"] {
            let position = try #require(offset(of: type), "missing \(type)")
            #expect(position < idat)
        }
    }

    @Test func keywordsAreSanitised() throws {
        let image = noiseImage(width: 2, height: 2, channels: 3, seed: 1)
        let long = String(repeating: "k", count: 100)
        let data = try PNGCodec.encode(image, text: [PNGTextEntry(keyword: "  bad\u{1}key  ", text: "x"),
                                                     PNGTextEntry(keyword: long, text: "y")])
        let decoded = try PNGCodec.decode(data)
        #expect(decoded.text.map(\.keyword) == ["bad_key", String(repeating: "k", count: 79)])
    }

    /// Pillow (a peer encoder) wrote this file; see Fixtures/render/make_png_fixture.py.
    @Test func decodesAPeerWrittenFile() throws {
        let folder = try #require(TestFixtures.root)
        let data = try Data(contentsOf: folder.appendingPathComponent("render/pil-text-phys.png"))
        let decoded = try PNGCodec.decode(data, file: "pil-text-phys.png")
        #expect(decoded.width == 7 && decoded.height == 5)
        for y in 0..<5 {
            for x in 0..<7 {
                let p = decoded.pixel(x: x, y: y)
                #expect(p.red == UInt8(10 * x) && p.green == UInt8(20 * y) && p.blue == UInt8(30 + x + y) && p.alpha == UInt8(255 - 10 * x))
            }
        }
        #expect(decoded.text(forKeyword: "Software") == "Pillow")
        #expect(decoded.text(forKeyword: "Comment") == "caf\u{E9} 42")
        #expect(decoded.text(forKeyword: "Title") == "\u{03BC} \u{2212} 1")
        // 150 dpi → round(150 / 0.0254) = 5906 px/m.
        #expect(decoded.density?.pixelsPerUnitX == 5906)
    }

    @Test func corruptFilesAreMalformedDataErrors() throws {
        let data = [UInt8](try PNGCodec.encode(noiseImage(width: 16, height: 16, channels: 3, seed: 4)))
        var flipped = data
        flipped[data.count - 20] ^= 0xFF // inside the last IDAT: its CRC no longer matches
        let cases: [[UInt8]] = [flipped, Array(data.prefix(data.count / 2)), Array("not a png".utf8)]
        for bytes in cases {
            #expect(throws: MindSpaceError.self) { try PNGCodec.decode(Data(bytes), file: "x.png") }
            do {
                _ = try PNGCodec.decode(Data(bytes), file: "x.png")
            } catch let error as MindSpaceError {
                #expect(error.kind == .malformedData)
                #expect(error.file == "x.png")
                #expect(error.exitCode == 65)
            }
        }
    }

    @Test func writeIsAtomicAndLeavesNoTemporaries() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("mindspace-png-\(getpid())")
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("a.png").path
        let image = noiseImage(width: 4, height: 4, channels: 3, seed: 2)
        try PNGCodec.write(image, text: [PNGTextEntry(keyword: "Software", text: "t")], to: path)
        let decoded = try PNGCodec.decode(try Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(decoded.width == 4)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["a.png"])
    }
}
