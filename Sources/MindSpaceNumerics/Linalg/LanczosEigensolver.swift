import MindSpaceCore

/// The few algebraically largest eigenpairs of a large symmetric linear operator, by the Lanczos
/// process with full reorthogonalisation (Lanczos 1950; Golub & Van Loan, *Matrix
/// Computations*, 4th ed., §10.1–10.3).
///
/// **Method.** From a unit start vector q₁, the Krylov basis q₁, q₂, … is built by
/// w = A·qⱼ − αⱼqⱼ − βⱼ₋₁qⱼ₋₁ with αⱼ = qⱼ·A·qⱼ and βⱼ = ‖w‖; every new vector is then
/// orthogonalised twice against the whole basis and against the `deflation` vectors (classical
/// Gram–Schmidt, "twice is enough"), so the basis stays orthonormal to round-off and no spurious
/// copies of converged eigenvalues appear. Every `checkInterval` steps the tridiagonal matrix
/// Tⱼ (diagonal α, off-diagonal β) is diagonalised by LAPACK (`dsyevr`); a Ritz pair (θ, Q·s) of
/// A has residual ‖A·Q·s − θ·Q·s‖ = βⱼ·|sⱼ| exactly (in exact arithmetic), and the run stops when
/// the `count` largest Ritz values all have residual ≤ `tolerance`·max(1, |θ|), when βⱼ
/// vanishes (the Krylov space is invariant: the Ritz pairs are exact), or when the basis holds
/// `maximumBasis` vectors (`converged` is then false and the best Ritz pairs are returned).
///
/// **Deflation.** Orthonormal vectors passed as `deflation` are projected out of the start
/// vector and of every basis vector, so the solver finds the largest eigenpairs of A restricted
/// to their orthogonal complement (e.g. the normalised graph Laplacian without its known
/// √degree eigenvector).
///
/// **Cost.** One operator application per step plus 4·n·j flops for the reorthogonalisation of
/// step j; memory n·`maximumBasis` doubles for the basis. Deterministic: the result depends only
/// on the operator, the start vector and the parameters.
package enum LanczosEigensolver {
    /// 1e-8: the default residual tolerance, relative to max(1, |θ|). The error of a converged
    /// Ritz value is at most its residual (and about residual²/gap once the gap to the rest of
    /// the spectrum is resolved), so this gives eigenvalues to ~1e-8 relative at worst, plenty
    /// for layouts; callers that need more pass a smaller one (`ClassicalMDS`).
    package static let defaultResidualTolerance = 1e-8

    /// 1e-12: the new basis vector's norm βⱼ at or below this fraction of max(1, |αⱼ|) means
    /// the Krylov space is invariant (breakdown): what is left after two rounds of
    /// reorthogonalisation is round-off of order ε·‖A‖, and normalising it would add a
    /// direction made of noise. The Ritz pairs are then exact and the run stops.
    package static let breakdownTolerance = 1e-12

    package struct Result {
        /// The `count` largest Ritz values, descending.
        package var values: [Double]
        /// Their unit Ritz vectors, row-major `count`×n (row r belongs to `values[r]`).
        package var vectors: [Double]
        /// Whether every returned pair met the residual tolerance.
        package var converged: Bool
        /// Krylov basis size at the end.
        package var steps: Int
    }

    /// Runs the process; see the type's documentation. `apply(x, y)` must set y = A·x for the
    /// symmetric operator A of size n. `start` (length n) must not lie in the span of the
    /// deflation vectors. Requires 1 ≤ count and count + deflation count ≤ n.
    package static func largest(
        count: Int, dimension n: Int, start: [Double], deflation: [[Double]] = [],
        maximumBasis: Int, tolerance: Double = LanczosEigensolver.defaultResidualTolerance, checkInterval: Int = 10,
        apply: (UnsafeBufferPointer<Double>, UnsafeMutableBufferPointer<Double>) -> Void
    ) throws -> Result {
        precondition(count >= 1 && count + deflation.count <= n && start.count == n)
        let basisLimit = max(count, min(maximumBasis, n - deflation.count))
        var basis = [Double](repeating: 0, count: basisLimit * n)
        var alpha: [Double] = [], beta: [Double] = []
        var w = [Double](repeating: 0, count: n)

        var first = start
        orthogonalise(&first, against: deflation)
        var norm = Self.norm(first)
        guard norm > 0, norm.isFinite else {
            throw MindSpaceError(.malformedData, "the Lanczos start vector lies in the deflated space")
        }
        for i in 0..<n { basis[i] = first[i] / norm }

        var steps = 0
        while true {
            let j = steps
            basis.withUnsafeBufferPointer { q in
                w.withUnsafeMutableBufferPointer { out in
                    apply(UnsafeBufferPointer(rebasing: q[(j * n)..<((j + 1) * n)]), out)
                }
            }
            let a = basis.withUnsafeBufferPointer { q in
                w.withUnsafeBufferPointer { v -> Double in
                    guard let row = q.baseAddress, let vector = v.baseAddress else { return 0 }
                    return dot(row + j * n, vector, n)
                }
            }
            alpha.append(a)
            // Full reorthogonalisation subsumes the three-term recurrence; done twice.
            for _ in 0..<2 {
                orthogonalise(&w, against: deflation)
                basis.withUnsafeBufferPointer { q in
                    w.withUnsafeMutableBufferPointer { out in
                        Self.subtractProjections(onto: q, vectors: j + 1, length: n, from: out)
                    }
                }
            }
            norm = Self.norm(w)
            steps = j + 1
            let invariant = !(norm > Self.breakdownTolerance * max(1, abs(a)))
            let last = invariant || steps == basisLimit
            if last || (steps >= count && steps % checkInterval == 0) {
                let lastBeta = invariant ? 0 : norm
                let (values, coefficients) = try ritzValues(alpha: alpha, beta: beta, count: count)
                let m = alpha.count, wanted = values.count
                var converged = wanted == count
                for column in 0..<wanted {
                    let residual = abs(lastBeta * coefficients[(m - 1) * wanted + column])
                    if residual > tolerance * max(1, abs(values[column])) { converged = false }
                }
                if converged || last {
                    return ritzPairs(values: values, coefficients: coefficients, basis: basis, n: n,
                                     converged: converged)
                }
            }
            beta.append(norm)
            for i in 0..<n { basis[steps * n + i] = w[i] / norm }
        }
    }

    /// The min(count, m) largest eigenvalues of the m×m tridiagonal (alpha, beta), ascending, and
    /// their eigenvectors (row-major m×wanted, column c for value c).
    private static func ritzValues(alpha: [Double], beta: [Double], count: Int) throws -> ([Double], [Double]) {
        let m = alpha.count
        var tridiagonal = [Double](repeating: 0, count: m * m)
        for i in 0..<m {
            tridiagonal[i * m + i] = alpha[i]
            if i + 1 < m { tridiagonal[i * m + i + 1] = beta[i] }
        }
        let wanted = min(count, m)
        return try LAPACK.symmetricEigen(&tridiagonal, n: m, indices: (m - wanted + 1)...m, vectors: true)
    }

    /// The Ritz vectors Q·s of the chosen Ritz values, largest first.
    private static func ritzPairs(values: [Double], coefficients: [Double], basis: [Double], n: Int,
                                  converged: Bool) -> Result {
        let wanted = values.count, m = coefficients.count / max(wanted, 1)
        var resultValues: [Double] = [], resultVectors: [Double] = []
        for rank in 0..<wanted {
            let column = wanted - 1 - rank
            var ritz = [Double](repeating: 0, count: n)
            basis.withUnsafeBufferPointer { q in
                ritz.withUnsafeMutableBufferPointer { target in
                    for i in 0..<m {
                        let weight = coefficients[i * wanted + column]
                        let row = i * n
                        for t in 0..<n { target[t] += weight * q[row + t] }
                    }
                }
            }
            let length = Self.norm(ritz)
            if length > 0 { for t in 0..<n { ritz[t] /= length } }
            resultValues.append(values[column])
            resultVectors.append(contentsOf: ritz)
        }
        return Result(values: resultValues, vectors: resultVectors, converged: converged, steps: m)
    }

    /// w ← w − Σᵢ (qᵢ·w)·qᵢ over the first `vectors` rows of `q` (classical Gram–Schmidt).
    /// Plain loops rather than BLAS: matrix–vector products through `gemm` pay its packing
    /// costs, and threaded BLAS on a busy machine waits for its slowest thread; these loops are
    /// also independent of any BLAS thread setting.
    static func subtractProjections(onto q: UnsafeBufferPointer<Double>, vectors: Int, length n: Int,
                                            from w: UnsafeMutableBufferPointer<Double>) {
        guard let basis = q.baseAddress, let vector = w.baseAddress, vectors > 0, n > 0 else { return }
        var coefficients = [Double](repeating: 0, count: vectors)
        for i in 0..<vectors { coefficients[i] = dot(basis + i * n, UnsafePointer(vector), n) }
        for i in 0..<vectors { axpy(-coefficients[i], basis + i * n, vector, n) }
    }

    /// x·y over n elements, with four independent partial sums (a fixed order: deterministic).
    package static func dot(_ x: UnsafePointer<Double>, _ y: UnsafePointer<Double>, _ n: Int) -> Double {
        var s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0
        var t = 0
        while t + 4 <= n {
            s0 += x[t] * y[t]; s1 += x[t + 1] * y[t + 1]; s2 += x[t + 2] * y[t + 2]; s3 += x[t + 3] * y[t + 3]
            t += 4
        }
        while t < n { s0 += x[t] * y[t]; t += 1 }
        return (s0 + s1) + (s2 + s3)
    }

    /// y ← y + a·x over n elements.
    static func axpy(_ a: Double, _ x: UnsafePointer<Double>, _ y: UnsafeMutablePointer<Double>, _ n: Int) {
        for t in 0..<n { y[t] += a * x[t] }
    }

    private static func orthogonalise(_ w: inout [Double], against vectors: [[Double]]) {
        for v in vectors {
            var sum = 0.0
            for t in 0..<w.count { sum += v[t] * w[t] }
            for t in 0..<w.count { w[t] -= sum * v[t] }
        }
    }

    package static func norm(_ v: [Double]) -> Double {
        var sum = 0.0
        for x in v { sum += x * x }
        return sum.squareRoot()
    }
}
