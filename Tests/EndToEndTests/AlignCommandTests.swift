import Foundation
import Testing
@testable import MindSpaceCore
@testable import MindSpaceIO
import MindSpaceTestSupport

/// `mindspace align` end to end: a permuted network is aligned back bit for bit, the shipped
/// independent runs come closer, and bad inputs are refused in one line with nothing written.
@Suite struct AlignCommandTests {
    /// A float32 MLP 8 → 6 → 5 → 3 (`l1`…`l3`) with an int64 `step`, as safetensors entries;
    /// `hidden` permutes the units of l1 and l2 (model unit j = reference unit hidden[g][j]).
    static func network(seed: UInt64, hidden: [[Int]] = [Array(0..<6), Array(0..<5)], width: Int = 6,
                        extra: SafetensorsWriter.Entry? = nil) -> Data {
        var generator = SeededGenerator(seed: seed)
        func values(_ count: Int) -> [Float] { (0..<count).map { _ in Float(generator.nextGaussian()) } }
        let w1 = values(width * 8), b1 = values(width), w2 = values(5 * width), b2 = values(5), w3 = values(3 * 5), b3 = values(3)
        let p1 = hidden[0], p2 = hidden[1]
        // Row i of a permuted out-axis is the reference's row p[i]; column j of an in-axis likewise.
        let pw1 = (0..<width).flatMap { i in (0..<8).map { w1[p1[i] * 8 + $0] } }
        let pb1 = (0..<width).map { b1[p1[$0]] }
        let pw2 = (0..<5).flatMap { i in (0..<width).map { j in w2[p2[i] * width + p1[j]] } }
        let pb2 = (0..<5).map { b2[p2[$0]] }
        let pw3 = (0..<3).flatMap { i in (0..<5).map { j in w3[i * 5 + p2[j]] } }
        func entry(_ name: String, _ shape: [Int], _ data: [Float]) -> SafetensorsWriter.Entry {
            SafetensorsWriter.Entry(name: name, dtype: .float32, shape: shape, bytes: data.withUnsafeBytes { Data($0) })
        }
        var entries = [entry("l1.weight", [width, 8], pw1), entry("l1.bias", [width], pb1),
                       entry("l2.weight", [5, width], pw2), entry("l2.bias", [5], pb2),
                       entry("l3.weight", [3, 5], pw3), entry("l3.bias", [3], b3),
                       SafetensorsWriter.Entry(name: "step", dtype: .int64, shape: [], bytes: withUnsafeBytes(of: Int64(7)) { Data($0) })]
        if let extra { entries.append(extra) }
        return SafetensorsWriter.encode(entries)
    }

