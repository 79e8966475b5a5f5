/// Loads a `Dataset` from the files a user names: the data file (any `DataFile` format, array
/// chosen by `DataFile.dataArray`) and an optional group-label file with one label per point.
public enum DatasetLoader {
    /// Reads `path` into an N × D matrix of `Scalar` (F16/BF16/integers converted exactly where
    /// representable), attaches labels from `groupsPath` (column `groupColumn` of a metadata file
    /// with a header), and records both files' provenance. Rejects non-finite values when
    /// `requireFinite`, naming the first one's row and column.
    public static func load<Scalar: BinaryFloatingPoint & Sendable>(
        _ path: String, as type: Scalar.Type = Scalar.self, arrayName: String? = nil,
        groupsPath: String? = nil, groupColumn: String? = nil, requireFinite: Bool = true
    ) throws -> Dataset<Scalar> {
        let file = try DataFile.open(path)
        let tensor = try file.dataArray(named: arrayName,
                                        option: file.format == .safetensors || file.format == .shardedSafetensors ? "--tensor" : "--array")
        let points: Matrix<Scalar> = try tensor.matrix(as: Scalar.self)
        if requireFinite, let position = points.firstNonFinite() {
            let value = points[position.row, position.column]
            throw MindSpaceError.malformed(path,
                "non-finite value \(value) at row \(position.row), column \(position.column) of '\(tensor.name)' (0-based)")
        }
        var inputs = [InputRecord(path: path, format: file.format.rawValue, array: tensor.name,
                                  dtype: tensor.dtype.rawValue, shape: tensor.shape,
                                  bytes: file.byteCount,
                                  xxh64: try ContentHash.of(FileByteSource(path: path)))]
        var groups: [String]?
        if let groupsPath {
            let labels = try GroupLabelsReader.read(path: groupsPath, column: groupColumn)
            try GroupLabelsReader.checkCount(labels, points: points.rows, path: groupsPath)
            groups = labels
            let source = try FileByteSource(path: groupsPath)
            inputs.append(InputRecord(path: groupsPath, format: "labels", array: groupColumn, dtype: nil,
                                      shape: [labels.count], bytes: source.byteCount,
                                      xxh64: try ContentHash.of(source)))
        }
        return Dataset(points: points, groups: groups, inputs: inputs)
    }
}
