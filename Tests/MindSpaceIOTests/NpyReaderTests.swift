import Foundation
import Testing
@testable import MindSpaceCore
@testable import MindSpaceIO
import MindSpaceTestSupport

/// `.npy` reading against files written by NumPy (see `Fixtures/npy/make_fixtures.py`). Every
/// comparison is exact: each dtype converts to `Double` without rounding except 64-bit integers
/// beyond 2⁵³, which NumPy's own `astype(float64)` rounds the same way (to nearest).
@Suite struct NpyReaderTests {
    @Test func everyValidFixtureReadsExactly() throws {
        let expected = try NpyFixtures.expected()
        // Every dtype in both byte orders, layouts, versions, ranks, and hand-written literals.
        #expect(expected.npy.count >= 34)
        let dtypesSeen = Set(expected.npy.values.map(\.dtype))
        #expect(dtypesSeen == Set(DType.allCases.map(\.rawValue)).subtracting(["bfloat16"]))
        for (file, array) in expected.npy.sorted(by: { $0.key < $1.key }) {
            let tensor = try NpyReader.read(path: NpyFixtures.path(file))
            try NpyFixtures.check(tensor, against: array, label: file)
        }
    }

    /// The one array is `array` whatever the file is called (as `trajectory` names it).
    @Test func tensorIsNamedArrayAndSlicesItsData() throws {
        let path = try NpyFixtures.path("f8_le.npy")
        let tensor = try NpyReader.read(path: path)
        #expect(tensor.name == "array")
        #expect(tensor.path == path)
        #expect(tensor.shape == [3, 4])
        // The data is a window of the file (128-byte header, then 96 bytes), not a copy.
        let slice = try #require(tensor.source as? SlicedByteSource)
        #expect(slice.start == 128 && slice.byteCount == 96)
        #expect(slice.base is FileByteSource)
    }

    @Test func versionsAndSpecialShapes() throws {
        let v2 = try NpyReader.read(path: NpyFixtures.path("v2_f4.npy"))
        let v3 = try NpyReader.read(path: NpyFixtures.path("v3_f8.npy"))
        #expect(v2.dtype == .float32 && v3.dtype == .float64)
        // Analytic truth, independent of expected.json: np.arange(12).reshape(3, 4) * 0.5 - 1.
        let truth = (0..<12).map { Double($0) * 0.5 - 1 }
        #expect(try v2.matrix(as: Double.self).storage == truth)
        #expect(try v3.matrix(as: Double.self).storage == truth)
        #expect(try NpyReader.read(path: NpyFixtures.path("fortran_f8.npy")).matrix(as: Double.self).storage == truth)

        let scalar = try NpyReader.read(path: NpyFixtures.path("scalar_f8.npy"))
        #expect(scalar.shape == [] && scalar.elementCount == 1)
        let empty = try NpyReader.read(path: NpyFixtures.path("empty_f8.npy"))
        #expect(empty.shape == [0, 3] && empty.source.byteCount == 0)
        #expect(try empty.matrix(as: Double.self) == Matrix(rows: 0, columns: 3))
        NpyFixtures.expectError(.malformedData, file: try NpyFixtures.path("rank3_f4.npy"), mentions: ["3-D"]) {
            _ = try NpyReader.read(path: NpyFixtures.path("rank3_f4.npy")).matrix(as: Float.self)
        }
    }

    @Test(arguments: [
        ("object.npy", "object arrays"),
        ("unicode.npy", "string arrays"),
        ("bytes.npy", "string arrays"),
        ("complex.npy", "complex arrays"),
        ("structured.npy", "structured dtype"),
        ("datetime.npy", "datetime"),
        ("longdouble.npy", "'<f16'"),
    ])
    func unsupportedDtypesAreRefusedByName(file: String, mention: String) throws {
        let path = try NpyFixtures.path(file)
        NpyFixtures.expectError(.malformedData, file: path, mentions: [mention]) {
            _ = try NpyReader.read(path: path)
        }
    }

