import MindSpaceCore
import MindSpaceNumerics

/// One neighbour search prepared for the neighbour-based estimators: the exact k-NN table of
/// the points an estimator should use, plus the duplicate bookkeeping needed to report on the
/// original rows. Build it once with the largest k any requested estimator needs and pass it to
/// each estimator's `estimate(from:options:)`.
public struct NeighborContext<Scalar: NeighborScalar>: Sendable {
    /// Exact neighbours of the searched rows: the distinct rows (with `.remove`), else all rows.
    public let table: NeighborTable<Scalar>
    /// The duplicate analysis when duplicates were removed; `nil` when they were kept.
    public let deduplication: DeduplicatedPoints<Scalar>?
    /// N, the number of rows given.
    public let originalCount: Int

    /// Searches `k` neighbours of `points` under `options.duplicates`.
    /// - Throws: the search's errors; "too few distinct points" when removing duplicates leaves
    ///   k or fewer rows.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public init(_ points: Matrix<Scalar>, k: Int, options: EstimationOptions) throws {
        try self.init(points, deduplication: nil, k: k, options: options)
    }

    /// As `init(_:k:options:)`, reusing `deduplication` (the duplicate analysis of exactly these
    /// `points`, made by the caller for its own bookkeeping) instead of hashing the rows again;
    /// `nil` analyses them here. Ignored when `options.duplicates` is `.keep`.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public init(_ points: Matrix<Scalar>, deduplication known: DeduplicatedPoints<Scalar>?, k: Int,
                options: EstimationOptions) throws {
        originalCount = points.rows
        if let (row, column) = points.firstNonFinite() {   // before deduplication renumbers rows
            throw MindSpaceError(.malformedData, "non-finite value (NaN or Inf) at row \(row), column \(column)")
        }
        switch options.duplicates {
        case .keep:
            deduplication = nil
            table = try ExactNeighbors.search(points, k: k)
        case .remove:
            precondition(known.map { $0.originalCount == points.rows } ?? true, "deduplication of other points")
            let distinct = known ?? DeduplicatedPoints(points)
            if distinct.hasDuplicates && distinct.unique.rows <= k && k >= 1 {
                throw MindSpaceError(.malformedData,
                                     "too few distinct points for \(k) nearest neighbours: \(distinct.unique.rows) distinct of \(points.rows) rows")
            }
            deduplication = distinct
            table = try ExactNeighbors.search(distinct.unique, k: k)
        }
    }
}
