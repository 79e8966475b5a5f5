/// The training step (or epoch) of each checkpoint, read from its name, for colouring and
/// labelling trajectories: `epoch_5.safetensors` → 5 ("epoch"), `checkpoint-500/model.safetensors`
/// → 500 ("checkpoint"), `step_1200.npz` → 1200 ("step").
///
/// Rule: a checkpoint's name is its file name without its checkpoint extension; when that holds no digit
/// (`model.safetensors`, `model.safetensors.index.json`), the name of its folder. The step is
/// the last run of digits in the name; the label is the word just before it (separators
/// `_ - . space` trimmed). The steps are used only if every checkpoint has one and they strictly
/// increase in the given order; otherwise checkpoints are numbered 0, 1, 2, … ("checkpoint").
/// The label is kept when all checkpoints agree on it, else "step".
public struct CheckpointSteps: Sendable, Equatable {
    /// One value per checkpoint.
    public let values: [Double]
    /// What the values count ("epoch", "step", "checkpoint", …).
    public let label: String
    /// `true` when the values come from the names, `false` when they are positions 0, 1, 2, ….
    public let fromNames: Bool

    /// The steps of `paths` (see the type's rule).
    public init(paths: [String]) {
        let parsed = paths.map(Self.parse)
        let numbers = parsed.compactMap { $0?.number }
        let increasing = numbers.count == paths.count && zip(numbers, numbers.dropFirst()).allSatisfy { $0 < $1 }
        if increasing, !paths.isEmpty {
            values = numbers
            let labels = Set(parsed.compactMap { $0?.label })
            label = labels.count == 1 ? (labels.first.flatMap { $0.isEmpty ? nil : $0 } ?? "step") : "step"
            fromNames = true
        } else {
            values = paths.indices.map(Double.init)
            label = "checkpoint"
            fromNames = false
        }
    }

    /// The number and label in one path's name, or `nil` when the name has no digits.
    static func parse(_ path: String) -> (number: Double, label: String)? {
        var components = path.split(separator: "/").map(String.init)
        guard var name = components.popLast() else { return nil }
        for suffix in [CheckpointDiscovery.indexSuffix, ".safetensors", ".npy", ".npz"]
            where name.lowercased().hasSuffix(suffix) {
            name = String(name.dropLast(suffix.count))
            break
        }
        if !name.contains(where: \.isASCIIDigit), let folder = components.last { name = folder }
        let scalars = Array(name)
        guard let last = scalars.lastIndex(where: \.isASCIIDigit) else { return nil }
        var first = last
        while first > 0 && scalars[first - 1].isASCIIDigit { first -= 1 }
        guard let number = Double(String(scalars[first...last])) else { return nil }
        var word = String(scalars[..<first])
        while let tail = word.last, "_-. ".contains(tail) { word.removeLast() }
        if let start = word.lastIndex(where: { !$0.isLetter }) { word = String(word[word.index(after: start)...]) }
        return (number, word)
    }
}

private extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
