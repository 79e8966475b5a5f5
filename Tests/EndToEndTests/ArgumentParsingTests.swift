import Foundation
import Testing
import MindSpaceTestSupport

/// Arguments as people type them (issue 20, items 2 and 3): a negative number after an option is
/// that option's value and reaches the option's own check, and a value outside an option's
/// choices is answered with the choices, all on the one promised line.
@Suite struct ArgumentParsingTests {
    /// One command line that must be refused, and what its one-line message must say.
    struct Refusal: CustomTestStringConvertible, Sendable {
        var arguments: [String]
        var mentions: [String]
        var testDescription: String { arguments.joined(separator: " ") }
    }

    static let digits = CommandRunner.packageRoot.appendingPathComponent("datasets/digits.npy").path

    static let negativeValues: [Refusal] = [
        Refusal(arguments: ["id", digits, "--estimator", "mle", "--k", "-5"], mentions: ["--k must be at least 1"]),
        Refusal(arguments: ["id", digits, "--seed", "-1"], mentions: ["'-1'", "--seed"]),
        Refusal(arguments: ["id", digits, "--threads", "-2"], mentions: ["--threads must be at least 1"]),
        Refusal(arguments: ["pca", digits, "--components", "-1"], mentions: ["--components must be at least 1"]),
        Refusal(arguments: ["generate", "ball", "--dimension", "3", "--n", "-1"], mentions: ["--n must be at least 1"]),
        Refusal(arguments: ["generate", "ball", "--dimension", "3", "--noise", "-0.5"], mentions: ["--noise", "-0.5"]),
        // A flag followed by a negative number is still refused, now naming the flag.
        Refusal(arguments: ["id", digits, "--quiet", "-5"], mentions: ["--quiet", "-5"]),
    ]

    @Test(arguments: negativeValues)
    func negativeNumberIsTheOptionsValue(_ refusal: Refusal) throws {
        let folder = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try CommandRunner.run(refusal.arguments + ["--out", folder.path], in: folder)
        #expect(result.status == 64, "\(result.stderr)")
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1, "\(result.stderr)")
        #expect(!result.stderr.contains("Missing value"), "\(result.stderr)")
        for mention in refusal.mentions {
            #expect(result.stderr.contains(mention), "'\(mention)' not in: \(result.stderr)")
        }
        // Nothing was written.
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
    }

    @Test func unknownChoiceListsTheChoices() throws {
        let result = try CommandRunner.run(["project", Self.digits, "--method", "foo"])
        #expect(result.status == 64)
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1, "\(result.stderr)")
        for method in ["pca", "random", "mds", "isomap", "umap", "tsne"] {
            #expect(result.stderr.contains(method), "'\(method)' not in: \(result.stderr)")
        }
    }

    @Test(arguments: [["--k", "3000"], ["--estimator", "twonn", "--k", "5"], ["--estimator", "twonn", "--estimator", "fishers", "--k", "5"],
                      ["--pointwise"], ["--estimator", "twonn", "--pointwise"]])
    func optionThatFitsNoEstimatorIsRefused(_ options: [String]) throws {
        // Issue 20, item 4: `id --k 3000` with auto (the default) or twonn, and `--pointwise`
        // with twonn, were ignored in silence.
        let folder = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try CommandRunner.run(["id", Self.digits, "--out", folder.path] + options)
        #expect(result.status == 64, "\(result.stderr)")
        let option = options.contains("--k") ? "--k" : "--pointwise"
        #expect(result.stderr.contains(option) && result.stderr.contains("estimators"), "\(result.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
    }

    @Test(arguments: [["--estimator", "twonn", "--estimator", "mle"], ["--estimator", "all"], ["--estimator", "ALL"]])
    func contrastRefusesAnythingButOneEstimator(_ options: [String]) throws {
        // Issue 20, item 4: a second --estimator replaced the first, and `all` became auto, in silence.
        let folder = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try CommandRunner.run(["contrast", Self.digits, "--out", folder.path] + options)
        #expect(result.status == 64, "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
        #expect(result.stderr.contains("one estimate"), "\(result.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
    }

    @Test func optionValueWithEqualsSignIsUnchanged() throws {
        // `--k=-5` was already the option's value; it still is.
        let result = try CommandRunner.run(["id", Self.digits, "--estimator", "mle", "--k=-5"])
        #expect(result.status == 64)
        #expect(result.stderr.contains("--k must be at least 1"), "\(result.stderr)")
    }
}
