import Foundation
import Testing
@testable import MindSpaceCore
@testable import MindSpaceIO
import MindSpaceTestSupport

/// The `.npy` writer: byte-for-byte equality with `np.save` of the same values (NumPy 1.26, see
/// `Fixtures/npy/VERSIONS.txt`), which shows NumPy reads what we write, and exact round trips
/// through our reader.
@Suite struct NpyWriterTests {
    private func numpyBytes(_ file: String) throws -> Data {
        try Data(contentsOf: URL(fileURLWithPath: NpyFixtures.path(file)))
    }

    @Test func doubleMatrixMatchesNumpyByteForByte() throws {
        // np.arange(12).reshape(3, 4) * 0.5 - 1, float64
        let matrix = Matrix<Double>(rows: 3, columns: 4, storage: (0..<12).map { Double($0) * 0.5 - 1 })
        #expect(NpyWriter.encode(matrix) == (try numpyBytes("writer_f8_3x4.npy")))
    }

    @Test func floatMatrixMatchesNumpyByteForByte() throws {
        // np.array([[0.5, -1.25, 3.0], [1e-3, 7.0, -0.0]], dtype=np.float32)
        let matrix = Matrix<Float>([[0.5, -1.25, 3.0], [1e-3, 7.0, -0.0]])
        #expect(NpyWriter.encode(matrix) == (try numpyBytes("writer_f4_2x3.npy")))
    }

    @Test func vectorsAndEdgeShapesMatchNumpyByteForByte() throws {
        #expect(NpyWriter.encode(vector: (0..<5).map { Double($0) * 0.25 }) == (try numpyBytes("writer_vector_f8.npy")))
        #expect(NpyWriter.encode(vector: []) == (try numpyBytes("writer_empty_vector.npy")))
        // A 7-digit first dimension shortens NumPy's spare growth padding: same bytes still.
        #expect(NpyWriter.encode(Matrix<Double>(rows: 1_234_567, columns: 0)) == (try numpyBytes("writer_wide_first_dim.npy")))
    }

    @Test func headersAreAlignedAndNewlineTerminated() {
        for rows in [0, 1, 9, 10, 99_999, 123_456_789_012] {
            for columns in [0, 1, 7, 1_000_000] {
                let header = NpyWriter.header(descr: "<f8", shape: [rows, columns])
                #expect(header.count % 64 == 0, "\(rows)×\(columns)")
                #expect(header.last == 0x0A)
                #expect(Int(header[8]) | Int(header[9]) << 8 == header.count - 10)
            }
        }
    }

    @Test func roundTripsExactly() throws {
        var generator = SeededGenerator(seed: 7)
        var values = (0..<(17 * 5)).map { _ in generator.nextGaussian() * 1e3 }
        values[0] = -0.0; values[1] = .infinity; values[2] = -.infinity
        values[3] = .leastNonzeroMagnitude; values[4] = .greatestFiniteMagnitude
        let doubles = Matrix<Double>(rows: 17, columns: 5, storage: values)
        let floats = doubles.converted(to: Float.self)

        let readDoubles = try NpyReader.parse(MemoryByteSource(path: "d", bytes: [UInt8](NpyWriter.encode(doubles))), name: "d")
        #expect(readDoubles.dtype == .float64 && readDoubles.shape == [17, 5])
        let backDoubles = try readDoubles.matrix(as: Double.self)
        #expect(zip(backDoubles.storage, values).allSatisfy { $0.bitPattern == $1.bitPattern })

        let readFloats = try NpyReader.parse(MemoryByteSource(path: "f", bytes: [UInt8](NpyWriter.encode(floats))), name: "f")
        #expect(readFloats.dtype == .float32)
        let backFloats = try readFloats.matrix(as: Float.self)
        #expect(zip(backFloats.storage, floats.storage).allSatisfy { $0.bitPattern == $1.bitPattern })
    }

    @Test func roundTripsThroughAFileWrittenByOutputTransaction() throws {
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("mindspace-npy-writer-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("scores.npy").path
        let matrix = Matrix<Double>([[1, 2], [3, 4], [5, 6]])
        let transaction = OutputTransaction()
        try transaction.stage(NpyWriter.encode(matrix), at: path)
        try transaction.commit()
        let tensor = try NpyReader.read(path: path)
        #expect(tensor.name == NpyReader.arrayName)
        #expect(try tensor.matrix(as: Double.self) == matrix)
    }
}
