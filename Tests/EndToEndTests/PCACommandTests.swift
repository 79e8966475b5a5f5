import Foundation
import Testing
@testable import MindSpaceCore
@testable import MindSpaceIO
@testable import MindSpaceRender
import MindSpaceTestSupport

/// `mindspace pca` end to end: real data (the digits) against scikit-learn, files written
/// atomically and identically, failures leave nothing behind.
@Suite struct PCACommandTests {
    static let digits = CommandRunner.packageRoot.appendingPathComponent("datasets/digits.npy").path

    private func reference() throws -> [String: Any] {
        let url = CommandRunner.packageRoot.appendingPathComponent("Tests/MindSpaceTestSupport/Fixtures/pca/digits_sklearn.json")
        return try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
    }

    private func hex(_ values: Any?) -> [Double] {
        (values as? [String] ?? []).compactMap(Double.init)
    }

    @Test func digitsSpectrumMatchesScikitLearn() throws {
        let folder = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try CommandRunner.run(["pca", Self.digits, "--components", "3", "--json", "--out", folder.path])
        #expect(result.status == 0, "\(result.stderr)")
        let json = try #require(result.json)
        let expected = try reference()
        #expect(json["n"] as? Int == 1797 && json["d"] as? Int == 64)
        let variance = try #require(json["explained_variance"] as? [Double])
        let ratio = try #require(json["explained_variance_ratio"] as? [Double])
        let refVariance = hex(expected["explained_variance"])
        let refRatio = hex(expected["explained_variance_ratio"])
        #expect(variance.count == refVariance.count && ratio.count == refRatio.count)
        // Both sides eigen-decompose the same 64×64 covariance with backward-stable solvers:
        // eigenvalue errors are a small multiple of ε·λmax ≈ 2e-16·179, far inside 1e-10·λmax.
        let scale = refVariance.max() ?? 1
        for (ours, theirs) in zip(variance, refVariance) { #expect(abs(ours - theirs) <= Tolerance.twoDoubleMethods * scale) }
        for (ours, theirs) in zip(ratio, refRatio) { #expect(abs(ours - theirs) <= Tolerance.twoDoubleMethods) }
        #expect(zip(ratio, ratio.dropFirst()).allSatisfy { $0 >= $1 }, "descending")
        let counts = try #require(json["components_for"] as? [String: Int])
        #expect(counts == expected["components_for"] as? [String: Int])

        // The axes written to components.npy equal scikit-learn's (same sign rule); the
        // leading eigenvalues are well separated, so each axis is determined to ~ε·λmax/gap.
        let files = try #require(json["files"] as? [String: String])
        let components = try NpyReader.read(path: try #require(files["components"])).matrix(as: Double.self)
        let refComponents = (expected["components_first3"] as? [[String]] ?? []).map { $0.compactMap(Double.init) }
        #expect(components.rows == 3 && components.columns == 64)
        for (row, reference) in refComponents.enumerated() {
            for (column, value) in reference.enumerated() {
                #expect(abs(components[row, column] - value) <= Tolerance.peerFloat64Answer, "component \(row), \(column)")
            }
        }
        let scores = try NpyReader.read(path: try #require(files["scores"])).matrix(as: Double.self)
        #expect(scores.rows == 1797 && scores.columns == 3)
        // The variance of each score column is that component's explained variance: the same
        // quantity as a sum over the scores and as an eigenvalue (errors ~1e-13 relative).
        for k in 0..<3 {
            let column = (0..<scores.rows).map { scores[$0, k] }
            let mean = column.reduce(0, +) / Double(column.count)
            let sampleVariance = column.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(column.count - 1)
            #expect(isApproximatelyEqual(sampleVariance, variance[k], relativeTolerance: Tolerance.twoDoubleMethods))
            #expect(abs(mean) <= Tolerance.twoDoubleMethods * variance[k].squareRoot())
        }
    }

    @Test func sameCommandWritesIdenticalFilesAndLeavesTheInputAlone() throws {
        let before = try ContentHash.of(FileByteSource(path: Self.digits))
        var outputs: [[String: Data]] = []
        for _ in 0..<2 {
            let folder = try CommandRunner.temporaryFolder()
            defer { try? FileManager.default.removeItem(at: folder) }
            let result = try CommandRunner.run(["pca", Self.digits, "--out", folder.path, "--quiet"])
            #expect(result.status == 0, "\(result.stderr)")
            var files: [String: Data] = [:]
            for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) {
                files[name] = try Data(contentsOf: folder.appendingPathComponent(name))
            }
            outputs.append(files)
        }
        #expect(Set(outputs[0].keys) == ["components.npy", "scores.npy", "mean.npy", "scree.png", "pca.json", ".mindspace-pca.files"])
        // pca.json and the PNG's command-line chunk record the --out folder, which differs
        // between the two runs; compare the rest, and the PNG's pixels.
        for name in ["components.npy", "scores.npy", "mean.npy"] { #expect(outputs[0][name] == outputs[1][name], "\(name)") }
        let pixels = try outputs.map { try PNGCodec.decode(try #require($0["scree.png"])).rgba }
        #expect(pixels[0] == pixels[1])
        #expect(try ContentHash.of(FileByteSource(path: Self.digits)) == before)
    }

    @Test func screePlotIsWrittenWithProvenance() throws {
        let folder = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let arguments = ["pca", Self.digits, "--components", "5", "--json", "--out", folder.path]
        let result = try CommandRunner.run(arguments)
        #expect(result.status == 0, "\(result.stderr)")
        let json = try #require(result.json)
        let image = try #require(json["image"] as? String)
        #expect(image == folder.appendingPathComponent("scree.png").path)
        let png = try PNGCodec.decode(Data(contentsOf: URL(fileURLWithPath: image)))
        #expect(png.width == 1600 && png.height == 1200)
        #expect(png.density == PNGPixelDensity(dotsPerInch: 200))
        #expect(png.text(forKeyword: "Title") == "digits.npy \u{2014} PCA explained variance")
        #expect(png.text(forKeyword: "Software") == "MindSpace \(MindSpaceVersion.string)")
        #expect(png.text(forKeyword: "mindspace:command") == (["mindspace"] + arguments).joined(separator: " "))
        let hash = try ContentHash.of(FileByteSource(path: Self.digits))
        #expect(png.text(forKeyword: "mindspace:inputs") == "\(hash)  \(Self.digits)")
        #expect(png.text(forKeyword: "mindspace:method") == "pca")
        // The curves are drawn: the Okabe–Ito blue (per component) and vermillion (cumulative)
        // of the series, at full strength somewhere in the image.
        for hex: UInt32 in [0x0072B2, 0xD55E00] {
            let found = containsColor(png, hex)
            #expect(found, "no #\(String(hex, radix: 16)) pixels")
        }
        // The text report names the image among the files written.
        let text = try CommandRunner.run(["pca", Self.digits, "--out", folder.path])
        #expect(text.stdout.contains("scree.png"), "\(text.stdout)")
    }

    /// Whether some pixel has the colour `hex` (±1 per channel for the sRGB round trip).
    private func containsColor(_ image: DecodedPNG, _ hex: UInt32) -> Bool {
        let red = Int(hex >> 16), green = Int((hex >> 8) & 0xFF), blue = Int(hex & 0xFF)
        for y in 0..<image.height {
            for x in 0..<image.width {
                let p = image.pixel(x: x, y: y)
                if abs(Int(p.red) - red) <= 1 && abs(Int(p.green) - green) <= 1 && abs(Int(p.blue) - blue) <= 1 { return true }
            }
        }
        return false
    }

    @Test func nonFiniteDataIsRefusedWithItsPositionAndNothingIsWritten() throws {
        let folder = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        var matrix = Matrix<Double>(rows: 5, columns: 3)
        for i in 0..<15 { matrix.storage[i] = Double(i * i % 7) }
        matrix[3, 1] = .nan
        let input = folder.appendingPathComponent("bad.npy")
        try NpyWriter.encode(matrix).write(to: input)
        let out = folder.appendingPathComponent("out")
        let result = try CommandRunner.run(["pca", input.path, "--out", out.path])
        #expect(result.status == 65)
        #expect(result.stderr.split(separator: "\n").count == 1)
        #expect(result.stderr.contains("bad.npy") && result.stderr.contains("row 3") && result.stderr.contains("column 1"),
                "\(result.stderr)")
        let leftovers = (try? FileManager.default.contentsOfDirectory(atPath: out.path)) ?? []
        #expect(leftovers.isEmpty, "\(leftovers)")
    }

    @Test func tooFewPointsAndUnwritableOutputAreClearErrors() throws {
        let folder = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let single = folder.appendingPathComponent("one.npy")
        try NpyWriter.encode(Matrix<Double>([[1, 2, 3]])).write(to: single)
        let few = try CommandRunner.run(["pca", single.path, "--out", folder.path])
        #expect(few.status == 65 && few.stderr.contains("one.npy"), "\(few.stderr)")
        // A regular file where the output folder should be: cannot create (73).
        let blocker = folder.appendingPathComponent("file")
        try Data("x".utf8).write(to: blocker)
        let blocked = try CommandRunner.run(["pca", Self.digits, "--out", blocker.appendingPathComponent("sub").path])
        #expect(blocked.status == 73, "\(blocked.stderr)")
        #expect(blocked.stderr.split(separator: "\n").count == 1)
    }
}
