import MindSpaceCore

/// Where a figure came from, written into its PNG as text chunks so the file documents itself:
/// software and version, the command line, input files with their XXH64 content hashes (the
/// same fingerprint as the JSON reports' `inputs[].xxh64`, see `ContentHash`), seed, method and
/// parameters. Nothing time-dependent is included, so outputs stay byte-identical.
public struct ImageProvenance: Sendable, Equatable {
    /// An input file and the XXH64 of its bytes (`ContentHash`, 16 hex digits).
    public struct InputFile: Sendable, Equatable {
        public var path: String
        public var xxh64: String
        public init(path: String, xxh64: String) {
            self.path = path
            self.xxh64 = xxh64
        }

        /// The file a report's `InputRecord` describes.
        public init(_ record: InputRecord) {
            self.init(path: record.path, xxh64: record.xxh64)
        }
    }

    public var software: String
    public var commandLine: String?
    public var inputs: [InputFile]
    public var seed: UInt64?
    public var method: String?
    /// Free-form `name=value` parameters, written in order.
    public var parameters: [String]
    /// Further entries appended as they are.
    public var extra: [PNGTextEntry]

    public init(software: String = "MindSpace \(MindSpaceVersion.string)", commandLine: String? = nil,
                inputs: [InputFile] = [], seed: UInt64? = nil, method: String? = nil,
                parameters: [String] = [], extra: [PNGTextEntry] = []) {
        self.software = software
        self.commandLine = commandLine
        self.inputs = inputs
        self.seed = seed
        self.method = method
        self.parameters = parameters
        self.extra = extra
    }

    /// The PNG text entries: `Software`, then `mindspace:command`, `mindspace:inputs` (one
    /// `hash  path` line per file, as `xxhsum` (XXH64) prints them), `mindspace:seed`,
    /// `mindspace:method`, `mindspace:parameters` (one per line) when present, then `extra`.
    public var textEntries: [PNGTextEntry] {
        var entries = [PNGTextEntry(keyword: "Software", text: software)]
        if let commandLine { entries.append(PNGTextEntry(keyword: "mindspace:command", text: commandLine)) }
        if !inputs.isEmpty {
            entries.append(PNGTextEntry(keyword: "mindspace:inputs",
                                        text: inputs.map { "\($0.xxh64)  \($0.path)" }.joined(separator: "\n")))
        }
        if let seed { entries.append(PNGTextEntry(keyword: "mindspace:seed", text: String(seed))) }
        if let method { entries.append(PNGTextEntry(keyword: "mindspace:method", text: method)) }
        if !parameters.isEmpty {
            entries.append(PNGTextEntry(keyword: "mindspace:parameters", text: parameters.joined(separator: "\n")))
        }
        return entries + extra
    }
}
