import MindSpaceCore
import MindSpaceNumerics

/// A computation on a job's loaded points, written once for both precisions: the job's body is a
/// generic `analyse` over the scalar type, and `AnalysisInput.Points.analyse(with:)` is the one
/// place that looks at which precision was loaded and calls it with the `Matrix<Float>` or the
/// `Matrix<Double>`.
///
/// Swift has no generic closures, so the body is a small type with a generic method (each job
/// declares a private one that holds what the body needs besides the points). Speed: within
/// MindSpacePipeline the dispatch is specialised for each concrete analysis type, so each job's
/// body is compiled once for `Float` and once for `Double`, exactly as a `switch` at the call
/// site would compile it.
public protocol PointsAnalysis {
    /// What the analysis returns.
    associatedtype Result

    /// Runs the analysis on `points` (N × D). The points are consumed: the body owns them and
    /// may modify them in place (say, centre their columns) without a copy.
    func analyse<Scalar: NeighborScalar>(_ points: consuming Matrix<Scalar>) throws -> Result
}

extension AnalysisInput.Points {
    /// Runs `analysis` on the points in the precision they were loaded in (`Float` for
    /// float32/float16/bfloat16 data, `Double` otherwise), handing over the only copy.
    public consuming func analyse<Analysis: PointsAnalysis>(with analysis: Analysis) throws -> Analysis.Result {
        switch consume self {
        case .single(let points): return try analysis.analyse(points)
        case .double(let points): return try analysis.analyse(points)
        }
    }
}

extension AnalysisInput.Points {
    /// N, the points.
    public var rows: Int {
        switch self {
        case .single(let points): points.rows
        case .double(let points): points.rows
        }
    }

    /// D, the coordinates per point.
    public var columns: Int {
        switch self {
        case .single(let points): points.columns
        case .double(let points): points.columns
        }
    }
}
