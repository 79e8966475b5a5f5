import MindSpaceCore

/// A request for synthetic data: which family, how many points, the dimensions, placement, noise
/// and seed. `generate()` checks it (every problem a `.usage` error, exit 64) and draws the points.
///
/// Random stream (one `SeededGenerator(seed:)`, so the same recipe gives bit-identical points on
/// every platform): first the family's points row by row, then the rotation frame (if `rotated`),
/// then the noise (if σ > 0), row-major.
public struct SyntheticRecipe: Sendable, Equatable {
    /// The most elements (n·D) a recipe may ask for: 2³¹ doubles = 16 GiB.
    public static let maximumElements = 1 << 31

    public var family: SyntheticFamily
    /// n ≥ 1, the number of points.
    public var n: Int
    /// d, the intrinsic dimension: required for the shapes; for a benchmark manifold `nil` or its
    /// fixed d.
    public var dimension: Int?
    /// D, the ambient dimension; `nil` for the family's own coordinate count.
    public var ambient: Int?
    /// Rotate the points by a random orthogonal matrix of ℝᴰ (`AmbientPlacement`).
    public var rotated: Bool
    /// σ of the Gaussian noise added to every coordinate after placement; 0 for none.
    public var noise: Double
    public var seed: UInt64

    /// A recipe; nothing is checked until `resolvedDimensions()` or `generate()`.
    public init(family: SyntheticFamily, n: Int, dimension: Int? = nil, ambient: Int? = nil,
                rotated: Bool = false, noise: Double = 0, seed: UInt64 = 0) {
        self.family = family
        self.n = n
        self.dimension = dimension
        self.ambient = ambient
        self.rotated = rotated
        self.noise = noise
        self.seed = seed
    }

    /// The validated (d, k, D): intrinsic dimension, the family's own coordinate count, ambient
    /// dimension. Throws `.usage` naming the option at fault.
    public func resolvedDimensions() throws -> (dimension: Int, coordinates: Int, ambient: Int) {
        guard n >= 1 else { throw MindSpaceError(.usage, "--n must be at least 1, got \(n)") }
        let dimension: Int
        if let fixed = family.fixedDimension {
            if let requested = self.dimension, requested != fixed {
                throw MindSpaceError(.usage, "\(family.name) has intrinsic dimension \(fixed); --dimension \(requested) does not apply")
            }
            dimension = fixed
        } else {
            guard let requested = self.dimension else {
                throw MindSpaceError(.usage, "\(family.name) needs --dimension d (its intrinsic dimension)")
            }
            dimension = requested
        }
        guard dimension >= 1 else { throw MindSpaceError(.usage, "--dimension must be at least 1, got \(dimension)") }
        guard dimension <= Self.maximumElements else {
            throw MindSpaceError(.usage, "--dimension \(dimension) is more than the \(Self.maximumElements) values generate writes at once")
        }
        let coordinates = family.coordinates(for: dimension)
        let ambient = self.ambient ?? coordinates
        guard ambient >= coordinates else {
            throw MindSpaceError(.usage, "\(family.name) of dimension \(dimension) needs D ≥ \(coordinates) coordinates; "
                + "--ambient \(ambient) is too small")
        }
        let (elements, tooMany) = n.multipliedReportingOverflow(by: ambient)
        guard !tooMany, elements <= Self.maximumElements else {
            throw MindSpaceError(.usage, "\(n) points × \(ambient) coordinates is more than the \(Self.maximumElements) values generate writes at once")
        }
        guard noise.isFinite, noise >= 0 else {
            throw MindSpaceError(.usage, "--noise must be a finite σ ≥ 0, got \(noise)")
        }
        return (dimension, coordinates, ambient)
    }

    /// Checks the recipe and draws the data. Cost O(n·D) (O(n·k·D) with rotation).
    public func generate() throws -> SyntheticDataset {
        let (dimension, coordinates, ambient) = try resolvedDimensions()
        var generator = SeededGenerator(seed: seed)
        let native = family.points(n: n, dimension: dimension, generator: &generator)
        var points = AmbientPlacement.place(native, ambient: ambient, rotated: rotated, generator: &generator)
        AmbientPlacement.addGaussianNoise(&points, sigma: noise, generator: &generator)
        var parameters = family.fixedParameters
        parameters["dimension"] = .int(dimension)
        parameters["coordinates"] = .int(coordinates)
        parameters["ambient"] = .int(ambient)
        parameters["rotated"] = .bool(rotated)
        parameters["noise_sigma"] = .double(noise)
        return SyntheticDataset(points: points, name: family.name, trueDimension: dimension, parameters: parameters)
    }
}
