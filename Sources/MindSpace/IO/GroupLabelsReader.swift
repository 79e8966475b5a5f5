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
/// - Labels are kept as written (no trimming). Bytes that are not UTF-8 become U+FFFD: labels
///   only name colours in a legend.
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
    public static func parse(bytes: [UInt8], path: String, column: String? = nil) throws -> [String] {
        let separator: Character = path.lowercased().hasSuffix(".csv") ? "," : "\t"
        var content = bytes[...]
        if content.starts(with: [0xEF, 0xBB, 0xBF]) { content = content.dropFirst(3) }

        // Lines with their byte offsets (for errors), CR removed, trailing blank lines dropped.
        var lines: [(text: Substring, offset: Int)] = []
        var lineStart = content.startIndex
        while lineStart < content.endIndex {
            let newline = content[lineStart...].firstIndex(of: 0x0A) ?? content.endIndex
            var lineEnd = newline
            if lineEnd > lineStart, content[lineEnd - 1] == 0x0D { lineEnd -= 1 }
            let text = String(decoding: content[lineStart..<lineEnd], as: UTF8.self)
            lines.append((text[...], lineStart))
            lineStart = newline == content.endIndex ? newline : newline + 1
        }
        while let last = lines.last, last.text.allSatisfy({ $0 == " " || $0 == "\t" }) { lines.removeLast() }
        guard let first = lines.first else {
            throw MindSpaceError.malformed(path, "no labels: the file is empty")
        }

        let header = first.text.split(separator: separator, omittingEmptySubsequences: false)
        if header.count == 1 {
            return try singleColumn(lines, separator: separator, path: path, column: column)
        }
        let names = header.map(String.init)
        let selected: Int
        if let column {
            guard let index = names.firstIndex(of: column) else {
                throw MindSpaceError(.usage, file: path,
                    "has no column '\(column)'; its columns are " + names.map { "'\($0)'" }.joined(separator: ", "))
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
            let cells = line.text.split(separator: separator, omittingEmptySubsequences: false)
            guard cells.count == names.count else {
                throw MindSpaceError.malformed(path, offset: line.offset,
                    "line \(index + 1) has \(cells.count) columns, expected \(names.count) (as the header on line 1)")
            }
            labels.append(String(cells[selected]))
        }
        return labels
    }

    /// TensorBoard's single-column case: every line is a label.
    private static func singleColumn(_ lines: [(text: Substring, offset: Int)], separator: Character,
                                     path: String, column: String?) throws -> [String] {
        var body = lines[...]
        if let column {
            guard lines[0].text == column else {
                throw MindSpaceError(.usage, file: path,
                    "has a single column and so no header row (TensorBoard's rule); cannot select column '\(column)'")
            }
            body = body.dropFirst()
            guard !body.isEmpty else {
                throw MindSpaceError.malformed(path, "no labels: the file has only the header line '\(column)'")
            }
        }
        for (index, line) in zip(body.indices, body) where line.text.contains(separator) {
            throw MindSpaceError.malformed(path, offset: line.offset,
                "line \(index + 1) has several columns but line 1 has one; a single-column file has no header, "
                + "so its first line fixes the column count")
        }
        return body.map { String($0.text) }
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
