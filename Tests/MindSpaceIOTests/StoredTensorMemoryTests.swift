import Foundation
import Testing
import MindSpaceCore
@testable import MindSpaceIO

/// `StoredTensor.matrix` refuses a tensor larger than `MemoryBudget` before allocating (issue
/// 17): every reader (npy, npz, safetensors, PyTorch, GGUF) loads through it, so a header
/// declaring too much is an error naming the size, never a failed allocation.
struct StoredTensorMemoryTests {
    /// Claims `byteCount` bytes of zeros without holding them.
    struct ZeroSource: ByteSource {
        let path = "declared.pt"
        let byteCount: Int
        func read(at offset: Int, into buffer: UnsafeMutableRawBufferPointer) throws {
            buffer.initializeMemory(as: UInt8.self, repeating: 0)
        }
    }

    @Test func tensorBeyondTheBudgetIsRefusedBeforeAllocating() throws {
        // 4 · 10¹² float32 values: 16 TB, more than any machine this runs on.
        let shape = [2_000_000, 2_000_000]
        let tensor = StoredTensor(name: "w\u{1B}", dtype: .float32, shape: shape, source: ZeroSource(byteCount: 4 * shape[0] * shape[1]))
        let error = try #require(throws: MindSpaceError.self) { _ = try tensor.matrix(as: Float.self) }
        #expect(error.kind == .malformedData && error.file == "declared.pt")
        #expect(error.reason.hasPrefix("array 'w\\x1B' (2000000 × 2000000) loaded as float32 needs 14.6 TB of memory"), "\(error)")
        #expect(error.reason.contains("more than this machine allows a process (\(ProgressLine.bytes(MemoryBudget.bytes)))"), "\(error)")
    }

    @Test func shapeWhoseSizeOverflowsIsRefused() throws {
        let tensor = StoredTensor(name: "x", dtype: .float64, shape: [Int.max / 2, 4], source: ZeroSource(byteCount: Int.max))
        let error = try #require(throws: MindSpaceError.self) { _ = try tensor.matrix(as: Double.self) }
        #expect(error.reason.contains("needs more than"), "\(error)")
    }

    @Test func tensorWithinTheBudgetLoads() throws {
        let tensor = StoredTensor(name: "x", dtype: .float32, shape: [3, 2], source: ZeroSource(byteCount: 24))
        #expect(try tensor.matrix(as: Double.self).storage == [Double](repeating: 0, count: 6))
    }
}
