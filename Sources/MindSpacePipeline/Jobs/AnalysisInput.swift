import MindSpaceCore
import MindSpaceIO

/// The points × features array a job analyses, opened from the user's file, with its provenance:
/// the one place jobs turn `DATA [--array NAME]` (and `--groups FILE`) into values, so every
/// command picks arrays, reports files and refuses NaN/Inf the same way.
public struct AnalysisInput: Sendable {
    /// The data file as the user named it.
    public let path: String
    public let file: DataFile
    /// The chosen array (`DataFile.dataArray`).
    public let tensor: StoredTensor
    /// Size, XXH64 and array of the file, for reports.
    public let record: InputRecord

    /// Opens `path` and chooses the array `arrayName` (or the only 2-D one); hashes the file.
    public static func open(_ path: String, arrayName: String?) throws -> AnalysisInput {
        let file = try DataFile.open(path)
        let sharded = [.safetensors, .shardedSafetensors, .pytorch, .shardedPytorch].contains(file.format)
        let tensor = try file.dataArray(named: arrayName, option: sharded ? "--tensor" : "--array")
        // Before the file is hashed (a full read): an array that cannot fit is refused at once.
        try tensor.checkMemory(bytesPerValue: loadsAsSingle(tensor.dtype) ? 4 : 8)
        let record = InputRecord(path: path, format: file.format.rawValue, array: tensor.name,
                                 dtype: tensor.dtype.rawValue, shape: tensor.shape, bytes: file.byteCount,
                                 xxh64: try ContentHash.of(FileByteSource(path: path)))
        return AnalysisInput(path: path, file: file, tensor: tensor, record: record)
    }

    /// Points held in the precision the stored dtype warrants. Jobs do not switch over the
    /// cases: they pass a `PointsAnalysis` (their generic body) to `analyse(with:)`.
    public enum Points: Sendable {
        /// float32, float16 and bfloat16 data (half the memory of `Double`; analyses accumulate
        /// in `Double` where it matters).
        case single(Matrix<Float>)
        /// float64 and integer data.
        case double(Matrix<Double>)
    }

    /// N × D values of the chosen array. With `requireFinite`, the first NaN/±Inf is refused with
    /// its row and column (counting from 0) and `purpose` ("a projection needs finite values").
    public func points(requireFinite: Bool = true, purpose: String? = nil) throws -> Points {
        if Self.loadsAsSingle(tensor.dtype) {
            return .single(try matrix(as: Float.self, requireFinite: requireFinite, purpose: purpose))
        }
        return .double(try matrix(as: Double.self, requireFinite: requireFinite, purpose: purpose))
    }

    /// Whether points of `dtype` are held as `Float` (float32, float16, bfloat16), else `Double`.
    static func loadsAsSingle(_ dtype: DType) -> Bool {
        [.float32, .float16, .bfloat16].contains(dtype)
    }

    /// N × D values as `Scalar`, refusing non-finite values as `points` does.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func matrix<Scalar: BinaryFloatingPoint & Sendable>(
        as type: Scalar.Type, requireFinite: Bool = true, purpose: String? = nil
    ) throws -> Matrix<Scalar> {
        let values: Matrix<Scalar> = try tensor.matrix(as: Scalar.self)
        if requireFinite, let position = values.firstNonFinite() {
            let value = Double(values[position.row, position.column])
            throw MindSpaceError.malformed(path,
                "non-finite value \(value) at row \(position.row), column \(position.column) of '\(TerminalText.escaped(tensor.name))' "
                + "(counting from 0)" + (purpose.map { "; \($0)" } ?? ""))
        }
        return values
    }

    /// Group labels from `path` (column `column` of a metadata file with a header), one per
    /// point, with the file's provenance. Throws if the count differs from `points`.
    public static func labels(path: String, column: String?, points: Int) throws -> (labels: [String], record: InputRecord) {
        let labels = try GroupLabelsReader.read(path: path, column: column)
        try GroupLabelsReader.checkCount(labels, points: points, path: path)
        return (labels, try .hashing(path, format: "labels", array: column, shape: [labels.count]))
    }
}
