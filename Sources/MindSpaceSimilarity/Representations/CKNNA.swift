import MindSpaceCore

/// Centered Kernel Nearest-Neighbor Alignment (Huh, Cheung, Wang & Isola 2024, "The Platonic
/// Representation Hypothesis", ICML, §A; reference `metrics.py` `cknna` of platonic-rep): CKA
/// restricted to the pairs that are nearest neighbours in both representations.
///
/// With rows scaled to unit length (as the reference's `measure_alignment.py` does), the kernels
/// are the cosine matrices Kᵢⱼ = cos(aᵢ, aⱼ) and Lᵢⱼ = cos(bᵢ, bⱼ). For two kernels X, Y let
/// M(X, Y)ᵢⱼ = 1 when j is among the k largest entries of row i of X **and** of row i of Y (the
/// reference's `mask_K * mask_L`; not symmetric in i, j), and
///
///     s(X, Y) = HSIC(M ∘ X, M ∘ Y),      CKNNA = s(K, L) / √(s(K, K)·s(L, L)).
///
/// **Unbiased or biased.** The reference's default is `unbiased=True`, and `measure_alignment`
/// calls it with that default: the diagonal is excluded from the top-k (`fill_diagonal_(-inf)`)
/// and HSIC is Song et al.'s (2012) unbiased estimator (`MaskedKernelPairs.hsic`). That is our
/// default. `unbiased: false` follows `unbiased=False`: the top-k of a row may include the row
/// itself (always, for unit rows barring exact duplicates), so we take the row plus its k − 1
/// nearest others, and HSIC is the biased tr(K̃HL̃H). Where we differ from the reference: it
/// divides by √(s(K, K)·s(L, L)) + 1e−6, a guard against 0 that makes the score depend on the
/// scale of the HSICs (≈ 1e−4 relative at N = 1000, k = 10) and keeps identical inputs below 1;
/// we divide by the root alone (identical inputs score 1) and throw when s(K, K)·s(L, L) ≤ 0,
/// which the unbiased estimator allows on degenerate neighbour graphs. Neighbour ties are broken
/// by ascending row index (`CosineNeighborLists`). The score can be negative.
///
/// **Pairings.** Neighbour lists and the cosines to the neighbours are computed once per
/// representation in `prepare` (one exact search each); every entry of M lies in both lists, so
/// both kernel values are known without new products. Under a partner permutation π, B's row i is
/// row π(i) of B, with neighbours π⁻¹(N_B(π(i))). Under bootstrap multiplicities wᵢ, the lists of
/// the full sample are kept (copies of a row would otherwise be each other's nearest neighbours)
/// and each pair (i, j) counts wᵢ·wⱼ times, with m = Σ wᵢ in the HSIC formulas, for all three of
/// s(K, L), s(K, K) and s(L, L). Cost per score: O(N·k²).
///
/// Edge cases: 2 ≤ k ≤ N − 1 (the reference refuses k < 2); zero rows are refused.
public struct CKNNA: RepresentationMetric {
    /// k, the neighbours per row (including the row itself when `unbiased` is false).
    public let k: Int
    /// Song et al.'s unbiased HSIC with the diagonal excluded (the reference's default), or the
    /// biased HSIC with the row itself among its k.
    public let unbiased: Bool

    public init(k: Int, unbiased: Bool = true) {
        self.k = k
        self.unbiased = unbiased
    }

    public var name: RepresentationMetricName { .cknna }

    /// The cosine k-NN lists of one representation (k − 1 others when biased).
    public struct Prepared: Sendable, Equatable {
        let lists: CosineNeighborLists
    }

    /// Searches the cosine neighbours of every row.
    /// - Throws: `MindSpaceError.malformed(nil, …)` for k < 2, k ≥ N or a zero row.
    public func prepare(_ representation: Matrix<Double>) throws -> Prepared {
        guard k >= 2 else { throw MindSpaceError.malformed(nil, "cknna: k must be at least 2, got \(k)") }
        guard k < representation.rows else {
            throw MindSpaceError.malformed(nil, "cknna: k = \(k) needs more than \(k) rows, got \(representation.rows)")
        }
        return Prepared(lists: try CosineNeighborLists(representation, k: unbiased ? k : k - 1, metric: "cknna"))
    }

    /// s(K, L) / √(s(K, K)·s(L, L)) with B's rows and the weights as `pairing` says.
    /// - Throws: `MindSpaceError.malformed(nil, …)` for representations of different sizes,
    ///   multiplicities that sum to 3 or less, or s(K, K)·s(L, L) ≤ 0.
    public func score(_ a: Prepared, _ b: Prepared, pairing: RowPairing) throws -> Double {
        let n = a.lists.pointCount
        guard b.lists.pointCount == n, b.lists.k == a.lists.k else {
            throw MindSpaceError.malformed(nil, "cknna: the representations have \(n) and \(b.lists.pointCount) rows")
        }
        precondition(pairing.partner.map { $0.count == n } ?? true, "partner must have one entry per row")
        precondition(pairing.multiplicity.map { $0.count == n } ?? true, "multiplicity must have one entry per row")
        guard (pairing.multiplicity?.reduce(0, +) ?? n) > 3 else {
            throw MindSpaceError.malformed(nil, "cknna: the HSIC needs more than 3 rows")
        }
        var inverse = Array(0..<n)
        if let partner = pairing.partner { for i in 0..<n { inverse[partner[i]] = i } }
        let viewA = view(a.lists, partner: nil, inverse: nil)
        let viewB = view(b.lists, partner: pairing.partner, inverse: inverse)
        let weights = pairing.multiplicity
        let kl = MaskedKernelPairs(viewA, viewB, pointCount: n).hsic(weights: weights, unbiased: unbiased)
        let kk = MaskedKernelPairs(viewA, viewA, pointCount: n).hsic(weights: weights, unbiased: unbiased)
        let ll = MaskedKernelPairs(viewB, viewB, pointCount: n).hsic(weights: weights, unbiased: unbiased)
        let product = kk * ll
        guard product > 0, product.isFinite else {
            throw MindSpaceError.malformed(nil, "cknna: the masked HSIC of a representation with itself is not positive")
        }
        return kl / product.squareRoot()
    }

    /// Row i of the pairing's sample in A's numbering: the neighbours of row partner(i) of
    /// `lists`, renumbered through the inverse partner, with their cosines (and the row itself,
    /// cosine 1, first when biased).
    private func view(_ lists: CosineNeighborLists, partner: [Int]?, inverse: [Int]?) -> MaskedKernelPairs.View {
        let n = lists.pointCount, others = lists.k
        let width = unbiased ? others : others + 1
        var indices = [Int](), values = [Double]()
        indices.reserveCapacity(n * width)
        values.reserveCapacity(n * width)
        for i in 0..<n {
            let row = partner?[i] ?? i
            if !unbiased {
                indices.append(i)
                values.append(1)
            }
            for rank in 0..<others {
                let neighbor = lists.neighbor(row, rank: rank)
                indices.append(inverse?[neighbor] ?? neighbor)
                values.append(lists.cosines[row * others + rank])
            }
        }
        return MaskedKernelPairs.View(width: width, indices: indices, values: values)
    }
}
