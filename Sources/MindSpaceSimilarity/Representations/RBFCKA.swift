import Foundation
import MindSpaceCore

/// CKA with Gaussian (RBF) kernels (Kornblith et al. 2019, §3 and the google-research
/// `representation_similarity` notebook's `cka(gram_rbf(x, threshold), gram_rbf(y, threshold))`):
///
///     K_ij = exp(−d²_ij / (2·f²·median(d²))),  CKA = ⟨HKH, HLH⟩_F / (‖HKH‖_F·‖HLH‖_F),
///
/// d²_ij the squared Euclidean distance of rows i and j, the median taken over all N² entries of
/// the distance matrix (diagonal included, as `np.median(sq_distances)`), f = `sigmaFraction`
/// (the reference's `threshold`), H = I − 11ᵀ/N (biased HSIC, as `debiased=False`). Invariant to
/// orthogonal maps, translation and isotropic scaling (the bandwidth scales with the data).
///
/// Departures from the reference, at round-off level: d² comes from the Gram matrix as
/// (‖xᵢ‖² + ‖xⱼ‖²) − 2⟨xᵢ, xⱼ⟩ on centred rows, exactly symmetric, clamped at 0, with an exact 0
/// on the diagonal (the reference keeps round-off there).
///
/// **Cost and memory.** N × N: `prepare` forms the centred kernel (N²·D flops, 8·N² bytes kept,
/// 3.2 GB at N = 20,000); a permutation draw is ⟨K̃, P·L̃·Pᵀ⟩ in O(N²). A resample builds both
/// kernels of its repeated rows afresh (the median changes). `prepare` refuses N > 20,000.
public struct RBFCKA: RepresentationMetric {
    /// The bandwidth as a fraction of the median distance: σ² = f²·median(d²).
    public let sigmaFraction: Double
    /// The most rows accepted: two N × N kernels must fit in memory.
    public static let maximumRows = 20_000

    public init(sigmaFraction: Double) {
        self.sigmaFraction = sigmaFraction
    }

    public var name: RepresentationMetricName { .rbfCKA }

    /// The centred rows, the centred kernel H·K·H (full N × N) and its squared Frobenius norm.
    public struct Prepared: Sendable {
        let rows: CentredRows
        let kernel: [Double]
        let squaredNorm: Double
    }

    public func prepare(_ representation: Matrix<Double>) throws -> Prepared {
        guard sigmaFraction > 0, sigmaFraction.isFinite else {
            throw MindSpaceError.malformed(nil, "rbf-cka needs a bandwidth fraction > 0, got \(sigmaFraction)")
        }
        guard representation.rows <= Self.maximumRows else {
            throw MindSpaceError.malformed(nil, "rbf-cka forms N × N kernels, too large at N = \(representation.rows) (at most \(Self.maximumRows)): use linear-cka or compare a subsample of the rows")
        }
        let rows = try CentredRows(representation, metric: name)
        let kernel = try centredKernel(rows.storage, rows: rows.rows, columns: rows.columns)
        return Prepared(rows: rows, kernel: kernel, squaredNorm: PairedProducts.squaredFrobenius(kernel))
    }

    public func score(_ a: Prepared, _ b: Prepared, pairing: RowPairing) throws -> Double {
        precondition(a.rows.rows == b.rows.rows, "representations of different row counts")
        let value: Double
        if let multiplicity = pairing.multiplicity {
            var aOrder: [Int] = [], bOrder: [Int] = []
            for i in 0..<a.rows.rows {
                for _ in 0..<multiplicity[i] { aOrder.append(i); bOrder.append(pairing.partnerOf(i)) }
            }
            guard aOrder.count >= 2, aOrder.count <= Self.maximumRows else {
                throw MindSpaceError.malformed(nil, "a resample of \(aOrder.count) rows is outside rbf-cka's range 2…\(Self.maximumRows)")
            }
            let k = try centredKernel(Self.gather(a.rows, aOrder), rows: aOrder.count, columns: a.rows.columns)
            let l = try centredKernel(Self.gather(b.rows, bOrder), rows: bOrder.count, columns: b.rows.columns)
            value = PairedProducts.pairedInnerProduct(k, l, n: aOrder.count, partner: nil)
                / (PairedProducts.squaredFrobenius(k) * PairedProducts.squaredFrobenius(l)).squareRoot()
        } else {
            // H·P·L·Pᵀ·H = P·(H·L·H)·Pᵀ: the centred kernel of B's permuted rows is a permutation of B's.
            value = PairedProducts.pairedInnerProduct(a.kernel, b.kernel, n: a.rows.rows, partner: pairing.partner)
                / (a.squaredNorm * b.squaredNorm).squareRoot()
        }
        guard value.isFinite else {
            throw MindSpaceError.malformed(nil, "rbf-cka is undefined for this resample (a constant kernel)")
        }
        return value
    }

