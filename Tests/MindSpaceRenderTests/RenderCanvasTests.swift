import Foundation
import Testing
@testable import MindSpaceRender
import MindSpaceTestSupport

@Suite struct RenderCanvasTests {
    @Test func srgbTransferMatchesTheStandard() {
        // IEC 61966-2-1 reference points: encoded 0.5 ↔ linear 0.214041; the toe is linear.
        let sixDecimalReference = 1e-6  // the standard quotes 0.214041 to 6 decimals
        #expect(abs(SRGBTransfer.toLinear(0.5) - 0.214041) < sixDecimalReference)
        #expect(abs(SRGBTransfer.toLinear(0.04) - 0.04 / 12.92) < Tolerance.roundOffOfThousandsOfOperations)
        for i in 0...1000 {
            let x = Double(i) / 1000
            #expect(abs(SRGBTransfer.toEncoded(SRGBTransfer.toLinear(x)) - x) < Tolerance.roundOffOfThousandsOfOperations)
        }
        // Every 8-bit code survives decode → encode through the lookup tables.
        for code in 0...255 {
            #expect(SRGBTransfer.encodeByte(SRGBTransfer.decodeTable[code]) == UInt8(code))
        }
        #expect(SRGBTransfer.encodeByte(.nan) == 0)
        #expect(SRGBTransfer.encodeByte(.infinity) == 255)
        #expect(SRGBTransfer.encodeByte(-1) == 0)
    }

    @Test func sourceOverMixesInLinearLight() {
        var canvas = Canvas(width: 4, height: 4, background: SRGBColor.white.linear())
        canvas.fillRect(PixelRect(x: 0, y: 0, width: 4, height: 4), color: SRGBColor(hex: 0xFF0000).linear(opacity: 0.5))
        let bytes = canvas.encodedBytes(includeAlpha: false)
        // Linear result (1, 0.5, 0.5); encoded 0.5 → 0.735357 · 255 = 187.52 → 188.
        #expect(Array(bytes[0..<3]) == [255, 188, 188])
    }

    @Test func transparentCanvasEncodesStraightAlpha() {
        var canvas = Canvas(width: 2, height: 1, background: .transparent)
        canvas.fillRect(PixelRect(x: 0, y: 0, width: 1, height: 1), color: SRGBColor(hex: 0x0072B2).linear(opacity: 0.5))
        let bytes = canvas.encodedBytes(includeAlpha: true)
        // Un-premultiplied colour is the original; alpha 0.5 · 255 = 127.5 → 128.
        #expect(Array(bytes[0..<4]) == [0x00, 0x72, 0xB2, 128])
        #expect(Array(bytes[4..<8]) == [0, 0, 0, 0])
    }

    /// Sum of a white-on-black canvas's linear red channel: the painted area in pixels.
    private func paintedArea(_ draw: (inout Canvas) -> Void) -> Double {
        var canvas = Canvas(width: 64, height: 64, background: SRGBColor.black.linear())
        draw(&canvas)
        return canvas.pixels.reduce(0) { $0 + Double($1.x) / Double(Canvas.fixedPointScale) }
    }

    @Test(arguments: [1.5, 2.0, 5.0, 12.3])
    func discCoverageAddsUpToTheDiscArea(radius: Double) {
        let area = paintedArea { $0.fillDisc(center: PixelPoint(x: 31.37, y: 30.81), radius: radius, color: SRGBColor.white.linear()) }
        // 8×8 supersampling of edge pixels: each sample stands for 1/64 px², and the misjudged
        // samples along a circle's edge partly cancel. Allowed: 1.5 % of πr² (observed < 0.5 %).
        #expect(abs(area - Double.pi * radius * radius) <= 0.015 * Double.pi * radius * radius)
    }

