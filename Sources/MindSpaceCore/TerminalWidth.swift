import Foundation

/// How many columns a line written to a terminal may take: the terminal's own width
/// (`ioctl(TIOCGWINSZ)` on the file descriptor), else `$COLUMNS`, else 80. Progress output sizes
/// itself with it so that it never wraps onto a second line, which `\r` could not erase.
public enum TerminalWidth {
    /// The width assumed when neither the terminal nor `$COLUMNS` says: the classic 80.
    public static let fallback = 80

    /// The width for output written to `fileDescriptor` (standard error for progress), read
    /// afresh on each call so that a resized window is followed.
    public static func columns(of fileDescriptor: Int32,
                               environment: [String: String] = ProcessInfo.processInfo.environment) -> Int {
        resolve(terminal: terminalColumns(of: fileDescriptor), environment: environment)
    }

    /// The rule, apart from the system call: `terminal` when it is positive, else a positive
    /// integer `$COLUMNS`, else `fallback`.
    public static func resolve(terminal: Int?, environment: [String: String]) -> Int {
        if let terminal, terminal > 0 { return terminal }
        if let text = environment["COLUMNS"]?.trimmingCharacters(in: .whitespaces), let columns = Int(text), columns > 0 {
            return columns
        }
        return fallback
    }

    /// The column count the terminal on `fileDescriptor` reports; `nil` when it is not a terminal
    /// or reports 0 (some pseudo-terminals before their size is set).
    static func terminalColumns(of fileDescriptor: Int32) -> Int? {
        var size = winsize()
        guard ioctl(fileDescriptor, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return nil }
        return Int(size.ws_col)
    }
}
