/// The bytes libFuzzer passes to `LLVMFuzzerTestOneInput`, as a buffer (empty for a null pointer)
/// and as an array for the readers that parse arrays.
public struct FuzzInput {
    public let bytes: UnsafeRawBufferPointer

    public init(_ data: UnsafePointer<UInt8>?, _ count: Int) {
        bytes = UnsafeRawBufferPointer(start: count > 0 ? UnsafeRawPointer(data) : nil, count: count)
    }

    public var array: [UInt8] { Array(bytes) }

    /// The first byte as a selector among `choices` options and the rest of the input: a harness
    /// whose entry point takes a mode (a separator, a column) lets the fuzzer pick it.
    public func split(choices: Int) -> (choice: Int, rest: [UInt8]) {
        guard let first = bytes.first else { return (0, []) }
        return (Int(first) % choices, Array(bytes.dropFirst()))
    }
}
