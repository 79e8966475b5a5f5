import Foundation

/// The first error thrown by any of several concurrent workers (thread-safe).
package final class ConcurrentFirstError: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Error?

    package init() {}

    /// Keeps `error` if none was recorded yet.
    package func record(_ error: Error) {
        lock.lock()
        defer { lock.unlock() }
        if stored == nil { stored = error }
    }

    /// The recorded error, if any.
    package var error: Error? {
        lock.lock()
        defer { lock.unlock() }
        return stored
    }
}
