import Foundation

#if canImport(Glibc)
import Glibc
import MindSpaceCore
#endif

/// A one-line progress bar on standard error over bytes read: shown only when standard error is
/// a terminal and `--quiet` is not given (shared/cli.md), redrawn at most every 0.1 s, and
/// erased when done so it never mixes with the command's output or lands in a log file.
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
        let fraction = min(1, Double(done) / Double(total))
        let width = 30
        let filled = Int((fraction * Double(width)).rounded(.down))
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
        let line = String(format: "\r%@ [%@] %3.0f%%  %@ / %@", label, bar, 100 * fraction,
                          Self.bytes(done), Self.bytes(total))
        FileHandle.standardError.write(Data(line.utf8))
        drawn = true
    }

    /// Erases the bar.
    func finish() {
        guard enabled, drawn else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
        drawn = false
    }

    /// 1536 → "1.5 KB" (powers of 1024, one decimal).
    static func bytes(_ count: Int) -> String {
        let units = ["B", "KB", "MB", "GB", "TB"]
        var value = Double(count), unit = 0
        while value >= 1024 && unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        return unit == 0 ? "\(count) B" : String(format: "%.1f %@", value, units[unit])
    }
}
