import MindSpaceCore
import MindSpaceNumerics

/// The geometry of two groups of points against each other: how mixed they are
/// (`NeighborMixing`), whether a classifier tells them apart (`NeighborClassifierTest`) and what
/// share of the second lies within the first (`WithinShare`), all from one exact neighbour search
/// of their union and one seeded generator, so the same seed gives the same numbers on any
/// number of threads.
///
/// What these measure, and what they cannot say: they describe the points given, at the scale
/// of k neighbours. Low mixing and a high accuracy say the groups occupy different places; high
/// mixing, a chance-level accuracy and a within-share near 1 say that, at this sample size, the
/// groups cannot be told apart by position. None of them says why, and none is evidence about
/// populations the points were not drawn from.
public struct GroupSeparation: Sendable, Equatable, Codable {
    /// Sizes of A and B.
    public var firstCount: Int
    public var secondCount: Int
    public var mixing: NeighborMixing
    public var classifier: NeighborClassifierTest
    /// The share of B within A.
    public var within: WithinShare

    enum CodingKeys: String, CodingKey {
        case mixing, classifier, within
        case firstCount = "n_a", secondCount = "n_b"
    }

    /// Settings shared by the three measures.
    public struct Settings: Sendable, Equatable {
        /// k for mixing and the classifier.
        public var k = 10
        /// Label shuffles of each permutation test.
        public var permutations = 999
        /// Cross-validation folds of the classifier.
        public var folds = 5
        /// Bootstrap resamples of each interval.
        public var resamples = 1000
        public var level = 0.95
        /// q of `WithinShare`.
        public var withinQuantile = 0.95
        public var seed: UInt64 = 0

        public init(k: Int = 10, permutations: Int = 999, folds: Int = 5, seed: UInt64 = 0) {
            self.k = k
            self.permutations = permutations
            self.folds = folds
            self.seed = seed
        }

        /// The smallest group these settings can compare: k + 1 points, so that every point has k
        /// neighbours in its own group's stead, and at least `folds` points.
        public var smallestGroup: Int { max(k + 1, folds, 2) }
    }

    /// Measures `points`' rows `first` (A) against its rows `second` (B); the rows must be
    /// disjoint. Throws `.usage` naming `--k` when a group is smaller than `smallestGroup`.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public init<Scalar: NeighborScalar>(points: Matrix<Scalar>, first: [Int], second: [Int],
                                        names: (String, String) = ("A", "B"), settings: Settings) throws {
        for (name, rows) in [(names.0, first), (names.1, second)] where rows.count < settings.smallestGroup {
            throw MindSpaceError(.usage, "--k \(settings.k): group '\(name)' has \(rows.count) point\(rows.count == 1 ? "" : "s"), "
                                 + "too few to compare (needs at least \(settings.smallestGroup): k + 1 and one per fold)")
        }
        guard settings.permutations >= 1, settings.folds >= 2 else {
            throw MindSpaceError(.usage, "--permutations must be at least 1 and folds at least 2")
        }
        firstCount = first.count
        secondCount = second.count
        let union = points.selectingRows(first + second)
        let inSecond = [Bool](repeating: false, count: first.count) + [Bool](repeating: true, count: second.count)
        // Deep enough that the out-of-fold lists almost never need a direct search.
        let depth = min(union.rows - 1, 2 * settings.k * settings.folds / (settings.folds - 1) + 10)
        let table = try ExactNeighbors.search(union, k: depth)
        var generator = SeededGenerator(seed: settings.seed)
        mixing = NeighborMixing(table: table.truncated(to: settings.k), inSecond: inSecond,
                                permutations: settings.permutations, resamples: settings.resamples,
                                level: settings.level, generator: &generator)
        classifier = NeighborClassifierTest(points: union, table: table, inSecond: inSecond, k: settings.k,
                                            folds: settings.folds, permutations: settings.permutations,
                                            resamples: settings.resamples, level: settings.level,
                                            generator: &generator)
        within = try WithinShare(points: union, first: Array(0..<first.count),
                                 second: Array(first.count..<(first.count + second.count)),
                                 quantile: settings.withinQuantile, resamples: settings.resamples,
                                 level: settings.level, generator: &generator)
    }

    /// Measures `points`' rows of `pair.first` (A) against those of `pair.second` (B), named by
    /// the groups (the pair `LabelledGroups.pair` chose).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public init<Scalar: NeighborScalar>(points: Matrix<Scalar>, pair: (first: LabelledGroups.Group, second: LabelledGroups.Group),
                                        settings: Settings) throws {
        try self.init(points: points, first: pair.first.members, second: pair.second.members,
                      names: (pair.first.name, pair.second.name), settings: settings)
    }
}
