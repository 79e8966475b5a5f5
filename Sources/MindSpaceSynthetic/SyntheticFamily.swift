import MindSpaceCore

/// Every kind of synthetic data MindSpace can generate, by name: the benchmark manifolds (fixed
/// d and D) and the uniform shapes (any d, chosen by the caller).
///
/// Adding a generator (for example a mind-space model) is one new case here plus its arms in the
/// switches below; `SyntheticRecipe`, `GenerateJob` and the CLI pick it up through `all` and
/// `init?(name:)`.
public enum SyntheticFamily: Sendable, Equatable {
    /// One of the 24 manifolds of `BenchmarkManifold`.
    case benchmark(BenchmarkManifold)
    /// A hypercube, ball, sphere or Gaussian of a caller-chosen dimension.
    case shape(UniformShape)

    /// Every family, benchmark manifolds first (in skdim's order), then the shapes.
    public static var all: [SyntheticFamily] {
        BenchmarkManifold.allCases.map { .benchmark($0) } + UniformShape.allCases.map { .shape($0) }
    }

    /// Every valid name, in `all`'s order.
    public static var allNames: [String] { all.map(\.name) }

    /// The family called `name`, ignoring case; `nil` for an unknown name.
    public init?(name: String) {
        if let manifold = BenchmarkManifold(name: name) {
            self = .benchmark(manifold)
        } else if let shape = UniformShape(name: name) {
            self = .shape(shape)
        } else {
            return nil
        }
    }

    /// The canonical name (`M1_Sphere`, `ball`, …), also the stem of the files `generate` writes.
    public var name: String {
        switch self {
        case .benchmark(let manifold): return manifold.name
        case .shape(let shape): return shape.name
        }
    }

    /// "benchmark" (fixed d and D) or "shape" (the caller chooses d).
    public var kind: String {
        switch self {
        case .benchmark: return "benchmark"
        case .shape: return "shape"
        }
    }

    /// One line for catalogues.
    public var summary: String {
        switch self {
        case .benchmark(let manifold): return manifold.summary
        case .shape(let shape): return shape.summary
        }
    }

    /// The intrinsic dimension when the family fixes it; `nil` when the caller must choose one.
    public var fixedDimension: Int? {
        switch self {
        case .benchmark(let manifold): return manifold.intrinsicDimension
        case .shape: return nil
        }
    }

    /// The number of coordinates the family produces for intrinsic dimension `dimension`: the
    /// smallest ambient dimension it can be placed in.
    public func coordinates(for dimension: Int) -> Int {
        switch self {
        case .benchmark(let manifold): return manifold.ambientDimension
        case .shape(let shape): return shape.coordinates(for: dimension)
        }
    }

    /// Fixed shape parameters to record in reports.
    public var fixedParameters: [String: ParameterValue] {
        switch self {
        case .benchmark(let manifold): return manifold.fixedParameters
        case .shape: return [:]
        }
    }

    /// n noise-free points in the family's own coordinates (n × `coordinates(for: dimension)`).
    /// `dimension` must be valid for the family (`SyntheticRecipe` checks user input).
    public func points(n: Int, dimension: Int, generator: inout SeededGenerator) -> Matrix<Double> {
        switch self {
        case .benchmark(let manifold):
            precondition(dimension == manifold.intrinsicDimension, "\(manifold.name) has fixed dimension")
            return manifold.points(n: n, generator: &generator)
        case .shape(let shape):
            return shape.points(n: n, dimension: dimension, generator: &generator)
        }
    }
}
