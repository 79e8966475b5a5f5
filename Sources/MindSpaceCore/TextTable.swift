import Foundation

/// Plain-text tables for the CLI's human-readable output (columns padded to their widest cell,
/// numbers right-aligned), optionally fitted to a width by wrapping one column's cells.
public enum TextTable {
    /// How one column is laid out.
    public struct Column: Sendable, Equatable {
        /// Where a cell sits in its column.
        public enum Alignment: Sendable, Equatable {
            /// Numbers (cells that parse as a `Double`) right, other cells and the header left.
            case automatic
            /// Every cell and the header left.
            case leading
            /// Every cell and the header right (a column of numbers with a few words, such as "any").
            case trailing
            /// Numbers with a varying count of decimals: the decimal points line up (a cell without
            /// one, such as `12`, `-` or `nan`, ends where the points are), and the block of cells
            /// is right-aligned under the header: `18.024` and `18.0738` print as `18.024 ` and
            /// `18.0738`. Such a column does not wrap.
            case decimal
        }

        public var alignment: Alignment
        /// Whether this column's cells wrap onto more lines when the table is wider than the
        /// width it is rendered for (see `render(_:indent:columns:width:)`).
        public var wraps: Bool

        public init(_ alignment: Alignment = .automatic, wraps: Bool = false) {
            self.alignment = alignment
            self.wraps = wraps
        }
    }

    /// The narrowest a wrapping column is made, whatever the width asked for: narrower cells
    /// would split nearly every word.
    public static let minimumWrapWidth = 20

    /// Renders `rows` (first row is the header) with two spaces between columns, every column
    /// `.automatic`.
    public static func render(_ rows: [[String]], indent: String = "") -> String {
        render(rows, indent: indent, columns: [], width: nil)
    }

    /// Renders `rows` (first row is the header) with two spaces between columns, laid out by
    /// `columns` (missing entries are `.automatic`, not wrapping). When `width` is given and the
    /// table would be wider, the wrapping columns share what the others leave (each at least
    /// `minimumWrapWidth`) and their cells continue on the next lines, broken at spaces, else
    /// after a `,` or `=`, else anywhere; the row's other cells are blank on those lines. A cell
    /// is never cut: text is only moved, so every character of every cell is shown. Control
    /// characters in a cell (a group label or layer name from a file) are written as `\xNN`
    /// (`TerminalText.line`), so no cell can drive the terminal or break the layout.
    public static func render(_ rows: [[String]], indent: String = "", columns: [Column], width: Int?) -> String {
        guard let count = rows.map(\.count).max(), count > 0 else { return "" }
        let layout = (0..<count).map { $0 < columns.count ? columns[$0] : Column() }
        // A decimal column's cells are padded on both sides of their point first, so that they
        // all have the same width; then they are laid out like any right-aligned cell.
        var rows = rows.map { $0.map(TerminalText.line) }
        for index in layout.indices where layout[index].alignment == .decimal {
            let parts = rows.dropFirst().map { index < $0.count ? decimalParts($0[index]) : ("", "") }
            let whole = parts.map(\.0.count).max() ?? 0, fraction = parts.map(\.1.count).max() ?? 0
            for (offset, part) in parts.enumerated() where index < rows[offset + 1].count {
                rows[offset + 1][index] = spaces(whole - part.0.count) + part.0 + part.1 + spaces(fraction - part.1.count)
            }
        }
        var widths = [Int](repeating: 0, count: count)
        for row in rows { for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.count) } }
        let wrapping = layout.indices.filter { layout[$0].wraps && layout[$0].alignment != .decimal }
        if let width, !wrapping.isEmpty {
            let fixed = indent.count + 2 * (count - 1) + widths.indices.filter { !layout[$0].wraps }.map { widths[$0] }.reduce(0, +)
            let share = max((width - fixed) / wrapping.count, minimumWrapWidth)
            for index in wrapping { widths[index] = min(widths[index], share) }
        }
        var text = ""
        for (rowIndex, row) in rows.enumerated() {
            let cells = (0..<count).map { index -> [String] in
                let cell = index < row.count ? row[index] : ""
                return wrapping.contains(index) ? wrap(cell, width: widths[index]) : [cell]
            }
            for line in 0..<(cells.map(\.count).max() ?? 1) {
                var parts: [String] = []
                for index in 0..<count {
                    let cell = line < cells[index].count ? cells[index][line] : ""
                    let padding = String(repeating: " ", count: max(widths[index] - cell.count, 0))
                    let right: Bool
                    switch layout[index].alignment {
                    case .leading: right = false
                    case .trailing, .decimal: right = true
                    case .automatic: right = rowIndex > 0 && index > 0 && Double(cell) != nil
                    }
                    parts.append(right ? padding + cell : cell + padding)
                }
                text += indent + parts.joined(separator: "  ").replacingTrailingSpaces() + "\n"
            }
        }
        return text
    }

    /// `text` in lines of at most `width` characters: words (split at spaces) are gathered
    /// greedily; a word wider than a line is broken after its last `,` or `=` that fits, else at
    /// the width. An empty text is one empty line.
    public static func wrap(_ text: String, width: Int) -> [String] {
        let width = max(width, 1)
        var lines: [String] = []
        var current = ""
        for word in text.split(separator: " ").map(String.init) {
            let candidate = current.isEmpty ? word : current + " " + word
            if candidate.count <= width {
                current = candidate
                continue
            }
            if !current.isEmpty { lines.append(current) }
            var rest = Substring(word)
            while rest.count > width {
                let window = rest.prefix(width)
                let cut = window.lastIndex { $0 == "," || $0 == "=" }.map { rest.index(after: $0) } ?? window.endIndex
                lines.append(String(rest[..<cut]))
                rest = rest[cut...]
            }
            current = String(rest)
        }
        if !current.isEmpty || lines.isEmpty { lines.append(current) }
        return lines
    }

    /// `cell` split before its first `.`; the second part is empty when there is none.
    private static func decimalParts(_ cell: String) -> (String, String) {
        guard let point = cell.firstIndex(of: ".") else { return (cell, "") }
        return (String(cell[..<point]), String(cell[point...]))
    }

    private static func spaces(_ count: Int) -> String { String(repeating: " ", count: max(0, count)) }

    /// A compact number: integers as integers, otherwise 6 significant digits (`%.6g`).
    public static func number(_ value: Double) -> String {
        if value.isNaN { return "nan" }
        if value.isInfinite { return value > 0 ? "inf" : "-inf" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(format: "%.6g", value)
    }
}

private extension String {
    func replacingTrailingSpaces() -> String {
        var copy = self
        while copy.hasSuffix(" ") { copy.removeLast() }
        return copy
    }
}
