/// Where a figure came from, written into its PNG as text chunks so the file documents itself:
/// software and version, the command line, input files with their SHA-256, seed, method and
/// parameters. Nothing time-dependent is included, so outputs stay byte-identical.
public struct ImageProvenance: Sendable, Equatable {
    /// An input file and the hex SHA-256 of its bytes.
    public struct InputFile: Sendable, Equatable {
        public var path: String
        public var sha256: String
        public init(path: String, sha256: String) {
            self.path = path
            self.sha256 = sha256
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
    /// `sha256  path` line per file, as `sha256sum` prints), `mindspace:seed`,
    /// `mindspace:method`, `mindspace:parameters` (one per line) when present, then `extra`.
    public var textEntries: [PNGTextEntry] {
        var entries = [PNGTextEntry(keyword: "Software", text: software)]
        if let commandLine { entries.append(PNGTextEntry(keyword: "mindspace:command", text: commandLine)) }
        if !inputs.isEmpty {
            entries.append(PNGTextEntry(keyword: "mindspace:inputs",
                                        text: inputs.map { "\($0.sha256)  \($0.path)" }.joined(separator: "\n")))
        }
        if let seed { entries.append(PNGTextEntry(keyword: "mindspace:seed", text: String(seed))) }
        if let method { entries.append(PNGTextEntry(keyword: "mindspace:method", text: method)) }
        if !parameters.isEmpty {
            entries.append(PNGTextEntry(keyword: "mindspace:parameters", text: parameters.joined(separator: "\n")))
        }
        return entries + extra
    }
}
