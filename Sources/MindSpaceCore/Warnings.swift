import Foundation

/// Warnings: what a user should know about a result that is still produced (a figure's title
/// cut to fit), as opposed to a `MindSpaceError`, which stops the command. Each warning is one
/// line; by default it goes to standard error as `mindspace: warning: MESSAGE`, the form the CLI
/// gives its errors (shared/cli.md), so library code can warn without knowing who prints.
///
/// A library user, or a test, collects them instead by binding `handler` for a task:
/// `Warnings.$handler.withValue({ collected.append($0) }) { … }`. The binding holds for the
/// code run in that task (not for threads started outside it).
public enum Warnings {
    /// Receives the warnings of the current task instead of standard error; `nil` (the default)
    /// prints them.
    @TaskLocal public static var handler: (@Sendable (String) -> Void)?

    /// Reports `message` (a lower-case phrase, no trailing period) as one line: control
    /// characters, newlines among them, are written as `\xNN`, as the CLI writes text that came
    /// from a file.
    public static func emit(_ message: String) {
        let line = oneLine(message)
        if let handler {
            handler(line)
        } else {
            FileHandle.standardError.write(Data("mindspace: warning: \(line)\n".utf8))
        }
    }

    /// `text` with every control character written as `\xNN` (`TerminalText.line`).
    static func oneLine(_ text: String) -> String {
        TerminalText.line(text)
    }
}
