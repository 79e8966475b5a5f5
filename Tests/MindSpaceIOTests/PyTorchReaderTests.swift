import Foundation
import Testing
@testable import MindSpaceCore
@testable import MindSpaceIO
import MindSpaceTestSupport

/// `PyTorchReader` against files written by real `torch.save` (Fixtures/pytorch): values equal
/// what `torch.load` gives, bit for bit.
@Suite struct PyTorchReaderTests {
    private func doubles(_ tensor: StoredTensor) throws -> [Double] {
        var values = [Double](repeating: 0, count: tensor.elementCount)
        try values.withUnsafeMutableBufferPointer { try tensor.readElements(0..<tensor.elementCount, into: $0) }
        return values
    }

    private func identical(_ a: [Double], _ b: [Double]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { ($0.isNaN && $1.isNaN) || $0.bitPattern == $1.bitPattern }
    }

    @Test(arguments: ["zip/state.pt", "legacy/state.pt", "big_endian.pt", "lightning.ckpt"])
    func valuesEqualTorch(_ name: String) throws {
        let answer = try PyTorchFixtures.answer(name)
        let file = try PyTorchReader.read(path: try PyTorchFixtures.path(name))
        #expect(file.tensors.map(\.name) == answer.order)
        for tensor in file.tensors {
            let truth = try #require(answer.tensors[tensor.name])
            #expect(tensor.dtype.rawValue == truth.dtype, "\(tensor.name)")
            #expect(tensor.shape == truth.shape, "\(tensor.name)")
            #expect(identical(try doubles(tensor), truth.values), "\(name): \(tensor.name)")
        }
    }

    @Test func layoutsAndByteOrderAreReported() throws {
        #expect(try PyTorchReader.read(path: PyTorchFixtures.path("zip/state.pt")).layout == .zip)
        let legacy = try PyTorchReader.read(path: PyTorchFixtures.path("legacy/state.pt"))
        #expect(legacy.layout == .legacy && legacy.byteOrder == .little)
        let big = try PyTorchReader.read(path: PyTorchFixtures.path("big_endian.pt"))
        #expect(big.byteOrder == .big)
        #expect(big.tensors.first { $0.name == "w64" }?.byteOrder == .big)
    }

    /// Tied weights share one storage; views read as the values they show, through every read
    /// path (chunks that start mid-row, unaligned byte reads).
    @Test func viewsAndTiedWeights() throws {
        let file = try PyTorchReader.read(path: PyTorchFixtures.path("zip/state.pt"))
        let byName = Dictionary(uniqueKeysWithValues: file.tensors.map { ($0.name, $0) })
        let embed = try #require(byName["model.embed.weight"]), head = try #require(byName["model.head.weight"])
        #expect(try doubles(embed) == doubles(head))
        let transposed = try #require(byName["model.transposed"])
        #expect(transposed.source is StridedByteSource)
        let all = try doubles(transposed)
        var chunked: [Double] = []
        try transposed.forEachChunk(as: Double.self, chunkElements: 7) { values, _ in chunked += Array(values) }
        #expect(chunked == all)
        // Bytes 6..<14 of the row-major float32 view: the tail of element 1 and element 2 and
        // the head of element 3.
        let bytes = try transposed.source.bytes(at: 6, count: 8)
        let whole = try transposed.source.bytes(at: 0, count: transposed.source.byteCount)
        #expect(bytes == Array(whole[6..<14]))
        #expect(byName["model.sliced"].map { $0.source is StridedByteSource } == false)
    }

    /// FP8 tensors read as float32 keep their stored encoding as a label (`inspect` shows it);
    /// every other tensor has none.
    @Test func float8TensorsAreLabelledWithTheirEncoding() throws {
        let file = try PyTorchReader.read(path: PyTorchFixtures.path("zip/state.pt"))
        let labels = Dictionary(uniqueKeysWithValues: file.tensors.map { ($0.name, $0.quantization) })
        #expect(labels["model.fp8_e4m3"] == .some("float8_e4m3fn"))
        #expect(labels["model.fp8_e5m2"] == .some("float8_e5m2"))
        #expect(file.tensors.filter { !$0.name.contains("fp8") }.allSatisfy { $0.quantization == nil })
    }

