import Foundation
import Testing
@testable import MindSpaceCore
@testable import MindSpaceIO
@testable import MindSpaceDimension
@testable import MindSpaceRender
import MindSpaceTestSupport

/// `mindspace id` end to end: estimates with intervals on data of known dimension, refusals with
/// their exit codes, determinism, per-point output.
@Suite struct IDCommandTests {
    /// N points of a uniform d-cube, written as .npy into `folder`.
    private func cube(n: Int, d: Int, seed: UInt64, in folder: URL) throws -> String {
        var generator = SeededGenerator(seed: seed)
        var points = Matrix<Double>(rows: n, columns: d)
        for i in 0..<points.storage.count { points.storage[i] = generator.nextUnitDouble() }
        let url = folder.appendingPathComponent("cube\(d).npy")
        try NpyWriter.encode(points).write(to: url)
        return url.path
    }

    private func write(_ rows: [[Double]], named name: String, in folder: URL) throws -> String {
        let url = folder.appendingPathComponent(name)
        try NpyWriter.encode(Matrix(rows)).write(to: url)
        return url.path
    }

    @Test func estimatesAUniformCubeWithIntervals() throws {
        let folder = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let data = try cube(n: 2000, d: 5, seed: 1, in: folder)
        let result = try CommandRunner.run(["id", data, "--estimator", "all", "--json", "--out", folder.appendingPathComponent("out").path])
        #expect(result.status == 0, "\(result.stderr)")
        let json = try #require(result.json)
        #expect(json["n"] as? Int == 2000 && json["d"] as? Int == 5)
        let estimates = try #require(json["estimates"] as? [[String: Any]])
        #expect(estimates.compactMap { $0["estimator"] as? String } == EstimatorCatalog.names)
        // The neighbour-ratio family reads a uniform 5-cube at N = 2000 as ≈ 4.2–5.3 (boundary
        // bias down, calibration in `auto` up): the estimator tests pin each against
        // scikit-dimension or DADApy on such cubes; a wrong estimator would be off by whole
        // dimensions. The PCA-rule and calibration-based estimators have their own tests.
        let ratioFamily: Set<String> = ["auto", "twonn", "twonn-mle", "mle", "gride", "mom", "tle", "mada", "corrint"]
        for estimate in estimates {
            let name = try #require(estimate["estimator"] as? String)
            let dimension = try #require(estimate["dimension"] as? Double)
            let ci = try #require(estimate["ci"] as? [Double])
            #expect(dimension.isFinite && ci.count == 2 && ci[0] <= dimension && dimension <= ci[1], "\(estimate)")
            if ratioFamily.contains(name) { #expect(dimension > 3.8 && dimension < 5.8, "\(estimate)") }
            #expect(estimate["parameters"] is [String: Any])
        }
        let image = try #require(json["image"] as? String)
        let png = try PNGCodec.decode(Data(contentsOf: URL(fileURLWithPath: image)), file: image)
        #expect(png.width == 1600 && png.height == 1200)
    }

    @Test func sameCommandGivesIdenticalReportsAndPointwiseValues() throws {
        let folder = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let data = try cube(n: 500, d: 3, seed: 2, in: folder)
        let out = folder.appendingPathComponent("out").path
        var reports: [Data] = []
        for _ in 0..<2 {
            let result = try CommandRunner.run(["id", data, "--estimator", "mle", "--estimator", "twonn", "--pointwise", "--seed", "7", "--out", out])
            #expect(result.status == 0, "\(result.stderr)")
            reports.append(try Data(contentsOf: URL(fileURLWithPath: out).appendingPathComponent("id.json")))
        }
        #expect(reports[0] == reports[1])
        let pointwise = try NpyReader.read(path: URL(fileURLWithPath: out).appendingPathComponent("pointwise-mle.npy").path)
        #expect(pointwise.shape == [500])
    }

    @Test func duplicatesAreRemovedAndReported() throws {
        let folder = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        var generator = SeededGenerator(seed: 3)
        var rows = (0..<400).map { _ in (0..<3).map { _ in generator.nextUnitDouble() } }
        rows += rows.prefix(40)   // 10% repeated rows
        let data = try write(rows, named: "dup.npy", in: folder)
        let result = try CommandRunner.run(["id", data, "--estimator", "twonn-mle", "--json", "--out", folder.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.json?["distinct_points"] as? Int == 400)
        let dimension = ((result.json?["estimates"] as? [[String: Any]])?.first?["dimension"] as? Double) ?? .nan
        #expect(dimension.isFinite)
    }

    @Test func estimatorsThatCannotRunAreSkippedWithAReason() throws {
        let folder = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        var generator = SeededGenerator(seed: 4)
        let data = try write((0..<15).map { _ in [generator.nextUnitDouble(), generator.nextUnitDouble()] }, named: "few.npy", in: folder)
        let all = try CommandRunner.run(["id", data, "--estimator", "all", "--json", "--out", folder.path])
        #expect(all.status == 0, "\(all.stderr)")
        let skipped = try #require(all.json?["skipped"] as? [[String: Any]])
        // MLE (k = 20), MOM (k = 100) and the other k ≥ 15 estimators cannot run on 15 points.
        #expect(skipped.contains { $0["estimator"] as? String == "mle" } && skipped.contains { $0["estimator"] as? String == "mom" })
        #expect(skipped.allSatisfy { ($0["reason"] as? String)?.isEmpty == false })
        let ran = (all.json?["estimates"] as? [[String: Any]])?.compactMap { $0["estimator"] as? String } ?? []
        #expect(ran.contains("twonn") && Set(ran).isDisjoint(with: skipped.compactMap { $0["estimator"] as? String }))
        let alone = try CommandRunner.run(["id", data, "--estimator", "mle", "--out", folder.appendingPathComponent("alone").path])
        #expect(alone.status == 65 && alone.stderr.contains("few.npy"), "\(alone.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("alone").path))
    }

    @Test(arguments: ["two", "identical", "nan", "unknown"])
    func refusals(kind: String) throws {
        let folder = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        var arguments: [String]
        var expected: Int32 = 65
        var mention: String
        switch kind {
        case "two":
            arguments = [try write([[0, 0], [1, 1]], named: "two.npy", in: folder)]
            mention = "two.npy"
        case "identical":
            arguments = [try write(Array(repeating: [1, 2, 3], count: 50), named: "same.npy", in: folder)]
            mention = "identical"
        case "nan":
            var rows = (0..<30).map { [Double($0), Double($0 * $0 % 7)] }
            rows[12][1] = .nan
            arguments = [try write(rows, named: "nan.npy", in: folder)]
            mention = "row 12, column 1"
        default:
            arguments = [try write([[0, 0], [1, 1], [2, 0]], named: "ok.npy", in: folder), "--estimator", "bogus"]
            expected = 64
            mention = "bogus"
        }
        let out = folder.appendingPathComponent("out")
        let result = try CommandRunner.run(["id"] + arguments + ["--out", out.path])
        #expect(result.status == expected, "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1 && result.stderr.contains(mention), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out.path))
    }

    /// `--ci MODE` with two estimators that have an analytic interval (twonn-mle, gride) and two
    /// that do not (twonn, mle): the method each estimate used, `ci: null` where there is none,
    /// the reason in `ci_detail` and in the table, the same estimates under every mode.
    @Test(arguments: ["auto", "none", "analytic", "bootstrap"])
    func intervalMethodChoosesEachEstimatesInterval(mode: String) throws {
        let folder = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let data = try cube(n: 500, d: 3, seed: 5, in: folder)
        let estimators = ["twonn", "twonn-mle", "gride", "mle"].flatMap { ["--estimator", $0] }
        func run(_ extra: [String], out: String) throws -> CommandRunner.Result {
            let result = try CommandRunner.run(["id", data] + estimators + extra + ["--seed", "3", "--out", folder.appendingPathComponent(out).path])
            #expect(result.status == 0, "\(result.stderr)")
            return result
        }
        let reference = try #require(try run(["--json"], out: "reference").json?["estimates"] as? [[String: Any]])
        let json = try #require(try run(["--ci", mode, "--json"], out: "json").json)
        #expect(json["ci_requested"] as? String == mode)
        let estimates = try #require(json["estimates"] as? [[String: Any]])
        #expect(estimates.count == 4)
        let analytic: Set<String> = ["twonn-mle", "gride"]
        for (estimate, before) in zip(estimates, reference) {
            let name = try #require(estimate["estimator"] as? String)
            #expect(estimate["dimension"] as? Double == before["dimension"] as? Double, "\(name)")
            let expected: String
            switch mode {
            case "none": expected = "none"
            case "analytic": expected = analytic.contains(name) ? "analytic" : "none"
            case "bootstrap": expected = "bootstrap"
            default: expected = analytic.contains(name) ? "analytic" : "bootstrap"
            }
            #expect(estimate["ci_method"] as? String == expected, "\(name): \(estimate)")
            let detail = estimate["ci_detail"] as? String ?? ""
            if expected == "none" {
                #expect(estimate["ci"] is NSNull, "\(name)")
                #expect(detail.contains(mode == "none" ? "none requested" : "\(name) has no analytic interval"), "\(detail)")
                #expect((estimate["notes"] as? [String])?.contains(detail) == true)
            } else {
                let ci = try #require(estimate["ci"] as? [Double], "\(name)")
                let dimension = try #require(estimate["dimension"] as? Double)
                #expect(ci.count == 2 && ci[0] <= dimension && dimension <= ci[1], "\(name): \(ci)")
            }
        }
        // The table says the same, one line per missing interval's reason.
        let text = try run(["--ci", mode], out: "text").stdout
        switch mode {
        case "none": #expect(text.contains("no intervals computed (--ci none)"), "\(text)")
        case "analytic":
            #expect(text.contains("twonn: no interval: twonn has no analytic interval"), "\(text)")
            #expect(text.contains("mle: no interval: mle has no analytic interval"), "\(text)")
        default: #expect(!text.contains("no interval"), "\(text)")
        }
        if mode == "bootstrap" {
            // Seeded: the same command gives the same intervals.
            let again = try #require(try run(["--ci", mode, "--json"], out: "again").json?["estimates"] as? [[String: Any]])
            #expect(zip(estimates, again).allSatisfy { ($0["ci"] as? [Double]) == ($1["ci"] as? [Double]) })
        }
    }

    /// The text table fits 80 columns: the parameters wrap under their column (the auto
    /// estimator's ran to 230 columns), every parameter still shown; --json keeps them whole.
    @Test func textTableFitsEightyColumns() throws {
        let folder = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let data = try cube(n: 600, d: 3, seed: 2, in: folder)
        let arguments = ["id", data, "--estimator", "auto", "--estimator", "knn", "--out", folder.appendingPathComponent("out").path]
        let text = try CommandRunner.run(arguments)
        #expect(text.status == 0, "\(text.stderr)")
        let lines = text.stdout.split(separator: "\n").map(String.init)
        let header = try #require(lines.firstIndex { $0.hasPrefix("  estimator ") })
        let table = lines[header...].prefix { $0.hasPrefix("  ") }
        #expect(table.allSatisfy { $0.count <= 80 }, "\(text.stdout)")
        let json = try #require(try CommandRunner.run(arguments + ["--json"]).json)
        let estimates = try #require(json["estimates"] as? [[String: Any]])
        let start = try #require(lines[header].range(of: "parameters")).lowerBound.utf16Offset(in: lines[header])
        for estimate in estimates {
            let name = try #require(estimate["estimator"] as? String)
            let row = try #require(table.firstIndex { $0.hasPrefix("  \(name) ") })
            let cell = table[row...].enumerated().prefix { $0.offset == 0 || $0.element.hasPrefix("   ") }
                .map { String($0.element.dropFirst(start)) }.joined(separator: " ")
            let parameters = try #require(estimate["parameters"] as? [String: Any])
            for key in parameters.keys where key != "duplicates" {
                #expect(cell.replacingOccurrences(of: " ", with: "").contains("\(key)="), "\(name): \(key) in \(cell)")
            }
        }
    }

    @Test func unknownIntervalMethodIsAUsageError() throws {
        let folder = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let data = try cube(n: 50, d: 2, seed: 6, in: folder)
        let result = try CommandRunner.run(["id", data, "--ci", "exact", "--out", folder.appendingPathComponent("out").path])
        #expect(result.status == 64, "\(result.stderr)")
        #expect(result.stderr.contains("exact"), "\(result.stderr)")
    }
}
