import MindSpaceCore
import MindSpaceIO
import MindSpaceCheckpoints

/// What `mindspace inspect` reports: for each file its format and tensors, optionally with
/// per-tensor `TensorStatistics`, or why it could not be read. JSON keys follow shared/cli.md:
/// `files[].path`, `files[].format`, `files[].tensors[].name/.dtype/.shape`, `...stats.sum/.l2/
/// .nonfinite/.min/.max/.mean/.std`; a file that failed has `files[].error.code/.message` instead
/// of `format`, `bytes` and `tensors`, and the report then has a top-level `error`
/// {`code`, `file`, `message`} for the first failure, as every failed command's JSON has.
public struct FileInventory: Codable, Equatable, Sendable {
    /// One inspected file: its format, size and tensors, or (`error` set, the others `nil`) why it
    /// could not be read.
    public struct File: Codable, Equatable, Sendable {
        public var path: String
        public var format: String?
        public var bytes: Int?
        public var tensors: [Tensor]?
        /// The file's metadata key-values (GGUF) or non-tensor values (PyTorch: hyper-parameters,
        /// epoch, …), summarised; `nil` for formats without them.
        public var metadata: [MetadataEntry]?
        public var error: Failure?

        /// A file that was read.
        public init(path: String, format: String, bytes: Int, tensors: [Tensor]) {
            self.path = path
            self.format = format
            self.bytes = bytes
            self.tensors = tensors
        }

        /// A file (or folder) that could not be read, and why.
        public init(path: String, error: MindSpaceError) {
            self.path = path
            self.error = Failure(error.located(in: path), path: path)
        }
    }

    /// Why a file could not be inspected: `code` is the exit status the error stands for (65
    /// malformed data, 66 missing or unreadable input; shared/cli.md), `message` the reason, which
    /// names another file only when the problem is there (a missing shard of a sharded checkpoint).
    public struct Failure: Codable, Equatable, Sendable {
        public var code: Int32
        public var message: String
        /// The one line an error is printed as: `FILE: reason` (not part of the JSON).
        public var line: String = ""

        enum CodingKeys: String, CodingKey { case code, message }

        init(_ error: MindSpaceError, path: String) {
            code = error.exitCode
            line = error.description
            var own = error
            if own.file == path { own.file = nil }
            message = own.description
        }
    }

    public struct Tensor: Codable, Equatable, Sendable {
        public var name: String
        public var dtype: String
        public var shape: [Int]
        /// How the file encodes the values when not as `dtype` itself (a GGUF block quantization
        /// such as `Q4_K`, read dequantized to float32); absent for plain tensors.
        public var quantization: String?
        public var stats: Statistics?
    }

    /// `TensorStatistics` under the JSON key spelling of the CLI contract.
    public struct Statistics: Codable, Equatable, Sendable {
        public var count: Int
        public var nonfinite: Int
        public var min: Double?
        public var max: Double?
        public var mean: Double?
        public var std: Double?
        public var sum: Double
        public var l2: Double

        init(_ s: TensorStatistics) {
            count = s.count; nonfinite = s.nonFinite; min = s.min; max = s.max
            mean = s.mean; std = s.std; sum = s.sum; l2 = s.l2
        }
    }

    public var files: [File]

    /// The first failure as every command's `--json` states a failure (`ErrorReport`): `nil`
    /// when every file was read.
    public var error: ErrorReport.Detail?

    /// The first failure in file order, whose exit status the command exits with; `nil` when
    /// every file was read.
    public var firstFailure: Failure? {
        firstFailedFile?.error
    }

    /// The first file, in file order, that could not be read.
    var firstFailedFile: File? {
        files.first { $0.error != nil }
    }

