/// The Gram (dual) route to PCA, for data with more features than points (D > N): the N×N
/// matrix G = Xc·Xcᵀ of the centred data Xc = X − 1·x̄ᵀ has the same nonzero eigenvalues as the
/// D×D scatter Xcᵀ·Xc, and if G·u = λ·u (‖u‖ = 1, λ > 0) then v = Xcᵀ·u / √λ is the unit
/// principal axis with the same eigenvalue (the SVD Xc = U·Σ·Vᵀ read from either side).
///
/// Memory: G (N×N) plus one strip of `blockColumns` columns (N×w doubles); the centred matrix is
/// never formed whole. Cost: N²·D flops (`dsyrk`) for G, 2·K·N·D (`dgemm`) for K axes.
enum CentredGram {
    /// About 8 MB of doubles per strip, between 64 and 4096 columns.
    static func defaultBlockColumns(rows: Int) -> Int {
        min(4096, max(64, (1 << 20) / max(1, rows)))
    }

    /// The upper triangle (row-major N×N) of G = Xc·Xcᵀ, accumulated strip by strip with `dsyrk`
    /// (β = 1) from centred copies of `blockColumns` columns at a time, in `Double`.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    static func gramUpper<Scalar: BinaryFloatingPoint>(
        _ data: UnsafeBufferPointer<Scalar>, rows n: Int, columns d: Int,
        mean: [Double], blockColumns: Int
    ) -> [Double] {
        var gram = [Double](repeating: 0, count: n * n)
        let width = max(1, min(blockColumns, d))
        var strip = [Double](repeating: 0, count: n * width)
        mean.withUnsafeBufferPointer { centre in
            var first = 0
            while first < d {
                let w = min(width, d - first)
                strip.withUnsafeMutableBufferPointer { target in
                    CentredBlocks.copyColumns(data, rows: n, columns: d, firstColumn: first, width: w,
                                              centre: centre, into: target)
                }
                strip.withUnsafeBufferPointer { a in
                    gram.withUnsafeMutableBufferPointer { c in
                        guard let aBase = a.baseAddress, let cBase = c.baseAddress else { return }
                        BLAS.panelledSyrkUpper(transpose: false, n: n, k: w, alpha: 1, a: aBase, lda: w,
                                       beta: 1, c: cBase, ldc: n)
                    }
                }
                first += w
            }
        }
        return gram
    }

    /// The K principal axes (row-major K×D) from the K leading unit eigenvectors of G (`leading`,
    /// row-major K×N, in the order wanted) and their eigenvalues (`values`, same order).
    ///
    /// Each axis is Xcᵀ·u, computed strip by strip with `dgemm`, then divided by its own norm (equal
    /// to √λ in exact arithmetic, but the norm gives a unit vector even after round-off). Axes whose
    /// eigenvalue is at most `zeroThreshold` carry no variance and Xcᵀ·u is round-off noise: they
    /// are replaced by a deterministic orthonormal completion (`completeOrthonormally`), so the
    /// result is always an orthonormal set, as the covariance route's eigenvectors are.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    static func axes<Scalar: BinaryFloatingPoint>(
        _ data: UnsafeBufferPointer<Scalar>, rows n: Int, columns d: Int, mean: [Double],
        leading: [Double], values: [Double], zeroThreshold: Double, blockColumns: Int
    ) -> [Double] {
        let k = values.count
        precondition(leading.count == k * n)
        var axes = [Double](repeating: 0, count: k * d)
        guard k > 0 else { return axes }
        let width = max(1, min(blockColumns, d))
        var strip = [Double](repeating: 0, count: n * width)
        mean.withUnsafeBufferPointer { centre in
            var first = 0
            while first < d {
                let w = min(width, d - first)
                strip.withUnsafeMutableBufferPointer { target in
                    CentredBlocks.copyColumns(data, rows: n, columns: d, firstColumn: first, width: w,
                                              centre: centre, into: target)
                }
                strip.withUnsafeBufferPointer { b in
                    leading.withUnsafeBufferPointer { u in
                        axes.withUnsafeMutableBufferPointer { c in
                            guard let bBase = b.baseAddress, let uBase = u.baseAddress,
                                  let cBase = c.baseAddress else { return }
                            BLAS.gemm(transposeA: false, transposeB: false, m: k, n: w, k: n,
                                      alpha: 1, a: uBase, lda: n, b: bBase, ldb: w,
                                      beta: 0, c: cBase + first, ldc: d)
                        }
                    }
                }
                first += w
            }
        }
        var kept = [Bool](repeating: true, count: k)
        axes.withUnsafeMutableBufferPointer { v in
            for i in 0..<k {
                let row = UnsafeMutableBufferPointer(rebasing: v[(i * d)..<((i + 1) * d)])
                let norm = row.reduce(0) { $0 + $1 * $1 }.squareRoot()
                if values[i] <= zeroThreshold || !(norm > 0) {
                    kept[i] = false
                    continue
                }
                for j in 0..<d { row[j] /= norm }
            }
        }
        completeOrthonormally(&axes, count: k, length: d, kept: kept)
        return axes
    }

    /// Replaces each row i with `kept[i] == false` by a unit vector orthogonal to every kept row
    /// and to the rows replaced before it. Deterministic: the candidate is the standard basis
    /// vector e_j whose component outside the current span is largest (1 − Σ_b b_j², the first j
    /// on ties), orthogonalised twice by classical Gram–Schmidt ("twice is enough", Giraud et al.
    /// 2005) and normalised. Some e_j keeps at least (D − r)/D of its squared length outside an
    /// r-dimensional span, so the choice is well conditioned while r < D (always: r < K ≤ D).
    static func completeOrthonormally(_ rows: inout [Double], count k: Int, length d: Int, kept: [Bool]) {
        var basis = (0..<k).filter { kept[$0] }
        for i in 0..<k where !kept[i] {
            var outside = [Double](repeating: 1, count: d)
            for b in basis {
                for j in 0..<d { outside[j] -= rows[b * d + j] * rows[b * d + j] }
            }
            var best = 0
            for j in 1..<max(1, d) where outside[j] > outside[best] { best = j }
            var candidate = [Double](repeating: 0, count: d)
            candidate[best] = 1
            for _ in 0..<2 {
                for b in basis {
                    var dot = 0.0
                    for j in 0..<d { dot += rows[b * d + j] * candidate[j] }
                    for j in 0..<d { candidate[j] -= dot * rows[b * d + j] }
                }
            }
            let norm = candidate.reduce(0) { $0 + $1 * $1 }.squareRoot()
            for j in 0..<d { rows[i * d + j] = norm > 0 ? candidate[j] / norm : 0 }
            basis.append(i)
        }
    }
}
