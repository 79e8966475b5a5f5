import Foundation
import Testing

/// One golden file under `Tests/EndToEndTests/Golden/` (found through `#filePath`, so the source
/// tree is read and written, never a copy in a bundle): the reviewed text of a piece of the
/// user-facing contract (see `Golden/README.md`).
///
/// `check` compares what the binary printed with the file. On a difference it records an issue
/// that shows the first differing lines; with `MINDSPACE_UPDATE_GOLDEN=1` in the environment
/// (`make golden`) it rewrites the file instead and records nothing.
struct GoldenFile {
    /// `Tests/EndToEndTests/Golden`.
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

    /// Whether this run rewrites golden files instead of comparing (`MINDSPACE_UPDATE_GOLDEN=1`).
    static var isUpdating: Bool { ProcessInfo.processInfo.environment["MINDSPACE_UPDATE_GOLDEN"] == "1" }

    /// What to do when a check fails.
    static let advice = "if the change is intended, run `make golden` and review `git diff Tests/EndToEndTests/Golden`"

    /// The folder inside `Golden/` (`help`, `json-keys`).
    var folder: String
    /// The file's name without `.txt`: the command, or the case, it pins.
    var name: String

    /// The path relative to the package root, for messages.
    var displayPath: String { "Tests/EndToEndTests/Golden/\(folder)/\(name).txt" }

    var url: URL { Self.root.appendingPathComponent(folder).appendingPathComponent(name + ".txt") }

    /// Compares `actual` with the file, or rewrites the file when updating.
    func check(_ actual: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let expected = try? String(contentsOf: url, encoding: .utf8)
        if expected == actual { return }
        if Self.isUpdating {
            do {
                try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try Data(actual.utf8).write(to: url, options: .atomic)
                print("golden: wrote \(displayPath)")
            } catch {
                Issue.record("cannot write \(displayPath): \(error)", sourceLocation: sourceLocation)
            }
            return
        }
        guard let expected else {
            Issue.record("\(displayPath) is missing; \(Self.advice)", sourceLocation: sourceLocation)
            return
        }
        let difference = Self.difference(expected: expected, actual: actual)
        Issue.record("\(displayPath) differs from the output of the built binary:\n\(difference)\n\(Self.advice)",
                     sourceLocation: sourceLocation)
    }

    /// The names (without `.txt`) of the golden files in `folder`.
    static func names(in folder: String) -> Set<String> {
        let url = root.appendingPathComponent(folder)
        let files = (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []
        return Set(files.filter { $0.hasSuffix(".txt") }.map { String($0.dropLast(4)) })
    }

    /// Golden files in `folder` that pin nothing any more (`current` lists what is pinned): an
    /// issue each, or removed when updating.
    static func checkNoStaleFiles(in folder: String, current: Set<String>,
                                  sourceLocation: SourceLocation = #_sourceLocation) {
        for stale in names(in: folder).subtracting(current).sorted() {
            let file = GoldenFile(folder: folder, name: stale)
            if isUpdating {
                do {
                    try FileManager.default.removeItem(at: file.url)
                    print("golden: removed \(file.displayPath)")
                } catch {
                    Issue.record("cannot remove \(file.displayPath): \(error)", sourceLocation: sourceLocation)
                }
            } else {
                Issue.record("\(file.displayPath) pins nothing the binary has now; \(advice)",
                             sourceLocation: sourceLocation)
            }
        }
    }

    /// A short account of how `actual` differs from `expected`: the first differing line with a
    /// few lines after it on each side (`-` golden, `+` actual), then the lines found on only
    /// one side (at most `listed` each), which for a sorted key set are the removed and added keys.
    static func difference(expected: String, actual: String, context: Int = 4, listed: Int = 20) -> String {
        let old = expected.components(separatedBy: "\n"), new = actual.components(separatedBy: "\n")
        let common = min(old.count, new.count)
        let first = (0..<common).first { old[$0] != new[$0] } ?? common
        var lines = ["first difference at line \(first + 1):"]
        lines += old[first..<min(old.count, first + context)].map { "- " + $0 }
        lines += new[first..<min(new.count, first + context)].map { "+ " + $0 }
        let oldSet = Set(old), newSet = Set(new)
        let removed = old.filter { !newSet.contains($0) && !$0.isEmpty }
        let added = new.filter { !oldSet.contains($0) && !$0.isEmpty }
        for (title, found) in [("only in the golden file", removed), ("only in the output", added)] where !found.isEmpty {
            lines.append("\(title) (\(found.count) line\(found.count == 1 ? "" : "s")):")
            lines += found.prefix(listed).map { "  " + $0 }
            if found.count > listed { lines.append("  …") }
        }
        return lines.joined(separator: "\n")
    }
}
