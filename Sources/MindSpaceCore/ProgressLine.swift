import Foundation

/// The text of a one-line progress bar over bytes, laid out for a terminal `columns` wide:
/// `label [#####-----]  42%  1.5 MB / 3.6 MB`. The line takes at most `columns − 1` characters
/// (writing the last column makes some terminals wrap), so it never spills onto a second line
/// that a carriage return could not take back.
///
/// The bar takes the room the other parts leave. When the terminal is narrow, parts go in this
/// order: the byte counts, then the bar shrinks to `minimumBarWidth` and the label is shortened
/// with an ellipsis, then the bar goes; at the very least the percentage is shown, cut to fit.
public enum ProgressLine {
    /// The narrowest bar worth drawing, in characters.
    public static let minimumBarWidth = 10

    /// The line for `done` of `total` bytes (the fraction is clamped to 0…1; a `total` of 0
    /// counts as done), without the leading carriage return.
    public static func render(label: String, done: Int, total: Int, columns: Int) -> String {
        let fraction = total > 0 ? min(max(Double(done) / Double(total), 0), 1) : 1
        let room = max(columns - 1, 1)
        let percent = String(format: "%3.0f%%", 100 * fraction)
        let counts = "  \(bytes(done)) / \(bytes(total))"
        func line(_ label: String, barWidth: Int, counts: String) -> String {
            let filled = Int((fraction * Double(barWidth)).rounded(.down))
            let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: barWidth - filled)
            return "\(label) [\(bar)] \(percent)\(counts)"
        }
        let labelWidth = label.unicodeScalars.count
        // label + " [" + bar + "] " + percent + counts
        let fixed = labelWidth + 4 + percent.count
        if room - fixed - counts.count >= minimumBarWidth {
            return line(label, barWidth: room - fixed - counts.count, counts: counts)
        }
        if room - fixed >= minimumBarWidth {
            return line(label, barWidth: room - fixed, counts: "")
        }
        let labelRoom = room - 4 - percent.count - minimumBarWidth
        if labelRoom >= 4 {
            return line(shortened(label, to: labelRoom), barWidth: minimumBarWidth, counts: "")
        }
        let bare = labelWidth + 1 + percent.count <= room ? "\(label) \(percent)" : percent
        return String(String.UnicodeScalarView(bare.unicodeScalars.prefix(room)))
    }

    /// `text` cut to at most `width` characters, the last one an ellipsis (after no space), if it
    /// is longer.
    static func shortened(_ text: String, to width: Int) -> String {
        let scalars = Array(text.unicodeScalars)
        guard scalars.count > width else { return text }
        var kept = scalars.prefix(max(width - 1, 0))
        while kept.last == " " { kept.removeLast() }
        var view = String.UnicodeScalarView(kept)
        view.append("\u{2026}")
        return String(view)
    }

    /// 1536 → "1.5 KB" (powers of 1024, one decimal; whole bytes below 1 KB).
    public static func bytes(_ count: Int) -> String {
        let units = ["B", "KB", "MB", "GB", "TB"]
        var value = Double(count), unit = 0
        while value >= 1024 && unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        return unit == 0 ? "\(count) B" : String(format: "%.1f %@", value, units[unit])
    }
}
