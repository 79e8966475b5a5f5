import Foundation

/// Plain-text tables for the CLI's human-readable output (columns padded to their widest cell,
/// numbers right-aligned).
public enum TextTable {
    /// How a column lines up its cells (the header row included).
    public enum Alignment: Sendable, Equatable {
        /// Text: cells and header start at the column's left edge.
        case left
        /// Counts: cells and header end at the column's right edge.
        case right
        /// Numbers with a varying count of decimals: the decimal points line up (a cell without
        /// one, such as `12`, `-` or `nan`, ends where the points are), and the block of cells is
        /// right-aligned under the header. `18.024` and `18.0738` print as `18.024 ` / `18.0738`.
        case decimal
    }

    /// Renders `rows` (first row is the header) with two spaces between columns: a cell that
    /// reads as a number is right-aligned, anything else (the header too) left-aligned.
    public static func render(_ rows: [[String]], indent: String = "") -> String {
        guard let columns = rows.map(\.count).max(), columns > 0 else { return "" }
        var widths = [Int](repeating: 0, count: columns)
        for row in rows { for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.count) } }
        var text = ""
        for (rowIndex, row) in rows.enumerated() {
            var cells: [String] = []
            for index in 0..<columns {
                let cell = index < row.count ? row[index] : ""
                let padding = String(repeating: " ", count: widths[index] - cell.count)
                let numeric = rowIndex > 0 && index > 0 && Double(cell) != nil
                cells.append(numeric ? padding + cell : cell + padding)
            }
            text += indent + cells.joined(separator: "  ").replacingTrailingSpaces() + "\n"
        }
        return text
    }

    /// Renders `rows` (first row is the header) with two spaces between columns, column `i`
    /// aligned by `alignments[i]` (`.left` past the end of `alignments`), whatever the cells
    /// hold: a placeholder such as `-` lines up with the numbers of its column. Widths count
    /// characters (grapheme clusters), so `×` and `–` take one column each.
    public static func render(_ rows: [[String]], alignments: [Alignment], indent: String = "") -> String {
        guard let columns = rows.map(\.count).max(), columns > 0 else { return "" }
        let cell = { (row: Int, column: Int) -> String in column < rows[row].count ? rows[row][column] : "" }
        // Per column: the widest part before the decimal point (or the whole cell) and from it on.
        var whole = [Int](repeating: 0, count: columns), fraction = [Int](repeating: 0, count: columns)
        var widths = [Int](repeating: 0, count: columns)
        for column in 0..<columns {
            let alignment = column < alignments.count ? alignments[column] : .left
            for row in rows.indices {
                let text = cell(row, column)
                if alignment == .decimal && row > 0 {
                    let (before, after) = decimalParts(text)
                    whole[column] = max(whole[column], before.count)
                    fraction[column] = max(fraction[column], after.count)
                } else {
                    widths[column] = max(widths[column], text.count)
                }
            }
            widths[column] = max(widths[column], whole[column] + fraction[column])
        }
        var text = ""
        for row in rows.indices {
            var cells: [String] = []
            for column in 0..<columns {
                let alignment = column < alignments.count ? alignments[column] : .left
                var value = cell(row, column)
                if alignment == .decimal && row > 0 {
                    let (before, after) = decimalParts(value)
                    value = spaces(whole[column] - before.count) + before + after + spaces(fraction[column] - after.count)
                }
                let padding = spaces(widths[column] - value.count)
                cells.append(alignment == .left ? value + padding : padding + value)
            }
            text += indent + cells.joined(separator: "  ").replacingTrailingSpaces() + "\n"
        }
        return text
    }

    /// A compact number: integers as integers, otherwise 6 significant digits (`%.6g`).
    public static func number(_ value: Double) -> String {
        if value.isNaN { return "nan" }
        if value.isInfinite { return value > 0 ? "inf" : "-inf" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(format: "%.6g", value)
    }

    /// `cell` split before its first `.`; the second part is empty when there is none.
    private static func decimalParts(_ cell: String) -> (String, String) {
        guard let point = cell.firstIndex(of: ".") else { return (cell, "") }
        return (String(cell[..<point]), String(cell[point...]))
    }

    private static func spaces(_ count: Int) -> String { String(repeating: " ", count: max(0, count)) }
}

private extension String {
    func replacingTrailingSpaces() -> String {
        var copy = self
        while copy.hasSuffix(" ") { copy.removeLast() }
        return copy
    }
}
