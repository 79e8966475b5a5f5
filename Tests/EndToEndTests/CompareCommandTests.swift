import Foundation
import Testing
@testable import MindSpaceCore
@testable import MindSpaceIO
import MindSpaceTestSupport

/// `mindspace compare` end to end: a representation against its rotated, scaled copy scores 1
/// far above its null, several inputs make matrices and images, factors a PERMANOVA, and bad
/// input is one line with nothing written.
@Suite struct CompareCommandTests {
    /// N × D Gaussian rows (seeded).
    static func gaussian(_ n: Int, _ d: Int, seed: UInt64) -> Matrix<Double> {
        var generator = SeededGenerator(seed: seed)
        return Matrix(rows: n, columns: d, storage: (0..<(n * d)).map { _ in generator.nextGaussian() })
    }

    /// `x` times a random orthogonal matrix (Gram–Schmidt of a Gaussian one) times `scale`.
    static func rotated(_ x: Matrix<Double>, seed: UInt64, scale: Double) -> Matrix<Double> {
        let d = x.columns
        var basis = gaussian(d, d, seed: seed)
        for i in 0..<d {
            for j in 0..<i {
                var dot = 0.0
                for c in 0..<d { dot += basis[i, c] * basis[j, c] }
                for c in 0..<d { basis[i, c] -= dot * basis[j, c] }
            }
            var norm = 0.0
            for c in 0..<d { norm += basis[i, c] * basis[i, c] }
            for c in 0..<d { basis[i, c] /= norm.squareRoot() }
        }
        var result = Matrix<Double>(rows: x.rows, columns: d)
        for r in 0..<x.rows { for c in 0..<d { var s = 0.0; for k in 0..<d { s += x[r, k] * basis[k, c] }; result[r, c] = scale * s } }
        return result
    }

    static func write(_ matrix: Matrix<Double>, _ name: String, in folder: URL) throws -> String {
        let url = folder.appendingPathComponent(name)
        try NpyWriter.encode(matrix).write(to: url)
        return url.path
    }

    @Test func rotatedCopyScoresOneAboveItsNull() throws {
        let folder = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let x = Self.gaussian(120, 6, seed: 1)
        let a = try Self.write(x, "a.npy", in: folder), b = try Self.write(Self.rotated(x, seed: 2, scale: 3), "b.npy", in: folder)
        let result = try CommandRunner.run(["compare", a, b, "--metric", "linear-cka", "--metric", "mutual-knn",
                                            "--permutations", "99", "--bootstrap", "50", "--json", "--quiet",
                                            "--out", folder.appendingPathComponent("out").path])
        #expect(result.status == 0, "\(result.stderr)")
        let json = try #require(result.json)
        let scores = try #require(json["scores"] as? [[String: Any]])
        #expect(scores.count == 2)
        for score in scores {
            let value = try #require(score["value"] as? Double)
            #expect(abs(value - 1) < 1e-9, "\(score["metric"] ?? "") of a rotated copy: \(value)")
            let null = try #require(score["null"] as? [String: Any])
            #expect(null["p_value"] as? Double == 1.0 / 100)
            #expect((null["mean"] as? Double ?? 1) < 0.3)
            let ci = try #require(score["ci"] as? [Double])
            #expect(ci.count == 2 && ci[0] <= value + 1e-9 && value <= ci[1] + 1e-9)
        }
        #expect(json["matrices"] == nil, "two inputs: no matrices")
    }

