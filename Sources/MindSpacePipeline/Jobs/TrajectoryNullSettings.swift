import MindSpaceCore
import MindSpaceCheckpoints

/// What a trajectory's spectrum is read against (`--null`, `--null-draws`, `--seed` of
/// `trajectory` and `batch`): the random-walk null (`RandomWalkNull`) by default, or nothing.
public struct TrajectoryNullSettings: Sendable, Equatable {
    /// `--null`: "random-walk" (the default) or "none".
    public enum Kind: String, CaseIterable, Sendable {
        case randomWalk = "random-walk"
        case none
    }

    public var kind: Kind
    /// Walks drawn (`--null-draws`, ≥ 1; default `RandomWalkNull.defaultDraws`, 200).
    public var draws: Int
    /// The seed of the draws (`--seed`, default 0).
    public var seed: UInt64

    public init(kind: Kind = .randomWalk, draws: Int = RandomWalkNull.defaultDraws, seed: UInt64 = 0) {
        self.kind = kind
        self.draws = draws
        self.seed = seed
    }

    /// No null: the spectrum is reported alone.
    public static let none = TrajectoryNullSettings(kind: .none)

    /// The null of `result` under these settings: `nil` for `.none` and for a still trajectory
    /// (there is no step to take). Throws `.usage` for fewer than 1 draw, and what LAPACK throws.
    public func null(of result: TrajectoryResult) throws -> RandomWalkNull? {
        guard kind == .randomWalk else { return nil }
        guard draws >= 1 else { throw MindSpaceError(.usage, "--null-draws must be at least 1, got \(draws)") }
        return try result.randomWalkNull(draws: draws, seed: seed)
    }
}
