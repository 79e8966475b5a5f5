import Foundation
import MindSpaceCore

/// The sphere picture of mind space, built as faithfully as the manifold one (`MindSpaceModel`):
/// the space of possible minds is very wide, all humans sit in one small corner of it, and AIs
/// can land anywhere. **Illustrative**, not a model of any real system.
///
/// - **AIs** are drawn uniformly from the D-dimensional ball of radius `aiRadius` centred at the
///   origin (every direction possible): their intrinsic dimension is D.
/// - **Humans** are a tight d-dimensional cluster in one corner: h(z) = c + s·(f_H(z) − f_H(0)),
///   with f_H a random smooth map from R^d to R^D of the manifold model's form
///   (W₂·tanh(W₁·z + b₁), 32 hidden units), z ~ N(0, ½²·I_d), the centre c at
///   `cornerDistance`·`aiRadius` from the origin in a random direction, and s chosen so that the
///   cluster's root-mean-square radius is `humanRadius`·`aiRadius`. Their intrinsic dimension is
///   d: humans are the same kind of object as in the manifold model, only placed differently.
///
/// The same N, D and human fraction as `MindSpaceModel`; the union's intrinsic dimension is D
/// (the largest of its parts); local estimators see d inside the human cluster and D elsewhere.
public struct SphereHypothesisModel: Sendable, Equatable {
    /// d, the humans' intrinsic dimension.
    public var latentDimension = 5
    /// D, the ambient dimension, which the AIs fill.
    public var ambientDimension = 64
    /// Fraction of the minds that are human.
    public var humanFraction = 0.4
    /// Radius of the AIs' ball.
    public var aiRadius = 3.0
    /// Distance of the human cluster's centre from the origin, as a fraction of `aiRadius`.
    public var cornerDistance = 0.8
    /// Root-mean-square radius of the human cluster, as a fraction of `aiRadius`.
    public var humanRadius = 0.08

    public init() {}

    /// The sphere counterpart of `model`: its d, D and human fraction.
    public init(matching model: MindSpaceModel) {
        latentDimension = model.latentDimension
        ambientDimension = model.ambientDimension
        humanFraction = model.humanFraction
    }

    /// `n` minds drawn with `seed`: groups "humans" then "AIs" (processes "human" and "ai",
    /// run 0), as `MindSpaceModel.Sample`.
    public func sample(n: Int, seed: UInt64) throws -> MindSpaceModel.Sample {
        guard latentDimension >= 1, ambientDimension >= latentDimension else {
            throw MindSpaceError(.usage, "sphere model: --dimension must be at least 1 and --ambient at least --dimension")
        }
        guard humanFraction > 0 && humanFraction < 1 else {
            throw MindSpaceError(.usage, "sphere model: --human-fraction must be in (0, 1)")
        }
        guard n >= 2 else { throw MindSpaceError(.usage, "sphere model: --n must be at least 2") }
        var generator = SeededGenerator(seed: seed)
        let d = latentDimension, D = ambientDimension
        let human = RandomMap(input: d, output: D, generator: &generator)
        var direction = [Double](repeating: 0, count: D)
        direction.withUnsafeMutableBufferPointer { generator.fillUnitVector($0) }
        let centre = direction.map { cornerDistance * aiRadius * $0 }
        let humans = max(1, min(n - 1, Int((Double(n) * humanFraction).rounded())))

        // The human cluster: f_H(z) − f_H(0), rescaled to the wanted root-mean-square radius.
        var origin = [Double](repeating: 0, count: D), image = [Double](repeating: 0, count: D)
        human.apply([Double](repeating: 0, count: d), into: &origin)
        var offsets: [[Double]] = []
        var squaredRadius = 0.0
        for _ in 0..<humans {
            let z = (0..<d).map { _ in 0.5 * generator.nextGaussian() }
            human.apply(z, into: &image)
            let offset = (0..<D).map { image[$0] - origin[$0] }
            squaredRadius += offset.reduce(0) { $0 + $1 * $1 }
            offsets.append(offset)
        }
        let rms = (squaredRadius / Double(humans)).squareRoot()
        let scale = rms > 0 ? humanRadius * aiRadius / rms : 0

        var points = Matrix<Double>(rows: n, columns: D)
        for i in 0..<humans {
            for j in 0..<D { points[i, j] = centre[j] + scale * offsets[i][j] }
        }
        // AIs: uniform in the D-ball (a uniform direction times radius R·U^(1/D)).
        var unit = [Double](repeating: 0, count: D)
        for i in humans..<n {
            unit.withUnsafeMutableBufferPointer { generator.fillUnitVector($0) }
            let radius = aiRadius * pow(generator.nextUnitDouble(), 1 / Double(D))
            for j in 0..<D { points[i, j] = radius * unit[j] }
        }
        let groups = (0..<n).map { $0 < humans ? "humans" : "AIs" }
        return MindSpaceModel.Sample(points: points, groups: groups, processes: groups.map { $0 == "humans" ? "human" : "ai" },
                                     runs: [Int](repeating: 0, count: n))
    }

    /// The true intrinsic dimension of each group and of the union.
    public var trueDimensions: [String: Int] {
        ["humans": latentDimension, "AIs": ambientDimension, "union": ambientDimension]
    }

    /// The parameters as reports record them.
    public var parameters: [String: ParameterValue] {
        ["hypothesis": .string("sphere"), "latent_dimension": .int(latentDimension),
         "ambient_dimension": .int(ambientDimension), "human_fraction": .double(humanFraction),
         "ai_radius": .double(aiRadius), "corner_distance": .double(cornerDistance),
         "human_radius": .double(humanRadius), "hidden_units": .int(MindSpaceModel.hiddenUnits),
         "illustrative": .bool(true)]
    }
}
