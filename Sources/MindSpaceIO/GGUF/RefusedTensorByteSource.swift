import MindSpaceCore

/// The values of a GGUF tensor whose type MindSpace lists but does not dequantize (IQ*, TQ*,
/// MXFP4, …): it has the size the dequantized float32 values would have, so the tensor can be
/// described like any other, and every read throws `.malformedData` with `reason`, which names
/// the file's tensor and its type. Nothing is read from the file.
public struct RefusedTensorByteSource: ByteSource {
    public let path: String
    public let byteCount: Int
    /// Why the values cannot be read ("tensor 'x' is IQ4_NL, which MindSpace does not read …").
    public let reason: String

    public init(path: String, byteCount: Int, reason: String) {
        self.path = path
        self.byteCount = byteCount
        self.reason = reason
    }

    public func read(at offset: Int, into buffer: UnsafeMutableRawBufferPointer) throws {
        throw MindSpaceError.malformed(path, reason)
    }
}
