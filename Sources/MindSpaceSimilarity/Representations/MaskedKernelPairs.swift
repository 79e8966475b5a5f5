/// The entries of two N × N kernels K and L kept by a neighbour mask: the sparse matrices
/// K̃ = M ∘ K and L̃ = M ∘ L of CKNNA (Huh et al. 2024), where M_ij = 1 when j is among row i's
/// neighbours in **both** neighbour views, and their (weighted) HSIC.
///
/// A view lists, for every row i (in A's row numbering), the rows it keeps and the kernel values
/// to them. M is not symmetric: j may be a neighbour of i without i being one of j's.
struct MaskedKernelPairs: Sendable {
    /// Row i's kept neighbours (A's numbering) and its kernel values to them, `width` per row.
    struct View: Sendable {
        let width: Int
        let indices: [Int]
        let values: [Double]
    }

    let pointCount: Int
    /// CSR layout: the entries of row i are `rowStart[i]..<rowStart[i + 1]`.
    let rowStart: [Int]
    let columns: [Int]
    let first: [Double]
    let second: [Double]

    /// The pairs (i, j) with j in both views' lists of row i, with K_ij from `first` and L_ij
    /// from `second`. O(N·width).
    init(_ firstView: View, _ secondView: View, pointCount n: Int) {
        var rowStart = [0], columns: [Int] = [], first: [Double] = [], second: [Double] = []
        rowStart.reserveCapacity(n + 1)
        var stamp = [Int](repeating: -1, count: n), stampValue = [Double](repeating: 0, count: n)
        for i in 0..<n {
            for slot in 0..<secondView.width {
                let j = secondView.indices[i * secondView.width + slot]
                stamp[j] = i
                stampValue[j] = secondView.values[i * secondView.width + slot]
            }
            for slot in 0..<firstView.width {
                let j = firstView.indices[i * firstView.width + slot]
                guard stamp[j] == i else { continue }
                columns.append(j)
                first.append(firstView.values[i * firstView.width + slot])
                second.append(stampValue[j])
            }
            rowStart.append(columns.count)
        }
        pointCount = n
        self.rowStart = rowStart
        self.columns = columns
        self.first = first
        self.second = second
    }

    /// HSIC(K̃, L̃) of the sample in which row i counts wᵢ times (m = Σ wᵢ), every copy keeping
    /// row i's mask entries (the neighbour lists of the full sample), so each entry (i, j) is
    /// weighted by wᵢ·wⱼ. With S_K = Σ wᵢwⱼK̃ᵢⱼ, S_L likewise, T₁ = tr(K̃L̃) = Σ wᵢwⱼK̃ᵢⱼL̃ⱼᵢ and
    /// T₂ = 1ᵀK̃L̃1 = Σⱼ wⱼ(Σᵢ wᵢK̃ᵢⱼ)(Σₗ wₗL̃ⱼₗ), T₂' = 1ᵀL̃K̃1:
    ///
    /// - unbiased (Song et al. 2012, eq. 5, as platonic-rep's `hsic_unbiased`, which zeroes the
    ///   diagonal: the masks never hold it there):
    ///   [T₁ + S_K·S_L/((m − 1)(m − 2)) − 2·T₂/(m − 2)] / (m(m − 3));
    /// - biased (`hsic_biased`, tr(K̃HL̃H), H = I − 11ᵀ/m): T₁ − (T₂ + T₂')/m + S_K·S_L/m².
    ///
    /// O(nnz·width) for T₁ (the transposed entry is looked up in row j).
    func hsic(weights: [Int]?, unbiased: Bool) -> Double {
        let n = pointCount
        func w(_ i: Int) -> Double { weights.map { Double($0[i]) } ?? 1 }
        var m = 0.0
        for i in 0..<n { m += w(i) }
        var sumK = 0.0, sumL = 0.0, trace = 0.0
        var columnK = [Double](repeating: 0, count: n), rowK = [Double](repeating: 0, count: n)
        var columnL = [Double](repeating: 0, count: n), rowL = [Double](repeating: 0, count: n)
        for i in 0..<n {
            let wi = w(i)
            guard wi > 0 else { continue }
            for e in rowStart[i]..<rowStart[i + 1] {
                let j = columns[e], wj = w(j)
                guard wj > 0 else { continue }
                sumK += wi * wj * first[e]
                sumL += wi * wj * second[e]
                columnK[j] += wi * first[e]
                columnL[j] += wi * second[e]
                rowK[i] += wj * first[e]
                rowL[i] += wj * second[e]
                // L̃ⱼᵢ: the entry (j, i), if the mask holds it.
                for f in rowStart[j]..<rowStart[j + 1] where columns[f] == i {
                    trace += wi * wj * first[e] * second[f]
                }
            }
        }
        var kl = 0.0, lk = 0.0
        for j in 0..<n {
            kl += w(j) * columnK[j] * rowL[j]
            lk += w(j) * columnL[j] * rowK[j]
        }
        if unbiased {
            return (trace + sumK * sumL / ((m - 1) * (m - 2)) - 2 * kl / (m - 2)) / (m * (m - 3))
        }
        return trace - (kl + lk) / m + sumK * sumL / (m * m)
    }
}
