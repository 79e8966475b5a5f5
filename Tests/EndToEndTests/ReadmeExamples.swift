import Foundation

/// The console examples of `README.md`, as the test suite runs them (issue 20: the README is a
/// tested contract).
///
/// A ```` ```console ```` block holds commands, each on a line starting with `$ `, and below each
/// command the exact text it prints: its stdout, then its stderr. The commands of one block run in
/// order in one fresh folder that holds a link `datasets` to the shipped data, through `/bin/sh`
/// with the built `mindspace` first on `PATH`, so paths read as written and shell lines
/// (`head -c 100 … > cut.npy`, `echo $?`) work. `$?` is the status of the block's previous command.
/// Blocks of any other language (```` ```sh ````) are shown, not run.
struct ReadmeExample: Sendable {
    /// One command and the text it must print.
    struct Step: Sendable {
        var command: String
        var expected: String
    }

    /// The line of the README where the block's opening fence is (1-based), for messages.
    var line: Int
    var steps: [Step]
    /// The range of README lines (0-based, fences excluded) the block's body occupies.
    var bodyLines: Range<Int>

    static let fence = "```console"

    /// Every console block of `text`, in order.
    static func parse(_ text: String) -> [ReadmeExample] {
        let lines = text.components(separatedBy: "\n")
        var examples: [ReadmeExample] = []
        var index = 0
        while index < lines.count {
            guard lines[index].trimmingCharacters(in: .whitespaces) == fence else { index += 1; continue }
            let start = index + 1
            var end = start
            while end < lines.count, !lines[end].hasPrefix("```") { end += 1 }
            var steps: [Step] = []
            for line in lines[start..<end] {
                if line.hasPrefix("$ ") {
                    steps.append(Step(command: String(line.dropFirst(2)), expected: ""))
                } else if !steps.isEmpty {
                    steps[steps.count - 1].expected += line + "\n"
                }
            }
            examples.append(ReadmeExample(line: index + 1, steps: steps, bodyLines: start..<end))
            index = end + 1
        }
        return examples
    }

    /// The block's body with `outputs` (one per step) under its commands.
    func body(outputs: [String]) -> [String] {
        var lines: [String] = []
        for (step, output) in zip(steps, outputs) {
            lines.append("$ " + step.command)
            let printed: [String] = output.components(separatedBy: "\n")
            // The output ends in a newline, so its last component is empty.
            lines.append(contentsOf: printed.dropLast())
        }
        return lines
    }

    /// Runs the block's commands in `folder` with `binaryFolder` first on `PATH`; returns what
    /// each printed (stdout, then stderr).
    func run(in folder: URL, binaryFolder: URL, columns: Int) throws -> [String] {
        var outputs: [String] = []
        var previousStatus: Int32 = 0
        for step in steps {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", "(exit \(previousStatus)); " + step.command]
            process.currentDirectoryURL = folder
            var environment = ProcessInfo.processInfo.environment
            environment["PATH"] = binaryFolder.path + ":" + (environment["PATH"] ?? "/usr/bin:/bin")
            environment["COLUMNS"] = String(columns)
            process.environment = environment
            let out = FileManager.default.temporaryDirectory.appendingPathComponent("readme-\(UUID().uuidString).out")
            let err = FileManager.default.temporaryDirectory.appendingPathComponent("readme-\(UUID().uuidString).err")
            guard FileManager.default.createFile(atPath: out.path, contents: nil),
                  FileManager.default.createFile(atPath: err.path, contents: nil) else {
                throw CocoaError(.fileWriteUnknown)
            }
            defer {
                try? FileManager.default.removeItem(at: out)
                try? FileManager.default.removeItem(at: err)
            }
            process.standardOutput = try FileHandle(forWritingTo: out)
            process.standardError = try FileHandle(forWritingTo: err)
            try process.run()
            process.waitUntilExit()
            previousStatus = process.terminationStatus
            outputs.append(try String(contentsOf: out, encoding: .utf8) + String(contentsOf: err, encoding: .utf8))
        }
        return outputs
    }
}
