// `make reliability`: writes docs/reliability.md from docs/reliability/template.md and the
// recorded results of the last runs (issue 17, part 5):
//   {{FUZZ_TABLE}}      docs/reliability/fuzz.tsv (written by `make fuzz`), with each harness's
//                       entry point from Fuzz/Package.swift and its regression fixtures
//   {{FINDINGS}}        Tests/MindSpaceTestSupport/Fixtures/fuzz-regressions/FINDINGS.tsv
//   {{SANITIZE_TABLE}}  docs/reliability/sanitize.tsv (written by `make sanitize`)
// Usage: swift scripts/reliability-report.swift [repository root]
import Foundation

let root = CommandLine.arguments.count > 1 ? CommandLine.arguments[1] : FileManager.default.currentDirectoryPath
let regressions = "\(root)/Tests/MindSpaceTestSupport/Fixtures/fuzz-regressions"

func text(_ path: String) -> String? { try? String(contentsOfFile: "\(root)/\(path)", encoding: .utf8) }

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("reliability-report: \(message)\n".utf8))
    exit(1)
}

/// A recorded results file: the `# ...` line saying when and where, the header, the rows.
struct Results {
    var provenance = ""
    var columns: [String] = []
    var rows: [[String: String]] = []

    init(_ path: String) {
        guard let contents = text(path) else { return }
        for line in contents.split(separator: "\n", omittingEmptySubsequences: true) {
            if line.hasPrefix("#") { provenance = String(line.dropFirst(2)); continue }
            let cells = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            if columns.isEmpty { columns = cells; continue }
            rows.append(Dictionary(uniqueKeysWithValues: zip(columns, cells).map { ($0, $1) }))
        }
    }
}

/// Harness name → what it fuzzes, from the `harnesses` list in Fuzz/Package.swift.
func harnessDescriptions() -> [(String, String)] {
    guard let package = text("Fuzz/Package.swift") else { fail("Fuzz/Package.swift is missing") }
    let pattern = try! NSRegularExpression(pattern: #"\("(Fuzz\w+)", "(.*)"\),"#)
    let range = NSRange(package.startIndex..., in: package)
    return pattern.matches(in: package, range: range).map { match in
        (String(package[Range(match.range(at: 1), in: package)!]), String(package[Range(match.range(at: 2), in: package)!]))
    }
}

func regressionFiles(_ harness: String) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: "\(regressions)/\(harness)")) ?? []).sorted()
}

func grouped(_ digits: String) -> String {
    guard let value = Int(digits) else { return digits }
    let formatter = NumberFormatter()
    formatter.numberStyle = .decimal
    formatter.groupingSeparator = ","
    return formatter.string(from: NSNumber(value: value)) ?? digits
}

func fuzzTable() -> String {
    let results = Results("docs/reliability/fuzz.tsv")
    var lines = ["Last run: \(results.provenance.isEmpty ? "none recorded" : results.provenance).", "",
                 "| harness | fuzzes | seconds | executions | seeds | corpus (inputs, bytes) | coverage (cov / ft) | found and fixed | open |",
                 "|---|---|--:|--:|--:|--:|--:|--:|--:|"]
    var openTotal = 0, fixedTotal = 0, executionTotal = 0
    for (harness, what) in harnessDescriptions() {
        let fixed = regressionFiles(harness).count
        fixedTotal += fixed
        guard let row = results.rows.first(where: { $0["harness"] == harness }) else {
            lines.append("| `\(harness)` | \(what) | – | not run | | | | \(fixed) | |")
            continue
        }
        let open = Int(row["open_findings"] ?? "") ?? 0
        openTotal += open
        executionTotal += Int(row["executions"] ?? "") ?? 0
        lines.append("| `\(harness)` | \(what) | \(row["seconds"] ?? "") | \(grouped(row["executions"] ?? "")) | \(row["seeds"] ?? "") | "
            + "\(row["corpus"] ?? ""), \(row["corpus_bytes"] ?? "") | \(row["cov"] ?? "") / \(row["ft"] ?? "") | \(fixed) | \(open) |")
    }
    lines.append("")
    lines.append("In all: \(grouped(String(executionTotal))) executions, \(fixedTotal) finding\(fixedTotal == 1 ? "" : "s") fixed and kept as regression fixtures, **\(openTotal) open**.")
    return lines.joined(separator: "\n")
}

func findings() -> String {
    var lines: [String] = []
    if let table = text("Tests/MindSpaceTestSupport/Fixtures/fuzz-regressions/FINDINGS.tsv") {
        for line in table.split(separator: "\n") where !line.hasPrefix("#") {
            let cells = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard cells.count >= 3, cells[0] != "harness" else { continue }
            lines.append("| `\(cells[0])` | `\(cells[1])` | \(cells[2]) |")
        }
    }
    if lines.isEmpty { return "No finding so far." }
    return (["| harness | input | what was wrong, and the fix |", "|---|---|---|"] + lines).joined(separator: "\n")
}

func sanitizeTable() -> String {
    let results = Results("docs/reliability/sanitize.tsv")
    var lines = ["Last run: \(results.provenance.isEmpty ? "none recorded" : results.provenance).", "",
                 "| sanitizer | mode | suites | tests | failing | sanitizer reports | outcome | build | tests run | reported at |",
                 "|---|---|---|--:|--:|--:|---|--:|--:|---|"]
    for row in results.rows {
        let suites = (row["suites"] ?? "").replacingOccurrences(of: "|", with: ", ")
        lines.append("| \(row["sanitizer"] ?? "") | \(row["mode"] ?? "") | \(suites == "all" ? "whole suite" : suites) | "
            + "\(row["tests"] ?? "") | \(row["failing"] ?? "") | \(row["reports"] ?? "") | \(row["outcome"] ?? "") | "
            + "\(row["build_seconds"] ?? "") s | \(row["test_seconds"] ?? "") s | \(row["sites"] ?? "") |")
    }
    return lines.joined(separator: "\n")
}

guard var document = text("docs/reliability/template.md") else { fail("docs/reliability/template.md is missing") }
document = document.replacingOccurrences(of: "{{FUZZ_TABLE}}", with: fuzzTable())
    .replacingOccurrences(of: "{{FINDINGS}}", with: findings())
    .replacingOccurrences(of: "{{SANITIZE_TABLE}}", with: sanitizeTable())
do {
    try document.write(toFile: "\(root)/docs/reliability.md", atomically: true, encoding: .utf8)
} catch {
    fail("cannot write docs/reliability.md: \(error)")
}
print("reliability-report: wrote docs/reliability.md")
