import MindSpaceCore
import MindSpaceNumerics

/// The rows a coordinate-reading estimator (local PCA, ESS, DANCo, FisherS, global PCA) works
/// on after the duplicate policy is applied, and the bookkeeping that reports the estimate on
/// the original rows, the same way `NeighborDimensionEstimator.estimate(from:options:)` does:
/// `diagnostics` `points`, `distinct_points`, `duplicates_removed`; `parameters` `duplicates`;
/// per-point values spread back to every original row.
struct PreparedRows<Scalar: NeighborScalar>: Sendable {
    /// The distinct rows (with `.remove`), else all rows.
    let rows: Matrix<Scalar>
    /// The duplicate analysis when duplicates were removed; `nil` when they were kept.
    let deduplication: DeduplicatedPoints<Scalar>?
    /// N, the number of rows given.
    let originalCount: Int

    /// Applies `options.duplicates` to `points`.
    /// - Throws: `.malformedData` for a NaN or ±Inf (with its row and column), no columns, or
    ///   fewer than `minimumRows` rows left (`estimator` names the estimator in the message).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    init(_ points: Matrix<Scalar>, options: EstimationOptions, minimumRows: Int, estimator: String) throws {
        if let (row, column) = points.firstNonFinite() {
            throw MindSpaceError(.malformedData, "non-finite value (NaN or Inf) at row \(row), column \(column)")
        }
        guard points.columns > 0 else {
            throw MindSpaceError(.malformedData, "points have no features (0 columns)")
        }
        originalCount = points.rows
        switch options.duplicates {
        case .keep:
            deduplication = nil
            rows = points
        case .remove:
            let distinct = DeduplicatedPoints(points)
            deduplication = distinct
            rows = distinct.unique
        }
        guard rows.rows >= minimumRows else {
            let what = deduplication?.hasDuplicates == true ? "distinct points" : "points"
            throw MindSpaceError(.malformedData,
                                 "\(estimator): too few \(what): needs at least \(minimumRows), got \(rows.rows)")
        }
    }

    /// `estimate` with per-point values expanded to the original rows and the duplicate
    /// handling recorded.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func annotated(_ estimate: DimensionEstimate) -> DimensionEstimate {
        estimate.reportedOnOriginalRows(deduplication: deduplication, originalCount: originalCount)
    }
}
