import Foundation
import Testing
@testable import MindSpaceCore
@testable import MindSpaceIO
import MindSpaceTestSupport

/// Paths and expected values of the fixtures in `Fixtures/safetensors/`, written by the
/// `safetensors` library (see `make_fixtures.py` and `VERSIONS.txt` there).
enum SafetensorsFixtures {
    static func path(_ relative: String) throws -> String {
        let folder = try #require(TestFixtures.root)
        return folder.appendingPathComponent("safetensors").appendingPathComponent(relative).path
    }

    /// `expected.json`, parsed.
    static func expected() throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: try path("expected.json")))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    /// A tensor's expected description: name, safetensors dtype, shape, values (exact doubles).
    struct Tensor {
        let name: String
        let dtype: String
        let shape: [Int]
        let values: [Double]

        init(_ json: Any) throws {
            let object = try #require(json as? [String: Any])
            name = try #require(object["name"] as? String)
            dtype = try #require(object["dtype"] as? String)
            shape = try #require(object["shape"] as? [Int])
            // Python repr strings round-trip exactly through Double(String) (correctly rounded).
            values = try #require(object["values"] as? [String]).map { try #require(Double($0)) }
        }
    }

    /// Every element of `tensor` as `Double`, in storage order.
    static func doubles(_ tensor: StoredTensor) throws -> [Double] {
        var values = [Double](repeating: 0, count: tensor.elementCount)
        try values.withUnsafeMutableBufferPointer { try tensor.readElements(0..<tensor.elementCount, into: $0) }
        return values
    }

    /// Bit-for-bit equality (so -0.0 ≠ 0.0), with any NaN equal to any NaN.
    static func identical(_ a: [Double], _ b: [Double]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { x, y in
            (x.isNaN && y.isNaN) || x.bitPattern == y.bitPattern
        }
    }
}


@Suite struct SafetensorsReaderTests {
    @Test func readsEveryDtypeExactlyInFileOrder() throws {
        let expected = try SafetensorsFixtures.expected()
        let description = try #require(expected["all_dtypes"] as? [String: Any])
        let tensors = try #require(description["tensors"] as? [Any]).map(SafetensorsFixtures.Tensor.init)
        let file = try SafetensorsReader.read(path: SafetensorsFixtures.path("all_dtypes.safetensors"))

        // Order: by data offset, as Python's json reading of the header says.
        #expect(file.tensors.map(\.name) == tensors.map(\.name))
        #expect(file.metadata == (description["metadata"] as? [String: String]))
        #expect(Set(file.tensors.map(\.dtype)) == Set(DType.allCases))
        for (tensor, truth) in zip(file.tensors, tensors) {
            #expect(tensor.dtype.safetensorsName == truth.dtype, "\(truth.name)")
            #expect(tensor.shape == truth.shape, "\(truth.name)")
            #expect(tensor.byteOrder == .little && tensor.storageOrder == .rowMajor)
            #expect(tensor.source.byteCount == tensor.elementCount * tensor.dtype.byteSize)
            // Exact: F16/BF16 widen exactly, integers round as NumPy's cast does.
            #expect(SafetensorsFixtures.identical(try SafetensorsFixtures.doubles(tensor), truth.values), "\(truth.name)")
        }
        // bfloat16 also reads exactly as Float (its values are a subset of binary32).
        let bf16 = try #require(file.tensor(named: "bf16"))
        let asFloat = try bf16.matrix(as: Float.self).storage.map(Double.init)
        #expect(SafetensorsFixtures.identical(asFloat, try #require(tensors.first { $0.name == "bf16" }).values))
    }

    @Test func dataOffsetFollowsTheHeader() throws {
        let path = try SafetensorsFixtures.path("all_dtypes.safetensors")
        let lengthBytes = try FileByteSource(path: path).bytes(at: 0, count: 8)
        let headerLength = lengthBytes.reversed().reduce(0) { $0 << 8 | Int($1) }
        #expect(try SafetensorsReader.read(path: path).dataOffset == 8 + headerLength)
    }

