import Foundation

/// The process-wide record of the output files this process owns: every destination an
/// `OutputTransaction` committed, and every file a command kept from an earlier run instead of
/// rewriting it (`OutputTransaction.recordOwned`, e.g. `batch`'s cached passes). Paths are
/// absolute and standardised (`URL.standardizedFileURL.path`), in the order first recorded,
/// without duplicates. Guarded by a lock: transactions may commit from several threads.
final class CommittedOutputs: @unchecked Sendable {
    /// The one record of the process.
    static let shared = CommittedOutputs()

    private let lock = NSLock()
    private var paths: [String] = []
    private var seen: Set<String> = []

    /// Adds `path` (made absolute and standardised) unless it is already recorded.
    func record(_ path: String) {
        let standard = URL(fileURLWithPath: path).standardizedFileURL.path
        lock.lock()
        defer { lock.unlock() }
        if seen.insert(standard).inserted { paths.append(standard) }
    }

    /// Every path recorded so far.
    var all: [String] {
        lock.lock()
        defer { lock.unlock() }
        return paths
    }
}

extension OutputTransaction {
    /// Every output file this process has committed (through any `OutputTransaction`) or
    /// declared its own with `recordOwned(_:)`: absolute, standardised paths in the order first
    /// recorded, without duplicates. A command can compare it with its output folder to tell its
    /// own files from those left by other runs.
    public static var committedPaths: [String] { CommittedOutputs.shared.all }

    /// Records `path` as an output of this process although it was not written now: a file kept
    /// from an earlier run instead of being rewritten (`batch` reuses its cached passes this
    /// way). Relative paths are taken from the current directory.
    public static func recordOwned(_ path: String) {
        CommittedOutputs.shared.record(path)
    }
}
