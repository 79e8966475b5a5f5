/// Sizes and colours shared by every panel of a figure. Sizes are in typographic points
/// (1/72 inch) and become pixels through `dotsPerInch`, so a figure keeps its proportions at any
/// resolution.
public struct PlotStyle: Sendable {
    /// Output resolution; also written to the PNG's `pHYs` chunk.
    public var dotsPerInch: Double = 200
    public var titlePoints: Double = 12
    public var panelTitlePoints: Double = 10.5
    public var axisLabelPoints: Double = 10
    public var tickLabelPoints: Double = 8.5
    public var legendPoints: Double = 8.5
    public var footerPoints: Double = 6.5
    public var lineWidthPoints: Double = 1.2
    public var frameWidthPoints: Double = 0.7
    public var gridWidthPoints: Double = 0.5
    public var tickLengthPoints: Double = 3.5
    /// The unit of white space between elements.
    public var paddingPoints: Double = 5

    public var background = SRGBColor.white
    public var textColor = SRGBColor(hex: 0x1A1A1A)
    public var secondaryTextColor = SRGBColor(hex: 0x5A5A5A)
    public var frameColor = SRGBColor(hex: 0x333333)
    public var gridColor = SRGBColor(hex: 0xE6E6E6)
    public var showGrid = true

    public init() {}

    /// The style at another resolution, sizes in points unchanged.
    public init(dotsPerInch: Double) {
        self.dotsPerInch = dotsPerInch
    }

    /// `points` converted to pixels: points · dpi / 72.
    public func pixels(_ points: Double) -> Double { points * dotsPerInch / 72 }

    /// Width in pixels of `text` set at `points`.
    public func textWidth(_ text: String, points: Double) -> Double {
        BitmapFont.standard.size(of: text, pixelSize: pixels(points)).width
    }

    /// `text` shortened with a trailing ellipsis so that it is at most `maxWidth` pixels wide
    /// at `points` (the font is monospaced, so this counts characters).
    public func truncated(_ text: String, points: Double, maxWidth: Double) -> String {
        let characterWidth = pixels(points) / 2
        let fit = max(Int(maxWidth / characterWidth), 1)
        let scalars = Array(text.unicodeScalars)
        guard scalars.count > fit else { return text }
        var result = String.UnicodeScalarView(scalars.prefix(max(fit - 1, 0)))
        result.append("\u{2026}")
        return String(result)
    }

    /// `text` broken at spaces into at most `maxLines` lines of at most `maxWidth` pixels at
    /// `points`; the last line is truncated if text remains (`fittedLines` says when).
    public func wrapped(_ text: String, points: Double, maxWidth: Double, maxLines: Int) -> [String] {
        fittedLines(text, points: points, maxWidth: maxWidth, maxLines: maxLines).lines
    }

    /// `text` broken into at most `maxLines` lines of at most `maxWidth` pixels at `points`: at
    /// spaces, and inside a word only where the word alone is wider than a line. When the text
    /// needs more lines, the last line takes the rest and ends in an ellipsis, and `cut` is true,
    /// so that the caller can say so instead of losing text silently. The font is monospaced,
    /// so this counts characters (Unicode scalars).
    public func fittedLines(_ text: String, points: Double, maxWidth: Double, maxLines: Int) -> (lines: [String], cut: Bool) {
        let perLine = max(Int(maxWidth / (pixels(points) / 2)), 1)
        var lines: [String] = []
        var current = ""
        for word in text.split(separator: " ", omittingEmptySubsequences: true).map(String.init) {
            let candidate = current.isEmpty ? word : current + " " + word
            if candidate.unicodeScalars.count <= perLine {
                current = candidate
                continue
            }
            if !current.isEmpty { lines.append(current) }
            var rest = Array(word.unicodeScalars)
            while rest.count > perLine {
                lines.append(String(String.UnicodeScalarView(rest.prefix(perLine))))
                rest.removeFirst(perLine)
            }
            current = String(String.UnicodeScalarView(rest))
        }
        if !current.isEmpty { lines.append(current) }
        let limit = max(maxLines, 1)
        guard lines.count > limit else { return (lines, false) }
        let kept = Array(lines.prefix(limit - 1))
        let rest = lines[(limit - 1)...].joined(separator: " ")
        return (kept + [truncated(rest, points: points, maxWidth: maxWidth)], true)
    }
}
