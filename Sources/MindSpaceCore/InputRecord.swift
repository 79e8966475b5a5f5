/// Provenance of one input file as reports record it.
public struct InputRecord: Codable, Equatable, Sendable {
    /// The path as the user gave it.
    public var path: String
    public var format: String
    /// The array or tensor used, if the file holds several.
    public var array: String?
    public var dtype: String?
    public var shape: [Int]?
    public var bytes: Int
    /// XXH64 of the file's bytes (`ContentHash`), 16 hex digits.
    public var xxh64: String

    public init(path: String, format: String, array: String?, dtype: String?, shape: [Int]?,
                bytes: Int, xxh64: String) {
        self.path = path
        self.format = format
        self.array = array
        self.dtype = dtype
        self.shape = shape
        self.bytes = bytes
        self.xxh64 = xxh64
    }
}
