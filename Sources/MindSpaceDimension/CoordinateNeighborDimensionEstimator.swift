import MindSpaceCore
import MindSpaceNumerics

/// An estimator that needs each point's k nearest neighbours **and** the coordinates of the
/// points (TLE measures distances between a point's neighbours; the correlation integral
/// counts all pairs within a radius). Conforming types implement
/// `estimate(neighbors:points:options:)`; `estimate(_:options:)` and the shared-search
/// `estimate(from:points:options:)` (duplicate handling, mapping per-point values back to
/// every row) come from the extension, as for `NeighborDimensionEstimator`.
public protocol CoordinateNeighborDimensionEstimator: DimensionEstimator {
    /// Neighbours per point the estimator reads.
    var neighborCount: Int { get }
    /// The estimate from `points` (the rows actually used: the distinct rows when duplicates
    /// are removed) and their neighbour table (`neighbors.pointCount == points.rows`).
    /// `pointwise`, if set, has one value per row of `points`.
    func estimate<Scalar: NeighborScalar>(neighbors: NeighborTable<Scalar>, points: Matrix<Scalar>,
                                          options: EstimationOptions) throws -> DimensionEstimate
}

extension CoordinateNeighborDimensionEstimator {
    /// Removes duplicates (unless `options.duplicates == .keep`), searches `neighborCount`
    /// neighbours and estimates. See `estimate(from:points:options:)`.
    public func estimate<Scalar: NeighborScalar>(_ points: Matrix<Scalar>,
                                                 options: EstimationOptions) throws -> DimensionEstimate {
        try estimate(from: NeighborContext(points, k: neighborCount, options: options), points: points, options: options)
    }

    /// The estimate from a shared search of `points` (the same matrix the context was built
    /// from): the table is truncated to `neighborCount`, the estimator sees the rows that were
    /// searched, and the duplicate bookkeeping is added as `NeighborDimensionEstimator` does.
    /// - Throws: `.usage` when the context holds fewer neighbours than needed or was built from
    ///   a different number of rows; the estimator's own errors.
    public func estimate<Scalar: NeighborScalar>(from context: NeighborContext<Scalar>, points: Matrix<Scalar>,
                                                 options: EstimationOptions) throws -> DimensionEstimate {
        try options.validate()
        guard context.table.k >= neighborCount else {
            throw MindSpaceError(.usage, "\(name) needs \(neighborCount) neighbours, the search found \(context.table.k)")
        }
        guard context.originalCount == points.rows else {
            throw MindSpaceError(.usage, "\(name): the neighbour search was made on \(context.originalCount) rows, not on these \(points.rows)")
        }
        let searched = context.deduplication?.unique ?? points
        let result = try estimate(neighbors: context.table.truncated(to: neighborCount), points: searched, options: options)
        return context.annotated(result)
    }
}

extension NeighborContext {
    /// `estimate` with its per-point values spread back to every original row and the
    /// duplicate handling recorded (`points`, `distinct_points`, `duplicates_removed`,
    /// `duplicates`), exactly as `NeighborDimensionEstimator.estimate(from:options:)` reports it.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func annotated(_ estimate: DimensionEstimate) -> DimensionEstimate {
        estimate.reportedOnOriginalRows(deduplication: deduplication, originalCount: originalCount)
    }
}

extension DimensionEstimate {
    /// This estimate as reported on the rows the user gave: per-point values spread back to
    /// every original row (a duplicate gets its twin's value) and the duplicate handling recorded
    /// (`diagnostics` `points`, `distinct_points`, `duplicates_removed`; `parameters`
    /// `duplicates`). The one bookkeeping path for every estimator family.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func reportedOnOriginalRows<Scalar: NeighborScalar>(deduplication: DeduplicatedPoints<Scalar>?,
                                                        originalCount: Int) -> DimensionEstimate {
        var result = self
        if let deduplication {
            result.pointwise = result.pointwise.map { deduplication.expand($0) }
            result.diagnostics["distinct_points"] = .int(deduplication.unique.rows)
            result.diagnostics["duplicates_removed"] = .int(deduplication.removedCount)
            if deduplication.hasDuplicates {
                result.notes.append("\(deduplication.removedCount) duplicate rows removed before estimating; "
                                    + "their per-point values are those of the row they repeat")
            }
        }
        result.diagnostics["points"] = .int(originalCount)
        result.parameters["duplicates"] = .string(deduplication == nil ? "keep" : "remove")
        return result
    }
}
