import Foundation
import Testing
@testable import MindSpaceCore
@testable import MindSpaceIO
import MindSpaceTestSupport

/// Replays every input a fuzz harness (`Fuzz/`, `make fuzz`, docs/reliability.md) found a problem
/// with, kept in `Fixtures/fuzz-regressions/<harness>/`, through the same entry point as the
/// harness: the reader, then the first and last elements of each tensor. The contract is the
/// harnesses' (`Fuzz/Sources/FuzzSupport/ReaderContract.swift`): a reader returns or throws a
/// `MindSpaceError`; a trap ends the test process, anything else thrown is an issue here.
///
/// The replay of each harness mirrors its source file in `Fuzz/Sources/<harness>/` (the mode
/// byte of the text harnesses included); keep the two in step. `FuzzPNGText` is a Render
/// harness, replayed by no test here.
@Suite struct FuzzRegressionTests {
    /// Harness name → its replay.
    static let replays: [String: ([UInt8]) throws -> Void] = [
        "FuzzNpy": { bytes in
            try readElements([NpyReader.parse(MemoryByteSource(path: "fuzz.npy", bytes: bytes), name: "fuzz")])
        },
        "FuzzNpz": { bytes in
            try readElements(NpzReader.read(path: scratchFile(bytes, named: "fuzz.npz")))
        },
        "FuzzSafetensors": { bytes in
            try readElements(SafetensorsReader.read(source: MemoryByteSource(path: "fuzz.safetensors", bytes: bytes)).tensors)
        },
        "FuzzShardIndex": { bytes in
            let checkpoint = try ShardedCheckpointReader.open(indexPath: shardIndex(bytes))
            try readElements(checkpoint.tensors + checkpoint.unlisted)
        },
        "FuzzDelimitedText": { bytes in
            // As the harness: parsed whole and, for a first byte of 128 or more, in 2–4 chunks too:
            // the same tensor or the same error.
            let choice = Int(bytes.first ?? 0)
            let modes: [(path: String, separator: Character?)] = [("fuzz.tsv", nil), ("fuzz.csv", nil),
                                                                  ("fuzz.txt", "\t"), ("fuzz.txt", ",")]
            let mode = modes[choice % 4], chunks = 2 + (choice / 4) % 3, text = Array(bytes.dropFirst())
            let parse = { (count: Int) in
                Result { try DelimitedTextReader.parse(bytes: text, path: mode.path, separator: mode.separator, chunkCount: count) }
            }
            if choice >= 128 {
                switch (parse(1), parse(chunks)) {
                case (.success(let whole), .success(let split)):
                    let same = try whole.shape == split.shape && elementBits(whole) == elementBits(split)
                    #expect(same, "values differ in \(chunks) chunks")
                case (.failure(let whole), .failure(let split)):
                    let (wholeError, splitError) = ("\(whole)", "\(split)")
                    #expect(wholeError == splitError, "errors differ in \(chunks) chunks")
                case (let whole, let split):
                    Issue.record("whole: \(whole); in \(chunks) chunks: \(split)")
                }
            }
            try readElements([parse(1).get()])
        },
        "FuzzGroupLabels": { bytes in
            let choice = Int(bytes.first ?? 0) % 6
            let path = choice % 2 == 0 ? "fuzz.tsv" : "fuzz.csv"
            let labels = try GroupLabelsReader.parse(bytes: Array(bytes.dropFirst()), path: path,
                                                     column: [nil, "label", "absent"][choice / 2])
            try GroupLabelsReader.checkCount(labels, points: labels.count, path: path)
        },
        "FuzzFactorTable": { bytes in
            _ = try FactorTable.parse(bytes: Array(bytes.dropFirst()),
                                      path: Int(bytes.first ?? 0) % 2 == 0 ? "fuzz.tsv" : "fuzz.csv")
        },
        "FuzzPyTorch": { bytes in
            try readElements(PyTorchReader.read(source: MemoryByteSource(path: "fuzz.pt", bytes: bytes)).tensors)
        },
        "FuzzGGUF": { bytes in
            try readElements(GGUFReader.read(source: MemoryByteSource(path: "fuzz.gguf", bytes: bytes)).tensors)
        },
    ]

