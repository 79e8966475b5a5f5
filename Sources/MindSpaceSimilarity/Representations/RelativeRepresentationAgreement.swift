import MindSpaceCore
import MindSpaceNumerics

/// Agreement of relative representations (Moschella, Maiorca, Fumero, Norelli, Locatello &
/// Rodolà 2023, "Relative representations enable zero-shot latent space communication", ICLR):
/// each input is described by its cosine similarities to K anchor inputs, and two
/// representations agree when those descriptions do.
///
/// For anchor rows 𝒜 = (a₁, …, a_K) (the same inputs in both representations), row i of X has
/// the relative vector rˣᵢ = (cos(xᵢ, x_{a₁}), …, cos(xᵢ, x_{a_K})) (eq. 1 of the paper, with
/// cosine similarity), and
///
///     agreement = (1/N) Σᵢ cos(rᴬᵢ, rᴮᵢ),
///
/// the paper's measure of how similar two latent spaces are (its Fig. 2 and §4.1 use the mean
/// cosine of relative vectors). It is 1 when B is a rotation or positive scaling of A (cosines
/// are invariant), and can fall below 0. The mean runs over all N rows, anchors included: an
/// anchor's relative vector holds its cosine 1 to itself in both representations, which adds a
/// little agreement (≤ K/N of the rows); excluding them would leave no rows to compare under
/// some shuffles. The rows are not centred (the paper does not centre).
///
/// **Anchors.** Given rows, or K distinct rows drawn from 0..<N by a partial Fisher–Yates
/// shuffle with `SeededGenerator(seed:)` (fixed by seed and N, so both representations draw the
/// same inputs), kept in ascending order (the order of the anchors does not change any cosine).
///
/// **Pairings.** `prepare` computes the N × K relative vectors once (one N·K·D product) and
/// scales them to unit length. The anchors are inputs, not rows to be shuffled: under the
/// permutation null B's relative vectors are computed against B's own anchor rows, and then row
/// i of A is set against the relative vector of row π(i) of B, so the null asks whether the
/// agreement depends on knowing which input is which. Bootstrap multiplicities weight the
/// per-row cosines (Σ wᵢ·cos(rᴬᵢ, rᴮ_π(i)) / Σ wᵢ) with the anchors fixed. O(N·K) per score.
///
/// Edge cases: 1 ≤ K ≤ N − 1; given anchors must be distinct and in 0..<N; a zero row, or a row
/// orthogonal to every anchor (a zero relative vector), is refused.
public struct RelativeRepresentationAgreement: RepresentationMetric {
    /// K, when the anchors are drawn.
    public let anchorCount: Int
    /// The anchors, when given (0-based rows); `anchorCount` is then ignored.
    public let anchorRows: [Int]?
    /// The seed of the anchor draw.
    public let seed: UInt64

    public init(anchorCount: Int, anchorRows: [Int]?, seed: UInt64) {
        self.anchorCount = anchorCount
        self.anchorRows = anchorRows
        self.seed = seed
    }

    public var name: RepresentationMetricName { .relative }

    /// The unit-length relative vectors of one representation and the anchors they refer to.
    public struct Prepared: Sendable, Equatable {
        /// The anchor rows, ascending.
        public let anchors: [Int]
        let pointCount: Int
        /// Row-major N × K unit relative vectors.
        let vectors: [Double]
    }

    /// The anchors for N rows: the given ones (checked) or a seeded draw of `anchorCount`.
    /// - Throws: `MindSpaceError.malformed(nil, …)` for K < 1, K ≥ N, a row out of range or a
    ///   repeated row.
    public func anchors(pointCount n: Int) throws -> [Int] {
        if let anchorRows {
            guard !anchorRows.isEmpty, anchorRows.count < n else {
                throw MindSpaceError.malformed(nil, "relative: \(anchorRows.count) anchors given for \(n) rows; need 1 to \(n - 1)")
            }
            if let bad = anchorRows.first(where: { $0 < 0 || $0 >= n }) {
                throw MindSpaceError.malformed(nil, "relative: anchor row \(bad) is outside 0..<\(n)")
            }
            let sorted = anchorRows.sorted()
            for (previous, next) in zip(sorted, sorted.dropFirst()) where previous == next {
                throw MindSpaceError.malformed(nil, "relative: anchor row \(next) is given twice")
            }
            return sorted
        }
        guard anchorCount >= 1, anchorCount < n else {
            throw MindSpaceError.malformed(nil, "relative: \(anchorCount) anchors for \(n) rows; need 1 to \(n - 1)")
        }
        var generator = SeededGenerator(seed: seed)
        return generator.sample(anchorCount, from: n).sorted()
    }