    /// The rows `order` of x (repeats allowed), row-major.
    static func gather(_ x: CentredRows, _ order: [Int]) -> [Double] {
        let d = x.columns
        var result = [Double](repeating: 0, count: order.count * d)
        for (r, i) in order.enumerated() { for j in 0..<d { result[r * d + j] = x.storage[i * d + j] } }
        return result
    }

    /// The centred RBF kernel of the rows of z (n × d), as google-research's
    /// `center_gram(gram_rbf(z, f))`: means over columns, less half their mean, taken off rows and
    /// columns.
    func centredKernel(_ z: [Double], rows n: Int, columns d: Int) throws -> [Double] {
        var kernel = PairedProducts.gram(z, rows: n, columns: d)
        let norms = (0..<n).map { kernel[$0 * n + $0] }
        // Squared distances over the upper triangle, for the median.
        var upper = [Double](repeating: 0, count: n * (n - 1) / 2)
        var position = 0
        for i in 0..<n {
            for j in (i + 1)..<n {
                upper[position] = max(0, (norms[i] + norms[j]) - 2 * kernel[i * n + j])
                position += 1
            }
        }
        let median = Self.medianOfFullMatrix(&upper, rows: n)
        guard median > 0 else {
            throw MindSpaceError.malformed(nil, "more than half of the pairs of rows coincide: the median distance is 0 and rbf-cka is undefined")
        }
        let scale = 1 / (2 * sigmaFraction * sigmaFraction * median)
        kernel.withUnsafeMutableBufferPointer { k in
            let target = k
            ParallelLoop.forEachRange(n, ranges: 16) { _, rows in
                for i in rows {
                    for j in 0..<n {
                        let squared = i == j ? 0 : max(0, (norms[i] + norms[j]) - 2 * target[i * n + j])
                        target[i * n + j] = exp(-squared * scale)
                    }
                }
            }
        }
        // Exactly symmetric before centring (the reference requires a symmetric Gram).
        PairedProducts.mirrorUpper(&kernel, n: n)
        var means = [Double](repeating: 0, count: n)
        for i in 0..<n { for j in 0..<n { means[j] += kernel[i * n + j] } }
        for j in 0..<n { means[j] /= Double(n) }
        let half = means.reduce(0, +) / Double(n) / 2
        for j in 0..<n { means[j] -= half }
        for i in 0..<n { for j in 0..<n { kernel[i * n + j] = (kernel[i * n + j] - means[i]) - means[j] } }
        return kernel
    }

    /// The median of the n × n distance matrix whose diagonal is 0 and whose off-diagonal entries
    /// are `upper` (each twice): numpy's median of N² values (the mean of the middle two when N²
    /// is even). `upper` is reordered. Rank p of the full matrix is 0 for p < n (the diagonal
    /// zeros, ≤ every distance), else the ((p − n)/2)-th smallest of `upper`.
    static func medianOfFullMatrix(_ upper: inout [Double], rows n: Int) -> Double {
        let total = n * n
        let high = total / 2, low = total % 2 == 0 ? high - 1 : high
        guard high >= n else { return 0 }
        guard low >= n else { return select(&upper, (high - n) / 2) / 2 }
        let first = (low - n) / 2, second = (high - n) / 2
        let lowValue = select(&upper, first)
        guard second != first else { return lowValue }
        // After selection every entry past `first` is ≥ the selected one: the next is their minimum.
        let highValue = upper[(first + 1)...].min() ?? lowValue
        return (lowValue + highValue) / 2
    }

    /// The k-th smallest (0-based) of `values`, by quickselect (Hoare partition, median-of-three
    /// pivot); afterwards values[..<k] ≤ values[k] ≤ values[(k+1)...].
    static func select(_ values: inout [Double], _ k: Int) -> Double {
        var low = 0, high = values.count - 1
        while low < high {
            let middle = low + (high - low) / 2
            let pivot = max(min(values[low], values[middle]), min(max(values[low], values[middle]), values[high]))
            var i = low, j = high
            while i <= j {
                while values[i] < pivot { i += 1 }
                while values[j] > pivot { j -= 1 }
                if i <= j { values.swapAt(i, j); i += 1; j -= 1 }
            }
            if k <= j { high = j } else if k >= i { low = i } else { break }
        }
        return values[k]
    }
}
