import Foundation
import MindSpace

/// The contract every reader keeps with untrusted bytes (shared/cli.md, "Exit codes"): it returns,
/// or it throws a `MindSpaceError` (which the CLI prints as one line with its sysexits code).
/// Anything else thrown would reach the user as a generic failure, so a harness treats it as a
/// finding: it prints the error and aborts, and libFuzzer keeps the input as a crash.
public enum ReaderContract {
    /// Runs `body`; a `MindSpaceError` is an accepted outcome, any other error aborts.
    public static func check(_ body: () throws -> Void) {
        do {
            try body()
        } catch is MindSpaceError {
            return
        } catch {
            FileHandle.standardError.write(Data("reader threw a non-MindSpaceError: \(type(of: error)): \(error)\n".utf8))
            abort()
        }
    }

    /// Aborts with `message` when `condition` is false: a property a harness checks on what a
    /// reader or writer returned (a round trip, a count).
    public static func expect(_ condition: Bool, _ message: @autoclosure () -> String) {
        guard !condition else { return }
        FileHandle.standardError.write(Data("property failed: \(message())\n".utf8))
        abort()
    }
}
