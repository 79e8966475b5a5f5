import MindSpaceCore
import MindSpaceNumerics

/// Linear centred kernel alignment (Kornblith et al. 2019, "Similarity of Neural Network
/// Representations Revisited", ICML, eq. 5), in its feature-space form: for column-centred
/// X (N × D₁) and Y (N × D₂),
///
///     CKA = ‖YᵀX‖²_F / (‖XᵀX‖_F · ‖YᵀY‖_F),
///
/// which equals HSIC(K, L) / √(HSIC(K, K)·HSIC(L, L)) for the linear kernels K = XXᵀ, L = YYᵀ
/// (⟨K, L⟩_F = ‖XᵀY‖²_F). It is invariant to orthogonal transforms and isotropic scaling of
/// either representation, not to invertible linear maps. Self-similarity is 1.
///
/// **Debiased** (`debiased: true`): HSIC is replaced by Song et al.'s (2012, JMLR 13, eq. 5)
/// unbiased estimator, as in Nguyen et al. (2021, ICLR) and google-research's
/// `feature_space_linear_cka(debiased=True)`. On centred features, with rᵢ = ‖xᵢ‖², sᵢ = ‖yᵢ‖²,
///
///     HSIC₁(X, Y) ∝ ‖XᵀY‖²_F − N/(N − 2)·Σᵢ rᵢ sᵢ + (Σᵢ rᵢ)(Σᵢ sᵢ) / ((N − 1)(N − 2))
///
/// (the factor 1/(N(N − 3)) cancels in the ratio), so it is computed in feature space too. It
/// removes the upward bias of CKA at large D/N; it can be negative, and its self-terms can be
/// ≤ 0 for degenerate data (then `prepare` throws).
///
/// **Cost.** ‖XᵀX‖_F is taken once per representation in `prepare` (`syrk`, N·D² flops); a score
/// costs ‖XᵀPY‖²_F (`gemm`, 2·N·D₁·D₂ flops), since neither self-term changes when B's rows are
/// permuted. When N < D (more features than rows) the N × N Gram matrix is cheaper: `prepare`
/// keeps it (8·N² bytes), ‖XᵀX‖_F = ‖K‖_F, and a score is ⟨K, P·L·Pᵀ⟩ in O(N²) (the other
/// representation's Gram is formed on the fly if it kept none). No N × N matrix is made when
/// N ≥ D.
///
/// **Multiplicities** (the pairs bootstrap) count a pair m times: the weighted mean centres,
/// products become XᵀWY, and N becomes Σ m in the debiased estimator, exactly as if the rows had
/// been repeated (pairs with m = 0 cost nothing).
public struct LinearCKA: RepresentationMetric {
    /// Whether HSIC is the unbiased estimator (Song et al. 2012) rather than the biased one.
    public let debiased: Bool
    /// Which route computes the products: automatic unless a test forces one.
    let route: Route

    /// How the Frobenius products are computed.
    enum Route: Sendable { case automatic, features, gram }

    public init(debiased: Bool) {
        self.init(debiased: debiased, route: .automatic)
    }

    init(debiased: Bool, route: Route) {
        self.debiased = debiased
        self.route = route
    }

    public var name: RepresentationMetricName { debiased ? .linearCKADebiased : .linearCKA }

    /// What linear CKA keeps of one representation.
    public struct Prepared: Sendable {
        /// The centred rows, float64 or (float32 input where the AVX-512 kernels run) float32.
        let values: CentredValues
        /// K = X·Xᵀ (full N × N) when the Gram route is used, else nil.
        let gram: [Double]?
        /// ‖XᵀX‖²_F = ‖K‖²_F.
        let selfProduct: Double
        /// rᵢ = ‖xᵢ − x̄‖² per row (debiased estimator).
        let rowSquares: [Double]
        /// The debiased self-term HSIC₁(X, X) (up to the common factor), or ‖XᵀX‖²_F when biased.
        let selfHSIC: Double

        /// N.
        var count: Int { values.rows }
        /// D.
        var columns: Int { values.columns }
    }

    public func prepare(_ representation: Matrix<Double>) throws -> Prepared {
        try prepared(.double(CentredRows(representation, metric: name)))
    }

    /// Float32 input keeps float32 centred rows, multiplied by `SinglePrecisionProducts` (float32
    /// partial sums of 256 rows added in Double: scores agree with the float64 ones to ~1e−6),
    /// where its AVX-512 kernels run and the feature-space route applies (N ≥ D); otherwise the
    /// values are widened.
    public func prepare(single representation: Matrix<Float>) throws -> Prepared {
        let gramRoute = route == .gram || (route == .automatic && representation.rows < representation.columns)
        guard SinglePrecisionProducts.isAccelerated, !gramRoute else { return try prepare(representation.converted(to: Double.self)) }
        return try prepared(.single(SingleCentredRows(representation, metric: name)))
    }

    private func prepared(_ values: CentredValues) throws -> Prepared {
        let n = values.rows, d = values.columns
        guard !debiased || n >= 4 else {
            throw MindSpaceError.malformed(nil, "\(name.rawValue) needs at least 4 rows, got \(n)")
        }
        let identity = PairedRows(.identity, rows: n)
        let useGram = route == .gram || (route == .automatic && n < d)
        let gram = useGram ? PairedProducts.gram(values.widened.storage, rows: n, columns: d) : nil
        let selfProduct = PairedProducts.squaredFrobenius(gram ?? values.scatter(rows: identity.aRows, pairs: identity))
        let rowSquares = values.rowSquares(rows: identity.aRows, pairs: identity)
        let selfHSIC = debiased
            ? Self.unbiasedHSIC(product: selfProduct, rowProduct: zip(rowSquares, rowSquares).reduce(0) { $0 + $1.0 * $1.1 },
                                sumX: values.totalSquares, sumY: values.totalSquares, n: Double(n))
            : selfProduct
        guard selfHSIC > 0, selfHSIC.isFinite else {
            throw MindSpaceError.malformed(nil, "the unbiased HSIC of the representation with itself is not positive: \(name.rawValue) is undefined")
        }
        return Prepared(values: values, gram: gram, selfProduct: selfProduct, rowSquares: rowSquares, selfHSIC: selfHSIC)
    }