    /// Opens every file that `arguments` name and describes them; `statistics` streams through
    /// each tensor once. A file argument is inspected as it is (any format `DataFile` reads); a
    /// folder or a quoted glob stands for the checkpoints it holds, found by the rules of
    /// `CheckpointDiscovery` that `trajectory` uses (checkpoint files and checkpoint sub-folders in
    /// natural order, a sharded checkpoint's folder as its one index file).
    ///
    /// A file that cannot be read does not stop the others: it is reported with its `error` (an
    /// argument that names no checkpoint, such as an empty folder, is one entry with its error).
    /// `each` is called with every entry as soon as it is made, so a caller can print a long
    /// listing as it goes.
    public static func inspect(_ arguments: [String], statistics: Bool,
                               each: (File) -> Void = { _ in }) -> FileInventory {
        var files: [File] = []
        func add(_ file: File) {
            files.append(file)
            each(file)
        }
        for argument in arguments {
            let paths: [String]
            do {
                paths = try CheckpointDiscovery.expand(argument)
            } catch {
                add(File(path: argument, error: Self.mindSpaceError(error, path: argument)))
                continue
            }
            for path in paths {
                do {
                    add(try describe(path, statistics: statistics))
                } catch {
                    add(File(path: path, error: Self.mindSpaceError(error, path: path)))
                }
            }
        }
        var inventory = FileInventory(files: files)
        if let failed = inventory.firstFailedFile, let failure = failed.error {
            inventory.error = ErrorReport.Detail(code: failure.code, file: failed.path, message: failure.message)
        }
        return inventory
    }

    /// `error` as a `MindSpaceError` located in `path` (the readers throw nothing else; anything
    /// else is reported as malformed data rather than lost).
    private static func mindSpaceError(_ error: any Error, path: String) -> MindSpaceError {
        (error as? MindSpaceError) ?? MindSpaceError.malformed(path, "\(error)")
    }

    /// The format and tensors of the one file at `path` (a sharded checkpoint's index counts as
    /// one file), with statistics when asked for.
    static func describe(_ path: String, statistics: Bool) throws -> File {
        let file = try DataFile.open(path)
        var tensors: [Tensor] = []
        for tensor in file.tensors {
            let stats = statistics ? Statistics(try TensorStatistics.compute(tensor)) : nil
            tensors.append(Tensor(name: tensor.name, dtype: tensor.dtype.rawValue, shape: tensor.shape,
                                  quantization: tensor.quantization, stats: stats))
        }
        var described = File(path: path, format: file.format.rawValue, bytes: file.byteCount, tensors: tensors)
        described.metadata = file.ggufMetadata?.map(MetadataEntry.init)
            ?? file.pickleValues.flatMap { $0.isEmpty ? nil : $0.map(MetadataEntry.init) }
        return described
    }

    /// A human-readable table per file that was read (failures are left to the caller, which
    /// prints them as errors).
    public func textTable() -> String {
        files.map { $0.textTable() }.joined()
    }
}

extension FileInventory.File {
    /// A heading line, a table of the tensors (with a `quantization` column when a tensor has
    /// one) and the metadata, if any; empty for a file that failed. Names are escaped.
    public func textTable() -> String {
        guard let format, let bytes, let tensors else { return "" }
        let text = "\(path)  (\(format), \(bytes) bytes, \(tensors.count) tensor\(tensors.count == 1 ? "" : "s"))\n"
        let withQuantization = tensors.contains { $0.quantization != nil }
        var rows: [[String]] = [["name", "dtype"] + (withQuantization ? ["quantization"] : []) + ["shape"]]
        let withStats = tensors.contains { $0.stats != nil }
        if withStats { rows[0] += ["count", "nonfinite", "min", "max", "mean", "std", "sum", "l2"] }
        for tensor in tensors {
            var row = [TerminalText.escaped(tensor.name), tensor.dtype]
            if withQuantization { row.append(tensor.quantization ?? "") }
            row += [tensor.shape.isEmpty ? "scalar" : tensor.shape.map(String.init).joined(separator: "×")]
            if let s = tensor.stats {
                row += [String(s.count), String(s.nonfinite), Self.cell(s.min), Self.cell(s.max), Self.cell(s.mean),
                        Self.cell(s.std), Self.cell(s.sum), Self.cell(s.l2)]
            } else if withStats {
                row += Array(repeating: "", count: 8)
            }
            rows.append(row)
        }
        // Shapes read as a whole ("24×40" above "24"), so their column is left-aligned.
        let leading = Array(repeating: TextTable.Column(.leading), count: withQuantization ? 4 : 3)
        return text + TextTable.render(rows, indent: "  ", columns: leading, width: nil) + metadataTable()
    }

    /// A statistic as a table cell: `TextTable.number`, or "–" when there is none.
    private static func cell(_ value: Double?) -> String {
        guard let value else { return "–" }
        return TextTable.number(value)
    }
}
