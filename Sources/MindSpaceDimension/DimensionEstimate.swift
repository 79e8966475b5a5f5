import MindSpaceCore

/// The one result type of every intrinsic-dimension estimator.
///
/// JSON (via `Codable`), as `shared/cli.md` promises scripts: `estimator`, `dimension`,
/// `ci` as `[low, high]` (`null` when the estimate has no interval: `ci_method` is then `"none"`
/// and `ci_detail` says why), `ci_level`, `ci_method` (`analytic`, `bootstrap` or `none`: the
/// method this estimate used), `ci_detail`, `parameters`, `diagnostics`, `notes`. Per-point
/// values are **not** part of the JSON (they can be N long; the CLI writes them to a separate
/// array with `--pointwise`), so they do not survive an encode/decode round trip.
public struct DimensionEstimate: Sendable, Equatable {
    /// Stable short name: `twonn`, `twonn-mle`, `mle`, ….
    public var estimator: String
    /// The estimated intrinsic dimension (finite).
    public var dimension: Double
    /// The confidence interval around `dimension`; without bounds (`ci.hasBounds` false,
    /// method `.none`) when intervals were not requested or the requested method does not apply
    /// to this estimator (`IntervalMethod`).
    public var ci: ConfidenceInterval
    /// One value per input row where the estimator defines local values (e.g. Levina–Bickel's
    /// local estimates), `nil` otherwise. Rows the estimator could not use hold NaN.
    public var pointwise: [Double]?
    /// The settings that produced the estimate (k, discard fraction, pooling, …).
    public var parameters: [String: ParameterValue]
    /// Counts and facts about the run: points used, duplicates removed, ties, ….
    public var diagnostics: [String: ParameterValue]
    /// Human-readable remarks (what was dropped and why, known biases that apply).
    public var notes: [String]

    /// An estimate; estimators fill `parameters` with their settings and `diagnostics` with
    /// counts (the neighbour-based extension adds the duplicate bookkeeping). An interval without
    /// bounds adds its reason (`ci.detail`) to `notes`, once, so no estimate lacks an interval
    /// silently.
    public init(estimator: String, dimension: Double, ci: ConfidenceInterval, pointwise: [Double]? = nil,
                parameters: [String: ParameterValue] = [:], diagnostics: [String: ParameterValue] = [:],
                notes: [String] = []) {
        self.estimator = estimator
        self.dimension = dimension
        self.ci = ci
        self.pointwise = pointwise
        self.parameters = parameters
        self.diagnostics = diagnostics
        self.notes = notes
        if !ci.hasBounds && !notes.contains(ci.detail) { self.notes.append(ci.detail) }
    }
}

/// A confidence interval [low, high] at `level` (e.g. 0.95), and how it was obtained — or, with
/// method `.none`, the absence of one and the reason.
public struct ConfidenceInterval: Sendable, Equatable {
    /// How the interval was computed.
    public enum Method: String, Codable, Sendable {
        /// From the estimator's exact or asymptotic sampling distribution.
        case analytic
        /// Percentile interval of a seeded bootstrap (`Bootstrap`).
        case bootstrap
        /// No interval (not requested, or the requested method does not apply; see `detail`).
        case none
    }

    /// Lower bound (same units as the dimension); NaN when there is no interval.
    public var low: Double
    /// Upper bound; NaN when there is no interval.
    public var high: Double
    /// Nominal coverage in (0, 1) (the requested level, also when there is no interval).
    public var level: Double
    /// Analytic, bootstrap, or none.
    public var method: Method
    /// One line on the method: the pivot used, or the number of resamples and the seed; for
    /// `.none`, why there is no interval.
    public var detail: String

    /// An interval [low, high] at `level` obtained by `method`.
    public init(low: Double, high: Double, level: Double, method: Method, detail: String) {
        self.low = low
        self.high = high
        self.level = level
        self.method = method
        self.detail = detail
    }

    /// No interval (method `.none`, NaN bounds), with the one-line `reason`.
    public static func omitted(level: Double, reason: String) -> ConfidenceInterval {
        ConfidenceInterval(low: .nan, high: .nan, level: level, method: .none, detail: reason)
    }

    /// Whether there is an interval (`low` and `high` are bounds, not NaN placeholders).
    public var hasBounds: Bool { method != .none }

    /// Field-wise equality, except that the NaN bounds of two intervals without bounds compare
    /// equal (so an estimate without an interval equals itself and survives a JSON round trip).
    public static func == (lhs: ConfidenceInterval, rhs: ConfidenceInterval) -> Bool {
        guard lhs.method == rhs.method, lhs.level == rhs.level, lhs.detail == rhs.detail else { return false }
        return lhs.hasBounds ? (lhs.low == rhs.low && lhs.high == rhs.high) : true
    }
}

extension DimensionEstimate: Codable {
    private enum CodingKeys: String, CodingKey {
        case estimator, dimension, ci
        case ciLevel = "ci_level", ciMethod = "ci_method", ciDetail = "ci_detail"
        case parameters, diagnostics, notes
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let bounds = try container.decodeIfPresent([Double].self, forKey: .ci) ?? [.nan, .nan]
        guard bounds.count == 2 else {
            throw DecodingError.dataCorruptedError(forKey: .ci, in: container,
                                                   debugDescription: "ci must be [low, high] or null")
        }
        self.init(estimator: try container.decode(String.self, forKey: .estimator),
                  dimension: try container.decode(Double.self, forKey: .dimension),
                  ci: ConfidenceInterval(low: bounds[0], high: bounds[1],
                                         level: try container.decode(Double.self, forKey: .ciLevel),
                                         method: try container.decode(ConfidenceInterval.Method.self, forKey: .ciMethod),
                                         detail: try container.decode(String.self, forKey: .ciDetail)),
                  pointwise: nil,
                  parameters: try container.decode([String: ParameterValue].self, forKey: .parameters),
                  diagnostics: try container.decode([String: ParameterValue].self, forKey: .diagnostics),
                  notes: try container.decode([String].self, forKey: .notes))
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(estimator, forKey: .estimator)
        try container.encode(dimension, forKey: .dimension)
        if ci.hasBounds {
            try container.encode([ci.low, ci.high], forKey: .ci)
        } else {
            try container.encodeNil(forKey: .ci)
        }
        try container.encode(ci.level, forKey: .ciLevel)
        try container.encode(ci.method, forKey: .ciMethod)
        try container.encode(ci.detail, forKey: .ciDetail)
        try container.encode(parameters, forKey: .parameters)
        try container.encode(diagnostics, forKey: .diagnostics)
        try container.encode(notes, forKey: .notes)
    }
}
