import Foundation
import Testing
import MindSpaceTestSupport

/// Every error of the argument layer names the option it is about and says why (issue 20): for
/// every option of every command, as the binary describes them (`--experimental-dump-help`), a
/// missing value, a value that is no number for a numeric option, a value outside an option's
/// choices and a negative number must each be answered, if refused as usage (exit 64), with one
/// line that names the option and gives a reason, and nothing written.
@Suite struct ArgumentErrorMessageTests {
    /// One option of one command, from the dump.
    struct OptionCase: CustomTestStringConvertible, Sendable {
        var command: String
        var option: String
        var defaultValue: String?
        var choices: [String]?
        var testDescription: String { "\(command) \(option)" }
    }

    /// Positional arguments that get each command past its own checks to the option under test:
    /// missing files (exit 66 if the option is accepted) or a cheap data set.
    static func leading(for command: String, option: String) -> [String] {
        switch command {
        case "generate": return option == "--dimension" ? ["ball"] : ["ball", "--dimension", "3", "--n", "50"]
        case "inspect": return ["missing.npy"]
        case "trajectory": return ["missing-a.npy", "missing-b.npy"]
        case "batch": return ["missing-runs"]
        case "align": return ["missing-reference.safetensors", "missing-model.safetensors"]
        case "compare": return ["missing-a.npy", "missing-b.npy"]
        case "demo": return ["--datasets", "missing-datasets"]
        case "groups": return option == "--groups" ? ["missing.npy"] : ["missing.npy", "--groups", "missing.tsv"]
        default: return ["missing.npy"]
        }
    }

    static let cases: [OptionCase] = {
        guard let root = try? dump([]), let subcommands = root["subcommands"] as? [[String: Any]] else { return [] }
        var cases: [OptionCase] = []
        for subcommand in subcommands {
            guard let name = subcommand["commandName"] as? String, name != "help",
                  let arguments = subcommand["arguments"] as? [[String: Any]] else { continue }
            for argument in arguments where argument["kind"] as? String == "option" {
                guard let names = argument["names"] as? [[String: Any]],
                      let long = names.first(where: { $0["kind"] as? String == "long" })?["name"] as? String else { continue }
                cases.append(OptionCase(command: name, option: "--" + long,
                                        defaultValue: argument["defaultValue"] as? String,
                                        choices: argument["allValues"] as? [String]))
            }
        }
        return cases
    }()

    /// `mindspace ARGS --experimental-dump-help`, parsed.
    static func dump(_ arguments: [String]) throws -> [String: Any] {
        let result = try CommandRunner.run(arguments + ["--experimental-dump-help"])
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        return try #require(object?["command"] as? [String: Any])
    }

    @Test func everyCommandsOptionsAreCovered() {
        let commands = Set(Self.cases.map(\.command))
        #expect(commands.isSuperset(of: ["inspect", "pca", "project", "generate", "id", "contrast", "groups", "trajectory", "demo", "batch"]),
                "\(commands.sorted())")
        #expect(Self.cases.count > 40)
    }

    @Test(arguments: cases)
    func refusedValuesNameTheOptionAndTheReason(_ option: OptionCase) throws {
        var values: [(value: String?, mustRefuse: Bool)] = [(nil, true), ("-3", false)]
        if let choices = option.choices, !choices.isEmpty {
            values.append(("no-such-choice", true))
        } else if let value = option.defaultValue, Double(value) != nil {
            values.append(("not-a-number", true))
        }
        for (value, mustRefuse) in values {
            let folder = try CommandRunner.temporaryFolder()
            defer { try? FileManager.default.removeItem(at: folder) }
            var arguments = [option.command] + Self.leading(for: option.command, option: option.option)
            arguments += value.map { [option.option, $0] } ?? []
            if option.option != "--out" && option.command != "inspect" { arguments += ["--out", folder.appendingPathComponent("out").path] }
            if value == nil { arguments.append(option.option) }  // last, with nothing after it
            let result = try CommandRunner.run(arguments, in: folder)
            let shown = arguments.joined(separator: " ")
            if mustRefuse { #expect(result.status == 64, "\(shown): \(result.stderr)") }
            guard result.status == 64 else { continue }
            let lines = result.stderr.split(separator: "\n")
            #expect(lines.count == 1, "\(shown): \(result.stderr)")
            #expect(result.stderr.contains(option.option), "\(shown) does not name \(option.option): \(result.stderr)")
            // A reason: more than "mindspace: --option" and the pointer to the help.
            let words = result.stderr.replacingOccurrences(of: "(see 'mindspace help')", with: "")
                .split(whereSeparator: { $0 == " " || $0 == "\n" })
            #expect(words.count >= 5, "\(shown) gives no reason: \(result.stderr)")
            if let value, option.choices != nil, value == "no-such-choice" {
                for choice in option.choices ?? [] {
                    #expect(result.stderr.contains(choice), "\(shown) does not list '\(choice)': \(result.stderr)")
                }
            }
            #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("out").path), "\(shown) wrote output")
        }
    }

    /// The argument checks written in the command files (`ValidationError("…")`) each name the
    /// option they are about, or the positional argument when no option is involved.
    @Test func everyWrittenValidationNamesItsOption() throws {
        let folder = CommandRunner.packageRoot.appendingPathComponent("Sources/mindspace")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".swift") }
        let pattern = try NSRegularExpression(pattern: #"ValidationError\("((?:[^"\\]|\\.)*)"#)
        var count = 0
        for file in files {
            let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
            for match in pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                guard let range = Range(match.range(at: 1), in: text) else { continue }
                let message = String(text[range])
                count += 1
                let namesPositional = message.contains("file") || message.contains("checkpoints")
                #expect(message.contains("--") || namesPositional, "\(file): ValidationError(\"\(message)\") names no option")
            }
        }
        #expect(count >= 10)
    }
}
