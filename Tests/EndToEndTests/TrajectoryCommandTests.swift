import Foundation
import Testing
@testable import MindSpaceIO
@testable import MindSpaceRender
@testable import MindSpaceCheckpoints
import MindSpaceTestSupport

/// `mindspace trajectory` end to end on the shipped real trajectories (a digit classifier
/// trained with NumPy, `datasets/make_trajectories.py`) against NumPy's dense SVD of the same
/// files (`Fixtures/checkpoints/digits_runs.json`), plus the files, images and errors.
@Suite struct TrajectoryCommandTests {
    static let run = "datasets/trajectories/runs/subset0-seed0"
    static let bf16Run = "datasets/trajectories/bf16/subset0-seed0"

    private func root(_ relative: String) -> String {
        CommandRunner.packageRoot.appendingPathComponent(relative).path
    }

    /// Tolerance: NumPy's SVD of the 21 × 2410 centred matrix and our eigenvalues of the streamed
    /// Gram matrix are both backward stable in double precision on identical inputs; every ratio
    /// reported is above 1e-7, and errors are ~1e-16·λ₁ (see TrajectoryStreamingTests), so
    /// 1e-9 absolute on ratios (which are ≤ 1) and 1e-9 relative on variances hold widely.
    @Test(arguments: [("f32", run), ("bf16", bf16Run)])
    func shippedTrajectoryMatchesNumPy(label: String, folder: String) throws {
        let answer = try CheckpointFixtures.digitsAnswer(label)
        let out = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: out) }
        // Fingerprints on request only: asked for on the float32 copy, not on the bfloat16 one.
        let hashed = label == "f32"
        let result = try CommandRunner.run(["trajectory", folder, "--json", "--out", out.path] + (hashed ? ["--data-hash"] : []),
                                           in: CommandRunner.packageRoot)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.isEmpty, "no progress bar when stderr is not a terminal")
        let json = try #require(result.json)
        let checkpoints = try #require(json["checkpoints"] as? [[String: Any]])
        #expect(checkpoints.compactMap { $0["data_xxh3"] as? String }.count == (hashed ? 21 : 0))
        #expect(checkpoints.compactMap { $0["path"] as? String } == answer.checkpoints, "natural order: epoch_2 before epoch_10")
        #expect(checkpoints.compactMap { $0["step"] as? Double } == (0...20).map(Double.init))
        #expect(json["step_label"] as? String == "epoch")
        #expect(json["parameters"] as? Int == 2410)
        let tensors = try #require(json["tensors"] as? [[String: Any]])
        #expect(tensors.compactMap { $0["name"] as? String } == answer.tensors)
        #expect(tensors.allSatisfy { ($0["dtypes"] as? [String]) == [label == "f32" ? "float32" : "bfloat16"] })
        let skipped = try #require(json["skipped_tensors"] as? [[String: Any]])
        #expect(skipped.compactMap { $0["name"] as? String } == ["step"])
        let ratio = try #require(json["explained_variance_ratio"] as? [Double])
        let variance = try #require(json["explained_variance"] as? [Double])
        #expect(CheckpointFixtures.largestDifference(ratio, answer.explainedVarianceRatio) <= Tolerance.peerFloat64Answer)
        #expect(CheckpointFixtures.largestRelativeDifference(variance, answer.explainedVariance) <= Tolerance.peerFloat64Answer)
        #expect(json["components_for"] as? [String: Int] == answer.componentsFor)
        let norms = checkpoints.compactMap { $0["norm"] as? Double }
        #expect(CheckpointFixtures.largestRelativeDifference(norms, answer.norms) <= Tolerance.roundOffOfThousandsOfOperations)

        // Files: coordinates (n × (n − 1)) whose first columns are NumPy's scores, two PNGs with
        // provenance, the report itself.
        let coordinatesPath = try #require(json["coordinates"] as? String)
        let coordinates = try NpyReader.read(path: coordinatesPath).matrix(as: Double.self)
        #expect(coordinates.rows == 21 && coordinates.columns == 20)
        let scale = answer.eigenvalues[0].squareRoot()
        for (row, expected) in answer.coordinatesTop3.enumerated() {
            let ours = (0..<expected.count).map { coordinates[row, $0] }
            #expect(CheckpointFixtures.largestDifference(ours, expected, scale: scale) <= Tolerance.peerFloat64Answer)
        }
        let images = try #require(json["images"] as? [String])
        #expect(images.map { ($0 as NSString).lastPathComponent } == ["trajectory-scree.png", "trajectory-path.png"])
        for image in images {
            let png = try PNGCodec.decode(Data(contentsOf: URL(fileURLWithPath: image)), file: image)
            // The scree figure has the displacement panel beside the spectrum: wider.
            #expect(png.width == (image.hasSuffix("scree.png") ? 2600 : 1600) && png.height == 1200)
            #expect(png.text(forKeyword: "mindspace:command")?.contains("trajectory") == true)
            let hashes = png.text(forKeyword: "mindspace:checkpoints-data-xxh3")
            #expect(hashes?.split(separator: "\n").count == (hashed ? 21 : nil))
        }
        let report = try #require(json["report"] as? String)
        let written = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: report))) as? [String: Any])
        #expect(written["explained_variance_ratio"] as? [Double] == ratio)
    }

    /// BF16 rounding (8 significant bits, relative error ≤ 2⁻⁹) moves the weights by ~0.2 % of
    /// their size; the spectrum of the trajectory barely moves: same counts, ratios within 1e-3.
    @Test func bf16CopyTellsTheSameStory() throws {
        let f32 = try CheckpointFixtures.digitsAnswer("f32"), bf16 = try CheckpointFixtures.digitsAnswer("bf16")
        #expect(f32.componentsFor == bf16.componentsFor)
        let shiftByBF16Rounding = 1e-3
        #expect(CheckpointFixtures.largestDifference(f32.explainedVarianceRatio, bf16.explainedVarianceRatio) <= shiftByBF16Rounding)
        #expect(f32.explainedVarianceRatio != bf16.explainedVarianceRatio, "the copies do differ")
    }

    /// `--save-components`: K × p directions equal to NumPy's (see TrajectoryStreamingTests for
    /// the 1e-9 bound), written in column chunks; `--per-layer` adds group spectra; the text
    /// output names the files.
    @Test func saveComponentsAndPerLayer() throws {
        let answer = try CheckpointFixtures.answer("trajectory")
        let out = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: out) }
        let folder = try CheckpointFixtures.path("trajectory")
        let result = try CommandRunner.run(["trajectory", folder, "--save-components", "2", "--per-layer",
                                            "--chunk-elements", "333", "--json", "--out", out.path])
        #expect(result.status == 0, "\(result.stderr)")
        let json = try #require(result.json)
        #expect(json["components_written"] as? Int == 2 && json["requested_components"] as? Int == 2)
        #expect(json["chunk_elements"] as? Int == 333)
        let groups = try #require(json["groups"] as? [[String: Any]])
        #expect(Set(groups.compactMap { $0["name"] as? String }) == ["encoder", "head"])
        let set = try CheckpointSet.open([folder])
        let components = try NpyReader.read(path: try #require(json["components"] as? String)).matrix(as: Double.self)
        #expect(components.rows == 2 && components.columns == 1109)
        for k in 0..<2 {
            var reordered: [Double] = []
            for name in answer.tensors {
                let entry = try #require(set.layout.entries.first { $0.name == name })
                reordered += components.row(k)[(k * 1109 + entry.firstParameter)..<(k * 1109 + entry.parameterRange.upperBound)]
            }
            #expect(CheckpointFixtures.largestDifference(reordered, answer.directionsTop3[k]) <= Tolerance.peerFloat64Answer)
        }
        // Asking for more directions than the 11 the 12 checkpoints resolve writes 11 and says so.
        let many = try CommandRunner.run(["trajectory", folder, "--save-components", "50", "--out", out.path])
        #expect(many.status == 0, "\(many.stderr)")
        #expect(many.stdout.contains("asked for 50 directions; the spectrum resolves 11"))
        #expect(many.stdout.contains("trajectory-components.npy"))
    }

    /// The same command twice: byte-identical files (nothing time-dependent is recorded).
    /// The same command is needed: the images record the command line, and OpenBLAS's thread
    /// count can change the rounding of `dsyrk`.
    @Test func sameCommandWritesIdenticalFiles() throws {
        let out = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: out) }
        var outputs: [[String: Data]] = []
        for _ in 0..<2 {
            let result = try CommandRunner.run(["trajectory", root(Self.run), "--out", out.path, "--quiet"])
            #expect(result.status == 0, "\(result.stderr)")
            var files: [String: Data] = [:]
            for name in try FileManager.default.contentsOfDirectory(atPath: out.path) {
                files[name] = try Data(contentsOf: out.appendingPathComponent(name))
            }
            outputs.append(files)
        }
        #expect(Set(outputs[0].keys) == ["trajectory.json", "trajectory-coordinates.npy", "trajectory-scree.png", "trajectory-path.png",
                                         ".mindspace-trajectory.files"])
        #expect(outputs[0] == outputs[1])
    }

    /// Identical checkpoints (values that are not exact binary fractions, so a mean would not
    /// reproduce them): the report says the trajectory does not move (`still`, `note`), every
    /// number is finite (ratios 0, no NaN), no path figure is drawn and the text says so plainly
    /// and names exactly the files written.
    @Test func identicalCheckpointsAreReportedAsStillWithoutAPath() throws {
        let values = (0..<50).map { 0.1 * Double($0) - 1.7 }
        let tree = try RunTree.write(["still": Array(repeating: values, count: 5)])
        defer { try? FileManager.default.removeItem(at: tree) }
        let folder = tree.appendingPathComponent("still").path
        let out = tree.appendingPathComponent("out")
        let result = try CommandRunner.run(["trajectory", folder, "--json", "--quiet", "--out", out.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(!result.stdout.contains("NaN") && !result.stdout.contains("null"))
        let json = try #require(result.json)
        #expect(json["still"] as? Bool == true)
        #expect(json["note"] as? String == "the checkpoints are identical: the trajectory does not move; no path drawn")
        #expect(json["total_variance"] as? Double == 0)
        let ratios = try #require(json["explained_variance_ratio"] as? [Double])
        #expect(ratios.count == 4 && ratios.allSatisfy { $0 == 0 })
        #expect((json["explained_variance"] as? [Double])?.allSatisfy { $0 == 0 } == true)
        #expect(json["components_for"] as? [String: Int] == ["0.5": 0, "0.9": 0, "0.99": 0])
        #expect(json["distance_travelled"] as? Double == 0)
        // No step to take: no null; no displacement to split: every share 0.
        #expect(json["null_model"] == nil)
        #expect((json["displacement_share"] as? [Double])?.allSatisfy { $0 == 0 } == true)
        #expect(json["displacement_components_for"] as? [String: Int] == ["0.5": 0, "0.9": 0, "0.99": 0])
        let images = try #require(json["images"] as? [String])
        #expect(images.map { ($0 as NSString).lastPathComponent } == ["trajectory-scree.png"])
        #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("trajectory-path.png").path))

        let text = try CommandRunner.run(["trajectory", folder, "--quiet", "--out", out.path])
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.contains("\nthe checkpoints are identical: the trajectory does not move; no path drawn\n"))
        #expect(!text.stdout.contains("total variance"))
        let wrote = try #require(text.stdout.split(separator: "\n").first { $0.hasPrefix("wrote ") })
        let named = Set(wrote.dropFirst("wrote ".count).components(separatedBy: ", "))
        // Every file but the folder's manifest of them (README, "Output folders").
        let written = Set(try FileManager.default.contentsOfDirectory(atPath: out.path)
            .filter { !$0.hasPrefix(".mindspace-") }.map { out.appendingPathComponent($0).path })
        #expect(named == written)

        // A moving trajectory is not still and has no note.
        let moving = try CommandRunner.run(["trajectory", root(Self.run), "--json", "--quiet", "--out", out.path])
        let movingJSON = try #require(moving.json)
        #expect(movingJSON["still"] as? Bool == false && movingJSON["note"] == nil)
    }

    /// The random-walk null: on by default, one [low, high] per component around its mean, the
    /// same for the same seed whatever the thread count, another for another seed, and absent
    /// with `--null none` (which also leaves the seed out of the provenance).
    @Test func randomWalkNullIsSeededAndCanBeSwitchedOff() throws {
        let out = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: out) }
        func null(_ extra: [String]) throws -> [String: Any]? {
            let result = try CommandRunner.run(["trajectory", root(Self.run), "--json", "--quiet", "--out", out.path] + extra)
            #expect(result.status == 0, "\(result.stderr)")
            return try #require(result.json)["null_model"] as? [String: Any]
        }
        let first = try #require(try null(["--seed", "4", "--null-draws", "40", "--threads", "1"]))
        #expect(first["kind"] as? String == "random-walk" && first["draws"] as? Int == 40 && first["dimension"] as? Int == 2410)
        let mean = try #require(first["explained_variance_ratio"] as? [Double])
        let band = try #require(first["band"] as? [[Double]])
        #expect(mean.count == 20 && band.count == 20)
        #expect(zip(mean, band).allSatisfy { $1.count == 2 && $1[0] <= $0 && $0 <= $1[1] })
        #expect(abs(mean.reduce(0, +) - 1) < 1e-9)
        // The data's PC1 (90.7%) lies above every draw: the smallest p-value 40 draws can give.
        #expect(abs((first["pc1_p_value"] as? Double ?? 0) - 1.0 / 41) < 1e-15)
        let again = try #require(try null(["--seed", "4", "--null-draws", "40", "--threads", "2"]))
        #expect(again["explained_variance_ratio"] as? [Double] == mean && again["band"] as? [[Double]] == band)
        let other = try #require(try null(["--seed", "5", "--null-draws", "40"]))
        #expect(other["explained_variance_ratio"] as? [Double] != mean)
        let off = try CommandRunner.run(["trajectory", root(Self.run), "--json", "--quiet", "--out", out.path, "--null", "none"])
        let json = try #require(off.json)
        #expect(json["null_model"] == nil && (json["provenance"] as? [String: Any])?["seed"] == nil)
        #expect((json["displacement_share"] as? [Double])?.count == 20)
    }

    @Test func mismatchedCheckpointsFailWithOneLineAndWriteNothing() throws {
        let out = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: out) }
        let base = try CheckpointFixtures.path("mismatch/base.safetensors")
        let shape = try CheckpointFixtures.path("mismatch/shape.safetensors")
        let target = out.appendingPathComponent("result").path
        let result = try CommandRunner.run(["trajectory", base, shape, "--out", target])
        #expect(result.status == 65)
        #expect(result.stderr.split(separator: "\n").count == 1)
        #expect(result.stderr.contains(base) && result.stderr.contains(shape) && result.stderr.contains("shape 4×3"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: target))

        let missing = try CommandRunner.run(["trajectory", base, out.appendingPathComponent("nope.safetensors").path, "--out", target])
        #expect(missing.status == 66 && missing.stderr.contains("nope.safetensors"), "\(missing.stderr)")
        let one = try CommandRunner.run(["trajectory", base, "--out", target])
        #expect(one.status == 65 && one.stderr.contains("at least 2 checkpoints"), "\(one.stderr)")
        let usage = try CommandRunner.run(["trajectory", base, shape, "--per-tensor", "--per-layer"])
        #expect(usage.status == 64)
        #expect(!FileManager.default.fileExists(atPath: target))
    }
}
