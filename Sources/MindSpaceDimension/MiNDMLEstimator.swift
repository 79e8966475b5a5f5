import MindSpaceCore
import MindSpaceNumerics

/// MiND_ML: maximum-likelihood intrinsic dimension from the ratio of each point's nearest to
/// its (k+1)-th neighbour distance (Rozza, Lombardi, Ceruti, Casiraghi & Campadelli 2012, "Novel
/// high intrinsic dimensionality estimators", Machine Learning 89:37), as scikit-dimension
/// 0.5.0's `MiND_ML(k=20, ver="MLk"|"MLi")`.
///
/// **Model and formula.** ρᵢ = r₁/r_{k+1} has density k·d·ρ^(d−1)(1 − ρ^d)^(k−1) when the k + 1
/// neighbours are uniform in a d-ball; the log-likelihood ℓ(d) of the N ratios is strictly
/// concave (`MiNDLikelihood`).
/// - `.continuous` (`mind-mlk`, default): the maximiser of ℓ on (0, D], solved to machine
///   precision (safeguarded Newton). scikit-dimension runs L-BFGS-B from the integer answer;
///   it stops within ~1e-8 relative of the same point.
/// - `.integer` (`mind-mli`): the integer d ∈ {1, …, D} with the largest ℓ(d).
///
/// D = `maximumDimension`, **by default the number of columns** (the paper's search range).
/// scikit-dimension fixes D = 10 whatever the data, so on data with more than 10 columns its
/// default can only answer ≤ 10; pass `maximumDimension: 10` to reproduce it.
///
/// **Interval.** A seeded percentile bootstrap over points: each resample reweights the ρᵢ and
/// re-maximises ℓ (neighbour graph fixed; neighbouring points share neighbours, so the interval
/// is somewhat optimistic).
///
/// **Known biases.** Like every nearest-neighbour estimator it reads low on bounded or curved
/// data in high dimension (boundary points) and high under noise; the answer is capped at D.
///
/// **Duplicates.** Removed by default. With duplicates kept, points with r₁ = 0 (and points with
/// k + 1 equidistant neighbours, ρ = 1) have zero likelihood under the model and are dropped,
/// counted in `diagnostics["undefined_ratio_points_dropped"]`.
///
/// **Cost.** One exact (k+1)-NN search; then O(N) per likelihood evaluation (≈ 10 Newton steps,
/// or D evaluations for `.integer`), per bootstrap resample too.
public struct MiNDMLEstimator: DimensionEstimator {
    /// Continuous or integer maximisation.
    public enum Version: String, Sendable, Codable {
        /// Maximiser on (0, D] (MiND_MLk).
        case continuous = "mlk"
        /// Best integer in 1…D (MiND_MLi).
        case integer = "mli"
    }

    /// k: ρ uses the (k+1)-th neighbour (k ≥ 1; default 20).
    public let k: Int
    /// The largest dimension considered; `nil` for the number of columns.
    public let maximumDimension: Int?
    /// Continuous (default) or integer.
    public let version: Version

    /// MiND_ML with `k` (default 20), bound `maximumDimension` (default: the number of columns)
    /// and `version` (default `.continuous`).
    public init(k: Int = 20, maximumDimension: Int? = nil, version: Version = .continuous) {
        self.k = k
        self.maximumDimension = maximumDimension
        self.version = version
    }

    /// `mind-mlk` or `mind-mli`.
    public var name: String { "mind-\(version.rawValue)" }
    /// Neighbours per point: k + 1.
    public var neighborCount: Int { k + 1 }
    public var parameters: [String: ParameterValue] {
        var result: [String: ParameterValue] = ["k": .int(k), "version": .string(version.rawValue)]
        result["max_dimension"] = maximumDimension.map { .int($0) } ?? .string("columns")
        return result
    }

    /// Removes duplicates (unless kept), searches k + 1 neighbours and estimates. Throws
    /// `.malformedData` for fewer than k + 2 (distinct) points or a NaN/Inf.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func estimate<Scalar: NeighborScalar>(_ points: Matrix<Scalar>,
                                                 options: EstimationOptions) throws -> DimensionEstimate {
        try validate(options)
        let prepared = try PreparedRows(points, options: options, minimumRows: k + 2, estimator: name)
        let table = try ExactNeighbors.search(prepared.rows, k: k + 1)
        return prepared.annotated(try estimate(neighbors: table, points: prepared.rows, options: options))
    }

    /// The estimate from a neighbour table (≥ k + 1 neighbours per point) of `points` (whose
    /// column count is the default bound).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func estimate<Scalar: NeighborScalar>(neighbors: NeighborTable<Scalar>, points: Matrix<Scalar>,
                                                 options: EstimationOptions) throws -> DimensionEstimate {
        try validate(options)
        precondition(neighbors.pointCount == points.rows && neighbors.k >= k + 1, "neighbour table does not fit the points")
        let bound = maximumDimension ?? points.columns
        let (logRatios, dropped) = MiNDLikelihood.logRatios(neighbors, k: k)
        guard logRatios.count >= 2 else {
            throw MindSpaceError(.malformedData,
                                 "\(name): too few points with 0 < r1/r\(k + 1) < 1: \(logRatios.count) of \(neighbors.pointCount)")
        }
        let likelihood = MiNDLikelihood(logRatios: logRatios, k: k)
        func solve(_ counts: UnsafeBufferPointer<Int>?) -> Double {
            switch version {
            case .continuous: return likelihood.maximizer(upTo: Double(bound), counts: counts)
            case .integer: return Double(likelihood.integerMaximizer(upTo: bound, counts: counts))
            }
        }
        let dimension = solve(nil)
        var parameters = self.parameters
        parameters["max_dimension"] = .int(bound)
        var diagnostics: [String: ParameterValue] = ["points_used": .int(logRatios.count)]
        var notes: [String] = []
        if dropped > 0 {
            diagnostics["undefined_ratio_points_dropped"] = .int(dropped)
            notes.append("\(dropped) points dropped: nearest-neighbour distance 0 (a duplicate) or \(k + 1) equidistant neighbours")
        }
        if dimension >= Double(bound) {
            notes.append("the estimate reached the upper bound \(bound); the true maximum of the likelihood may lie above it")
        }
        let interval = options.percentileBootstrapInterval(estimator: name, around: dimension, itemCount: logRatios.count,
                                                           diagnostics: &diagnostics) { solve($0) }
        return DimensionEstimate(estimator: name, dimension: dimension, ci: interval, pointwise: nil,
                                 parameters: parameters, diagnostics: diagnostics, notes: notes)
    }

    private func validate(_ options: EstimationOptions) throws {
        try options.validate()
        guard k >= 1 else { throw MindSpaceError(.usage, "\(name): k must be at least 1, got \(k)") }
        if let maximumDimension, maximumDimension < 1 {
            throw MindSpaceError(.usage, "\(name): the maximum dimension must be at least 1, got \(maximumDimension)")
        }
    }
}
