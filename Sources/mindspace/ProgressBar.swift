import Foundation
import MindSpaceCore

/// A one-line progress bar on standard error over bytes read: shown only when standard error is
/// a terminal and `--quiet` is not given (shared/cli.md), redrawn at most every 0.1 s, sized to
/// the terminal's width at each redraw (`TerminalWidth`, laid out by `ProgressLine`) so that it
/// never wraps, and erased when done so it never mixes with the command's output or lands in a
/// log file.
final class ProgressBar {
    private let label: String
    private let enabled: Bool
    private var lastDraw = Date.distantPast
    private var drawn = false

    /// A bar titled `label`; silent when `quiet` or when stderr is not a terminal.
    init(label: String, quiet: Bool) {
        self.label = label
        enabled = !quiet && isatty(STDERR_FILENO) == 1
    }

    /// Redraws the bar for `done` of `total` bytes (throttled; always drawn at 100 %).
    func update(done: Int, total: Int) {
        guard enabled, total > 0 else { return }
        let now = Date()
        guard done >= total || now.timeIntervalSince(lastDraw) >= 0.1 else { return }
        lastDraw = now
        let columns = TerminalWidth.columns(of: STDERR_FILENO)
        // Erase the rest of the line too: a narrower redraw after a resize leaves no debris.
        let line = "\r" + ProgressLine.render(label: label, done: done, total: total, columns: columns) + "\u{1B}[K"
        FileHandle.standardError.write(Data(line.utf8))
        drawn = true
    }

    /// Erases the bar.
    func finish() {
        guard enabled, drawn else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
        drawn = false
    }
}
