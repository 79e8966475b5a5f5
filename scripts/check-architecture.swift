// Checks the rules that keep MindSpace's layers honest (docs/architecture.md), from the package's
// own description and the sources; `make test` runs it first.
//
//   swift package dump-package > .build/package.json
//   swift scripts/check-architecture.swift .build/package.json
//
// Rules:
// 1. A Swift file imports a module of this package (a target, or the product of a dependency)
//    only if its target declares it as a dependency. System modules (Foundation, Glibc, Testing,
//    …) are not this package's to check.
// 2. Each C target is imported by exactly one Swift module.
// 3. No Swift source file is longer than 500 lines.
// It also prints the layering it found: the library targets and the longest dependency chain.
// Exit status 0 when every rule holds, 1 with one line per violation otherwise.
import Foundation

let maximumLines = 500

struct Target {
    var name: String
    var type: String
    var path: String
    var dependencies: [String]
    var isC: Bool
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("check-architecture: \(message)\n".utf8))
    exit(2)
}

let arguments = CommandLine.arguments
guard arguments.count == 2 else { fail("usage: check-architecture.swift PACKAGE_JSON (from swift package dump-package)") }
guard let data = FileManager.default.contents(atPath: arguments[1]),
      let package = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any],
      let targetList = package["targets"] as? [[String: Any]] else {
    fail("\(arguments[1]): not the JSON of `swift package dump-package`")
}

/// The dependency names of one target entry: `byName`, `target` and `product` forms.
func dependencyNames(_ entry: [String: Any]) -> [String] {
    (entry["dependencies"] as? [[String: Any]] ?? []).compactMap { dependency in
        for key in ["byName", "target", "product"] {
            if let values = dependency[key] as? [Any], let name = values.first as? String { return name }
        }
        return nil
    }
}

let fileManager = FileManager.default
var targets: [Target] = targetList.compactMap { entry in
    guard let name = entry["name"] as? String, let type = entry["type"] as? String else { return nil }
    let folder = type == "test" ? "Tests" : "Sources"
    let path = entry["path"] as? String ?? "\(folder)/\(name)"
    var isC = type == "system"
    if type == "regular", let files = fileManager.enumerator(atPath: path) {
        isC = !files.contains { ($0 as? String)?.hasSuffix(".swift") == true }
    }
    return Target(name: name, type: type, path: path, dependencies: dependencyNames(entry), isC: isC)
}
targets.sort { $0.name < $1.name }
let targetNames = Set(targets.map(\.name))
let productModules = Set(targets.flatMap(\.dependencies).filter { !targetNames.contains($0) })
let packageModules = targetNames.union(productModules)

let importPattern = try NSRegularExpression(
    pattern: #"^\s*(?:@\w+\s+)*import\s+(?:(?:struct|class|enum|protocol|func|var|let|typealias)\s+)?(\w+)"#,
    options: [.anchorsMatchLines])

var violations: [String] = []
var importersOfC: [String: Set<String>] = [:]

for target in targets where !target.isC {
    guard let enumerator = fileManager.enumerator(atPath: target.path) else { continue }
    let allowed = Set(target.dependencies).union([target.name])
    for case let relative as String in enumerator where relative.hasSuffix(".swift") {
        let file = "\(target.path)/\(relative)"
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
            violations.append("\(file): cannot be read as UTF-8")
            continue
        }
        let lineCount = text.split(separator: "\n", omittingEmptySubsequences: false).count
            - (text.hasSuffix("\n") ? 1 : 0)
        if lineCount > maximumLines {
            violations.append("\(file): \(lineCount) lines (at most \(maximumLines))")
        }
        let range = NSRange(text.startIndex..., in: text)
        for match in importPattern.matches(in: text, range: range) {
            guard let moduleRange = Range(match.range(at: 1), in: text) else { continue }
            let module = String(text[moduleRange])
            guard packageModules.contains(module) else { continue }
            if targets.contains(where: { $0.name == module && $0.isC }) {
                importersOfC[module, default: []].insert(target.name)
            }
            if !allowed.contains(module) {
                violations.append("\(file): imports \(module), which target \(target.name) does not declare")
            }
        }
    }
}

for cTarget in targets where cTarget.isC {
    let importers = importersOfC[cTarget.name, default: []]
    if importers.count != 1 {
        let who = importers.isEmpty ? "none" : importers.sorted().joined(separator: ", ")
        violations.append("C target \(cTarget.name) is imported by \(importers.count) Swift modules (\(who)); it must be one")
    }
}

// The layering: Swift library targets and the longest chain of library dependencies.
let libraries = targets.filter { $0.type == "regular" && !$0.isC && !$0.path.hasPrefix("Tests") }
let libraryNames = Set(libraries.map(\.name))
var depthMemo: [String: [String]] = [:]
func longestChain(_ name: String) -> [String] {
    if let known = depthMemo[name] { return known }
    let below = (libraries.first { $0.name == name }?.dependencies ?? [])
        .filter { libraryNames.contains($0) }
        .map(longestChain)
        .max { $0.count < $1.count } ?? []
    let chain = [name] + below
    depthMemo[name] = chain
    return chain
}
let chain = libraries.map { longestChain($0.name) }.max { $0.count < $1.count } ?? []
print("check-architecture: \(libraries.count) Swift library targets; longest dependency chain (\(chain.count)): \(chain.joined(separator: " → "))")

if violations.isEmpty {
    print("check-architecture: every import is declared, each C target has one importer, no file over \(maximumLines) lines")
} else {
    for violation in violations { print("check-architecture: \(violation)") }
    exit(1)
}
