import Foundation
import Dispatch

/// Removes the hidden temporaries of live `OutputTransaction`s when the process is interrupted
/// (SIGINT: Ctrl-C; SIGTERM: `kill`, a job scheduler), then exits with 128 + the signal's number
/// (130 and 143, as a shell reports a process killed by the signal), so an interrupted command
/// leaves neither a half-written file nor a `.name.partial-PID` temporary. SIGKILL and crashes
/// cannot be caught; `batch` removes what they leave on its next run.
///
/// One process-wide registry, guarded by a lock: a transaction creates each temporary through
/// `createRegistered(_:)` (the file is created and registered under the lock, so the handler
/// never misses one that exists) and `unregister(_:)`s it once renamed into place or deleted.
/// The handlers are installed by the first `createRegistered` (a command that writes nothing
/// keeps the default signal actions): each signal is ignored (`SIG_IGN`) and delivered instead
/// to a `DispatchSource` on a background queue, whose handler takes the lock, unlinks every
/// registered temporary and calls `_exit` with the lock held, so no temporary can be created
/// after the sweep. `_exit`, not `exit`: worker threads may still be running, and exit handlers
/// must not run under them. A writer that re-opens its temporary by name in the instant between
/// the sweep and `_exit` could still recreate it; `stageFile`'s writers open theirs once.
enum InterruptCleanup {
    /// The signals handled.
    static let signals: [Int32] = [SIGINT, SIGTERM]

    /// The exit status after `signal`: 128 + its number (130 for SIGINT, 143 for SIGTERM).
    static func exitStatus(for signal: Int32) -> Int32 { 128 + signal }

    /// The registry's state; every access holds `lock`.
    private final class Registry: @unchecked Sendable {
        let lock = NSLock()
        var temporaries: Set<String> = []
        var sources: [DispatchSourceSignal] = []
        let queue = DispatchQueue(label: "mindspace.interrupt-cleanup", qos: .userInitiated)
    }

    private static let registry = Registry()

    /// Creates an empty file at `path` and registers it for removal on SIGINT/SIGTERM, atomically
    /// with respect to the signal handler; installs the handlers on first use. Returns whether
    /// the file could be created (nothing is registered when not).
    static func createRegistered(_ path: String) -> Bool {
        registry.lock.lock()
        defer { registry.lock.unlock() }
        installIfNeeded()
        guard FileManager.default.createFile(atPath: path, contents: nil) else { return false }
        registry.temporaries.insert(path)
        return true
    }

    /// Forgets `path` (after it was renamed into place or deleted).
    static func unregister(_ path: String) {
        registry.lock.lock()
        defer { registry.lock.unlock() }
        registry.temporaries.remove(path)
    }

    /// The temporaries registered now (for tests).
    static var registered: Set<String> {
        registry.lock.lock()
        defer { registry.lock.unlock() }
        return registry.temporaries
    }

    /// Whether the handlers are installed (for tests).
    static var isInstalled: Bool {
        registry.lock.lock()
        defer { registry.lock.unlock() }
        return !registry.sources.isEmpty
    }

    /// Installs the signal sources once. The caller holds the lock.
    private static func installIfNeeded() {
        guard registry.sources.isEmpty else { return }
        for number in signals {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: registry.queue)
            source.setEventHandler { removeTemporariesAndExit(signal: number) }
            source.resume()
            registry.sources.append(source)
        }
    }

    /// The handler: unlinks every registered temporary and ends the process, holding the lock
    /// to the end so that no transaction creates another.
    private static func removeTemporariesAndExit(signal number: Int32) {
        registry.lock.lock()
        for path in registry.temporaries { unlink(path) }
        _exit(exitStatus(for: number))
    }
}