    @Test func permutedNetworkIsAlignedBackBitForBit() throws {
        let folder = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let reference = folder.appendingPathComponent("reference.safetensors")
        let model = folder.appendingPathComponent("model.safetensors")
        try Self.network(seed: 5).write(to: reference)
        try Self.network(seed: 5, hidden: [[4, 2, 0, 5, 1, 3], [3, 0, 4, 2, 1]]).write(to: model)
        let out = folder.appendingPathComponent("out")
        let result = try CommandRunner.run(["align", reference.path, model.path, "--json", "--out", out.path])
        #expect(result.status == 0, "\(result.stderr)")
        let json = try #require(result.json)
        let pairs = try #require(json["pairs"] as? [[String: Any]])
        let distance = try #require(pairs.first?["distance"] as? [String: Double])
        #expect(try #require(distance["raw"]) > 1)
        #expect(distance["aligned"] == 0)
        let permutations = try #require(pairs.first?["permutations"] as? [String: [Int]])
        #expect(permutations == ["l1": [4, 2, 0, 5, 1, 3].inverted, "l2": [3, 0, 4, 2, 1].inverted])
        let written = try Data(contentsOf: out.appendingPathComponent("model.aligned.safetensors"))
        #expect(written == (try Data(contentsOf: reference)), "the aligned checkpoint equals the reference bit for bit")
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("align.json").path))

        // The same groups given by hand give the same answer.
        let spec = folder.appendingPathComponent("spec.json")
        try Data(#"{"groups": [{"name": "l1", "members": [{"tensor": "l1.weight", "axis": 0}, {"tensor": "l1.bias", "axis": 0}, {"tensor": "l2.weight", "axis": 1}]}, {"name": "l2", "members": [{"tensor": "l2.weight", "axis": 0}, {"tensor": "l2.bias", "axis": 0}, {"tensor": "l3.weight", "axis": 1}]}]}"#.utf8).write(to: spec)
        let bySpec = try CommandRunner.run(["align", reference.path, model.path, "--spec", spec.path, "--json", "--out", out.path])
        #expect(bySpec.status == 0, "\(bySpec.stderr)")
        let specPairs = try #require(bySpec.json?["pairs"] as? [[String: Any]])
        #expect(specPairs.first?["permutations"] as? [String: [Int]] == permutations)
    }

    /// Independent runs of the shipped digit classifier (different seeds, hence different
    /// initialisations) come closer once their hidden units are matched, by about a third.
    @Test func shippedRunsComeCloserOnceAligned() throws {
        let out = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: out) }
        let runs = ["subset0-seed0", "subset0-seed1", "subset1-seed1", "subset1-seed2"].map { "datasets/trajectories/runs/\($0)/epoch_20.safetensors" }
        let result = try CommandRunner.run(["align"] + runs + ["--json", "--out", out.path], in: CommandRunner.packageRoot)
        #expect(result.status == 0, "\(result.stderr)")
        let pairs = try #require(result.json?["pairs"] as? [[String: Any]])
        #expect(pairs.count == 3)
        for pair in pairs {
            let distance = try #require(pair["distance"] as? [String: Double])
            let raw = try #require(distance["raw"]), aligned = try #require(distance["aligned"])
            #expect(aligned < 0.8 * raw, "\(pair["model"] ?? ""): \(raw) → \(aligned)")
        }
    }

    @Test func badInputsAreRefusedInOneLineWithNothingWritten() throws {
        let folder = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let reference = folder.appendingPathComponent("reference.safetensors")
        try Self.network(seed: 1).write(to: reference)
        let narrow = folder.appendingPathComponent("narrow.safetensors")
        try Self.network(seed: 2, hidden: [Array(0..<4), Array(0..<5)], width: 4).write(to: narrow)
        let odd = folder.appendingPathComponent("odd.safetensors")
        let cube = SafetensorsWriter.Entry(name: "l0.weight", dtype: .float32, shape: [2, 2, 2], bytes: Data(count: 32))
        try Self.network(seed: 3, extra: cube).write(to: odd)
        let spec = folder.appendingPathComponent("spec.json")
        try Data(#"{"groups": [{"name": "h", "members": [{"tensor": "l9.weight", "axis": 0}]}]}"#.utf8).write(to: spec)
        let out = folder.appendingPathComponent("out")
        let cases: [([String], Int32, String)] = [
            ([reference.path, narrow.path], 65, "tensor l1.bias has shape 4, the reference"),
            ([odd.path, odd.path], 65, "the layer chain breaks at tensor l0.weight"),
            ([reference.path, reference.path, "--spec", spec.path], 65, "names tensor l9.weight, which the model does not have"),
            ([reference.path], 64, "at least two checkpoints"),
        ]
        for (arguments, status, message) in cases {
            let result = try CommandRunner.run(["align"] + arguments + ["--out", out.path])
            #expect(result.status == status, "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains(message), "\(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
            #expect(!FileManager.default.fileExists(atPath: out.path), "nothing written")
        }
    }
}

extension Array where Element == Int {
    /// The inverse permutation.
    var inverted: [Int] {
        var inverse = self
        for (index, value) in enumerated() { inverse[value] = index }
        return inverse
    }
}
