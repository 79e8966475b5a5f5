import Foundation
import Testing
@testable import MindSpaceRender
import MindSpaceTestSupport

@Suite struct RenderTextTests {
    @Test func fontCoversPrintableASCIIAndPlotSymbols() {
        for code in 32...126 {
            #expect(BitmapFont.standard.hasGlyph(Unicode.Scalar(UInt8(code))))
        }
        for scalar in ["\u{03BC}", "\u{2212}", "\u{2026}", "\u{00B2}", "\u{2082}"].flatMap(\.unicodeScalars) {
            #expect(BitmapFont.standard.hasGlyph(scalar))
        }
    }

    @Test func textMeasuresAsMonospacedCells() {
        let size = BitmapFont.standard.size(of: "0.25", pixelSize: 30)
        // 4 cells of 10 units at 30/20 px per unit.
        #expect(size.width == 60 && size.height == 30)
        let mask = BitmapFont.standard.mask(for: "0.25", pixelSize: 30)
        #expect(mask.width == 60 && mask.height == 30)
        #expect(mask.values.contains { $0 > 0.99 })
        // Antialiased when scaled: some partial coverage.
        #expect(mask.values.contains { $0 > 0 && $0 < 1 })
        #expect(BitmapFont.standard.mask(for: "   ", pixelSize: 30).values.allSatisfy { $0 == 0 })
    }

    @Test func glyphAtNativeSizeIsTheBitmap() throws {
        // At the native 20 px, thresholding the antialiased coverage at one half must give back
        // the font's own bitmap (from the generated table) for nearly every pixel: Scale2x only
        // trims or fills corners, by at most a quarter pixel in each pass. Allowed: 3 % of the
        // 200 cell pixels may differ (corner pixels of diagonal strokes).
        let table = BitmapFont.misc10x20Table.split(separator: "\n")
        for character in ["|", "A", "0", "x", "g", "%"] {
            let scalar = try #require(character.unicodeScalars.first)
            let code = String(format: "%04X", scalar.value)
            let line = try #require(table.first { $0.hasPrefix(code + " ") })
            let hex = Array(line.dropFirst(5))
            let mask = BitmapFont.standard.mask(for: character, pixelSize: 20)
            var differing = 0
            for row in 0..<20 {
                let bits = try #require(UInt16(String(hex[(3 * row)..<(3 * row + 3)]), radix: 16))
                for column in 0..<10 {
                    let ink = (bits >> (9 - column)) & 1 == 1
                    if ink != (mask[column, row] >= 0.5) { differing += 1 }
                }
            }
            #expect(differing <= 6, "\(character): \(differing) pixels differ")
        }
    }

    @Test func rotationTurnsTextToReadUpwards() {
        let mask = BitmapFont.standard.mask(for: "L", pixelSize: 20)
        let rotated = mask.rotatedCounterClockwise()
        #expect(rotated.width == mask.height && rotated.height == mask.width)
        for y in 0..<mask.height {
            for x in 0..<mask.width {
                #expect(rotated[y, mask.width - 1 - x] == mask[x, y])
            }
        }
    }

    @Test func alignmentPlacesTheTextBox() {
        var canvas = Canvas(width: 200, height: 100)
        let box = canvas.drawText("abcd", at: PixelPoint(x: 100, y: 50), pixelSize: 20, color: SRGBColor.black.linear(),
                                  alignment: .trailing, anchor: .top)
        #expect(box == PixelRect(x: 60, y: 50, width: 40, height: 20))
        let centred = canvas.drawText("abcd", at: PixelPoint(x: 100, y: 50), pixelSize: 20, color: SRGBColor.black.linear(),
                                      alignment: .center, anchor: .bottom, rotated: true)
        // Rotated: 20 wide, 40 tall, centred on y = 50, its right edge (the cell bottom) at x = 100.
        #expect(centred == PixelRect(x: 80, y: 30, width: 20, height: 40))
    }

    @Test func niceTicksFollowHeckbert() {
        #expect(NiceTicks.niceNumber(0.33, rounded: true) == 0.5)
        #expect(NiceTicks.niceNumber(1.43, rounded: true) == 1)
        #expect(NiceTicks.niceNumber(2.5, rounded: false) == 5)
        let unit = NiceTicks(lower: 0, upper: 1.05, targetCount: 7)
        #expect(unit.labels == ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"])
        let symmetric = NiceTicks(lower: -4.3, upper: 5.3, targetCount: 5)
        #expect(symmetric.values == [-4, -2, 0, 2, 4])
        #expect(symmetric.labels == ["\u{2212}4", "\u{2212}2", "0", "2", "4"])
        #expect(NiceTicks(lower: 0, upper: 0.0006, targetCount: 4).labels == ["0", "2e\u{2212}4", "4e\u{2212}4", "6e\u{2212}4"])
        #expect(NiceTicks(lower: 0, upper: 3e6, targetCount: 4).labels == ["0", "1e6", "2e6", "3e6"])
        #expect(NiceTicks(logarithmicLower: 3, upper: 2000).labels == ["10", "100", "1000"])
        #expect(NiceTicks(logarithmicLower: 3, upper: 60).labels == ["5", "10", "20", "50"])
        #expect(NiceTicks(lower: .nan, upper: 1).values.isEmpty)
    }
}