    @Test(arguments: [
        ("bad_magic.npy", "bad magic"),
        ("too_short.npy", "too short"),
        ("truncated_header.npy", "truncated header"),
        ("truncated_data.npy", "truncated data: shape (3, 4) of '<f8' needs 96 bytes, found 88"),
        ("trailing_data.npy", "8 unexpected bytes after the array data"),
        ("version9.npy", "unsupported .npy format version 9.0"),
        ("header_length_past_end.npy", "truncated header: it claims 60000 bytes"),
        ("bad_literal.npy", "expected ',' or ')'"),
        ("unclosed_string.npy", "bad .npy header"),
        ("eval_attempt.npy", "unexpected name '__import__'"),
        ("negative_shape.npy", "negative dimension -3"),
        ("overflow_shape.npy", "too large: its byte size overflows"),
        ("huge_integer_shape.npy", "integer too large"),
        ("float_shape.npy", "only integers are allowed"),
        ("missing_key.npy", "missing key 'fortran_order'"),
        ("extra_key.npy", "unexpected key 'extra'"),
        ("duplicate_key.npy", "key 'descr' appears twice"),
        ("not_a_dict.npy", "expected a dictionary"),
        ("fortran_not_bool.npy", "'fortran_order' must be True or False"),
        ("deep_nesting.npy", "nested too deeply"),
        ("bad_utf8_v3.npy", "not valid UTF-8"),
    ])
    func malformedFilesAreRefusedWithTheirPath(file: String, mention: String) throws {
        let path = try NpyFixtures.path(file)
        NpyFixtures.expectError(.malformedData, file: path, mentions: [mention]) {
            _ = try NpyReader.read(path: path)
        }
    }

    @Test func missingFileIsMissingInput() throws {
        let path = try NpyFixtures.path("no_such_file.npy")
        NpyFixtures.expectError(.missingInput, file: path, mentions: ["cannot open"]) {
            _ = try NpyReader.read(path: path)
        }
    }

    @Test func headerLiteralForms() throws {
        func header(_ text: String) throws -> NpyHeader {
            try NpyHeader.parse(Array(text.utf8), encoding: .latin1, file: "h", baseOffset: 10)
        }
        #expect(try header("{'descr':'<f8','fortran_order':False,'shape':()}").shape == [])
        #expect(try header("{'descr':'<f8','fortran_order':False,'shape':(5,)}").shape == [5])
        #expect(try header("{'descr':'>i2','fortran_order':True,'shape':(2,3,4,),}  \n").shape == [2, 3, 4])
        let big = try header("{'descr':'>u8','fortran_order':True,'shape':(1, 2)}")
        #expect(big.dtype == .uint64 && big.byteOrder == .big && big.storageOrder == .columnMajor)
        #expect(try header("{'descr':'|u1','fortran_order':False,'shape':(1,)}").dtype == .uint8)
        #expect(try header("{'descr':'f4','fortran_order':False,'shape':(1,)}").byteOrder == .native)
        #expect(try header("{'descr':'<b1','fortran_order':False,'shape':(1,)}").dtype == .bool)
        // `(5)` is the integer 5 in Python, not a tuple; NumPy would refuse it too.
        NpyFixtures.expectError(.malformedData, file: "h", mentions: ["write (n,)"]) {
            _ = try header("{'descr':'<f8','fortran_order':False,'shape':(5)}")
        }
        // The error position is the byte in the file: header start (10) + index of the bad byte.
        let error = NpyFixtures.expectError(.malformedData, file: "h", mentions: ["unexpected '@'"]) {
            _ = try header("{'descr': @}")
        }
        #expect(error?.offset == 10 + 10)
        NpyFixtures.expectError(.malformedData, file: "h", mentions: ["unexpected text after"]) {
            _ = try header("{'descr':'<f8','fortran_order':False,'shape':()} x")
        }
        NpyFixtures.expectError(.malformedData, file: "h", mentions: ["'<x9'"]) {
            _ = try header("{'descr':'<x9','fortran_order':False,'shape':()}")
        }
    }

    @Test func parsesFromMemory() throws {
        let bytes = [UInt8](NpyWriter.encode(vector: [1, 2, 3]))
        let tensor = try NpyReader.parse(MemoryByteSource(path: "memory", bytes: bytes), name: "v")
        #expect(tensor.name == "v" && tensor.shape == [3] && tensor.path == "memory")
        var values = [Double](repeating: 0, count: 3)
        try values.withUnsafeMutableBufferPointer { try tensor.readElements(0..<3, into: $0) }
        #expect(values == [1, 2, 3])
    }
}
