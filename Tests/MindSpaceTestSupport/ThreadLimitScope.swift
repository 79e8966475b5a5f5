import Foundation
import MindSpaceCore
import MindSpaceNumerics

/// Runs test code under a chosen thread limit (`ParallelLoop.setThreadLimit`, as `--threads` sets it) and restores the previous limit
/// afterwards: how tests compare thread counts, now that the limit is the library's one
/// (process-wide) thread setting rather than a parameter.
///
/// Swift Testing runs tests in parallel, so the scopes are serialised by one lock: two tests
/// never change the limit at once, and each runs its body under the limit it set. Tests running
/// meanwhile see that limit too; no result depends on it, only their speed. Do not nest scopes.
package enum ThreadLimitScope {
    private static let lock = NSLock()

    /// `body()` with `ParallelLoop.threadLimit` set to `limit` (a value below 1: every core).
    package static func with<Result>(_ limit: Int, _ body: () throws -> Result) rethrows -> Result {
        lock.lock()
        defer { lock.unlock() }
        let saved = ParallelLoop.threadLimit
        // As `--threads` does: the library's loops and whatever it asks of BLAS.
        ParallelLoop.setThreadLimit(limit)
        defer { ParallelLoop.setThreadLimit(saved) }
        return try body()
    }
}
