import MindSpaceCore
import MindSpaceNumerics

/// Global PCA intrinsic dimension: one `SpectrumRule` applied to the covariance spectrum of the
/// whole data set (scikit-dimension 0.5.0's `lPCA(ver=…).fit(X)`, which despite its name is
/// global). Linear: it measures the number of directions with substantial variance, not the
/// dimension of a curved manifold (a circle in the plane has two principal directions of equal
/// variance, so FO reads 2), and it depends on the units of each feature.
///
/// **Spectrum.** `PCA` (exact, Double): the sample-covariance eigenvalues (divisor N − 1), all
/// min(N, D) of them, descending. The rule is documented on `SpectrumRule`.
///
/// **Interval.** A seeded bootstrap over points: each resample gives every row a multiplicity
/// cᵢ (Σcᵢ = N, drawn as `Bootstrap` draws them); the spectrum of
/// Σcᵢ(xᵢ − x̄_c)(xᵢ − x̄_c)ᵀ/(N − 1), x̄_c = Σcᵢxᵢ/N, is recomputed (a D×D `dsyrk` + `dsyevr`, or the
/// N×N Gram matrix when N < D) and the rule applied, giving replicates θ*. A resample repeats
/// rows, which spreads the spectrum, so continuous rules are biased in the replicates (the
/// participation ratio of a uniform 10-cube, N = 2500, reads ≈ 0.4 % low, and its plain
/// percentile interval misses the estimate). The interval is therefore the percentile interval
/// **re-centred on the estimate**: [θ̂ − (m* − q*_lo), θ̂ + (q*_hi − m*)], m* the median of the
/// replicates — it shows the sampling spread of the rule, not its bias. For integer rules on
/// well-separated spectra it is often a single value.
///
/// **Duplicates.** Removed by default (a repeated row adds weight to one point; with
/// `--keep-duplicates` it stays, and the spectrum is that of the weighted data).
///
/// **Cost.** O(N·D·min(N, D) + min(N, D)³) for the estimate, and that again per bootstrap
/// resample (200 by default): cheap for D in the tens, about B times a full PCA for wide data;
/// lower `EstimationOptions.bootstrapResamples` (≥ 10) when that matters.
public struct PCADimensionEstimator: DimensionEstimator {
    /// How the spectrum becomes a dimension.
    public let rule: SpectrumRule

    /// Global PCA read by `rule` (default Fukunaga–Olsen, α = 0.05).
    public init(rule: SpectrumRule = SpectrumRule()) {
        self.rule = rule
    }

    /// `pca-fo`, `pca-ratio`, `pca-pr`, `pca-mp`, `pca-maxgap`, `pca-kaiser`, `pca-broken-stick`
    /// or `pca-fan`.
    public var name: String { "pca-\(rule.version.rawValue)" }
    public var parameters: [String: ParameterValue] { rule.parameters }

    /// The estimate and its bootstrap interval. Throws `.usage` for bad settings and
    /// `.malformedData` for fewer than 2 (distinct) points, no columns or a NaN/Inf.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func estimate<Scalar: NeighborScalar>(_ points: Matrix<Scalar>,
                                                 options: EstimationOptions) throws -> DimensionEstimate {
        try options.validate()
        try rule.validate()
        let prepared = try PreparedRows(points, options: options, minimumRows: 2, estimator: name)
        let rows = prepared.rows
        let n = rows.rows, d = rows.columns
        let spectrum = try rows.storage.withUnsafeBufferPointer {
            try PCA(components: 0).fitRows($0, rows: n, columns: d).spectrum.explainedVariance
        }
        let dimension = rule.dimension(eigenvalues: spectrum, sampleCount: n, featureCount: d)

        var diagnostics: [String: ParameterValue] = ["points_used": .int(n), "largest_eigenvalue": .double(spectrum[0])]
        let interval = try options.confidenceInterval(estimator: name) { bootstrap in
            let data = rows.storage.map { Double($0) }
            let replicates = try bootstrap.sortedReplicates(itemCount: n) { counts in
                let values = try Self.weightedSpectrum(data, rows: n, columns: d, counts: counts)
                return rule.dimension(eigenvalues: values, sampleCount: n, featureCount: d)
            }
            var low = dimension, high = dimension
            if !replicates.isEmpty {
                let median = Bootstrap.interpolatedQuantile(replicates, 0.5)
                low = dimension - (median - Bootstrap.interpolatedQuantile(replicates, (1 - bootstrap.level) / 2))
                high = dimension + (Bootstrap.interpolatedQuantile(replicates, (1 + bootstrap.level) / 2) - median)
            }
            diagnostics["bootstrap_finite_replicates"] = .int(replicates.count)
            return ConfidenceInterval(
                low: low, high: high, level: bootstrap.level, method: .bootstrap,
                detail: bootstrap.detail("bootstrap over points (spectrum recomputed per resample), percentile interval re-centred on the estimate"))
        }
        let result = DimensionEstimate(
            estimator: name, dimension: dimension, ci: interval, pointwise: nil, parameters: parameters,
            diagnostics: diagnostics, notes: [])
        return prepared.annotated(result)
    }

    /// The descending eigenvalues (min(N, D) of them) of the covariance of `data` (N×D,
    /// row-major) with row i counted `counts[i]` times, divisor N − 1.
    static func weightedSpectrum(_ data: [Double], rows n: Int, columns d: Int,
                                 counts: UnsafeBufferPointer<Int>) throws -> [Double] {
        var mean = [Double](repeating: 0, count: d)
        for row in 0..<n where counts[row] > 0 {
            let weight = Double(counts[row])
            for column in 0..<d { mean[column] += weight * data[row * d + column] }
        }
        for column in 0..<d { mean[column] /= Double(n) }
        // Rows √cᵢ·(xᵢ − x̄_c) of the drawn points; their scatter is the weighted scatter.
        var scaled: [Double] = []
        var drawn = 0
        scaled.reserveCapacity(n * d)
        for row in 0..<n where counts[row] > 0 {
            let factor = Double(counts[row]).squareRoot()
            for column in 0..<d { scaled.append(factor * (data[row * d + column] - mean[column])) }
            drawn += 1
        }
        let size = min(n, d)
        let useGram = d > n
        let order = useGram ? drawn : d
        var matrix = [Double](repeating: 0, count: order * order)
        scaled.withUnsafeBufferPointer { a in
            matrix.withUnsafeMutableBufferPointer { c in
                guard let aBase = a.baseAddress, let cBase = c.baseAddress else { return }
                BLAS.syrkUpper(transpose: !useGram, n: order, k: useGram ? d : drawn, alpha: 1 / Double(n - 1),
                               a: aBase, lda: d, beta: 0, c: cBase, ldc: order)
            }
        }
        var values = Array(try LAPACK.symmetricEigen(&matrix, n: order, vectors: false).values.reversed())
        // The Gram route over the drawn rows has `drawn` ≤ N eigenvalues; the rest are 0.
        if values.count < size { values += [Double](repeating: 0, count: size - values.count) }
        return Array(values.prefix(size))
    }
}
