import Foundation
import Testing
import MindSpaceTestSupport

/// GGUF files through the built binary: `inspect` against NumPy's statistics of gguf-py's
/// dequantized values, refusals of unsupported types and malformed files, `--tensor`, and
/// `trajectory` over GGUF checkpoints against the same values stored as safetensors
/// (`Fixtures/gguf/make_fixtures.py`).
@Suite struct GGUFCommandTests {
    static let folder = CommandRunner.packageRoot.appendingPathComponent("Tests/MindSpaceTestSupport/Fixtures/gguf")

    static func path(_ relative: String) -> String {
        folder.appendingPathComponent(relative).path
    }

    /// Tolerances: the values are identical (bitwise, GGUFReaderTests); the statistics are sums
    /// of at most 1024 terms in Double on both sides, so sum, mean and l2 agree within
    /// n · 2⁻⁵³ · Σ|x| (relative 1e-12 for l2 and std); min and max are exact, compared to 4 ulps
    /// because Foundation's JSON parser on Linux can be off by an ulp or two.
    @Test func inspectStatisticsAgreeWithNumPy() throws {
        let described = try JSONSerialization.jsonObject(
            with: Data(contentsOf: Self.folder.appendingPathComponent("types.json"))) as? [String: Any]
        let truths = try #require(described?["tensors"] as? [[String: Any]])
        let result = try CommandRunner.run(["inspect", "--stats", "--json", Self.path("types.gguf")])
        #expect(result.status == 0, "\(result.stderr)")
        let file = try #require((result.json?["files"] as? [[String: Any]])?.first)
        #expect(file["format"] as? String == "gguf")
        let tensors = try #require(file["tensors"] as? [[String: Any]])
        #expect(tensors.compactMap { $0["name"] as? String } == truths.compactMap { $0["name"] as? String })
        for (tensor, truth) in zip(tensors, truths) {
            let name = try #require(truth["name"] as? String)
            let type = try #require(truth["type"] as? String)
            let isQuantized = type.hasPrefix("Q")
            #expect(tensor["quantization"] as? String == (isQuantized ? type : nil), "\(name)")
            #expect(tensor["shape"] as? [Int] == truth["shape"] as? [Int], "\(name)")
            let stats = try #require(tensor["stats"] as? [String: Any])
            let expected = try #require(truth["stats"] as? [String: Any])
            func number(_ key: String) throws -> Double { try #require(Double(expected[key] as? String ?? "")) }
            let count = try #require(expected["count"] as? Int)
            #expect(stats["count"] as? Int == count && stats["nonfinite"] as? Int == 0, "\(name)")
            let scale = try number("l2") * Double(count).squareRoot()  // ≥ Σ|x|
            let bound = Double(count) * 0x1p-53 * scale
            #expect(abs(try #require(stats["sum"] as? Double) - (try number("sum"))) <= bound, "\(name) sum")
            #expect(abs(try #require(stats["mean"] as? Double) - (try number("mean"))) <= bound / Double(count), "\(name) mean")
            #expect(abs(try #require(stats["l2"] as? Double) - (try number("l2"))) <= 1e-12 * (try number("l2")), "\(name) l2")
            #expect(abs(try #require(stats["std"] as? Double) - (try number("std"))) <= 1e-12 * scale, "\(name) std")
            for key in ["min", "max"] {
                let exact = try number(key)
                #expect(abs(try #require(stats[key] as? Double) - exact) <= 4 * exact.ulp, "\(name) \(key)")
            }
        }
        let metadata = try #require(file["metadata"] as? [[String: Any]])
        #expect(metadata.count == 22)
        let byKey = Dictionary(uniqueKeysWithValues: metadata.compactMap { entry in (entry["key"] as? String).map { ($0, entry) } })
        #expect(byKey["test.uint64"]?["value"] as? UInt64 == 18_000_000_000_000_000_000)
        #expect(byKey["test.array_string"]?["type"] as? String == "array[string]")
        #expect(byKey["test.array_string"]?["count"] as? Int == 3)
        #expect((byKey["test.long"]?["value"] as? String)?.hasSuffix("… (300 characters)") == true)
    }

    /// The text listing shows each tensor's quantization and the metadata, with control
    /// characters from the file escaped.
    @Test func inspectListsQuantizationAndEscapedMetadata() throws {
        let result = try CommandRunner.run(["inspect", Self.path("types.gguf")])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.hasPrefix("  q4_k ") && $0.contains("float32") && $0.contains("Q4_K") && $0.contains("2×512") })
        #expect(lines.contains { $0.contains("test.control") && $0.contains("bell\\x07 newline\\x0A tab\\x09 end") })
        #expect(!result.stdout.contains("\u{07}"))
        #expect(lines.contains { $0.contains("test.array_nested") && $0.contains("array[array]") && $0.contains("3 values") })
    }

    @Test func unsupportedTypesAreListedAndRefusedByName() throws {
        let file = Self.path("unsupported.gguf")
        let listing = try CommandRunner.run(["inspect", "--json", file])
        #expect(listing.status == 0, "\(listing.stderr)")
        let tensors = (listing.json?["files"] as? [[String: Any]])?.first?["tensors"] as? [[String: Any]]
        #expect(tensors?.compactMap { $0["quantization"] as? String } == ["IQ4_NL", "TQ2_0"])

        let stats = try CommandRunner.run(["inspect", "--stats", file])
        #expect(stats.status == 65 && stats.stdout.isEmpty)
        #expect(stats.stderr == "mindspace: \(file): tensor 'iq4_nl' is stored as IQ4_NL, which MindSpace does not dequantize "
                + "(it reads F32, F16, Q4_0, Q4_1, Q5_0, Q5_1, Q8_0, Q2_K, Q3_K, Q4_K, Q5_K, Q6_K, I8, I16, I32, I64, F64, BF16)\n")

        let out = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: out) }
        let pca = try CommandRunner.run(["pca", file, "--tensor", "tq2_0", "--out", out.path, "--quiet"])
        #expect(pca.status == 65 && pca.stderr.contains("tensor 'tq2_0' is stored as TQ2_0"), "\(pca.stderr)")
        #expect((try? FileManager.default.contentsOfDirectory(atPath: out.path))?.isEmpty ?? true)
    }

    /// Each malformed file: exit 65, one line on stderr naming the file, nothing on stdout.
    @Test(arguments: ["empty.gguf", "bad_magic.gguf", "version1.gguf", "version4.gguf",
                      "truncated_header.gguf", "truncated_kv.gguf", "truncated_tensor_info.gguf",
                      "truncated_data.gguf", "huge_tensor_count.gguf", "huge_kv_count.gguf",
                      "huge_string_length.gguf", "unknown_value_type.gguf", "unknown_tensor_type.gguf",
                      "huge_dimension.gguf", "misaligned_offset.gguf", "data_past_end.gguf"])
    func malformedFilesExit65WithOneLine(name: String) throws {
        let file = Self.path("malformed/" + name)
        let result = try CommandRunner.run(["inspect", "--stats", file])
        #expect(result.status == 65, "\(name): \(result.stderr)")
        #expect(result.stdout.isEmpty, "\(name)")
        #expect(result.stderr.hasPrefix("mindspace: \(file): "), "\(name): \(result.stderr)")
        #expect(result.stderr.filter { $0 == "\n" }.count == 1, "\(name): \(result.stderr)")
    }

    /// `--tensor` picks a quantized tensor as points × features (rows of the NumPy shape).
    @Test func pcaReadsAQuantizedTensor() throws {
        let out = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: out) }
        let result = try CommandRunner.run(["pca", Self.path("types.gguf"), "--tensor", "q8_0_quantized",
                                            "--json", "--quiet", "--out", out.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.json?["n"] as? Int == 3 && result.json?["d"] as? Int == 32)
    }

    /// A run saved as GGUF (F32, F16, Q8_0 and Q4_K tensors) gives the same trajectory, number
    /// for number, as its dequantized values saved as safetensors: the values are identical, so
    /// is every sum built from them.
    @Test func trajectoryOverGGUFEqualsTheSameValuesAsSafetensors() throws {
        var reports: [[String: Any]] = []
        var coordinates: [Data] = []
        for run in ["trajectory", "trajectory_safetensors"] {
            let out = try CommandRunner.temporaryFolder()
            defer { try? FileManager.default.removeItem(at: out) }
            let result = try CommandRunner.run(["trajectory", Self.path(run), "--json", "--quiet", "--out", out.path])
            #expect(result.status == 0, "\(run): \(result.stderr)")
            let json = try #require(result.json)
            reports.append(json)
            coordinates.append(try Data(contentsOf: URL(fileURLWithPath: try #require(json["coordinates"] as? String))))
        }
        let (gguf, safetensors) = (reports[0], reports[1])
        let formats = (gguf["checkpoints"] as? [[String: Any]])?.compactMap { $0["format"] as? String }
        #expect(formats == Array(repeating: "gguf", count: 4))
        #expect(gguf["parameters"] as? Int == 32 + 24 + 128 + 256)
        func canonical(_ value: Any?) -> String? {
            guard let value else { return nil }
            let data = try? JSONSerialization.data(withJSONObject: ["v": value], options: [.sortedKeys])
            return data.map { String(decoding: $0, as: UTF8.self) }
        }
        for key in ["parameters", "explained_variance", "explained_variance_ratio", "components_for",
                    "total_variance", "step_distances", "distance_travelled", "net_displacement"] {
            #expect(canonical(gguf[key]) != nil && canonical(gguf[key]) == canonical(safetensors[key]), "\(key)")
        }
        let scores = { (report: [String: Any]) in
            (report["checkpoints"] as? [[String: Any]])?.map { canonical([$0["scores"], $0["norm"]]) }
        }
        #expect(scores(gguf) != nil && scores(gguf) == scores(safetensors))
        #expect(coordinates[0] == coordinates[1])
    }
}
