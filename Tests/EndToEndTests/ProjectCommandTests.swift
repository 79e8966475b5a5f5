import Foundation
import Testing
@testable import MindSpaceCore
@testable import MindSpaceIO
@testable import MindSpaceProjection
@testable import MindSpaceRender
import MindSpaceTestSupport

/// `mindspace project` end to end on real data (the digits with their labels): the picture
/// (size, resolution, provenance, legend), the coordinates against scikit-learn's PCA, seeded
/// random projections, and the errors, after which nothing may be written.
@Suite struct ProjectCommandTests {
    static let digits = CommandRunner.packageRoot.appendingPathComponent("datasets/digits.npy").path
    static let labels = CommandRunner.packageRoot.appendingPathComponent("datasets/digits-labels.tsv").path

    /// The digits as a matrix, read with the library's `.npy` reader (itself checked against NumPy).
    private func digitsMatrix() throws -> Matrix<Double> {
        try NpyReader.read(path: Self.digits).matrix(as: Double.self)
    }

    private func reference() throws -> [String: Any] {
        let url = CommandRunner.packageRoot.appendingPathComponent("Tests/MindSpaceTestSupport/Fixtures/pca/digits_sklearn.json")
        return try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
    }

    /// (X − x̄)·Aᵀ for the rows of `axes` (2×D), by plain loops: an independent computation of
    /// what the tool should have written.
    private func centredProduct(_ data: Matrix<Double>, axes: [[Double]]) -> [[Double]] {
        var mean = [Double](repeating: 0, count: data.columns)
        for i in 0..<data.rows { for j in 0..<data.columns { mean[j] += data[i, j] } }
        mean = mean.map { $0 / Double(data.rows) }
        return (0..<data.rows).map { i in
            axes.map { axis in (0..<data.columns).reduce(0.0) { $0 + (data[i, $1] - mean[$1]) * axis[$1] } }
        }
    }

