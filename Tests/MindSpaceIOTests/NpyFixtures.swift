import Foundation
import Testing
@testable import MindSpaceCore
@testable import MindSpaceIO
import MindSpaceTestSupport

/// Access to `Fixtures/npy/` (made by `make_fixtures.py` with NumPy; versions in `VERSIONS.txt`)
/// and to its `expected.json`, which records each valid array's dtype, shape, byte order,
/// storage order and C-order values as float64 written with `float.hex()` (exact, inf and nan
/// included).
package enum NpyFixtures {
    package struct ExpectedArray: Decodable {
        package var name: String?
        package var dtype: String
        package var shape: [Int]
        package var byte_order: String
        package var fortran_order: Bool
        package var values: [String]

        /// The values as doubles, parsed from their hexadecimal spelling (exact).
        package func doubles() throws -> [Double] {
            try values.map { text in
                try #require(Double(text), "cannot parse expected value \(text)")
            }
        }
    }

    package struct Expected: Decodable {
        package var npy: [String: ExpectedArray]
        package var npz: [String: [ExpectedArray]]
    }

    package static func folder() throws -> URL {
        let root = try #require(TestFixtures.root)
        return root.appendingPathComponent("npy")
    }

    package static func path(_ name: String) throws -> String {
        try folder().appendingPathComponent(name).path
    }

    package static func expected() throws -> Expected {
        let data = try Data(contentsOf: folder().appendingPathComponent("expected.json"))
        return try JSONDecoder().decode(Expected.self, from: data)
    }

    /// Exact equality that tells -0 from +0 and treats any NaN as equal to any NaN.
    package static func identical(_ a: Double, _ b: Double) -> Bool {
        (a.isNaN && b.isNaN) || a.bitPattern == b.bitPattern
    }

    /// Checks `tensor` against `expected` exactly: metadata, then every value as `Double` (and as
    /// `Float` for floating-point dtypes, whose conversion to `Float` is also exact for f2/f4).
    package static func check(_ tensor: StoredTensor, against expected: ExpectedArray, label: String) throws {
        #expect(tensor.dtype.rawValue == expected.dtype, "\(label): dtype")
        #expect(tensor.shape == expected.shape, "\(label): shape")
        if expected.byte_order != "any" {
            #expect(tensor.byteOrder.rawValue == expected.byte_order, "\(label): byte order")
        }
        #expect(tensor.storageOrder == (expected.fortran_order ? .columnMajor : .rowMajor), "\(label): storage order")
        #expect(tensor.source.byteCount == tensor.elementCount * tensor.dtype.byteSize, "\(label): data size")
        let values = try expected.doubles()
        let actual = try cOrderValues(tensor, as: Double.self)
        #expect(actual.count == values.count, "\(label): element count")
        for (index, (got, want)) in zip(actual, values).enumerated() where !identical(got, want) {
            Issue.record("\(label): element \(index) is \(got), expected \(want)")
        }
        if tensor.dtype == .float16 || tensor.dtype == .float32 {
            let floats = try cOrderValues(tensor, as: Float.self)
            for (index, (got, want)) in zip(floats, values).enumerated()
            where !identical(Double(got), want) {
                Issue.record("\(label): element \(index) read as Float is \(got), expected \(want)")
            }
        }
    }

    /// All elements in C order: through `matrix()` for 2-D tensors (which undoes Fortran order),
    /// `readElements` otherwise (the fixtures of other ranks are C order).
    package static func cOrderValues<T: BinaryFloatingPoint & Sendable>(_ tensor: StoredTensor, as type: T.Type) throws -> [T] {
        if tensor.shape.count == 2 { return try tensor.matrix(as: T.self).storage }
        #expect(tensor.storageOrder == .rowMajor)
        var values = [T](repeating: 0, count: tensor.elementCount)
        try values.withUnsafeMutableBufferPointer { try tensor.readElements(0..<tensor.elementCount, into: $0) }
        return values
    }

    /// Runs `body`, requires a `MindSpaceError` of `kind` whose one-line description names `file`
    /// and contains every string of `mentions`; returns it.
    @discardableResult
    package static func expectError(_ kind: MindSpaceError.Kind, file: String, mentions: [String],
                            sourceLocation: SourceLocation = #_sourceLocation,
                            _ body: () throws -> Void) -> MindSpaceError? {
        do {
            try body()
            Issue.record("no error for \(file)", sourceLocation: sourceLocation)
            return nil
        } catch let error as MindSpaceError {
            #expect(error.kind == kind, "\(error)", sourceLocation: sourceLocation)
            #expect(error.description.hasPrefix(file + ": "), "\(error)", sourceLocation: sourceLocation)
            #expect(!error.description.contains("\n"), sourceLocation: sourceLocation)
            for mention in mentions {
                #expect(error.description.contains(mention), "'\(mention)' not in: \(error)", sourceLocation: sourceLocation)
            }
            return error
        } catch {
            Issue.record("unexpected error type: \(error)", sourceLocation: sourceLocation)
            return nil
        }
    }
}
