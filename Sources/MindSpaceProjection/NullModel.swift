import MindSpaceCore

/// The "sphere" counterpart of a data set: the same N points in the same D dimensions with the
/// same spread, but no manifold. It is the picture of what the data would look like if they
/// filled their space, the null hypothesis the manifold view is contrasted with.
///
/// - `permutedColumns` (default): every feature column shuffled independently (seeded
///   Fisher–Yates). Keeps each feature's marginal distribution exactly (so every per-feature
///   statistic, the mean and the total variance are unchanged) and destroys the joint structure:
///   correlations vanish in expectation and the intrinsic dimension rises to what N allows in D
///   dimensions. The most conservative null: only the dependence between features is removed.
/// - `gaussian`: isotropic N(x̄, σ²·I) with σ² = total variance / D: same mean and total variance.
/// - `ball`: uniform in the D-ball around x̄ whose total variance matches the data's
///   (for a uniform ball of radius R, E‖x − x̄‖² = R²·D/(D + 2), so R = √(TV·(D + 2)/D)).
///
/// Edge cases: a constant column stays constant under `permutedColumns` (it has no spread to
/// move); zero total variance gives N copies of the mean for `gaussian` and `ball`.
public enum NullModel: String, CaseIterable, Codable, Sendable {
    case permutedColumns = "permute"
    case gaussian
    case ball

    /// A one-line description for reports and figure footers.
    public var summary: String {
        switch self {
        case .permutedColumns: return "each feature column shuffled independently (marginals kept, joint structure removed)"
        case .gaussian: return "isotropic Gaussian with the data's mean and total variance"
        case .ball: return "uniform ball with the data's mean and total variance"
        }
    }

    /// The null sample for `points`, in `Double`, drawn from `generator`.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func sample<Scalar: BinaryFloatingPoint & Sendable>(like points: Matrix<Scalar>,
                                                              generator: inout SeededGenerator) -> Matrix<Double> {
        let n = points.rows, d = points.columns
        var result = Matrix<Double>(rows: n, columns: d)
        guard n > 0 && d > 0 else { return result }
        switch self {
        case .permutedColumns:
            var column = [Double](repeating: 0, count: n)
            for j in 0..<d {
                for i in 0..<n { column[i] = Double(points[i, j]) }
                generator.shuffle(&column)
                for i in 0..<n { result[i, j] = column[i] }
            }
        case .gaussian, .ball:
            let (mean, totalVariance) = Self.meanAndTotalVariance(points)
            if self == .gaussian {
                let sigma = (totalVariance / Double(d)).squareRoot()
                for i in 0..<n { for j in 0..<d { result[i, j] = mean[j] + sigma * generator.nextGaussian() } }
            } else {
                let radius = (totalVariance * Double(d + 2) / Double(d)).squareRoot()
                var direction = [Double](repeating: 0, count: d)
                for i in 0..<n {
                    var norm = 0.0
                    repeat {
                        norm = 0
                        for j in 0..<d { direction[j] = generator.nextGaussian(); norm += direction[j] * direction[j] }
                    } while norm == 0
                    // Radius U^(1/D)·R makes the density uniform in the ball.
                    let r = radius * pow(generator.nextUnitDouble(), 1 / Double(d)) / norm.squareRoot()
                    for j in 0..<d { result[i, j] = mean[j] + r * direction[j] }
                }
            }
        }
        return result
    }

    /// Column means and Σⱼ var(column j) (divisor N − 1, as PCA's total variance).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    static func meanAndTotalVariance<Scalar: BinaryFloatingPoint & Sendable>(_ points: Matrix<Scalar>) -> ([Double], Double) {
        let n = points.rows, d = points.columns
        var mean = [Double](repeating: 0, count: d)
        for i in 0..<n { for j in 0..<d { mean[j] += Double(points[i, j]) } }
        for j in 0..<d { mean[j] /= Double(n) }
        var total = 0.0
        for i in 0..<n { for j in 0..<d { let deviation = Double(points[i, j]) - mean[j]; total += deviation * deviation } }
        return (mean, n > 1 ? total / Double(n - 1) : 0)
    }
}