    @Test func float8WidensExactly() {
        #expect(Float8WideningByteSource.widen(0x7E, .e4m3fn) == 448)
        #expect(Float8WideningByteSource.widen(0x7F, .e4m3fn).isNaN)
        #expect(Float8WideningByteSource.widen(0x01, .e4m3fn) == 0x1p-9)
        #expect(Float8WideningByteSource.widen(0x80, .e4m3fn).sign == .minus)
        #expect(Float8WideningByteSource.widen(0x7B, .e5m2) == 57344)
        #expect(Float8WideningByteSource.widen(0x7C, .e5m2) == .infinity)
        #expect(Float8WideningByteSource.widen(0x01, .e5m2) == 0x1p-16)
    }

    @Test func shardedBinReadsLikeTheSafetensorsIndex() throws {
        let path = try PyTorchFixtures.path("sharded/pytorch_model.bin.index.json")
        let sharded = try ShardedCheckpointReader.open(indexPath: path)
        #expect(sharded.tensors.map(\.name) == ["0.weight", "0.bias", "2.weight", "2.bias"])
        #expect(sharded.shardPaths.count == 2)
        let file = try DataFile.open(path)
        #expect(file.format == .shardedPytorch)
        let ckpt = try PyTorchFixtures.answer("lightning.ckpt")
        for tensor in sharded.tensors {
            let truth = try #require(ckpt.tensors["state_dict." + tensor.name])
            #expect(identical(try doubles(tensor), truth.values), "\(tensor.name)")
        }
    }

    @Test func lightningStateDictIsTheModel() throws {
        let file = try PyTorchReader.read(path: PyTorchFixtures.path("lightning.ckpt"))
        #expect(file.tensors.contains { $0.name.hasPrefix("optimizer_states.0.state.0.") })
        #expect(file.otherValueCount > 0)
        let model = PyTorchReader.modelTensors(file.tensors)
        #expect(model.map(\.name) == ["0.weight", "0.bias", "2.weight", "2.bias"])
    }

    @Test func formatIsDetectedByExtensionAndContent() throws {
        let source = try FileByteSource(path: PyTorchFixtures.path("zip/state.pt"))
        #expect(try DataFile.detectFormat(path: "weights.unknown", source: source) == .pytorch)
        let legacy = try FileByteSource(path: PyTorchFixtures.path("legacy/state.pt"))
        #expect(try DataFile.detectFormat(path: "weights.unknown", source: legacy) == .pytorch)
        #expect(try DataFile.detectFormat(path: "model.ckpt", source: source) == .pytorch)
        #expect(try DataFile.detectFormat(path: "pytorch_model.bin.index.json", source: source) == .shardedPytorch)
    }

    @Test func namesFromTheFileAreEscaped() throws {
        let file = try PyTorchReader.read(path: PyTorchFixtures.path("escaped_names.pt"))
        #expect(file.tensors.map(\.name) == ["ok", "evil\\x1B[31m\\x0Aname"])
    }

    @Test(arguments: [
        ("malformed/truncated.pt", "truncated"),
        ("malformed/missing_storage.pt", "tensor 'b' refers to storage '7', which the archive lacks"),
        ("malformed/short_storage.pt", "storage '0' is declared as 6 float32 elements (24 bytes), but only 12 bytes are stored"),
        ("malformed/view_past_storage.pt", "tensor 'a' needs 32 bytes of storage '0' (offset 2, shape (2, 3), strides (3, 1)"),
        ("malformed/unknown_opcode.pt", "unknown pickle opcode 0xFF"),
    ])
    func malformedFilesAreRefusedNamingTheProblem(_ name: String, _ reason: String) throws {
        let path = try PyTorchFixtures.path(name)
        let error = try #require(throws: MindSpaceError.self) { try PyTorchReader.read(path: path) }
        #expect(error.kind == .malformedData)
        #expect(error.description.hasPrefix(path + ": "))
        #expect(error.description.contains(reason), "\(error.description)")
    }
}
