/// The interpolating B-spline of degree 1, 2 or 3 through (xᵢ, yᵢ) with SciPy's "not-a-knot"
/// knot vector (`scipy.interpolate.make_interp_spline(x, y, k)`, which `interp1d(kind=
/// "linear"|"quadratic"|"cubic")` uses): interior knots x₂…x_{n−3} for cubic (the first and
/// last interior data points are not knots), the midpoints between data points except the
/// first and last for quadratic, every interior data point for linear; end knots repeated
/// k + 1 times. The n coefficients solve the collocation system Σⱼ cⱼ·Bⱼ(xᵢ) = yᵢ (dense
/// Gaussian elimination with partial pivoting, O(n³); n is DANCo's maximum dimension).
///
/// Used by `DANCoEstimator` to place the minimum of its KL-divergence curve between integers.
package struct InterpolatingSpline {
    /// The degree k.
    let degree: Int
    /// Knots t (n + k + 1 values, non-decreasing).
    let knots: [Double]
    /// B-spline coefficients (n values).
    let coefficients: [Double]

    /// 1e-13: a quadratic A s² + B s + C whose |A| is at most this fraction of its largest
    /// coefficient is solved as linear. Its coefficients come from differences of four spline
    /// values (round-off ~10·ε of the largest), so an |A| this small is round-off, and dividing
    /// by it would place a spurious root far outside [0, 1].
    static let negligibleQuadraticFraction = 1e-13

    /// The spline through `y` at ascending `x` (n ≥ degree + 1 points).
    package init(x: [Double], y: [Double], degree: Int) {
        precondition(x.count == y.count && (1...3).contains(degree) && x.count >= degree + 1, "bad spline data")
        let n = x.count
        self.degree = degree
        var interior: [Double]
        if degree % 2 == 1 {
            let skip = (degree + 1) / 2
            interior = Array(x.dropFirst(skip).dropLast(skip))
        } else {
            let midpoints = (0..<(n - 1)).map { (x[$0] + x[$0 + 1]) / 2 }
            interior = Array(midpoints.dropFirst(degree / 2).dropLast(degree / 2))
        }
        let ends = degree + 1
        knots = [Double](repeating: x[0], count: ends) + interior + [Double](repeating: x[n - 1], count: ends)
        // Collocation matrix A[i][j] = B_j(x_i).
        var matrix = [Double](repeating: 0, count: n * n)
        let provisional = InterpolatingSpline(degree: degree, knots: knots, coefficients: [Double](repeating: 0, count: n))
        for i in 0..<n {
            let (first, values) = provisional.basis(at: x[i])
            for (offset, value) in values.enumerated() { matrix[i * n + first + offset] = value }
        }
        coefficients = Self.solve(matrix, y, size: n)
    }

    private init(degree: Int, knots: [Double], coefficients: [Double]) {
        self.degree = degree
        self.knots = knots
        self.coefficients = coefficients
    }

    /// S(x) for x within [x₁, xₙ] (values outside are extrapolated from the end pieces).
    func value(at x: Double) -> Double {
        let (first, values) = basis(at: x)
        var sum = 0.0
        for (offset, value) in values.enumerated() { sum += coefficients[first + offset] * value }
        return sum
    }

    /// The k + 1 B-splines that may be nonzero at x, B_first…B_{first+k}, by the Cox–de Boor
    /// recursion on the knot interval containing x (the last interval is closed on the right).
    private func basis(at x: Double) -> (first: Int, values: [Double]) {
        let k = degree, count = coefficients.count
        var interval = k     // t[interval] ≤ x < t[interval + 1], k ≤ interval ≤ count − 1
        while interval < count - 1 && knots[interval + 1] <= x { interval += 1 }
        var values = [Double](repeating: 0, count: k + 1)
        values[0] = 1
        var left = [Double](repeating: 0, count: k + 1), right = [Double](repeating: 0, count: k + 1)
        for j in 1...k {
            left[j] = x - knots[interval + 1 - j]
            right[j] = knots[interval + j] - x
            var saved = 0.0
            for r in 0..<j {
                let term = values[r] / (right[r + 1] + left[j - r])
                values[r] = saved + right[r + 1] * term
                saved = left[j - r] * term
            }
            values[j] = saved
        }
        return (interval - k, values)
    }

    /// x in [low, high] minimising S: the interval is cut at every multiple of ½ (so each piece
    /// is one polynomial of degree ≤ 3, whatever the degree and knot placement above), each
    /// piece's cubic is recovered from four values (Newton divided differences), and the
    /// candidates — piece ends and the roots of the derivative inside — are compared by S.
    /// The smallest x wins a tie.
    package func minimum(in low: Double, _ high: Double) -> Double {
        precondition(low <= high)
        var cuts = [low]
        var mark = (low * 2).rounded(.down) / 2 + 0.5
        while mark < high { cuts.append(mark); mark += 0.5 }
        cuts.append(high)
        var best = (value: value(at: low), x: low)
        func consider(_ x: Double) {
            let candidate = value(at: x)
            if candidate < best.value || (candidate == best.value && x < best.x) { best = (candidate, x) }
        }
        for piece in 0..<(cuts.count - 1) {
            let a = cuts[piece], b = cuts[piece + 1]
            guard b > a else { continue }
            consider(b)
            // p(s) = S(a + s·h), s ∈ [0, 1], sampled at s = 0, ⅓, ⅔, 1; p = c0 + c1 s + c2 s² + c3 s³.
            let h = b - a
            let f = (0...3).map { value(at: a + h * Double($0) / 3) }
            let c3 = 4.5 * (f[3] - 3 * f[2] + 3 * f[1] - f[0])
            let c2 = 9 * (f[0] - 2.5 * f[1] + 2 * f[2] - 0.5 * f[3])
            let c1 = f[3] - f[0] - c2 - c3
            // p′(s) = c1 + 2 c2 s + 3 c3 s².
            for s in Self.quadraticRoots(3 * c3, 2 * c2, c1) where s > 0 && s < 1 { consider(a + h * s) }
        }
        return best.x
    }

    /// Real roots of A s² + B s + C (linear when A is negligible), computed stably.
    private static func quadraticRoots(_ a: Double, _ b: Double, _ c: Double) -> [Double] {
        let scale = max(abs(a), abs(b), abs(c))
        guard scale > 0 else { return [] }
        if abs(a) <= negligibleQuadraticFraction * scale {
            return abs(b) > 0 ? [-c / b] : []
        }
        let discriminant = b * b - 4 * a * c
        guard discriminant >= 0 else { return [] }
        let q = -0.5 * (b + (b >= 0 ? 1 : -1) * discriminant.squareRoot())
        return q == 0 ? [0] : [q / a, c / q]
    }

    /// Solves A·c = y (A row-major n×n) by Gaussian elimination with partial pivoting.
    private static func solve(_ matrix: [Double], _ y: [Double], size n: Int) -> [Double] {
        var a = matrix, b = y
        for column in 0..<n {
            var pivot = column
            for row in (column + 1)..<max(column + 1, n) where abs(a[row * n + column]) > abs(a[pivot * n + column]) {
                pivot = row
            }
            if pivot != column {
                for j in 0..<n { a.swapAt(column * n + j, pivot * n + j) }
                b.swapAt(column, pivot)
            }
            let diagonal = a[column * n + column]
            guard diagonal != 0 else { continue }   // cannot happen for distinct x (Schoenberg–Whitney)
            for row in (column + 1)..<max(column + 1, n) {
                let factor = a[row * n + column] / diagonal
                if factor == 0 { continue }
                for j in column..<n { a[row * n + j] -= factor * a[column * n + j] }
                b[row] -= factor * b[column]
            }
        }
        var solution = [Double](repeating: 0, count: n)
        for row in stride(from: n - 1, through: 0, by: -1) {
            var sum = b[row]
            for j in (row + 1)..<max(row + 1, n) { sum -= a[row * n + j] * solution[j] }
            solution[row] = sum / a[row * n + row]
        }
        return solution
    }
}