    public func score(_ a: Prepared, _ b: Prepared, pairing: RowPairing) throws -> Double {
        precondition(a.count == b.count, "representations of different row counts")
        let value = pairing.multiplicity == nil
            ? pairedScore(a, b, partner: pairing.partner)
            : try weightedScore(a, b, pairs: PairedRows(pairing, rows: a.count).requiring(atLeast: debiased ? 4 : 2))
        guard value.isFinite else {
            throw MindSpaceError.malformed(nil, "\(name.rawValue) is undefined for this resample (a zero self-similarity)")
        }
        return value
    }

    /// Every row once (identity or permutation): only ⟨K, P·L·Pᵀ⟩ = ‖XᵀPY‖²_F is new.
    private func pairedScore(_ a: Prepared, _ b: Prepared, partner: [Int]?) -> Double {
        let n = a.count
        let cross: Double
        if a.gram != nil || b.gram != nil {
            let k = a.gram ?? PairedProducts.gram(a.values.widened.storage, rows: n, columns: a.columns)
            let l = b.gram ?? PairedProducts.gram(b.values.widened.storage, rows: n, columns: b.columns)
            cross = PairedProducts.pairedInnerProduct(k, l, n: n, partner: partner)
        } else {
            let pairs = PairedRows(RowPairing(partner: partner), rows: n)
            cross = PairedProducts.squaredFrobenius(a.values.cross(b.values, pairs: pairs))
        }
        guard debiased else { return cross / (a.selfProduct * b.selfProduct).squareRoot() }
        var rowProduct = 0.0
        for i in 0..<n { rowProduct += a.rowSquares[i] * b.rowSquares[partner?[i] ?? i] }
        let hsic = Self.unbiasedHSIC(product: cross, rowProduct: rowProduct, sumX: a.values.totalSquares,
                                     sumY: b.values.totalSquares, n: Double(n))
        return hsic / (a.selfHSIC * b.selfHSIC).squareRoot()
    }

    /// A resample: all three products re-centred with the weighted mean and weighted by W.
    private func weightedScore(_ a: Prepared, _ b: Prepared, pairs: PairedRows) -> Double {
        let d1 = a.columns, d2 = b.columns
        let useGram = route == .gram || (route == .automatic && (pairs.count < d1 || pairs.count < d2))
        let cross: Double, selfA: Double, selfB: Double
        if useGram {
            let k = PairedProducts.gram(pairs.scaledRows(of: a.values.widened, rows: pairs.aRows), rows: pairs.count, columns: d1)
            let l = PairedProducts.gram(pairs.scaledRows(of: b.values.widened, rows: pairs.bRows), rows: pairs.count, columns: d2)
            cross = PairedProducts.pairedInnerProduct(k, l, n: pairs.count, partner: nil)
            selfA = PairedProducts.squaredFrobenius(k)
            selfB = PairedProducts.squaredFrobenius(l)
        } else {
            cross = PairedProducts.squaredFrobenius(a.values.cross(b.values, pairs: pairs))
            selfA = PairedProducts.squaredFrobenius(a.values.scatter(rows: pairs.aRows, pairs: pairs))
            selfB = PairedProducts.squaredFrobenius(b.values.scatter(rows: pairs.bRows, pairs: pairs))
        }
        guard debiased else { return cross / (selfA * selfB).squareRoot() }
        let r = a.values.rowSquares(rows: pairs.aRows, pairs: pairs)
        let s = b.values.rowSquares(rows: pairs.bRows, pairs: pairs)
        var rs = 0.0, rr = 0.0, ss = 0.0, sumR = 0.0, sumS = 0.0
        for p in 0..<pairs.count {
            let w = pairs.weight(p)
            rs += w * r[p] * s[p]; rr += w * r[p] * r[p]; ss += w * s[p] * s[p]
            sumR += w * r[p]; sumS += w * s[p]
        }
        let n = pairs.total
        let hsicAB = Self.unbiasedHSIC(product: cross, rowProduct: rs, sumX: sumR, sumY: sumS, n: n)
        let hsicAA = Self.unbiasedHSIC(product: selfA, rowProduct: rr, sumX: sumR, sumY: sumR, n: n)
        let hsicBB = Self.unbiasedHSIC(product: selfB, rowProduct: ss, sumX: sumS, sumY: sumS, n: n)
        guard hsicAA > 0, hsicBB > 0 else { return .nan }
        return hsicAB / (hsicAA * hsicBB).squareRoot()
    }

    /// google-research's `_debiased_dot_product_similarity_helper`: N(N − 3)·HSIC₁ from
    /// ‖XᵀY‖²_F, Σ rᵢsᵢ, Σ rᵢ, Σ sᵢ of centred features.
    static func unbiasedHSIC(product: Double, rowProduct: Double, sumX: Double, sumY: Double, n: Double) -> Double {
        product - n / (n - 2) * rowProduct + sumX * sumY / ((n - 1) * (n - 2))
    }
}
