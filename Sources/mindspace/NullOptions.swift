import ArgumentParser
import MindSpaceCheckpoints
import MindSpacePipeline

extension TrajectoryNullSettings.Kind: ExpressibleByArgument {}

/// `--null` and `--null-draws` of `trajectory` and `batch`: the random-walk null a trajectory's
/// spectrum is read against (`RandomWalkNull`), or none.
struct NullOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "The null the trajectory spectrum is set against: random-walk (isotropic random walks with the run's own "
        + "step lengths, drawn in the n×n Gram space) or none.",
        valueName: "random-walk|none"))
    var null: TrajectoryNullSettings.Kind = .randomWalk

    @Option(name: .long, help: "Random walks drawn for the null's mean and 95% band. (default: \(RandomWalkNull.defaultDraws))")
    var nullDraws: Int?

    func validate() throws {
        if let nullDraws {
            if null == .none {
                throw ValidationError("--null-draws does not apply with --null none: no random walk is drawn")
            }
            if nullDraws < 1 { throw ValidationError("--null-draws must be at least 1, got \(nullDraws)") }
        }
    }

    /// The settings for the job, seeded by `seed`.
    func settings(seed: UInt64) -> TrajectoryNullSettings {
        TrajectoryNullSettings(kind: null, draws: nullDraws ?? RandomWalkNull.defaultDraws, seed: seed)
    }
}
