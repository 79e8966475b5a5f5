import Foundation
import MindSpaceCore

/// Reads one group label per point from a TensorBoard Embedding Projector `metadata.tsv`.
///
/// TensorBoard's rule, followed exactly: a file with a single column has **no header**, every
/// line is a label; a file with several tab-separated columns has a header row naming them, and
/// each later line holds one point's values. The column count is decided by the first line.
/// ```
/// cat             label\tsource
/// dog             cat\tweb
/// cat             dog\tbooks
/// ```
/// - A UTF-8 byte-order mark and CRLF line ends are tolerated; blank lines at the end are
///   dropped (a trailing empty label cannot be told from a final newline). Blank lines in the
///   middle are empty labels in a single-column file.
/// - Labels are kept as written (no trimming). Bytes that are not UTF-8 become `\xNN` text
///   (`TerminalText.decoded`), so two labels that differ only there stay two groups.
/// - `.csv` files are split at commas instead of tabs; there is no quoting in either.
///
/// Errors: an empty file, or a multi-column file with only a header, or a row whose column count
/// differs from the first line's → `.malformedData` naming the file and the 1-based line; a
/// `column` the header does not have → `.usage`, listing the columns it has.
///
/// Complexity: O(bytes).
public enum GroupLabelsReader {
    /// The labels in the file at `path`, one per point. `column` names the header column to use
    /// in a multi-column file (default: the first). In a single-column file `column` is accepted
    /// only if it equals the first line, which is then taken as a header (an explicit request
    /// overrides TensorBoard's no-header rule); otherwise it is a `.usage` error.
    public static func read(path: String, column: String? = nil) throws -> [String] {
        let file = try FileByteSource(path: path)
        return try parse(bytes: file.bytes(at: 0, count: file.byteCount), path: path, column: column)
    }

    /// Parses metadata already in memory; `path` names it in errors and decides the separator
    /// (comma for `.csv`, tab otherwise).
    ///
    /// Works on bytes: lines and cells are byte ranges, and each distinct label is decoded into a
    /// `String` once (labels repeat: a million points in five groups make five strings), so a
    /// million-line file parses in a few tens of milliseconds.
    public static func parse(bytes: [UInt8], path: String, column: String? = nil) throws -> [String] {
        let separator: UInt8 = path.lowercased().hasSuffix(".csv") ? 0x2C : 0x09
        let bodyStart = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0

        // Lines as byte ranges (CR before LF removed), trailing blank lines dropped.
        var lines: [Range<Int>] = []
        var lineStart = bodyStart
        while lineStart < bytes.count {
            let newline = bytes[lineStart...].firstIndex(of: 0x0A) ?? bytes.count
            var lineEnd = newline
            if lineEnd > lineStart, bytes[lineEnd - 1] == 0x0D { lineEnd -= 1 }
            lines.append(lineStart..<lineEnd)
            lineStart = newline == bytes.count ? newline : newline + 1
        }
        while let last = lines.last, bytes[last].allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { lines.removeLast() }
        guard let first = lines.first else {
            throw MindSpaceError.malformed(path, "no labels: the file is empty")
        }

        var interned = LabelInterner()
        let header = cells(of: first, in: bytes, separator: separator)
        if header.count == 1 {
            return try singleColumn(lines, bytes: bytes, separator: separator, path: path, column: column, interned: &interned)
        }
        let names = header.map { decode(bytes[$0]) }
        let selected: Int
        if let column {
            guard let index = names.firstIndex(of: column) else {
                throw MindSpaceError(.usage, file: path,
                    "has no column '\(TerminalText.escaped(column))'; its columns are " + names.map { "'\(TerminalText.escaped($0))'" }.joined(separator: ", "))
            }
            selected = index
        } else {
            selected = 0
        }
        guard lines.count > 1 else {
            throw MindSpaceError.malformed(path,
                "no labels: the file has only a header line (a file with several columns starts with a header)")
        }
        var labels: [String] = []
        labels.reserveCapacity(lines.count - 1)
        for (index, line) in lines.enumerated().dropFirst() {
            let row = cells(of: line, in: bytes, separator: separator)
            guard row.count == names.count else {
                throw MindSpaceError.malformed(path, offset: line.lowerBound,
                    "line \(index + 1) has \(row.count) columns, expected \(names.count) (as the header on line 1)")
            }
            labels.append(interned.label(bytes[row[selected]]))
        }
        return labels
    }