    /// The relative vectors of every row against the anchors, scaled to unit length.
    /// - Throws: `MindSpaceError.malformed(nil, …)` for bad anchors, a zero row, or a row whose
    ///   cosines to all anchors are 0.
    public func prepare(_ representation: Matrix<Double>) throws -> Prepared {
        let n = representation.rows, d = representation.columns
        let anchors = try anchors(pointCount: n)
        let kCount = anchors.count
        let unit = try CosineNeighborLists.unitRows(representation, metric: "relative")
        var anchorRows = [Double](repeating: 0, count: kCount * d)
        for (slot, row) in anchors.enumerated() {
            for c in 0..<d { anchorRows[slot * d + c] = unit.storage[row * d + c] }
        }
        var vectors = [Double](repeating: 0, count: n * kCount)
        unit.storage.withUnsafeBufferPointer { rows in
            anchorRows.withUnsafeBufferPointer { anchorBuffer in
                vectors.withUnsafeMutableBufferPointer { out in
                    guard let rowBase = rows.baseAddress, let anchorBase = anchorBuffer.baseAddress,
                          let outBase = out.baseAddress else { return }
                    // Row ranges fixed by N: the same products whatever the thread count.
                    ParallelLoop.forEachRange(n) { _, span in
                        guard !span.isEmpty else { return }
                        BLAS.gemm(transposeA: false, transposeB: true, m: span.count, n: kCount, k: d,
                                  alpha: 1, a: rowBase + span.lowerBound * d, lda: d, b: anchorBase, ldb: d,
                                  beta: 0, c: outBase + span.lowerBound * kCount, ldc: kCount)
                    }
                }
            }
        }
        for i in 0..<n {
            var sum = 0.0
            for s in 0..<kCount { sum += vectors[i * kCount + s] * vectors[i * kCount + s] }
            guard sum > 0 else {
                throw MindSpaceError.malformed(nil, "relative: row \(i) is orthogonal to every anchor")
            }
            let norm = sum.squareRoot()
            for s in 0..<kCount { vectors[i * kCount + s] /= norm }
        }
        return Prepared(anchors: anchors, pointCount: n, vectors: vectors)
    }

    /// The weighted mean cosine of A's relative vector of row i and B's of row partner(i).
    /// - Throws: `MindSpaceError.malformed(nil, …)` for different row counts or anchors, or
    ///   multiplicities that sum to 0.
    public func score(_ a: Prepared, _ b: Prepared, pairing: RowPairing) throws -> Double {
        let n = a.pointCount, kCount = a.anchors.count
        guard b.pointCount == n, b.anchors == a.anchors else {
            throw MindSpaceError.malformed(nil, "relative: the representations differ in rows or anchors")
        }
        precondition(pairing.partner.map { $0.count == n } ?? true, "partner must have one entry per row")
        precondition(pairing.multiplicity.map { $0.count == n } ?? true, "multiplicity must have one entry per row")
        var total = 0.0, weightSum = 0
        for i in 0..<n {
            let weight = pairing.weightOf(i)
            guard weight > 0 else { continue }
            let j = pairing.partnerOf(i)
            var dot = 0.0
            for s in 0..<kCount { dot += a.vectors[i * kCount + s] * b.vectors[j * kCount + s] }
            total += Double(weight) * dot
            weightSum += weight
        }
        guard weightSum > 0 else { throw MindSpaceError.malformed(nil, "relative: every multiplicity is 0") }
        return total / Double(weightSum)
    }
}