    private func files(in folder: URL) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).sorted()
    }

    @Test func digitsPCAPictureAndCoordinates() throws {
        let folder = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        // 8 × 6 inches at 125 dpi: the default proportions, quicker to check than 1600 × 1200.
        let arguments = ["project", Self.digits, "--groups", Self.labels, "--width", "1000", "--height", "750",
                         "--dpi", "125", "--json", "--out", folder.path]
        let result = try CommandRunner.run(arguments)
        #expect(result.status == 0, "\(result.stderr)")
        let json = try #require(result.json)
        #expect(json["method"] as? String == "pca")
        #expect(json["n"] as? Int == 1797 && json["d"] as? Int == 64 && json["groups"] as? Int == 10)
        let imagePath = try #require(json["image"] as? String)
        let coordinatesPath = try #require(json["coordinates"] as? String)
        #expect(imagePath == folder.appendingPathComponent("projection.png").path)
        #expect(files(in: folder) == [".mindspace-project.files", "coordinates.npy", "project.json", "projection.png"])

        // Coordinates: the first two scores, (X − x̄)·componentsᵀ with scikit-learn's axes (signs
        // fixed by the same rule). Bound: the fixture test holds each axis entry to 1e-9, so
        // ‖Δv‖ ≤ 8e-9; pixel values are 0–16, so ‖x − x̄‖ ≤ 16·√64 = 128; |Δscore| ≤ 1.1e-6.
        // A wrong axis, sign or centring is off by units.
        let expected = try reference()
        let axes = (expected["components_first3"] as? [[String]] ?? []).prefix(2).map { $0.compactMap(Double.init) }
        #expect(axes.count == 2 && axes.allSatisfy { $0.count == 64 })
        let truth = centredProduct(try digitsMatrix(), axes: axes)
        let coordinates = try NpyReader.read(path: coordinatesPath)
        #expect(coordinates.dtype == .float64 && coordinates.shape == [1797, 2])
        let written = try coordinates.matrix(as: Double.self)
        let scoreBound = 2e-6  // 1.1e-6 above, with margin
        var worst = 0.0
        for i in 0..<1797 { for k in 0..<2 { worst = max(worst, abs(written[i, k] - truth[i][k])) } }
        #expect(worst <= scoreBound, "largest difference \(worst)")
        // The axis variance ratios are scikit-learn's first two explained-variance ratios
        // (same tolerance as PCACommandTests: eigenvalue errors ≪ 1e-10 of the total).
        let ratios = try #require(json["axis_variance_ratio"] as? [Double])
        let refRatios = (expected["explained_variance_ratio"] as? [String] ?? []).prefix(2).compactMap(Double.init)
        #expect(ratios.count == 2 && zip(ratios, refRatios).allSatisfy { abs($0 - $1) <= Tolerance.twoDoubleMethods })
        #expect(json["axes"] as? [String] == ["PC1 (14.9%)", "PC2 (13.6%)"])

        // The picture: requested size and resolution, title and provenance.
        let png = try PNGCodec.decode(Data(contentsOf: URL(fileURLWithPath: imagePath)))
        #expect(png.width == 1000 && png.height == 750)
        #expect(png.density == PNGPixelDensity(dotsPerInch: 125))
        #expect(png.text(forKeyword: "Title") == "digits.npy \u{2014} PCA")
        #expect(png.text(forKeyword: "Software") == "MindSpace \(MindSpaceVersion.string)")
        #expect(png.text(forKeyword: "mindspace:command") == (["mindspace"] + arguments).joined(separator: " "))
        #expect(png.text(forKeyword: "mindspace:seed") == "0")
        #expect(png.text(forKeyword: "mindspace:method") == "pca")
        let dataHash = try ContentHash.of(FileByteSource(path: Self.digits))
        let labelsHash = try ContentHash.of(FileByteSource(path: Self.labels))
        #expect(png.text(forKeyword: "mindspace:inputs") == "\(dataHash)  \(Self.digits)\n\(labelsHash)  \(Self.labels)")

        // The legend: ten digits, ten groups, drawn with the ten Tableau 10 colours (Stone 2016,
        // published hex values), right of the data frame; points inside it are translucent.
        let frameRight = rightFrameColumn(png)
        let tableau10: [UInt32] = [0x4E79A7, 0xF28E2B, 0xE15759, 0x76B7B2, 0x59A14F, 0xEDC948, 0xB07AA1, 0xFF9DA7, 0x9C755F, 0xBAB0AC]
        for hex in tableau10 {
            let found = containsColor(png, hex, xs: (frameRight + 3)..<png.width)
            #expect(found, "legend lacks #\(String(hex, radix: 16))")
        }
    }

    @Test func randomProjectionIsSeeded() throws {
        let folder = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        func run(seed: Int, into name: String) throws -> (coordinates: Data, pixels: [UInt8]) {
            let out = folder.appendingPathComponent(name)
            let result = try CommandRunner.run(["project", Self.digits, "--method", "random", "--seed", String(seed),
                                                "--width", "600", "--height", "450", "--dpi", "100", "--out", out.path])
            #expect(result.status == 0, "\(result.stderr)")
            let png = try PNGCodec.decode(Data(contentsOf: out.appendingPathComponent("projection.png")))
            #expect(png.text(forKeyword: "mindspace:seed") == String(seed) && png.text(forKeyword: "mindspace:method") == "random")
            return (try Data(contentsOf: out.appendingPathComponent("coordinates.npy")), png.rgba)
        }
        let first = try run(seed: 7, into: "a"), again = try run(seed: 7, into: "b"), other = try run(seed: 8, into: "c")
        #expect(first.coordinates == again.coordinates)
        #expect(first.pixels == again.pixels)
        #expect(first.coordinates != other.coordinates)
        // The written coordinates are the centred digits on the seed's two directions.
        let directions = RandomProjection(seed: 7).directions(dimension: 64)
        let axes = (0..<2).map { Array(directions.row($0)) }
        let truth = centredProduct(try digitsMatrix(), axes: axes)
        let written = try NpyReader.read(path: folder.appendingPathComponent("a/coordinates.npy").path).matrix(as: Double.self)
        // Unit directions, ‖x − x̄‖ ≤ 128: loops and dgemm differ by round-off ≈ 64·ε·128 ≈ 2e-12.
        var worst = 0.0
        for i in 0..<1797 { for k in 0..<2 { worst = max(worst, abs(written[i, k] - truth[i][k])) } }
        #expect(worst <= Tolerance.twoDoubleMethods, "largest difference \(worst)")
    }

    @Test func groupCountMismatchNamesTheGroupsFile() throws {
        let folder = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let short = folder.appendingPathComponent("short-labels.tsv")
        let lines = try String(contentsOfFile: Self.labels, encoding: .utf8).split(separator: "\n").dropLast(5)
        try (lines.joined(separator: "\n") + "\n").write(to: short, atomically: true, encoding: .utf8)
        let out = folder.appendingPathComponent("out")
        let result = try CommandRunner.run(["project", Self.digits, "--groups", short.path, "--out", out.path])
        #expect(result.status == 65)
        #expect(result.stderr.split(separator: "\n").count == 1)
        #expect(result.stderr.contains("short-labels.tsv") && result.stderr.contains("1792") && result.stderr.contains("1797"),
                "\(result.stderr)")
        #expect(files(in: out).isEmpty)
    }

    @Test func nonFiniteDataIsRefusedWithItsPosition() throws {
        let folder = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        var matrix = Matrix<Float>(rows: 6, columns: 3)
        for i in 0..<18 { matrix.storage[i] = Float(i * i % 7) }
        matrix[4, 2] = .infinity
        let input = folder.appendingPathComponent("bad.npy")
        try NpyWriter.encode(matrix).write(to: input)
        let out = folder.appendingPathComponent("out")
        for method in ["pca", "random"] {
            let result = try CommandRunner.run(["project", input.path, "--method", method, "--out", out.path])
            #expect(result.status == 65)
            #expect(result.stderr.split(separator: "\n").count == 1)
            #expect(result.stderr.contains("bad.npy") && result.stderr.contains("row 4") && result.stderr.contains("column 2"),
                    "\(result.stderr)")
        }
        #expect(files(in: out).isEmpty)
    }

    @Test(arguments: [
        ["--method", "sammon"],  // not a method
        ["--width", "100"],
        ["--dpi", "5000"],
        ["--width", "799", "--height", "600"],  // 3.995 × 3 inches at 200 dpi: too small for the text
        ["--group-column", "label"],
    ])
    func badArgumentsAreUsageErrors(_ extra: [String]) throws {
        let folder = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = folder.appendingPathComponent("out")
        let result = try CommandRunner.run(["project", Self.digits, "--out", out.path] + extra)
        #expect(result.status == 64, "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1)
        #expect(files(in: out).isEmpty)
    }

    @Test func titleOptionAndTextReport() throws {
        let folder = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try CommandRunner.run(["project", Self.digits, "--title", "Handwritten digits", "--width", "800",
                                            "--height", "600", "--out", folder.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("PC1 (14.9%)") && result.stdout.contains("projection.png"), "\(result.stdout)")
        let png = try PNGCodec.decode(Data(contentsOf: folder.appendingPathComponent("projection.png")))
        #expect(png.text(forKeyword: "Title") == "Handwritten digits")
        #expect(png.width == 800 && png.height == 600)
    }

    /// A title wider than the figure wraps onto two lines without a word on stderr; one that two
    /// lines cannot hold is cut with an ellipsis and a one-line warning, never silently.
    @Test func longTitlesWrapAndACutOneIsAWarning() throws {
        let folder = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        // 800 px at 200 dpi: 12-point characters are 16⅔ px, 46 to a line.
        let wrapped = "Handwritten digits of the UCI collection, first two principal components"
        let result = try CommandRunner.run(["project", Self.digits, "--title", wrapped, "--width", "800",
                                            "--height", "600", "--out", folder.path])
        #expect(result.status == 0 && result.stderr.isEmpty, "\(result.stderr)")
        let cut = String(repeating: wrapped + " ", count: 2)
        let warned = try CommandRunner.run(["project", Self.digits, "--title", cut, "--width", "800",
                                            "--height", "600", "--out", folder.path])
        #expect(warned.status == 0)
        #expect(warned.stderr == "mindspace: warning: title cut to fit the figure: \(cut)\n", "\(warned.stderr)")
        let png = try PNGCodec.decode(Data(contentsOf: folder.appendingPathComponent("projection.png")))
        #expect(png.text(forKeyword: "Title") == cut)
    }

    /// The right edge of the data frame: the column in the right half with the most dark pixels.
    private func rightFrameColumn(_ image: DecodedPNG) -> Int {
        var best = (column: image.width / 2, count: -1)
        for x in (image.width / 2)..<image.width {
            var count = 0
            for y in 0..<image.height {
                let p = image.pixel(x: x, y: y)
                if p.red < 0x70 && p.green < 0x70 && p.blue < 0x70 { count += 1 }
            }
            if count > best.count { best = (x, count) }
        }
        return best.column
    }

    /// Whether some pixel in columns `xs` has the colour `hex` (±1 per channel for the sRGB round trip).
    private func containsColor(_ image: DecodedPNG, _ hex: UInt32, xs: Range<Int>) -> Bool {
        for y in 0..<image.height {
            for x in xs {
                let p = image.pixel(x: x, y: y)
                if abs(Int(p.red) - Int(hex >> 16)) <= 1 && abs(Int(p.green) - Int((hex >> 8) & 0xFF)) <= 1
                    && abs(Int(p.blue) - Int(hex & 0xFF)) <= 1 { return true }
            }
        }
        return false
    }
}