    /// TensorBoard's single-column case: every line is a label.
    private static func singleColumn(_ lines: [Range<Int>], bytes: [UInt8], separator: UInt8, path: String,
                                     column: String?, interned: inout LabelInterner) throws -> [String] {
        var body = lines[...]
        if let column {
            guard decode(bytes[lines[0]]) == column else {
                throw MindSpaceError(.usage, file: path,
                    "has a single column and so no header row (TensorBoard's rule); cannot select column '\(TerminalText.escaped(column))'")
            }
            body = body.dropFirst()
            guard !body.isEmpty else {
                throw MindSpaceError.malformed(path, "no labels: the file has only the header line '\(TerminalText.escaped(column))'")
            }
        }
        var labels: [String] = []
        labels.reserveCapacity(body.count)
        for (index, line) in zip(body.indices, body) {
            if bytes[line].contains(separator) {
                throw MindSpaceError.malformed(path, offset: line.lowerBound,
                    "line \(index + 1) has several columns but line 1 has one; a single-column file has no header, "
                    + "so its first line fixes the column count")
            }
            labels.append(interned.label(bytes[line]))
        }
        return labels
    }

    /// The byte ranges of the cells of `line`, split at every `separator` (empty cells kept).
    private static func cells(of line: Range<Int>, in bytes: [UInt8], separator: UInt8) -> [Range<Int>] {
        var result: [Range<Int>] = []
        var start = line.lowerBound
        for index in line where bytes[index] == separator {
            result.append(start..<index)
            start = index + 1
        }
        result.append(start..<line.upperBound)
        return result
    }

    /// A label's text; invalid UTF-8 kept as `\xNN` (`TerminalText.decoded`).
    private static func decode(_ bytes: ArraySlice<UInt8>) -> String {
        TerminalText.decoded(bytes)
    }

    /// Decodes each distinct label's bytes once. With few distinct labels (the usual case: a
    /// handful of groups over many points) each line's bytes are compared with each known label;
    /// past `linearLimit` labels a hash table takes over (why: docs/design-notes.md).
    private struct LabelInterner {
        private static let linearLimit = 8
        private var few: [(bytes: [UInt8], label: String)] = []
        private var known: [ArraySlice<UInt8>: String] = [:]

        mutating func label(_ bytes: ArraySlice<UInt8>) -> String {
            for entry in few where entry.bytes.count == bytes.count && Self.same(entry.bytes, bytes) {
                return entry.label
            }
            if let existing = known[bytes] { return existing }
            let text = decode(bytes)
            if few.count < Self.linearLimit {
                few.append((Array(bytes), text))
            } else if known.count < 4096 {
                // Cap the table: a column of unique labels gains nothing from interning.
                known[bytes] = text
            }
            return text
        }

        /// Byte equality of two equally long byte strings (`memcmp`).
        private static func same(_ a: [UInt8], _ b: ArraySlice<UInt8>) -> Bool {
            a.withUnsafeBytes { left in
                b.withUnsafeBytes { right in
                    guard let l = left.baseAddress, let r = right.baseAddress else { return left.count == right.count }
                    return left.count == right.count && memcmp(l, r, left.count) == 0
                }
            }
        }
    }

    /// Checks that there is one label per point; the error says which count is which and, when
    /// the two differ by one, suggests the header rule as the likely cause.
    public static func checkCount(_ labels: [String], points: Int, path: String) throws {
        guard labels.count != points else { return }
        var reason = "has \(labels.count) labels, but the data has \(points) points; expected one label per point"
        if labels.count == points + 1 {
            reason += " (does the file start with a header line? a single-column metadata file has none)"
        } else if labels.count + 1 == points {
            reason += " (was the first label taken as a header? only files with several columns have one)"
        }
        throw MindSpaceError.malformed(path, reason)
    }
}
