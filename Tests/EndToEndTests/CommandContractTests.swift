import Foundation
import Testing
import MindSpaceTestSupport

/// The parts of the command-line contract that are not one command's business (issue 20):
/// `--json` failures, options that do not apply, `help`, `--version`, and the help's wording.
@Suite struct CommandContractTests {
    static let digits = CommandRunner.packageRoot.appendingPathComponent("datasets/digits.npy").path

    /// One failing command line under `--json`: the exit code, and the `file` the error names.
    struct JSONFailure: CustomTestStringConvertible, Sendable {
        var arguments: [String]
        var code: Int32
        var file: String?
        var testDescription: String { arguments.joined(separator: " ") }
    }

    static let jsonFailures: [JSONFailure] = [
        JSONFailure(arguments: ["pca", "no-such-file.npy", "--json"], code: 66, file: "no-such-file.npy"),
        JSONFailure(arguments: ["id", "--json", digits, "--estimator", "nonsense"], code: 64, file: nil),
        JSONFailure(arguments: ["pca", digits, "--components", "0", "--json"], code: 64, file: nil),
        JSONFailure(arguments: ["pca", "--json", digits, "--no-such-option"], code: 64, file: nil),
        JSONFailure(arguments: ["inspect", "no-such-file.npy", "--json"], code: 66, file: "no-such-file.npy"),
    ]

    @Test(arguments: jsonFailures)
    func jsonFailureIsOneObjectOnStdout(_ failure: JSONFailure) throws {
        // Issue 20, item 6: a failure under --json printed nothing on stdout.
        let folder = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try CommandRunner.run(failure.arguments, in: folder)
        #expect(result.status == failure.code, "\(result.stderr)")
        let object = try #require(result.json, "stdout is not one JSON object: \(result.stdout)")
        // inspect reports every file, the failed ones included, beside the error.
        #expect(object.keys.sorted() == (failure.arguments[0] == "inspect" ? ["error", "files"] : ["error"]))
        let error = try #require(object["error"] as? [String: Any])
        #expect(Set(error.keys) == ["code", "file", "message"])
        #expect(error["code"] as? Int == Int(failure.code))
        if let file = failure.file {
            #expect(error["file"] as? String == file)
        } else {
            #expect(error["file"] is NSNull)
        }
        let message = try #require(error["message"] as? String)
        #expect(!message.isEmpty && result.stderr.contains(message), "stderr \(result.stderr) lacks \(message)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
    }

    @Test func successUnderJSONHasNoErrorKey() throws {
        let result = try CommandRunner.run(["inspect", Self.digits, "--json"])
        #expect(result.status == 0)
        #expect(result.json?["error"] == nil)
    }

    /// Options that cannot change the result are refused, naming the option and why.
    @Test(arguments: [
        (["pca", digits, "--seed", "3"], "--seed"),
        (["trajectory", "a.npy", "b.npy", "--null", "none", "--seed", "3"], "--seed"),
        (["trajectory", "a.npy", "b.npy", "--null", "none", "--null-draws", "50"], "--null-draws"),
        (["batch", "runs", "--null", "none", "--null-draws", "50"], "--null-draws"),
        (["generate", "ball", "--dimension", "3", "--runs", "5"], "--runs"),
        (["generate", "M1_Sphere", "--human-fraction", "0.5", "--ai-processes", "2"], "--ai-processes, --human-fraction"),
        (["inspect", digits, "--out", "x"], "--out"),
        (["inspect", digits, "--seed", "1"], "--seed"),
    ])
    func optionThatCannotApplyIsRefused(_ arguments: [String], _ option: String) throws {
        let folder = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try CommandRunner.run(arguments, in: folder)
        #expect(result.status == 64, "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
        #expect(result.stderr.contains(option), "\(result.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
    }

    @Test func mindspaceModelTakesItsOptions() throws {
        let folder = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try CommandRunner.run(["generate", "mindspace", "--n", "300", "--runs", "2", "--ai-processes", "2",
                                            "--json", "--out", folder.path])
        #expect(result.status == 0, "\(result.stderr)")
        let parameters = result.json?["parameters"] as? [String: Any]
        #expect("\(parameters ?? [:])".contains("2"), "\(result.stdout)")
    }

    @Test func helpForAnUnknownCommandFails() throws {
        // Issue 20, item 10: `mindspace help foo` printed the general help and exited 0.
        let result = try CommandRunner.run(["help", "foo"])
        #expect(result.status == 64)
        #expect(result.stderr.contains("'foo'") && result.stderr.contains("inspect"), "\(result.stderr)")
        #expect(try CommandRunner.run(["help", "pca"]).status == 0)
    }

    @Test func versionNamesTheProgramCommitAndKernel() throws {
        // Issue 20, item 10: --version printed a bare number.
        let result = try CommandRunner.run(["--version"])
        #expect(result.status == 0)
        let line = result.stdout.trimmingCharacters(in: .newlines)
        #expect(line.hasPrefix("mindspace 0."), "\(line)")
        #expect(line.range(of: #"commit ([0-9a-f]{12}(-dirty)?|unknown)"#, options: .regularExpression) != nil, "\(line)")
        #expect(line.contains("OpenBLAS kernel "), "\(line)")
    }

    @Test func helpWritesEveryDefaultTheSameWay() throws {
        // Issue 20, item 10: `(default: 200.0)` beside `(default 1200)`.
        let root = CommandRunner.packageRoot.appendingPathComponent("Tests/EndToEndTests/Golden/help")
        let files = try FileManager.default.contentsOfDirectory(atPath: root.path).filter { $0.hasSuffix(".txt") }
        #expect(files.count >= 9)
        for file in files {
            // Help lines are wrapped, so join them before looking.
            let text = try String(contentsOf: root.appendingPathComponent(file), encoding: .utf8)
                .split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
            var searchStart = text.startIndex
            while let range = text.range(of: "(default", range: searchStart..<text.endIndex) {
                let next = text[range.upperBound...].first
                #expect(next == ":" || next == ")", "\(file): '\(text[range.lowerBound...].prefix(30))' is not written '(default: …)'")
                searchStart = range.upperBound
            }
        }
    }
}
