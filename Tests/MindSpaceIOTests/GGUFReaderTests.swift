import Foundation
import Testing
@testable import MindSpaceCore
@testable import MindSpaceIO
import MindSpaceTestSupport

/// Paths and expected values of the fixtures in `Fixtures/gguf/`, written by gguf-py's
/// GGUFWriter, with gguf-py's `gguf.quants.dequantize` output as the expected values (see
/// `make_fixtures.py` and `VERSIONS.txt` there).
enum GGUFFixtures {
    static func path(_ relative: String) throws -> String {
        let folder = try #require(TestFixtures.root)
        return folder.appendingPathComponent("gguf").appendingPathComponent(relative).path
    }

    /// The expected arrays of an `.npz` beside a fixture, by name.
    static func expected(_ npz: String) throws -> [String: StoredTensor] {
        Dictionary(uniqueKeysWithValues: try NpzReader.read(path: path(npz)).map { ($0.name, $0) })
    }

    /// `types.json`: name, ggml type and NumPy shape of every tensor, as gguf-py's reader sees them.
    static func described() throws -> [(name: String, type: String, shape: [Int])] {
        let data = try Data(contentsOf: URL(fileURLWithPath: try path("types.json")))
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        return try #require(object["tensors"] as? [[String: Any]]).map {
            (try #require($0["name"] as? String), try #require($0["type"] as? String), try #require($0["shape"] as? [Int]))
        }
    }

    /// Every element as `Double`, in storage order (exact for float32 and the integer types).
    static func doubles(_ tensor: StoredTensor) throws -> [Double] {
        var values = [Double](repeating: 0, count: tensor.elementCount)
        try values.withUnsafeMutableBufferPointer { try tensor.readElements(0..<tensor.elementCount, into: $0) }
        return values
    }

    /// Bit-for-bit equality, any NaN equal to any NaN.
    static func identical(_ a: [Double], _ b: [Double]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { x, y in (x.isNaN && y.isNaN) || x.bitPattern == y.bitPattern }
    }
}

@Suite struct GGUFReaderTests {
    @Test func listsEveryTensorAsGGUFPySeesIt() throws {
        let file = try GGUFReader.read(path: GGUFFixtures.path("types.gguf"))
        let described = try GGUFFixtures.described()
        #expect(file.version == 3 && file.alignment == 32)
        #expect(file.tensors.map(\.name) == described.map(\.name))
        for (tensor, truth) in zip(file.tensors, described) {
            #expect(tensor.shape == truth.shape, "\(truth.name)")
            let info = try #require(file.tensorInfos.first { $0.name == tensor.name })
            #expect(info.type.name == truth.type, "\(truth.name)")
            #expect(info.dimensions == truth.shape.reversed())
            #expect(info.offset % file.alignment == 0)
        }
        #expect(file.dataOffset % 32 == 0)
    }

    /// Every type MindSpace reads equals gguf-py's dequantization bit for bit: plain types,
    /// the legacy quants (random blocks and `gguf.quants.quantize` output) and the K-quants.
    @Test func everyReadableTypeEqualsGGUFPyExactly() throws {
        let file = try GGUFReader.read(path: GGUFFixtures.path("types.gguf"))
        let expected = try GGUFFixtures.expected("types.npz")
        var checked: Set<String> = []
        for tensor in file.tensors {
            let truth = try #require(expected[tensor.name], "\(tensor.name)")
            #expect(tensor.shape == truth.shape, "\(tensor.name)")
            #expect(GGUFFixtures.identical(try GGUFFixtures.doubles(tensor), try GGUFFixtures.doubles(truth)), "\(tensor.name)")
            let info = try #require(file.tensorInfos.first { $0.name == tensor.name })
            checked.insert(info.type.name)
            if case .quantized = info.type.reading {
                #expect(tensor.dtype == .float32 && tensor.quantization == info.type.name)
                // As Float too (the path trajectories take), bit for bit.
                let floats = try tensor.matrix(as: Float.self).storage
                let truthFloats = try truth.matrix(as: Float.self).storage
                #expect(floats.map(\.bitPattern) == truthFloats.map(\.bitPattern), "\(tensor.name) as Float")
            } else {
                #expect(tensor.quantization == nil)
            }
        }
        #expect(checked == Set(GGUFTensorType.readableNames))
    }

    /// Reads that start and end inside blocks, in small pieces, give the same values as one read.
    @Test func partialReadsDequantizeOnlyWhatTheyCover() throws {
        let file = try GGUFReader.read(path: GGUFFixtures.path("types.gguf"))
        for name in ["q4_k", "q5_1", "q6_k"] {
            let tensor = try #require(file.tensors.first { $0.name == name })
            let whole = try tensor.source.bytes(at: 0, count: tensor.source.byteCount)
            var pieces: [UInt8] = []
            var offset = 0
            for step in [3, 1, 130, 7, 1021, 5000] where offset < whole.count {
                let count = min(step, whole.count - offset)
                pieces += try tensor.source.bytes(at: offset, count: count)
                offset += count
            }
            pieces += try tensor.source.bytes(at: offset, count: whole.count - offset)
            #expect(pieces == whole, "\(name)")
            #expect(throws: MindSpaceError.self) { try tensor.source.bytes(at: whole.count - 2, count: 4) }
        }
    }