    /// Each malformed fixture, with a fragment its one-line message must contain.
    static let malformedCases: [(file: String, fragment: String)] = [
        ("too_short", "too short"),
        ("header_too_long", "runs past the end of the file"),
        ("header_over_limit", "exceeds the limit"),
        ("invalid_json", "not valid JSON"),
        ("not_object", "must be a JSON object"),
        ("duplicate_name", "duplicate key 'x'"),
        ("bad_metadata", "'__metadata__' value for 'step' must be a string"),
        ("negative_shape", "tensor 'x': shape entries must be non-negative"),
        ("fractional_offset", "tensor 'x': 'data_offsets' must be an array of two integers"),
        ("shape_overflow", "tensor 'x': shape [1099511627776, 1099511627776] of F64 is too large"),
        ("offsets_out_of_bounds", "tensor 'x': truncated"),
        ("offsets_reversed", "tensor 'x': data_offsets [24, 0] must satisfy"),
        ("overlap", "tensors 'a' (data_offsets [0, 16]) and 'b' (data_offsets [12, 24]) overlap"),
        ("size_mismatch", "span 24 bytes, but shape [2, 2] of F32 needs 16"),
        ("missing_dtype", "tensor 'x': missing or non-string 'dtype'"),
        ("unknown_dtype", "tensor 'w': dtype 'F8_E4M3' is not supported"),
        ("truncated", "tensor 'b': truncated"),
    ]

    @Test(arguments: malformedCases)
    func refusesMalformedFile(_ testCase: (file: String, fragment: String)) throws {
        let path = try SafetensorsFixtures.path("malformed/\(testCase.file).safetensors")
        let error = try #require(throws: MindSpaceError.self) { try SafetensorsReader.read(path: path) }
        #expect(error.kind == .malformedData)
        #expect(error.description.hasPrefix(path + ": "), "\(error)")
        #expect(error.description.contains(testCase.fragment), "\(error)")
    }

    @Test func everyMalformedFixtureIsCovered() throws {
        let listed = try #require(try SafetensorsFixtures.expected()["malformed"] as? [String])
        #expect(Set(listed) == Set(Self.malformedCases.map { $0.file + ".safetensors" }))
    }

    @Test func missingFileIsMissingInput() throws {
        let path = try SafetensorsFixtures.path("no_such_file.safetensors")
        let error = try #require(throws: MindSpaceError.self) { try SafetensorsReader.read(path: path) }
        #expect(error.kind == .missingInput)
        #expect(error.description.contains("no_such_file.safetensors"))
    }

    /// Builds safetensors bytes by hand: length, header, data.
    private func bytes(header: String, data: [UInt8]) -> [UInt8] {
        let headerBytes = Array(header.utf8)
        var result = (0..<8).map { UInt8(truncatingIfNeeded: headerBytes.count >> (8 * $0)) }
        result += headerBytes + data
        return result
    }

    @Test func acceptsGapsPaddingAndTrailingBytesUnlikeTheReference() throws {
        // Two float32 tensors with 4 bytes of gap between them, the header padded with spaces
        // (as the library pads it), and 3 trailing bytes: accepted, values intact.
        let one = Float(1.5).bitPattern, two = Float(-2.25).bitPattern
        let little: (UInt32) -> [UInt8] = { v in (0..<4).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) } }
        let data = little(one) + [0, 0, 0, 0] + little(two) + [9, 9, 9]
        let header = #"{"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]},"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}    "#
        let source = MemoryByteSource(path: "gap.safetensors", bytes: bytes(header: header, data: data))
        let file = try SafetensorsReader.read(source: source)
        #expect(file.tensors.map(\.name) == ["a", "b"])
        #expect(try file.tensors.map(SafetensorsFixtures.doubles) == [[1.5], [-2.25]])
        #expect(file.metadata.isEmpty)
    }

    @Test func offsetsAboveTwoToTheFiftyThirdAreExactNotRounded() throws {
        // 2^53 + 1 rounds to 2^53 as a Double: a Double-based parser would see an empty range
        // [2^53, 2^53] of a zero-size tensor and accept; the exact value is out of bounds.
        let header = #"{"x":{"dtype":"U8","shape":[1],"data_offsets":[9007199254740992,9007199254740993]}}"#
        let source = MemoryByteSource(path: "big.safetensors", bytes: bytes(header: header, data: [1]))
        let error = try #require(throws: MindSpaceError.self) { try SafetensorsReader.read(source: source) }
        #expect(error.description.contains("data_offsets [9007199254740992, 9007199254740993] run past"))
    }
}
