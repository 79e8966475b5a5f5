import MindSpaceCore
import MindSpaceIO
import MindSpaceCheckpoints

/// What `mindspace inspect` reports: for each file its format and tensors, optionally with
/// per-tensor `TensorStatistics`. JSON keys follow shared/cli.md:
/// `files[].path`, `files[].format`, `files[].tensors[].name/.dtype/.shape`, `...stats.sum/.l2/
/// .nonfinite/.min/.max/.mean/.std`.
public struct FileInventory: Codable, Equatable, Sendable {
    public struct File: Codable, Equatable, Sendable {
        public var path: String
        public var format: String
        public var bytes: Int
        public var tensors: [Tensor]
    }

    public struct Tensor: Codable, Equatable, Sendable {
        public var name: String
        public var dtype: String
        public var shape: [Int]
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

    /// Opens every file that `arguments` name and describes them; `statistics` streams through
    /// each tensor once. A file argument is inspected as it is (any format `DataFile` reads); a
    /// folder or a quoted glob stands for the checkpoints it holds, found by the rules of
    /// `CheckpointDiscovery` that `trajectory` uses (checkpoint files and checkpoint sub-folders in
    /// natural order, a sharded checkpoint's folder as its one index file). All must succeed
    /// before anything is reported.
    public static func inspect(_ arguments: [String], statistics: Bool) throws -> FileInventory {
        var files: [File] = []
        for argument in arguments {
            for path in try CheckpointDiscovery.expand(argument) {
                files.append(try describe(path, statistics: statistics))
            }
        }
        return FileInventory(files: files)
    }

    /// The format and tensors of the one file at `path` (a sharded checkpoint's index counts as
    /// one file), with statistics when asked for.
    static func describe(_ path: String, statistics: Bool) throws -> File {
        let file = try DataFile.open(path)
        var tensors: [Tensor] = []
        for tensor in file.tensors {
            let stats = statistics ? Statistics(try TensorStatistics.compute(tensor)) : nil
            tensors.append(Tensor(name: tensor.name, dtype: tensor.dtype.rawValue, shape: tensor.shape, stats: stats))
        }
        return File(path: path, format: file.format.rawValue, bytes: file.byteCount, tensors: tensors)
    }

    /// A human-readable table per file.
    public func textTable() -> String {
        var text = ""
        for file in files {
            text += "\(file.path)  (\(file.format), \(file.bytes) bytes, \(file.tensors.count) tensor\(file.tensors.count == 1 ? "" : "s"))\n"
            var rows: [[String]] = [["name", "dtype", "shape"]]
            let withStats = file.tensors.contains { $0.stats != nil }
            if withStats { rows[0] += ["count", "nonfinite", "min", "max", "mean", "std", "sum", "l2"] }
            for tensor in file.tensors {
                var row = [tensor.name, tensor.dtype, tensor.shape.isEmpty ? "scalar" : tensor.shape.map(String.init).joined(separator: "×")]
                if let s = tensor.stats {
                    row += [String(s.count), String(s.nonfinite), format(s.min), format(s.max), format(s.mean),
                            format(s.std), format(s.sum), format(s.l2)]
                } else if withStats {
                    row += Array(repeating: "", count: 8)
                }
                rows.append(row)
            }
            text += TextTable.render(rows, indent: "  ")
        }
        return text
    }

    private func format(_ value: Double?) -> String {
        guard let value else { return "–" }
        return TextTable.number(value)
    }
}