    @Test func unsupportedTypesAreListedAndRefusedByName() throws {
        let path = try GGUFFixtures.path("unsupported.gguf")
        let file = try GGUFReader.read(path: path)
        #expect(file.tensors.map(\.name) == ["plain", "iq4_nl", "tq2_0"])
        #expect(file.tensors.map(\.quantization) == [nil, "IQ4_NL", "TQ2_0"])
        #expect(file.tensors.map(\.shape) == [[2, 3], [1, 64], [1, 256]])
        #expect(try GGUFFixtures.doubles(file.tensors[0]) == [0, 1, 2, 3, 4, 5])
        for tensor in file.tensors.dropFirst() {
            let type = try #require(tensor.quantization)
            do {
                _ = try GGUFFixtures.doubles(tensor)
                Issue.record("reading \(type) should fail")
            } catch let error as MindSpaceError {
                #expect(error.kind == .malformedData && error.file == path)
                #expect(error.reason.hasPrefix("tensor '\(tensor.name)' is stored as \(type), which MindSpace does not dequantize"), "\(error)")
            }
        }
    }

    @Test func readsMetadataOfEveryValueType() throws {
        let file = try GGUFReader.read(path: GGUFFixtures.path("types.gguf"))
        let values = Dictionary(uniqueKeysWithValues: file.metadata.map { ($0.key, $0.value) })
        #expect(values["general.architecture"] == .string("mindspace-test"))
        #expect(values["test.uint8"] == .uint8(200))
        #expect(values["test.int8"] == .int8(-100))
        #expect(values["test.uint16"] == .uint16(60000))
        #expect(values["test.int16"] == .int16(-30000))
        #expect(values["test.uint32"] == .uint32(4_000_000_000))
        #expect(values["test.int32"] == .int32(-2_000_000_000))
        #expect(values["test.float32"] == .float32(0.15625))
        #expect(values["test.bool"] == .bool(true))
        #expect(values["test.string"] == .string("héllo wörld"))
        #expect(values["test.empty_string"] == .string(""))
        #expect(values["test.control"] == .string("bell\u{07} newline\n tab\t end"))
        #expect(values["test.uint64"] == .uint64(18_000_000_000_000_000_000))
        #expect(values["test.int64"] == .int64(-9_000_000_000_000_000_000))
        #expect(values["test.float64"] == .float64(-2.5e-300))
        #expect(values["test.array_float32"] == .array(.float32, [.float32(1.5), .float32(-2.25), .float32(3)]))
        #expect(values["test.array_uint8"] == .array(.uint8, [.uint8(1), .uint8(2), .uint8(255)]))
        #expect(values["test.array_int64"] == .array(.int64, [.int64(-1), .int64(1 << 40)]))
        #expect(values["test.array_bool"] == .array(.bool, [.bool(true), .bool(false)]))
        #expect(values["test.array_string"] == .array(.string, [.string("a"), .string("bc"), .string("")]))
        #expect(values["test.array_nested"] == .array(.array, [
            .array(.int32, [.int32(1), .int32(2)]), .array(.int32, [.int32(3)]),
            .array(.int32, [.int32(4), .int32(5), .int32(6)]),
        ]))
        #expect(Set(file.metadata.map(\.value.type)) == Set(GGUFValueType.allCases))
    }

    @Test func readsVersion2WithCustomAlignment() throws {
        let file = try GGUFReader.read(path: GGUFFixtures.path("v2.gguf"))
        #expect(file.version == 2 && file.alignment == 64 && file.dataOffset % 64 == 0)
        let expected = try GGUFFixtures.expected("v2.npz")
        #expect(file.tensors.map(\.name) == ["a", "q"])
        for tensor in file.tensors {
            let truth = try #require(expected[tensor.name])
            #expect(tensor.shape == truth.shape)
            #expect(GGUFFixtures.identical(try GGUFFixtures.doubles(tensor), try GGUFFixtures.doubles(truth)), "\(tensor.name)")
        }
    }

    @Test func dataFileDetectsGGUFByExtensionAndMagic() throws {
        let path = try GGUFFixtures.path("v2.gguf")
        let file = try DataFile.open(path)
        #expect(file.format == .gguf && file.ggufMetadata?.first?.key == "general.architecture")
        let renamed = FileManager.default.temporaryDirectory.appendingPathComponent("gguf-magic-\(UUID().uuidString).bin")
        try FileManager.default.copyItem(atPath: path, toPath: renamed.path)
        defer { try? FileManager.default.removeItem(at: renamed) }
        #expect(try DataFile.open(renamed.path).format == .gguf)
    }

    /// Every malformed file is refused with one `.malformedData` error naming the file and a
    /// reason that says what is wrong.
    @Test(arguments: [
        ("empty.gguf", "not a GGUF file"),
        ("bad_magic.gguf", "not a GGUF file"),
        ("version1.gguf", "version 1 is not supported"),
        ("version4.gguf", "version 4 is not supported"),
        ("truncated_header.gguf", "truncated"),
        ("truncated_kv.gguf", "truncated"),
        ("truncated_tensor_info.gguf", "truncated"),
        ("truncated_data.gguf", "runs past the end of the file"),
        ("huge_tensor_count.gguf", "tensor count 4611686018427387904 cannot fit"),
        ("huge_kv_count.gguf", "metadata key-value count 4611686018427387904 cannot fit"),
        ("huge_string_length.gguf", "runs past the end of the file"),
        ("unknown_value_type.gguf", "unknown metadata value type 99"),
        ("unknown_tensor_type.gguf", "tensor 'w': unknown ggml tensor type 99"),
        ("huge_dimension.gguf", "tensor 'w'"),
        ("misaligned_offset.gguf", "tensor 'w': data offset 4 is not a multiple of the alignment 32"),
        ("data_past_end.gguf", "tensor 'w': its data"),
    ])
    func malformedFilesAreRefused(file: String, reason: String) throws {
        let path = try GGUFFixtures.path("malformed/" + file)
        do {
            _ = try GGUFReader.read(path: path)
            Issue.record("\(file) should be refused")
        } catch let error as MindSpaceError {
            #expect(error.kind == .malformedData && error.file == path, "\(error)")
            #expect(error.reason.contains(reason), "\(file): \(error)")
        }
    }

    @Test func arraysCannotClaimMoreElementsThanTheFileHolds() throws {
        // Header, one key "k" of type ARRAY of uint64 claiming 2^40 elements, no data.
        var bytes = Array("GGUF".utf8)
        func append<I: FixedWidthInteger>(_ value: I) { withUnsafeBytes(of: value.littleEndian) { bytes += $0 } }
        append(UInt32(3)); append(UInt64(0)); append(UInt64(1))
        append(UInt64(1)); bytes += Array("k".utf8)
        append(UInt32(9)); append(UInt32(10)); append(UInt64(1) << 40)
        let source = MemoryByteSource(path: "crafted.gguf", bytes: bytes)
        #expect(throws: MindSpaceError.malformed("crafted.gguf", offset: 41,
            "metadata key 'k': an array of 1099511627776 uint64 values cannot fit in the 0 bytes left in the file")) {
            try GGUFReader.read(source: source)
        }
    }

    @Test func namesFromTheFileAreEscapedInMessages() throws {
        var bytes = Array("GGUF".utf8)
        func append<I: FixedWidthInteger>(_ value: I) { withUnsafeBytes(of: value.littleEndian) { bytes += $0 } }
        append(UInt32(3)); append(UInt64(1)); append(UInt64(0))
        let name = Array("a\u{1B}[2Jb".utf8)
        append(UInt64(name.count)); bytes += name
        append(UInt32(1)); append(UInt64(32)); append(UInt32(99)); append(UInt64(0))
        do {
            _ = try GGUFReader.read(source: MemoryByteSource(path: "x.gguf", bytes: bytes))
            Issue.record("unknown type should be refused")
        } catch let error as MindSpaceError {
            #expect(error.reason.hasPrefix("tensor 'a\\x1B[2Jb': unknown ggml tensor type 99"), "\(error)")
        }
    }

    /// A quantized tensor must hold whole blocks: a scalar (no dimensions) of Q4_0 cannot.
    @Test func quantizedTensorsMustFillWholeBlocks() throws {
        var bytes = Array("GGUF".utf8)
        func append<I: FixedWidthInteger>(_ value: I) { withUnsafeBytes(of: value.littleEndian) { bytes += $0 } }
        append(UInt32(3)); append(UInt64(1)); append(UInt64(0))
        append(UInt64(1)); bytes += Array("s".utf8)
        append(UInt32(0)); append(UInt32(2)); append(UInt64(0))
        bytes += [UInt8](repeating: 0, count: 64)
        do {
            _ = try GGUFReader.read(source: MemoryByteSource(path: "s.gguf", bytes: bytes))
            Issue.record("a scalar Q4_0 tensor should be refused")
        } catch let error as MindSpaceError {
            #expect(error.reason == "tensor 's': 1 values do not fill whole Q4_0 blocks of 32", "\(error)")
        }
    }
}
