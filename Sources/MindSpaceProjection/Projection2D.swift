import Foundation
import MindSpaceCore

/// Points placed in the plane by a projection method: an N×2 matrix of coordinates with
/// everything a figure or a report needs to explain it (method, axis labels, parameters).
///
/// Linear methods also say how much of the data's variance each axis holds
/// (`axisVarianceRatio`): the variance of the coordinate column divided by the total variance
/// trace(C) of the data (sample covariance, divisor N − 1). For PCA these are the first two
/// explained-variance ratios, the largest any linear 2-D view can show; a random view of data
/// whose variance is spread over many directions holds far less.
public struct Projection2D: Sendable, Equatable {
    /// One named parameter of the method, kept as text in the order the method lists them
    /// (it appears in footers, PNG text chunks and reports as written).
    public struct Parameter: Codable, Equatable, Sendable {
        public var name: String
        public var value: String

        public init(_ name: String, _ value: String) {
            self.name = name
            self.value = value
        }
    }

    /// N rows × 2 columns: point i is at (`coordinates[i, 0]`, `coordinates[i, 1]`), in the
    /// units of the input data for the linear methods.
    public let coordinates: Matrix<Double>
    public let method: ProjectionMethod
    /// Labels of the horizontal and vertical axes, e.g. "PC1 (14.9%)".
    public let xLabel: String
    public let yLabel: String
    /// Fraction of the total variance along each axis (two values in [0, 1]); `nil` for methods
    /// whose axes have no such meaning, or when the data have no variance at all.
    public let axisVarianceRatio: [Double]?
    public let parameters: [Parameter]

    public init(coordinates: Matrix<Double>, method: ProjectionMethod, xLabel: String, yLabel: String,
                axisVarianceRatio: [Double]?, parameters: [Parameter]) {
        precondition(coordinates.columns == 2, "a 2-D projection has two coordinate columns")
        precondition(axisVarianceRatio == nil || axisVarianceRatio?.count == 2, "one variance ratio per axis")
        self.coordinates = coordinates
        self.method = method
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.axisVarianceRatio = axisVarianceRatio
        self.parameters = parameters
    }

    /// N, the number of points.
    public var count: Int { coordinates.rows }

    /// The parameters other than the seed (which figures state once, on its own).
    public var tuning: [Parameter] { parameters.filter { $0.name != "seed" } }

    /// "Method (name: value, …)" for a figure footer; just the method without tuning.
    public var methodDescription: String {
        method.displayName + (tuning.isEmpty ? "" : " (" + tuning.map { "\($0.name): \($0.value)" }.joined(separator: ", ") + ")")
    }

    /// Refuses data that no 2-D projection can be made of: fewer than 2 points or fewer than 2
    /// features (a 1-D data set has no second direction). `.malformedData` without a file; the
    /// caller locates it.
    public static func checkShape(rows: Int, columns: Int) throws {
        guard rows >= 2 else {
            throw MindSpaceError.malformed(nil, "a 2-D projection needs at least 2 points (rows), got \(rows)")
        }
        guard columns >= 2 else {
            throw MindSpaceError.malformed(nil, "a 2-D projection needs at least 2 features (columns), got \(columns)")
        }
    }

    /// `name (p%)` with the percentage to one decimal, or two significant digits below 0.1 %.
    static func axisLabel(_ name: String, ratio: Double?) -> String {
        guard let ratio, ratio.isFinite else { return name }
        let percent = ratio * 100
        let text = percent >= 0.1 || percent == 0 ? String(format: "%.1f", percent) : String(format: "%.2g", percent)
        return "\(name) (\(text)%)"
    }
}
