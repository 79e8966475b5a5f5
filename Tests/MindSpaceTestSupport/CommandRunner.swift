import Foundation

/// Runs the built `mindspace` binary (it sits beside the test bundle in SwiftPM's build folder)
/// and captures what a shell user would see.
package struct CommandRunner {
    package struct Result {
        package var status: Int32
        package var stdout: String
        package var stderr: String
        package var json: [String: Any]? {
            guard let data = stdout.data(using: .utf8) else { return nil }
            return (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
        }
    }

    /// The binary: `MINDSPACE_BINARY` if set, else `mindspace` next to the test executable.
    package static var binary: URL {
        if let override = ProcessInfo.processInfo.environment["MINDSPACE_BINARY"] {
            return URL(fileURLWithPath: override)
        }
        var folder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        // On Linux the test runner is `<build>/debug/<Package>PackageTests.xctest`; on Darwin
        // it is a bundle one level deeper.
        for _ in 0..<3 {
            let candidate = folder.appendingPathComponent("mindspace")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            folder.deleteLastPathComponent()
        }
        return URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            .appendingPathComponent("mindspace")
    }

    /// The terminal width every run is given (`COLUMNS`). ArgumentParser wraps help and usage
    /// text to `COLUMNS` when set, else to the width of a terminal on stdout (none under the
    /// runner's pipe), else 80; an exported `COLUMNS` in the test's own environment would
    /// otherwise change the help text.
    package static let terminalColumns = 80

    /// Runs `mindspace arguments…` in `directory` and waits for it. The child inherits the test
    /// process's environment with `COLUMNS` set to `terminalColumns`, then `environment` on top.
    package static func run(_ arguments: [String], in directory: URL? = nil,
                            environment: [String: String] = [:]) throws -> Result {
        try launch(binary, arguments, in: directory, environment: ["COLUMNS": String(terminalColumns)], then: environment)
    }

    /// Starts `executable` with `arguments` in the process's environment with `fixed` set and
    /// then `given` on top, and collects its exit status and both outputs.
    private static func launch(_ executable: URL, _ arguments: [String], in directory: URL? = nil,
                               environment fixed: [String: String], then given: [String: String]) throws -> Result {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        process.environment = ProcessInfo.processInfo.environment
            .merging(fixed) { _, value in value }
            .merging(given) { _, value in value }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Drain stderr on another thread while this one drains stdout, then wait: a child that
        // fills one pipe's buffer (64 KiB) while the other is being read can never block.
        let errReader = PipeDrain(err.fileHandleForReading)
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = errReader.wait()
        process.waitUntilExit()
        return Result(status: process.terminationStatus,
                      stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errData, as: UTF8.self))
    }

    /// Runs `script` with `/bin/sh -c` (for `ulimit`, `unshare` and the like), with the binary's
    /// path in `$MINDSPACE`, the environment of `run`, and `environment` on top.
    package static func runInShell(_ script: String, environment: [String: String] = [:]) throws -> Result {
        try launch(URL(fileURLWithPath: "/bin/sh"), ["-c", script],
                   environment: ["COLUMNS": String(terminalColumns), "MINDSPACE": binary.path], then: environment)
    }

    /// Whether this machine lets an unprivileged process mount a tmpfs of its own
    /// (`unshare -r -m`: a user and mount namespace), which the fault tests use for a tiny or
    /// read-only file system. Probed once.
    package static let canMountPrivateTmpfs: Bool = {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/unshare") else { return false }
        let probe = try? runInShell("d=$(mktemp -d) && unshare -r -m sh -c \"mount -t tmpfs -o size=64k none $d\"; s=$?; rmdir $d; exit $s")
        return probe?.status == 0
    }()

    /// A fresh empty temporary folder.
    package static func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("mindspace-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// The package's root folder (for `datasets/`).
    package static var packageRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
    }
}

/// Reads a pipe to its end on a background thread; `wait()` returns the bytes.
private final class PipeDrain: @unchecked Sendable {
    private let finished = DispatchSemaphore(value: 0)
    private var data = Data()

    init(_ handle: FileHandle) {
        Thread.detachNewThread { [self] in
            data = handle.readDataToEndOfFile()
            finished.signal()
        }
    }

    /// Blocks until the pipe is closed; the bytes read.
    func wait() -> Data {
        finished.wait()
        return data
    }
}