    @Test func discStampsMatchDirectDiscs() {
        // A point placed exactly on a stamp's sub-pixel centre must give the same pixels as fillDisc.
        let stamps = DiscStampSet(radius: 2.5)
        let centre = PixelPoint(x: 20 + 5.5 / 8, y: 30 + 2.5 / 8)
        var a = Canvas(width: 48, height: 48, background: SRGBColor.white.linear())
        var b = a
        let color = SRGBColor(hex: 0xD55E00).linear(opacity: 0.7)
        a.fillDisc(center: centre, radius: 2.5, color: color)
        PointRasterizer.drawDiscs(xs: [centre.x], ys: [centre.y], colorIndex: [0], palette: [color.premultiplied],
                                  order: [0], stamps: stamps, canvas: &b)
        #expect(a.pixels == b.pixels)
    }

    @Test func thickLineCoversExactlyItsRows() {
        var canvas = Canvas(width: 100, height: 100, background: SRGBColor.black.linear())
        canvas.strokeLine(from: PixelPoint(x: 10, y: 50), to: PixelPoint(x: 90, y: 50), width: 4, color: SRGBColor.white.linear())
        // Width 4 centred on y = 50 covers rows 48–51 fully; pixel centres 1.5 px away get
        // clamp(2 + 0.5 − 1.5) = 1, those 2.5 px away get 0.
        for y in 46...53 {
            let expected: Float = (48...51).contains(y) ? 1 : 0
            #expect(canvas.pixel(x: 50, y: y).premultiplied.x == expected)
        }
    }

    @Test func polygonCoverageIsExactOnPixelEdgesAndAddsUpOnSlants() {
        var canvas = Canvas(width: 64, height: 64, background: SRGBColor.black.linear())
        canvas.fillPolygon([PixelPoint(x: 10, y: 10), PixelPoint(x: 20, y: 10), PixelPoint(x: 20, y: 20), PixelPoint(x: 10, y: 20)],
                           color: SRGBColor.white.linear())
        for y in 8..<22 {
            for x in 8..<22 {
                let inside = (10..<20).contains(x) && (10..<20).contains(y)
                #expect(canvas.pixel(x: x, y: y).premultiplied.x == (inside ? 1 : 0))
            }
        }
        // Triangle of area 0.5 · 40 · 30 = 600 px²: with 4 sub-scanlines per row the error is
        // at most 1/8 px² per row per edge crossing (≤ 30 rows × 2 slanted edges × 1/8 = 7.5).
        let area = paintedArea { $0.fillPolygon([PixelPoint(x: 5.3, y: 7.1), PixelPoint(x: 45.3, y: 7.1), PixelPoint(x: 20.7, y: 37.1)],
                                                color: SRGBColor.white.linear()) }
        #expect(abs(area - 600) <= 7.5)
    }

    @Test func clippingKeepsDrawingInside() {
        var canvas = Canvas(width: 40, height: 40, background: SRGBColor.black.linear())
        canvas.setClip(PixelRect(x: 10, y: 10, width: 20, height: 20))
        canvas.fillDisc(center: PixelPoint(x: 10, y: 10), radius: 8, color: SRGBColor.white.linear())
        canvas.strokeLine(from: PixelPoint(x: 0, y: 35), to: PixelPoint(x: 40, y: 0), width: 3, color: SRGBColor.white.linear())
        for y in 0..<40 {
            for x in 0..<40 where !((10..<30).contains(x) && (10..<30).contains(y)) {
                #expect(canvas.pixel(x: x, y: y).premultiplied.x == 0)
            }
        }
    }

    @Test func arrowHeadEndsAtTheTip() {
        var canvas = Canvas(width: 100, height: 40, background: SRGBColor.black.linear())
        canvas.drawArrow(from: PixelPoint(x: 10, y: 20), to: PixelPoint(x: 80, y: 20), width: 2, headLength: 12, headWidth: 10,
                         color: SRGBColor.white.linear())
        // Ink reaches the tip column and not beyond; the head is wider than the shaft.
        // 4 px before the tip the head is 2 · 5 · 4/12 = 3.3 px wide around y = 20.
        #expect(canvas.pixel(x: 76, y: 20).premultiplied.x > 0.5)
        #expect(canvas.pixel(x: 81, y: 20).premultiplied.x == 0)
        #expect(canvas.pixel(x: 70, y: 23).premultiplied.x > 0.5)
        #expect(canvas.pixel(x: 40, y: 23).premultiplied.x == 0)
    }
}
