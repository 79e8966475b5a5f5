import MindSpaceCore

/// A similarity between two representations of the same N inputs (row i of each is input i):
/// the contract every `compare` metric implements, so that one driver
/// (`RepresentationComparison`) gives each of them a bootstrap interval and a permutation null.
///
/// A metric works in two steps. `prepare` computes, once per input, what the metric needs from
/// one representation alone (centred columns, principal axes, neighbour lists, anchor
/// similarities). `score` then combines two prepared representations under a `RowPairing`: the
/// identity for the observed value, B's rows shuffled for the null, multiplicities for a
/// bootstrap resample. A score is a similarity, larger meaning more alike; self-similarity is 1
/// for every metric (`relative` can fall below 0), so √(1 − score) is the distance that MDS maps and
/// PERMANOVA decompose.
///
/// `score` is called from several threads at once with the same prepared values: it must not
/// mutate shared state, and its result must depend only on its arguments (determinism for any
/// thread count).
public protocol RepresentationMetric: Sendable {
    /// What `prepare` keeps of one representation.
    associatedtype Prepared: Sendable

    /// The metric's name on the command line and in reports.
    var name: RepresentationMetricName { get }

    /// The per-representation state. `representation` is N × D, finite (the caller checks), N ≥ 4.
    /// Throws `MindSpaceError.malformed(nil, …)` when the metric cannot be computed on it (k ≥ N,
    /// every column constant); the caller names the file.
    func prepare(_ representation: Matrix<Double>) throws -> Prepared

    /// The state of a representation stored in float32 (float32, float16 or bfloat16 files); by
    /// default its values widened to Double and `prepare(_:)`. Metrics that multiply faster in
    /// float32 (linear CKA) keep it.
    func prepare(single representation: Matrix<Float>) throws -> Prepared

    /// The similarity of `a` and `b` with their rows paired as `pairing` says.
    func score(_ a: Prepared, _ b: Prepared, pairing: RowPairing) throws -> Double
}

extension RepresentationMetric {
    public func prepare(single representation: Matrix<Float>) throws -> Prepared {
        try prepare(representation.converted(to: Double.self))
    }
}

/// Which rows of two representations are compared with which, and how often: the one knob the
/// comparison driver turns for the observed score, the permutation null and the bootstrap.
///
/// - `partner[i]` is the row of B set against row i of A (`nil`: row i). A permutation of 0..<N.
/// - `multiplicity[i]` is how many times the pair (A row i, B row partner[i]) counts (`nil`: once
///   each). Bootstrap resamples of N rows drawn with replacement have Σ multiplicity = N.
///
/// A metric computed from the rows themselves (CKA, CCA, Procrustes) treats a multiplicity m as
/// the pair repeated m times: the pairs bootstrap (Efron & Tibshirani 1993, §9.5). A metric built
/// on neighbour lists (mutual-kNN, CKNNA) would see repeated rows as each other's nearest
/// neighbours at distance 0, so it keeps the neighbour lists of the full sample and weights its
/// per-row terms by the multiplicities instead; each such metric documents its rule.
public struct RowPairing: Sendable, Equatable {
    public var partner: [Int]?
    public var multiplicity: [Int]?

    public init(partner: [Int]? = nil, multiplicity: [Int]? = nil) {
        self.partner = partner
        self.multiplicity = multiplicity
    }

    /// Row i with row i, once each: the observed score.
    public static let identity = RowPairing()

    /// The row of B paired with row `i` of A.
    @inlinable public func partnerOf(_ i: Int) -> Int { partner?[i] ?? i }

    /// How many times pair `i` counts.
    @inlinable public func weightOf(_ i: Int) -> Int { multiplicity?[i] ?? 1 }
}

/// The metrics `compare --metric` accepts, by their command-line names.
public enum RepresentationMetricName: String, CaseIterable, Codable, Sendable, Comparable {
    /// Linear CKA, feature-space form (Kornblith et al. 2019).
    case linearCKA = "linear-cka"
    /// Linear CKA from unbiased HSIC estimates (Song et al. 2012; Nguyen et al. 2021).
    case linearCKADebiased = "linear-cka-debiased"
    /// CKA with Gaussian kernels of bandwidth a fraction of the median distance (Kornblith et al. 2019).
    case rbfCKA = "rbf-cka"
    /// Mean canonical correlation of the top principal components (Raghu et al. 2017).
    case svcca
    /// Projection-weighted CCA (Morcos et al. 2018).
    case pwcca
    /// Orthogonal Procrustes similarity, the cosine of the angular shape metric (Williams et al. 2021).
    case procrustes
    /// Mean overlap of the k-nearest-neighbour sets (Huh et al. 2024).
    case mutualKNN = "mutual-knn"
    /// CKA restricted to mutual nearest neighbours (Huh et al. 2024).
    case cknna
    /// Mean overlap of the Euclidean k-nearest-neighbour sets (Doimo et al. 2020).
    case neighborhoodOverlap = "overlap"
    /// Agreement of relative representations: cosines to shared anchors (Moschella et al. 2023).
    case relative

    public static func < (lhs: Self, rhs: Self) -> Bool {
        (allCases.firstIndex(of: lhs) ?? 0) < (allCases.firstIndex(of: rhs) ?? 0)
    }

    /// The metrics `compare` runs when `--metric` is not given.
    public static let defaults: [RepresentationMetricName] = [.linearCKADebiased, .mutualKNN]
}

/// The settings of the metrics that take any (`compare`'s options).
public struct RepresentationMetricSettings: Sendable, Equatable {
    /// k of the neighbour metrics (`mutual-knn`, `cknna`, `overlap`); `--k`, default 10.
    public var k: Int = 10
    /// The RBF bandwidth as a fraction of the median pairwise distance; `--sigma`, default 1
    /// (the reference implementation's `threshold`).
    public var rbfSigmaFraction: Double = 1
    /// Principal components kept by `svcca` before CCA; `--cca-dims`, default 10.
    public var ccaDimensions: Int = 10
    /// Anchors of `relative` drawn at random (seeded) when `anchorRows` is nil; `--anchor-count`, default 300 (at most N − 1).
    public var anchorCount: Int = 300
    /// Anchor rows given by the user (`--anchors FILE`), 0-based.
    public var anchorRows: [Int]?
    /// Seed of every random choice a metric makes (anchor draws).
    public var seed: UInt64 = 0

    public init() {}
}