    @Test func everyKeptInputReadsWithoutCrashing() throws {
        let folder = try #require(TestFixtures.root).appendingPathComponent("fuzz-regressions")
        let harnesses = try FileManager.default.contentsOfDirectory(atPath: folder.path)
            .filter { !$0.hasSuffix(".tsv") && $0 != "FuzzPNGText" }.sorted()
        for harness in harnesses {
            let replay = try #require(Self.replays[harness], "no replay for the harness folder '\(harness)'")
            let inputs = try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent(harness).path)
            for input in inputs.sorted() {
                let bytes = try [UInt8](Data(contentsOf: folder.appendingPathComponent(harness).appendingPathComponent(input)))
                expectContractKept("\(harness)/\(input)") { try replay(bytes) }
            }
        }
    }

    /// The replays themselves work: each refuses bytes that are no file of its format with a
    /// `MindSpaceError` (so a kept input that stops failing is not hidden by a broken replay).
    @Test(arguments: replays.keys.sorted())
    func replayRefusesGarbageWithAMindSpaceError(harness: String) throws {
        let replay = try #require(Self.replays[harness])
        // NUL bytes and a lone quote: no header, no number, no valid pickle or JSON.
        let garbage: [UInt8] = [0x00, 0x22, 0x00, 0xFF, 0x0A, 0x22, 0x09, 0x0A]
        #expect(throws: MindSpaceError.self) { try replay(garbage) }
    }

    private func expectContractKept(_ label: String, _ body: () throws -> Void) {
        do {
            try body()
        } catch is MindSpaceError {
        } catch {
            Issue.record("\(label): threw \(type(of: error)) (\(error)), not a MindSpaceError")
        }
    }

    /// The first and last 16384 elements of each tensor, as `Fuzz/Sources/FuzzSupport/TensorExercise.swift`
    /// reads them; a `MindSpaceError` of one tensor ends its reading, as there.
    static func readElements(_ tensors: [StoredTensor]) throws {
        let window = 1 << 14
        for tensor in tensors where tensor.elementCount > 0 {
            let count = tensor.elementCount
            var buffer = [Double](repeating: 0, count: min(count, window))
            do {
                try buffer.withUnsafeMutableBufferPointer { try tensor.readElements(0..<$0.count, into: $0) }
                try buffer.withUnsafeMutableBufferPointer { try tensor.readElements((count - $0.count)..<count, into: $0) }
            } catch is MindSpaceError {
                continue
            }
        }
    }

    /// Every element's bits (NaN payloads and signed zeros count).
    static func elementBits(_ tensor: StoredTensor) throws -> [UInt64] {
        var values = [Double](repeating: 0, count: tensor.elementCount)
        try values.withUnsafeMutableBufferPointer { try tensor.readElements(0..<$0.count, into: $0) }
        return values.map(\.bitPattern)
    }

    static func scratchFile(_ bytes: [UInt8], named name: String) throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fuzz-regressions-\(getpid())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let path = folder.appendingPathComponent(name).path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// The index written beside the two shards `FuzzShardIndex` writes (the same tensors).
    static func shardIndex(_ bytes: [UInt8]) throws -> String {
        let first = SafetensorsWriter.encode([
            .init(name: "embed.weight", dtype: .float32, shape: [4, 3], bytes: Data(count: 48)),
            .init(name: "layers.0.weight", dtype: .float16, shape: [3, 3], bytes: Data(count: 18)),
            .init(name: "layers.0.bias", dtype: .bfloat16, shape: [3], bytes: Data(count: 6)),
        ])
        let second = SafetensorsWriter.encode([
            .init(name: "head.weight", dtype: .float64, shape: [2, 3], bytes: Data(count: 48)),
            .init(name: "layers.1.weight", dtype: .float32, shape: [3, 3], bytes: Data(count: 36)),
            .init(name: "layers.1.bias", dtype: .float32, shape: [3], bytes: Data(count: 12)),
        ])
        _ = try scratchFile(Array(first), named: "model-00001-of-00002.safetensors")
        _ = try scratchFile(Array(second), named: "model-00002-of-00002.safetensors")
        return try scratchFile(bytes, named: "model.safetensors.index.json")
    }
}
