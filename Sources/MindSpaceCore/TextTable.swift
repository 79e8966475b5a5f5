import Foundation

/// Plain-text tables for the CLI's human-readable output (columns padded to their widest cell,
/// numbers right-aligned).
public enum TextTable {
    /// Renders `rows` (first row is the header) with two spaces between columns.
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
