import MindSpaceCore
import MindSpaceNumerics

/// An intrinsic-dimension estimator: parameters in, one `DimensionEstimate` out.
///
/// Every estimator lives in its own file whose doc comment cites the paper, states the formula
/// and the known biases, and says what it does with duplicate points. Estimators never read
/// files and never draw random numbers except from a `SeededGenerator` seeded by
/// `EstimationOptions.seed`, so the same input and options give the same estimate.
public protocol DimensionEstimator: Sendable {
    /// The stable short name reported as `DimensionEstimate.estimator`.
    var name: String { get }
    /// The estimator's settings, as reported in `DimensionEstimate.parameters`.
    var parameters: [String: ParameterValue] { get }
    /// Estimates the intrinsic dimension of `points` (rows are points).
    func estimate<Scalar: NeighborScalar>(_ points: Matrix<Scalar>,
                                          options: EstimationOptions) throws -> DimensionEstimate
}

/// An estimator that needs only each point's k nearest neighbours. Conforming types implement
/// `estimate(neighbors:options:)`; `estimate(_:options:)` (search, duplicate handling, mapping
/// per-point values back to every row) comes from the extension. Several estimators can share
/// one search: build a `NeighborContext` with the largest `neighborCount` and call
/// `estimate(from:options:)` on each.
public protocol NeighborDimensionEstimator: DimensionEstimator {
    /// Neighbours per point the estimator reads (2 for TwoNN, k for Levina–Bickel).
    var neighborCount: Int { get }
    /// The estimate from a neighbour table of the points actually used (the distinct rows when
    /// duplicates are removed). `pointwise`, if set, has one value per row of that table.
    /// Zero distances can occur only when duplicates were kept; each estimator documents what
    /// it does with them.
    func estimate<Scalar: NeighborScalar>(neighbors: NeighborTable<Scalar>,
                                          options: EstimationOptions) throws -> DimensionEstimate
}

/// What an estimator does with rows that are exact copies of other rows.
public enum DuplicatePolicy: String, Sendable, Codable {
    /// Estimate on the distinct rows (the default): a repeated row carries no information on
    /// dimension and would put a neighbour at distance 0.
    case remove
    /// Keep every row (`--keep-duplicates`); each estimator then drops the points whose
    /// statistic is undefined (zero distances) and says so in its notes. Expect a bias.
    case keep
}

/// Settings shared by all estimators. The thread count is not one of them: it changes no result,
/// and every estimator's parallel work runs on the process-wide `ParallelLoop.threadLimit`.
public struct EstimationOptions: Sendable, Equatable {
    /// Duplicate handling (default `.remove`).
    public var duplicates: DuplicatePolicy
    /// Confidence level of the reported interval, in (0, 1) (default 0.95).
    public var confidenceLevel: Double
    /// Resamples for bootstrap intervals (default 200).
    public var bootstrapResamples: Int
    /// How intervals are obtained (default `.auto`: analytic where the estimator has one, else
    /// the seeded bootstrap); `.none` skips them.
    public var intervalMethod: IntervalMethod
    /// Seed of every random choice (bootstrap resampling).
    public var seed: UInt64

    /// Options with the defaults above; `validate()` checks them.
    public init(duplicates: DuplicatePolicy = .remove, confidenceLevel: Double = 0.95,
                bootstrapResamples: Int = 200, intervalMethod: IntervalMethod = .auto,
                seed: UInt64 = 0) {
        self.duplicates = duplicates
        self.confidenceLevel = confidenceLevel
        self.bootstrapResamples = bootstrapResamples
        self.intervalMethod = intervalMethod
        self.seed = seed
    }

    /// Checks the ranges above; throws a `.usage` error naming the bad setting.
    public func validate() throws {
        guard confidenceLevel > 0 && confidenceLevel < 1 else {
            throw MindSpaceError(.usage, "confidence level must be between 0 and 1, got \(confidenceLevel)")
        }
        guard bootstrapResamples >= 10 else {
            throw MindSpaceError(.usage, "bootstrap needs at least 10 resamples, got \(bootstrapResamples)")
        }
    }
}

extension NeighborDimensionEstimator {
    /// Removes duplicates (unless `options.duplicates == .keep`), searches `neighborCount`
    /// neighbours and estimates. See `estimate(from:options:)`.
    public func estimate<Scalar: NeighborScalar>(_ points: Matrix<Scalar>,
                                                 options: EstimationOptions) throws -> DimensionEstimate {
        try estimate(from: NeighborContext(points, k: neighborCount, options: options), options: options)
    }

    /// The estimate from a shared search: the table is truncated to `neighborCount`, per-point
    /// values are spread back to every original row (a duplicate gets its twin's value), and the
    /// duplicate handling is recorded in `diagnostics` (`points`, `distinct_points`,
    /// `duplicates_removed`) and `parameters` (`duplicates`).
    public func estimate<Scalar: NeighborScalar>(from context: NeighborContext<Scalar>,
                                                 options: EstimationOptions) throws -> DimensionEstimate {
        try options.validate()
        guard context.table.k >= neighborCount else {
            throw MindSpaceError(.usage, "\(name) needs \(neighborCount) neighbours, the search found \(context.table.k)")
        }
        return context.annotated(try estimate(neighbors: context.table.truncated(to: neighborCount), options: options))
    }
}
