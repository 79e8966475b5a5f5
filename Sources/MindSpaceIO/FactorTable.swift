import MindSpaceCore

/// A table of factors describing several inputs (models, runs, layers): a header row, then one
/// row per input whose first cell names the input and whose other cells are its levels.
/// ```
/// model            data     process  seed
/// subset0-seed0    subset0  sgd      0
/// subset1-seed0    subset1  sgd      0
/// ```
/// Tab-separated (comma-separated for `.csv`), as `GroupLabelsReader` reads metadata: a UTF-8
/// byte-order mark and CRLF line ends are tolerated, cells are kept as written.
///
/// Errors (`.malformedData`, naming the file): fewer than two columns, a header naming a column
/// twice, a row of another width, a row naming an input twice.
public struct FactorTable: Sendable, Equatable {
    /// The factor names (the header without its first cell).
    public var factors: [String]
    /// Input name → its level of each factor, in `factors` order.
    public var levels: [String: [String]]
    /// The input names in the order of the rows.
    public var names: [String]

    /// Reads the table at `path`.
    public static func read(path: String) throws -> FactorTable {
        let file = try FileByteSource(path: path)
        return try parse(bytes: file.bytes(at: 0, count: file.byteCount), path: path)
    }

    /// Parses a table already in memory; `path` names it in errors and picks the separator.
    public static func parse(bytes: [UInt8], path: String) throws -> FactorTable {
        let separator: UInt8 = path.lowercased().hasSuffix(".csv") ? 0x2C : 0x09
        let start = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        let firstEnd = bytes[start...].firstIndex(of: 0x0A) ?? bytes.count
        var headerBytes = Array(bytes[start..<firstEnd])
        if headerBytes.last == 0x0D { headerBytes.removeLast() }
        let header = headerBytes.split(separator: separator, omittingEmptySubsequences: false)
            .map { TerminalText.decoded($0) }
        guard header.count >= 2 else {
            throw MindSpaceError.malformed(path,
                "a factors table needs a header row with the input column and at least one factor, separated by "
                + (separator == 0x2C ? "commas" : "tabs"))
        }
        if let repeated = header.first(where: { name in header.filter { $0 == name }.count > 1 }) {
            throw MindSpaceError.malformed(path, "the header names column '\(TerminalText.escaped(repeated))' twice")
        }
        // Each column through the metadata reader: the same line, width and encoding rules.
        let columns = try header.map { try GroupLabelsReader.parse(bytes: bytes, path: path, column: $0) }
        let names = columns[0]
        var levels: [String: [String]] = [:]
        for (row, name) in names.enumerated() {
            guard levels[name] == nil else {
                throw MindSpaceError.malformed(path, "input '\(TerminalText.escaped(name))' is named twice (line \(row + 2))")
            }
            levels[name] = columns.dropFirst().map { $0[row] }
        }
        return FactorTable(factors: Array(header.dropFirst()), levels: levels, names: names)
    }
}
