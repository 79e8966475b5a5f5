import Foundation
import MindSpaceCore
import MindSpaceNumerics

/// Local PCA intrinsic dimension: the PCA spectrum of each point's k-neighbourhood, read by a
/// `SpectrumRule`, averaged over points (Fukunaga & Olsen 1971, "An algorithm for finding
/// intrinsic dimensionality of data", IEEE Trans. Comput. C-20:176; Bruske & Sommer 1998;
/// Little, Maggioni & Rosasco 2017 for the multiscale view). This is scikit-dimension 0.5.0's
/// `lPCA(ver=…).fit_pw(X, n_neighbors=k)` followed by the mean of `dimension_pw_` (the pooling
/// of its `LocalEstimator`s, `comb="mean"`).
///
/// **Local estimate.** For point i, the k nearest *other* points (the point itself is not in its
/// neighbourhood, as in scikit-dimension) are centred on their own mean and the sample
/// covariance C = XcᵀXc/(k − 1) is eigen-decomposed (`dsyevr`): D×D when D ≤ k, otherwise the
/// k×k Gram matrix Xc·Xcᵀ/(k − 1), which has the same nonzero eigenvalues (min(k, D) values,
/// as `sklearn.decomposition.PCA().explained_variance_`). The rule (`rule`, default
/// Fukunaga–Olsen with α = 0.05) turns the spectrum into the local value (`pointwise`).
/// **Global estimate:** the mean of the local values; the interval is a seeded percentile
/// bootstrap over points of that mean (`Bootstrap`), holding the neighbourhoods fixed.
///
/// **Known biases.** k sets the scale: too small and noise or sampling fluctuations count as
/// dimensions (and at most k − 1 eigenvalues are nonzero), too large and curvature adds
/// dimensions; with k = 100 the patch of a d-manifold must be nearly flat. Threshold rules are
/// integer-valued per point and sensitive to anisotropic sampling; FO undercounts when some
/// directions are much shorter than others within the patch (boundaries of a cube). The
/// Marchenko–Pastur rule assumes a low-rank signal plus i.i.d. noise (see `SpectrumRule`).
///
/// **Duplicates.** Removed by default. With duplicates kept, copies enter neighbourhoods as
/// extra points (weighting the spectrum); a neighbourhood of identical points has a zero
/// spectrum and local value 0.
///
/// **Cost.** One exact k-NN search, then per point O(k·D·min(k, D)) for the covariance or Gram
/// matrix and O(min(k, D)³) for its eigenvalues; points run in parallel (`ParallelLoop.threadLimit` threads).
public struct LocalPCAEstimator: DimensionEstimator {
    /// Neighbourhood size k (≥ 2; default 100, scikit-dimension's `fit_pw` default).
    public let k: Int
    /// How a local spectrum becomes a dimension.
    public let rule: SpectrumRule

    /// Local PCA over `k` neighbours (default 100) read by `rule` (default Fukunaga–Olsen).
    public init(k: Int = 100, rule: SpectrumRule = SpectrumRule()) {
        self.k = k
        self.rule = rule
    }

    /// `lpca-fo`, `lpca-ratio`, `lpca-pr`, `lpca-mp`, `lpca-maxgap`, `lpca-kaiser`,
    /// `lpca-broken-stick` or `lpca-fan`.
    public var name: String { "lpca-\(rule.version.rawValue)" }
    /// Neighbours per point.
    public var neighborCount: Int { k }
    public var parameters: [String: ParameterValue] {
        rule.parameters.merging(["k": .int(k)]) { $1 }
    }

