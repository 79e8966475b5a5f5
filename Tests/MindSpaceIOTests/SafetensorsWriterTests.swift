import Foundation
import Testing
@testable import MindSpaceCore
@testable import MindSpaceIO
import MindSpaceTestSupport

/// The safetensors writer reads back through our reader with every dtype, byte for byte.
struct SafetensorsWriterTests {
    /// Every tensor's stored bytes.
    static func bytes(_ tensor: StoredTensor) throws -> Data {
        Data(try tensor.source.bytes(at: 0, count: tensor.source.byteCount))
    }

    @Test func roundTripsEveryDTypeOfTheFixture() throws {
        let original = try SafetensorsReader.read(path: try SafetensorsFixtures.path("all_dtypes.safetensors"))
        let entries = try original.tensors.map {
            SafetensorsWriter.Entry(name: $0.name, dtype: $0.dtype, shape: $0.shape, bytes: try Self.bytes($0))
        }
        let encoded = SafetensorsWriter.encode(entries.reversed(), metadata: ["note": "a \"quoted\"\nline"])
        let headerLength = encoded.prefix(8).reversed().reduce(0) { $0 << 8 | Int($1) }
        #expect(headerLength % 8 == 0)
        let back = try SafetensorsReader.read(source: MemoryByteSource(path: "memory", bytes: Array(encoded)))
        #expect(back.tensors.map(\.name) == original.tensors.map(\.name).sorted())
        for tensor in back.tensors {
            let source = try #require(original.tensors.first { $0.name == tensor.name })
            #expect(tensor.dtype == source.dtype && tensor.shape == source.shape)
            #expect(try Self.bytes(tensor) == Self.bytes(source), "\(tensor.name)")
        }
        // The same tensors in any order give the same bytes.
        #expect(SafetensorsWriter.encode(entries, metadata: ["note": "a \"quoted\"\nline"]) == encoded)
    }
}
