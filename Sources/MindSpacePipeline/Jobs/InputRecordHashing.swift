import MindSpaceCore
import MindSpaceIO

extension InputRecord {
    /// The provenance record of the file at `path`: its size and XXH64 (`ContentHash`, one read of
    /// its bytes), with what was read from it. Every job records its inputs through this.
    static func hashing(_ path: String, format: String, array: String? = nil, dtype: String? = nil,
                        shape: [Int]? = nil) throws -> InputRecord {
        let source = try FileByteSource(path: path)
        return InputRecord(path: path, format: format, array: array, dtype: dtype, shape: shape,
                           bytes: source.byteCount, xxh64: try ContentHash.of(source))
    }
}
