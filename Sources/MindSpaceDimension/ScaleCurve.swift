import MindSpaceCore

/// Intrinsic dimension as a function of scale: the "ID-versus-scale" curve that shows whether an
/// estimate is stable (a plateau) or drifts (noise at small scales, curvature at large ones).
///
/// Two producers share this type:
/// - `TwoNNScaleCurve` (method `twonn-decimation`): TwoNN on random subsets of N, N/2, N/4, …
///   points; fewer points put the first two neighbours farther away (Facco et al. 2017).
/// - `GRIDEEstimator.scaleCurve` (method `gride`): GRIDE with neighbour ranks (n₁, 2n₁),
///   n₁ = 1, 2, 4, …, on all points (Denti et al. 2022).
///
/// Points are in ascending `scale`. JSON (via `Codable`): `method`, `ci_level`, `ci_method`,
/// `parameters`, `notes` and `points`, each point with `scale`, `dimension`, `ci_low`,
/// `ci_high`, `size`, `repetitions`, `neighbor_rank` (GRIDE only) and `standard_error`.
public struct ScaleCurve: Codable, Sendable, Equatable {
    /// `twonn-decimation` or `gride`.
    public var method: String
    /// One estimate per scale, ascending in `scale`.
    public var points: [ScalePoint]
    /// Nominal coverage of every point's interval, in (0, 1).
    public var ciLevel: Double
    /// How the intervals were obtained (one line).
    public var ciMethod: String
    /// The settings that produced the curve.
    public var parameters: [String: ParameterValue]
    /// Remarks: duplicates removed, points dropped, known biases.
    public var notes: [String]

    /// A curve; producers fill every field.
    public init(method: String, points: [ScalePoint], ciLevel: Double, ciMethod: String,
                parameters: [String: ParameterValue] = [:], notes: [String] = []) {
        self.method = method
        self.points = points
        self.ciLevel = ciLevel
        self.ciMethod = ciMethod
        self.parameters = parameters
        self.notes = notes
    }

    private enum CodingKeys: String, CodingKey {
        case method, points, parameters, notes
        case ciLevel = "ci_level", ciMethod = "ci_method"
    }
}

/// One point of a `ScaleCurve`.
public struct ScalePoint: Codable, Sendable, Equatable {
    /// The length scale the estimate probes, in the data's distance units: the mean distance
    /// to the neighbours the estimate uses (first and second for TwoNN, n₁-th and n₂-th for
    /// GRIDE), averaged over points (and over repetitions), as DADApy reports it.
    public var scale: Double
    /// The intrinsic-dimension estimate at this scale.
    public var dimension: Double
    /// Lower bound of the confidence interval.
    public var ciLow: Double
    /// Upper bound of the confidence interval.
    public var ciHigh: Double
    /// Points in each subset (decimation) or ratios used in the likelihood (GRIDE).
    public var size: Int
    /// Subsets averaged at this scale (decimation); 1 for GRIDE.
    public var repetitions: Int
    /// n₁ of GRIDE's ratio r(2n₁)/r(n₁); `nil` for decimation.
    public var neighborRank: Int?
    /// The error bar the peer (DADApy) reports: GRIDE's 1/√(observed Fisher information), or
    /// for decimation the standard error of the mean over repetitions (population standard
    /// deviation / √repetitions, 0 when there is one repetition).
    public var standardError: Double

    /// A point; see the properties.
    public init(scale: Double, dimension: Double, ciLow: Double, ciHigh: Double, size: Int,
                repetitions: Int = 1, neighborRank: Int? = nil, standardError: Double) {
        self.scale = scale
        self.dimension = dimension
        self.ciLow = ciLow
        self.ciHigh = ciHigh
        self.size = size
        self.repetitions = repetitions
        self.neighborRank = neighborRank
        self.standardError = standardError
    }

    private enum CodingKeys: String, CodingKey {
        case scale, dimension, size, repetitions
        case ciLow = "ci_low", ciHigh = "ci_high", neighborRank = "neighbor_rank", standardError = "standard_error"
    }
}