    @Test func severalInputsMakeMatricesImagesAndADecomposition() throws {
        let folder = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        // Two "data" groups of three "seeds": members of a group share most of their structure.
        var paths: [String] = []
        var factors = "model\tdata\tseed\n"
        for group in 0..<2 {
            let base = Self.gaussian(80, 5, seed: UInt64(10 + group))
            for seed in 0..<3 {
                let noise = Self.gaussian(80, 5, seed: UInt64(100 + 10 * group + seed))
                let member = Matrix(rows: 80, columns: 5, storage: zip(base.storage, noise.storage).map { $0 + 0.4 * $1 })
                paths.append(try Self.write(Self.rotated(member, seed: UInt64(group * 3 + seed), scale: 1),
                                            "g\(group)-s\(seed).npy", in: folder))
                factors += "g\(group)-s\(seed)\tdata\(group)\tseed\(seed)\n"
            }
        }
        let table = folder.appendingPathComponent("factors.tsv")
        try Data(factors.utf8).write(to: table)
        let out = folder.appendingPathComponent("out")
        let result = try CommandRunner.run(["compare"] + paths + ["--metric", "linear-cka", "--factors", table.path,
                                            "--order", "cluster", "--permutations", "199", "--bootstrap", "20",
                                            "--json", "--quiet", "--out", out.path])
        #expect(result.status == 0, "\(result.stderr)")
        let json = try #require(result.json)
        #expect((json["scores"] as? [Any])?.count == 15)
        let matrix = try #require((json["matrices"] as? [[String: Any]])?.first)
        let names = try #require(matrix["names"] as? [String])
        // Clustered order: each data group's three members next to each other.
        #expect(Set(names.prefix(3).map { $0.prefix(2) }).count == 1, "order \(names)")
        for image in try #require(matrix["images"] as? [String]) {
            #expect(FileManager.default.fileExists(atPath: image), "\(image)")
        }
        let decomposition = try #require(json["decomposition"] as? [String: Any])
        let terms = try #require(decomposition["factors"] as? [[String: Any]])
        #expect(terms.map { $0["name"] as? String } == ["data", "seed"])
        let dataR2 = try #require(terms[0]["r2"] as? Double), seedR2 = try #require(terms[1]["r2"] as? Double)
        let residual = try #require((decomposition["residual"] as? [String: Any])?["r2"] as? Double)
        #expect(abs(dataR2 + seedR2 + residual - 1) < 1e-9)
        #expect(dataR2 > 0.5 && (terms[0]["p_value"] as? Double ?? 1) < 0.05, "data explains the spread: R² \(dataR2)")
    }

    /// Different N, NaN, constant columns, k ≥ N, a factors table naming an unknown input or with
    /// one level per model, a single input: one line naming the file or option, the documented
    /// status, and no output folder.
    @Test(arguments: [
        ("SHORT", Int32(65), "short.npy"),
        ("NAN", Int32(65), "row 3"),
        ("CONSTANT", Int32(65), "constant"),
        ("K", Int32(65), "k"),
        ("UNKNOWN", Int32(65), "factors.tsv"),
        ("ONE-LEVEL", Int32(65), "one level per model"),
        ("SINGLE", Int32(64), "at least two"),
    ])
    func badInputIsOneLineAndWritesNothing(_ case: String, status: Int32, mention: String) throws {
        let folder = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let a = try Self.write(Self.gaussian(30, 4, seed: 1), "a.npy", in: folder)
        let b = try Self.write(Self.gaussian(30, 3, seed: 2), "b.npy", in: folder)
        let c = try Self.write(Self.gaussian(30, 3, seed: 3), "c.npy", in: folder)
        var arguments = ["compare", a, b]
        switch `case` {
        case "SHORT": arguments = ["compare", a, try Self.write(Self.gaussian(29, 4, seed: 3), "short.npy", in: folder)]
        case "NAN":
            var bad = Self.gaussian(30, 4, seed: 4)
            bad[3, 1] = .nan
            arguments = ["compare", a, try Self.write(bad, "nan.npy", in: folder)]
        case "CONSTANT":
            arguments = ["compare", a, try Self.write(Matrix(rows: 30, columns: 3, repeating: 2), "flat.npy", in: folder)]
        case "K": arguments += ["--metric", "mutual-knn", "--k", "30"]
        case "UNKNOWN":
            let table = folder.appendingPathComponent("factors.tsv")
            try Data("model\tdata\na\tx\nzebra\ty\nc\ty\n".utf8).write(to: table)
            arguments += [c, "--factors", table.path]
        case "ONE-LEVEL":
            let table = folder.appendingPathComponent("factors.tsv")
            try Data("model\tseed\na\t0\nb\t1\nc\t2\n".utf8).write(to: table)
            arguments += [c, "--factors", table.path]
        default: arguments = ["compare", a]
        }
        let out = folder.appendingPathComponent("out")
        let result = try CommandRunner.run(arguments + ["--permutations", "9", "--bootstrap", "0", "--out", out.path])
        #expect(result.status == status, "\(result.stderr)")
        #expect(result.stderr.contains(mention), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out.path))
    }
}
