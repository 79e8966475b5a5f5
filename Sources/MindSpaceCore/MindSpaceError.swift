/// The one error type that MindSpace's library throws for anything a user's data or environment
/// can cause. Its `description` is the single line the CLI prints; `exitCode` follows
/// `sysexits.h`, as `shared/cli.md` promises scripts.
///
/// Programmer errors (a wrong index computed by our own code) are `precondition`s instead; no path
/// that user data reaches may trap.
public struct MindSpaceError: Error, CustomStringConvertible, Equatable, Sendable {
    /// What went wrong, at the granularity a script needs to react to.
    public enum Kind: String, Sendable, Equatable {
        /// The command line itself is wrong (exit 64, `EX_USAGE`).
        case usage
        /// The input exists but is malformed, truncated, of an unsupported type, or its values
        /// cannot be used (NaN/Inf, too few points) (exit 65, `EX_DATAERR`).
        case malformedData
        /// The input does not exist or cannot be opened or read (exit 66, `EX_NOINPUT`).
        case missingInput
        /// An output file or folder cannot be created (exit 73, `EX_CANTCREAT`).
        case cannotCreateOutput
        /// Writing an output failed part-way (exit 74, `EX_IOERR`).
        case outputFailed
    }

    public var kind: Kind
    /// The file the problem is in, as the user named it; `nil` when no file is involved.
    public var file: String?
    /// Byte offset (or element/line position, as the reason states) of the problem, if known.
    public var offset: Int?
    /// Human-readable reason, lower case, no trailing period: "truncated data: expected 800 bytes, found 640".
    public var reason: String

    public init(_ kind: Kind, file: String? = nil, offset: Int? = nil, _ reason: String) {
        self.kind = kind
        self.file = file
        self.offset = offset
        self.reason = reason
    }

    /// Shorthand for a malformed-data error in `file`.
    public static func malformed(_ file: String?, offset: Int? = nil, _ reason: String) -> MindSpaceError {
        MindSpaceError(.malformedData, file: file, offset: offset, reason)
    }

    /// The process exit status for this error (`sysexits.h`).
    public var exitCode: Int32 {
        switch kind {
        case .usage: return 64
        case .malformedData: return 65
        case .missingInput: return 66
        case .cannotCreateOutput: return 73
        case .outputFailed: return 74
        }
    }

    /// One line: `file: reason (at byte N)`, newlines flattened so the promise of one line holds
    /// and any other control character written as `\xNN` (`TerminalText.line`), so text from a
    /// file that reached the reason unescaped still cannot drive the terminal.
    public var description: String {
        var line = ""
        if let file { line += "\(file): " }
        line += reason
        if let offset { line += " (at byte \(offset))" }
        return TerminalText.line(line.replacingOccurrences(of: "\n", with: " "))
    }

    /// The same error located in `file` (used when a lower layer did not know the path).
    public func located(in file: String) -> MindSpaceError {
        var copy = self
        if copy.file == nil { copy.file = file }
        return copy
    }
}
