import Foundation
import Testing
@testable import MindSpaceIO
@testable import MindSpaceSynthetic
import MindSpaceTestSupport

/// `mindspace generate` end to end: the files and keys shared/cli.md promises, byte-identical
/// reruns, the catalogue, and exit 64 with nothing written for bad requests.
@Suite struct GenerateCommandTests {
    private func files(in folder: URL) throws -> [String: Data] {
        var result: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) {
            result[name] = try Data(contentsOf: folder.appendingPathComponent(name))
        }
        return result
    }

    @Test func writesTheManifoldAndItsReport() throws {
        let folder = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try CommandRunner.run(["generate", "m7_roll", "--n", "500", "--seed", "3", "--json", "--out", folder.path])
        #expect(result.status == 0, "\(result.stderr)")
        let json = try #require(result.json)
        #expect(json["n"] as? Int == 500 && json["d"] as? Int == 3 && json["true_id"] as? Int == 2)
        #expect(json["name"] as? String == "M7_Roll" && json["seed"] as? Int == 3)
        let path = try #require(json["path"] as? String)
        #expect(path == folder.appendingPathComponent("M7_Roll.npy").path)
        let points = try NpyReader.read(path: path).matrix(as: Double.self)
        // The command writes exactly what the library generates for the same recipe.
        let expected = try SyntheticRecipe(family: .benchmark(.m7Roll), n: 500, seed: 3).generate().points
        #expect(points == expected)
        // The report on disk is the one printed.
        let report = try #require(json["report"] as? String)
        #expect(try Data(contentsOf: URL(fileURLWithPath: report)) == Data(result.stdout.utf8))
        let parameters = try #require(json["parameters"] as? [String: Any])
        #expect(parameters["ambient"] as? Int == 3 && parameters["rotated"] as? Bool == false)
        #expect((json["provenance"] as? [String: Any])?["seed"] as? Int == 3)
    }

    @Test func sameCommandWritesIdenticalBytes() throws {
        let folder = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let arguments = ["generate", "ball", "--dimension", "4", "--ambient", "9", "--rotate", "--noise", "0.01",
                         "--n", "300", "--seed", "12", "--out", folder.path, "--quiet"]
        var runs: [[String: Data]] = []
        for _ in 0..<2 {
            let result = try CommandRunner.run(arguments)
            #expect(result.status == 0, "\(result.stderr)")
            runs.append(try files(in: folder))
        }
        // The manifest of what the run owns in the folder (README, "Output folders") is an output too.
        #expect(Set(runs[0].keys) == ["ball.npy", "ball.json", ".mindspace-generate-ball.files"])
        #expect(runs[0] == runs[1])
        let other = try CommandRunner.run(["generate", "ball", "--dimension", "4", "--ambient", "9", "--rotate",
                                           "--noise", "0.01", "--n", "300", "--seed", "13", "--out", folder.path, "--quiet"])
        #expect(other.status == 0)
        #expect(try files(in: folder)["ball.npy"] != runs[0]["ball.npy"], "another seed, other points")
        let points = try NpyReader.read(path: folder.appendingPathComponent("ball.npy").path).matrix(as: Double.self)
        #expect(points.rows == 300 && points.columns == 9)
    }

    @Test func listPrintsTheCatalogue() throws {
        for arguments in [["generate", "list"], ["generate", "--list"], ["generate", "LIST"]] {
            let result = try CommandRunner.run(arguments)
            #expect(result.status == 0, "\(result.stderr)")
            let lines = result.stdout.split(separator: "\n").map(String.init)
            for manifold in BenchmarkManifold.allCases {
                let line = try #require(lines.first { $0.hasPrefix(manifold.name + " ") })
                let fields = line.split(separator: " ").map(String.init)
                #expect(fields[1] == String(manifold.intrinsicDimension) && fields[2] == String(manifold.ambientDimension))
            }
            for shape in UniformShape.allCases { #expect(lines.contains { $0.hasPrefix(shape.name + " ") }) }
        }
        let json = try CommandRunner.run(["generate", "--list", "--json"])
        let object = try #require(json.json)
        try listFitsEightyColumns(object)
        let generators = try #require(object["generators"] as? [[String: Any]])
        // 24 benchmark manifolds, 4 uniform shapes and the mind-space model.
        #expect(generators.count == 29)
        #expect(generators.last?["name"] as? String == "mindspace" && generators.last?["kind"] as? String == "model")
        #expect(generators.first?["name"] as? String == "M1_Sphere" && generators.first?["d"] as? Int == 10
                && generators.first?["D"] as? Int == 11)
    }

    /// The text catalogue fits 80 columns (the descriptions ran to 211 before), each header
    /// stands over its column (d and D were left of their right-aligned numbers), and wrapping
    /// moves the descriptions without losing a word of them.
    private func listFitsEightyColumns(_ json: [String: Any]) throws {
        let result = try CommandRunner.run(["generate", "list"])
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.allSatisfy { $0.count <= 80 }, "\(lines.map(\.count).max() ?? 0) columns")
        let header = try #require(lines.first)
        let row = try #require(lines.first { $0.hasPrefix("M1_Sphere ") })
        func end(of text: String, in line: String) -> Int? {
            line.range(of: text).map { line.distance(from: line.startIndex, to: $0.upperBound) }
        }
        #expect(end(of: " d ", in: header).map { $0 - 1 } == end(of: " 10", in: row), "\(header)\n\(row)")
        #expect(end(of: " D ", in: header).map { $0 - 1 } == end(of: " 11", in: row), "\(header)\n\(row)")
        let start = try #require(header.range(of: "description")).lowerBound.utf16Offset(in: header)
        let generators = try #require(json["generators"] as? [[String: Any]])
        let descriptions = generators.compactMap { $0["description"] as? String }
        let wrapped = lines.dropFirst().map { String($0.dropFirst(start)) }
        // Rows begin with a name; continuation lines are blank before the description.
        var rejoined: [String] = []
        for (line, text) in zip(lines.dropFirst(), wrapped) {
            if line.first == " " { rejoined[rejoined.count - 1] += " " + text } else { rejoined.append(text) }
        }
        #expect(rejoined == descriptions)
    }

    @Test(arguments: [
        ["generate", "torus"],
        ["generate"],
        ["generate", "M1_Sphere", "--n", "0"],
        ["generate", "ball", "--dimension", "5", "--ambient", "3"],
        ["generate", "sphere", "--dimension", "3", "--ambient", "3"],
        ["generate", "hypercube"],
        ["generate", "M1_Sphere", "--dimension", "4"],
        ["generate", "gaussian", "--dimension", "2", "--noise=-1"],
    ])
    func badRequestsExit64AndWriteNothing(arguments: [String]) throws {
        let folder = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try CommandRunner.run(arguments + ["--out", folder.path])
        #expect(result.status == 64, "\(arguments): \(result.stderr)")
        #expect(result.stderr.hasPrefix("mindspace: ") && result.stderr.split(separator: "\n").count == 1)
        #expect(try files(in: folder).isEmpty)
        if arguments == ["generate", "torus"] || arguments == ["generate"] {
            // Unknown or missing names list the valid ones.
            #expect(result.stderr.contains("M1_Sphere") && result.stderr.contains("Mp3_Paraboloid") && result.stderr.contains("gaussian"))
        }
    }
}
