import Foundation
import Testing
import MindSpaceTestSupport

/// One `--json` report whose key set is pinned by `Golden/json-keys/<name>.txt`: a command run on
/// small fixed inputs from `datasets/` and the test fixtures (each well under a few seconds in a
/// debug build, except `demo`, whose mind-space step has a fixed size).
struct JSONReportCase: Sendable, CustomTestStringConvertible {
    /// The golden file's name: the command, or `<command>-<variant>` for a second report shape.
    var name: String
    /// The subcommand that prints the report.
    var command: String
    /// The arguments after `mindspace`, given a fresh empty folder for outputs and inputs made
    /// on the spot.
    var arguments: @Sendable (_ folder: URL) throws -> [String]

    var testDescription: String { name }

    /// A file of the package, by its path from the package root.
    static func input(_ relativePath: String) -> String {
        CommandRunner.packageRoot.appendingPathComponent(relativePath).path
    }

    static let digits = input("datasets/digits.npy")
    static let digitLabels = input("datasets/digits-labels.tsv")
    static let runs = input("datasets/trajectories/runs")

    /// Every report, one per command with `--json` (and the catalogue of `generate list`).
    static let all: [JSONReportCase] = [
        JSONReportCase(name: "inspect", command: "inspect") { _ in
            ["inspect", "--stats", "--json", digits,
             input("Tests/MindSpaceTestSupport/Fixtures/safetensors/all_dtypes.safetensors"),
             input("Tests/MindSpaceTestSupport/Fixtures/gguf/types.gguf")]
        },
        JSONReportCase(name: "pca", command: "pca") { folder in
            ["pca", digits, "--components", "3", "--json", "--quiet", "--out", folder.appendingPathComponent("out").path]
        },
        JSONReportCase(name: "project", command: "project") { folder in
            ["project", digits, "--groups", digitLabels, "--method", "pca", "--json", "--quiet",
             "--out", folder.appendingPathComponent("out").path]
        },
        JSONReportCase(name: "generate", command: "generate") { folder in
            ["generate", "m7_roll", "--n", "500", "--json", "--quiet", "--out", folder.appendingPathComponent("out").path]
        },
        JSONReportCase(name: "generate-list", command: "generate") { _ in
            ["generate", "list", "--json"]
        },
        // The default estimator (auto) on 120 points; the digits would take ~10 s in debug.
        JSONReportCase(name: "id", command: "id") { folder in
            ["id", input("Tests/MindSpaceTestSupport/Fixtures/projection/trust_x.npy"), "--json", "--quiet",
             "--out", folder.appendingPathComponent("out").path]
        },
        // With groups (the `groups` key) and an estimator with an analytic interval, for speed.
        JSONReportCase(name: "contrast", command: "contrast") { folder in
            ["contrast", digits, "--groups", digitLabels, "--estimator", "twonn-mle", "--json", "--quiet",
             "--out", folder.appendingPathComponent("out").path]
        },
        JSONReportCase(name: "groups", command: "groups") { folder in
            ["groups", digits, "--groups", digitLabels, "--permutations", "99", "--json", "--quiet",
             "--out", folder.appendingPathComponent("out").path]
        },
        // Three inputs with factors: `scores`, `matrices` and `decomposition` all appear.
        JSONReportCase(name: "compare", command: "compare") { folder in
            let factors = folder.appendingPathComponent("factors.tsv")
            try Data("run\tdata\nsubset0-seed0\tsubset0\nsubset0-seed1\tsubset0\nsubset1-seed0\tsubset1\n".utf8).write(to: factors)
            return ["compare"] + (0..<3).map { input("datasets/digit-representations/subset\($0 / 2)-seed\($0 % 2).npy") }
                + ["--factors", folder.appendingPathComponent("factors.tsv").path, "--permutations", "99", "--bootstrap", "20",
                   "--json", "--quiet", "--out", folder.appendingPathComponent("out").path]
        },
        JSONReportCase(name: "layers", command: "layers") { folder in
            ["layers", input("datasets/text-layers.npz"), "--layers", "layer00,layer01,layer02", "--estimator", "twonn",
             "--bootstrap", "20", "--json", "--quiet", "--out", folder.appendingPathComponent("out").path]
        },
        JSONReportCase(name: "trajectory", command: "trajectory") { folder in
            ["trajectory", runs + "/subset0-seed0", "--json", "--quiet", "--out", folder.appendingPathComponent("out").path]
        },
        JSONReportCase(name: "align", command: "align") { folder in
            ["align", runs + "/subset0-seed0/epoch_20.safetensors", runs + "/subset0-seed1/epoch_20.safetensors",
             "--json", "--quiet", "--out", folder.appendingPathComponent("out").path]
        },
        JSONReportCase(name: "batch", command: "batch") { folder in
            ["batch", runs, "--json", "--quiet", "--out", folder.appendingPathComponent("out").path]
        },
        // A datasets folder with only the trajectories: the model step and the trajectory step
        // run (so `sections[]`, `trajectories[]` and `weight_set` all appear); the digits and
        // text-embedding steps are skipped with a note.
        JSONReportCase(name: "demo", command: "demo") { folder in
            let datasets = folder.appendingPathComponent("datasets")
            let trajectories = datasets.appendingPathComponent("trajectories")
            try FileManager.default.createDirectory(at: trajectories, withIntermediateDirectories: true)
            try FileManager.default.createSymbolicLink(at: trajectories.appendingPathComponent("runs"),
                                                       withDestinationURL: URL(fileURLWithPath: runs))
            return ["demo", "--datasets", datasets.path, "--json", "--quiet", "--out", folder.appendingPathComponent("out").path]
        },
    ]
}
