import MindSpaceCore

/// Which checkpoint of a run stands for the run in a weight set (`batch --pick`).
///
/// - `last` (the default): the last checkpoint in natural order, the trained weights;
/// - `first`: the first, the initialisation;
/// - `step(N)`: the checkpoint whose step read from its name is N (`epoch_5.safetensors` → 5,
///   `checkpoint-500/` → 500; `CheckpointSteps`). When a run's names carry no increasing steps,
///   N is the checkpoint's position counting from 0 instead.
public enum CheckpointPick: Sendable, Equatable, CustomStringConvertible {
    case first
    case last
    case step(Int)

    /// Parses `first`, `last` or a non-negative integer; throws `.usage` otherwise.
    public init(parsing text: String) throws {
        switch text.lowercased() {
        case "first": self = .first
        case "last": self = .last
        default:
            guard let number = Int(text), number >= 0 else {
                throw MindSpaceError(.usage, "--pick takes first, last or a step number, got '\(text)'")
            }
            self = .step(number)
        }
    }

    public var description: String {
        switch self {
        case .first: return "first"
        case .last: return "last"
        case .step(let number): return String(number)
        }
    }

    /// How reports name the chosen checkpoint: "last checkpoint", "first checkpoint",
    /// "checkpoint of step 5".
    public var phrase: String {
        switch self {
        case .first: return "first checkpoint"
        case .last: return "last checkpoint"
        case .step(let number): return "checkpoint of step \(number)"
        }
    }

    /// The same phrase from a report's `pick` string ("last", "first" or a number).
    public static func phrase(_ pick: String) -> String {
        (try? CheckpointPick(parsing: pick))?.phrase ?? pick
    }

    /// The index into `paths` (one run's checkpoints, in order) this pick selects. Throws
    /// `.malformedData` naming `run` when the run has no checkpoints or no checkpoint of step N.
    public func index(in paths: [String], run: String) throws -> Int {
        guard !paths.isEmpty else { throw MindSpaceError.malformed(run, "holds no checkpoints") }
        switch self {
        case .first: return 0
        case .last: return paths.count - 1
        case .step(let number):
            let steps = CheckpointSteps(paths: paths)
            if steps.fromNames {
                guard let index = steps.values.firstIndex(of: Double(number)) else {
                    let known = steps.values.map { TextTable.number($0) }.joined(separator: ", ")
                    throw MindSpaceError.malformed(run, "has no checkpoint of \(steps.label) \(number) for --pick (it has \(known))")
                }
                return index
            }
            guard number < paths.count else {
                throw MindSpaceError.malformed(run,
                    "has \(paths.count) checkpoints without step numbers in their names; --pick \(number) counts from 0 and is out of range")
            }
            return number
        }
    }
}