    /// Removes duplicates (unless `options.duplicates == .keep`), searches k neighbours and
    /// estimates. Throws `.malformedData` for fewer than k + 1 (distinct) points or a NaN/Inf.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func estimate<Scalar: NeighborScalar>(_ points: Matrix<Scalar>,
                                                 options: EstimationOptions) throws -> DimensionEstimate {
        try validate(options)
        let prepared = try PreparedRows(points, options: options, minimumRows: k + 1, estimator: name)
        let table = try ExactNeighbors.search(prepared.rows, k: k)
        return prepared.annotated(try estimate(neighbors: table, points: prepared.rows, options: options))
    }

    /// The estimate from `points` (the rows used) and their neighbour table (at least k
    /// neighbours per row; the first k are used). No duplicate handling here.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func estimate<Scalar: NeighborScalar>(neighbors: NeighborTable<Scalar>, points: Matrix<Scalar>,
                                                 options: EstimationOptions) throws -> DimensionEstimate {
        try validate(options)
        precondition(neighbors.pointCount == points.rows && neighbors.k >= k, "neighbour table does not fit the points")
        let spectra = try Self.localSpectra(points: points, neighbors: neighbors, k: k)
        let local = spectra.map { rule.dimension(eigenvalues: $0, sampleCount: k, featureCount: points.columns) }
        return try LocalMeanSummary.estimate(estimator: name, local: local, parameters: parameters, options: options,
                                             undefinedReason: "non-finite local spectrum")
    }

    private func validate(_ options: EstimationOptions) throws {
        try options.validate()
        try rule.validate()
        guard k >= 2 else { throw MindSpaceError(.usage, "\(name): k must be at least 2, got \(k)") }
    }

    /// The descending covariance eigenvalues (divisor k − 1; min(k, D) of them) of each point's
    /// first `k` neighbours, computed in Double.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    static func localSpectra<Scalar: NeighborScalar>(points: Matrix<Scalar>, neighbors: NeighborTable<Scalar>,
                                                     k: Int) throws -> [[Double]] {
        let n = points.rows
        var spectra = [[Double]](repeating: [], count: n)
        let workers = max(1, min(ParallelLoop.threadLimit, n))
        let failure = ConcurrentFirstError()
        spectra.withUnsafeMutableBufferPointer { output in
            let results = output
            ParallelLoop.forEach(workers) { worker in
                var patch = LocalPatch(k: k, columns: points.columns)
                for point in stride(from: worker, to: n, by: workers) {
                    do {
                        results[point] = try patch.spectrum(of: point, points: points, neighbors: neighbors)
                    } catch {
                        failure.record(error)
                        return
                    }
                }
            }
        }
        if let error = failure.error { throw error }
        return spectra
    }
}

/// Per-thread scratch for one neighbourhood's covariance spectrum.
struct LocalPatch {
    let k: Int
    let columns: Int
    private var centred: [Double]

    init(k: Int, columns: Int) {
        self.k = k
        self.columns = columns
        centred = [Double](repeating: 0, count: k * columns)
    }

    /// The descending eigenvalues of the covariance (divisor k − 1) of `point`'s first k
    /// neighbours: D×D covariance when D ≤ k, else the k×k Gram matrix.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    mutating func spectrum<Scalar: NeighborScalar>(of point: Int, points: Matrix<Scalar>,
                                                   neighbors: NeighborTable<Scalar>) throws -> [Double] {
        let d = columns, k = self.k
        points.storage.withUnsafeBufferPointer { rows in
            centred.withUnsafeMutableBufferPointer { patch in
                NeighborhoodPatch.gatherCentred(rows, columns: d, neighbors: neighbors, point: point, k: k, into: patch)
            }
        }
        let size = min(k, d)
        var matrix = [Double](repeating: 0, count: size * size)
        centred.withUnsafeBufferPointer { a in
            matrix.withUnsafeMutableBufferPointer { c in
                guard let aBase = a.baseAddress, let cBase = c.baseAddress else { return }
                if d <= k {   // covariance: (Xcᵀ Xc), A is k×D
                    BLAS.syrkUpper(transpose: true, n: d, k: k, alpha: 1 / Double(k - 1), a: aBase, lda: d,
                                   beta: 0, c: cBase, ldc: d)
                } else {      // Gram: (Xc Xcᵀ), A is k×D
                    BLAS.syrkUpper(transpose: false, n: k, k: d, alpha: 1 / Double(k - 1), a: aBase, lda: d,
                                   beta: 0, c: cBase, ldc: k)
                }
            }
        }
        let values = try LAPACK.symmetricEigen(&matrix, n: size, vectors: false).values
        return values.reversed()
    }
}
