import MindSpaceCore

/// Generated points with their known intrinsic dimension: what `SyntheticRecipe.generate()`
/// returns and `mindspace generate` writes.
public struct SyntheticDataset: Sendable, Equatable {
    /// n × D points (row-major), float64.
    public var points: Matrix<Double>
    /// The family's canonical name (`M1_Sphere`, `ball`, …).
    public var name: String
    /// The intrinsic dimension d of the noise-free manifold the points were drawn from (noise, if
    /// any was added, makes the data full-dimensional at scales below the noise level).
    public var trueDimension: Int
    /// Everything that defines the sample besides n and the seed: `dimension`, `ambient`,
    /// `coordinates` (the family's own), `rotated`, `noise_sigma`, and the family's fixed
    /// shape parameters.
    public var parameters: [String: ParameterValue]

    /// A dataset from its parts (`SyntheticRecipe.generate()` builds these).
    public init(points: Matrix<Double>, name: String, trueDimension: Int, parameters: [String: ParameterValue]) {
        self.points = points
        self.name = name
        self.trueDimension = trueDimension
        self.parameters = parameters
    }

    /// n, the number of points.
    public var count: Int { points.rows }
    /// D, the ambient dimension.
    public var ambientDimension: Int { points.columns }
}
