/// A categorical factor of a PERMANOVA design: a name and one label per observation (e.g. the
/// data set, the training process or the seed of each model). Levels are the distinct labels;
/// their order does not change any result (the factor enters as the span of its indicators).
public struct PermanovaFactor: Sendable, Equatable {
    /// The term's name in reports.
    public var name: String
    /// The level of each observation, in the order of the distance matrix's rows.
    public var labels: [String]

    public init(name: String, labels: [String]) {
        self.name = name
        self.labels = labels
    }

    /// The distinct labels, sorted (R's default level order).
    public var levels: [String] { Array(Set(labels)).sorted() }
}
