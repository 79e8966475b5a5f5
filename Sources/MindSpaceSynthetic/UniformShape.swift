import Foundation
import MindSpaceCore

/// The elementary shapes of any intrinsic dimension d ≥ 1, for checking ID estimators where the
/// answer is known by construction. Each is generated in its own coordinates (`coordinates(for:)`
/// columns); `AmbientPlacement` puts it into any larger D, by zero padding and optionally a
/// random rotation.
public enum UniformShape: String, CaseIterable, Sendable {
    /// The unit cube [0, 1)ᵈ, uniform: every coordinate U[0, 1). d coordinates.
    case hypercube
    /// The unit ball Bᵈ = {‖x‖ ≤ 1} ⊂ ℝᵈ, uniform: x = U^(1/d)·g/‖g‖ with g ~ N(0, Iᵈ), since the
    /// radius of a uniform point has CDF rᵈ and its direction is uniform and independent
    /// (skdim's `hyperBall` uses the same law via the χ² CDF of ‖g‖²). d coordinates.
    case ball
    /// The unit sphere Sᵈ = {‖x‖ = 1} ⊂ ℝᵈ⁺¹, uniform: x = g/‖g‖, g ~ N(0, Iᵈ⁺¹) (as skdim's
    /// `hyperSphere`). d + 1 coordinates.
    case sphere
    /// The standard Gaussian N(0, Iᵈ) (Marsaglia polar deviates). d coordinates.
    case gaussian

    /// The name used on the command line.
    public var name: String { rawValue }

    /// The shape named `name`, ignoring case; `nil` if there is none.
    public init?(name: String) {
        guard let shape = UniformShape(rawValue: name.lowercased()) else { return nil }
        self = shape
    }

    /// The number of coordinates the d-dimensional shape needs: d, or d + 1 for the sphere.
    public func coordinates(for dimension: Int) -> Int {
        self == .sphere ? dimension + 1 : dimension
    }

    /// One line for catalogues.
    public var summary: String {
        switch self {
        case .hypercube: return "uniform in the unit cube [0,1]^d"
        case .ball: return "uniform in the unit ball B^d"
        case .sphere: return "uniform on the unit sphere S^d (d+1 coordinates)"
        case .gaussian: return "standard Gaussian N(0, I_d)"
        }
    }

    /// n points of the d-dimensional shape, an n × `coordinates(for: d)` matrix, rows drawn in
    /// order from `generator`. Cost O(n·d). d ≥ 1, n ≥ 0.
    public func points(n: Int, dimension d: Int, generator: inout SeededGenerator) -> Matrix<Double> {
        precondition(n >= 0 && d >= 1, "a shape needs n ≥ 0 points and dimension ≥ 1")
        let columns = coordinates(for: d)
        var result = Matrix<Double>(rows: n, columns: columns)
        result.storage.withUnsafeMutableBufferPointer { storage in
            for index in 0..<n {
                let row = UnsafeMutableBufferPointer(rebasing: storage[(index * columns)..<((index + 1) * columns)])
                switch self {
                case .hypercube:
                    for j in row.indices { row[j] = generator.nextUnitDouble() }
                case .gaussian:
                    for j in row.indices { row[j] = generator.nextGaussian() }
                case .sphere:
                    generator.fillUnitVector(row)
                case .ball:
                    generator.fillUnitVector(row)
                    let radius = pow(generator.nextUnitDouble(), 1 / Double(d))
                    for j in row.indices { row[j] *= radius }
                }
            }
        }
        return result
    }
}
