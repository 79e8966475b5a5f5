import MindSpaceCore
import MindSpaceNumerics

/// A two-sample test by classification (Friedman 2004; Lopez-Paz & Oquab 2017, "Revisiting
/// classifier two-sample tests"): if two groups come from one distribution, no classifier can
/// tell their points apart better than chance. Here the classifier is k-nearest-neighbour
/// majority vote, scored by F-fold cross-validation, and "chance" is what the same classifier
/// scores on the same points with the labels shuffled (a permutation null, so class sizes and
/// geometry need no modelling).
///
/// Each point is predicted from its k nearest neighbours outside its fold (exact:
/// `OutOfFoldNeighbors`): group B if more than k/2 of them are in B, A if fewer, and for a tie
/// (even k) the group of the nearest of them. accuracy = (1/n) Σ [ŷᵢ = yᵢ]; balanced accuracy
/// is the mean of the two groups' recalls (½ at chance whatever the group sizes). The folds are
/// drawn once (seeded) and kept for every shuffle, so each shuffle costs O(n·k); the test is
/// one-sided (`PermutationTest.Tail.upper`) on the accuracy. Under exchangeable labels the
/// p-value is (super-)uniform: `P(p ≤ α) ≤ α`.
public struct NeighborClassifierTest: Sendable, Equatable, Codable {
    /// k, the voting neighbours.
    public var k: Int
    /// F, the cross-validation folds.
    public var folds: Int
    /// Cross-validated accuracy with its bootstrap interval over points.
    public var accuracy: MeanWithInterval
    /// Mean recall of the two groups.
    public var balancedAccuracy: Double
    /// The accuracy against accuracies with shuffled labels.
    public var test: PermutationTest
    /// Points whose out-of-fold neighbours needed a direct search.
    public var directSearches: Int

    enum CodingKeys: String, CodingKey {
        case k, folds, accuracy, test
        case balancedAccuracy = "balanced_accuracy", directSearches = "direct_searches"
    }

    /// Per-point correctness (1 or 0) of the out-of-fold votes for labels `inSecond`.
    static func correct(_ neighbors: OutOfFoldNeighbors, inSecond: [Bool]) -> [Bool] {
        let k = neighbors.k
        return neighbors.indices.withUnsafeBufferPointer { indices in
            (0..<inSecond.count).map { i in
                var votes = 0
                for rank in 0..<k where inSecond[Int(indices[i * k + rank])] { votes += 1 }
                let predicted = 2 * votes == k ? inSecond[Int(indices[i * k])] : 2 * votes > k
                return predicted == inSecond[i]
            }
        }
    }

    /// Accuracy of the votes for labels `inSecond`.
    static func accuracy(_ neighbors: OutOfFoldNeighbors, inSecond: [Bool]) -> Double {
        let right = correct(neighbors, inSecond: inSecond).filter { $0 }.count
        return Double(right) / Double(inSecond.count)
    }

    /// Trains, scores and tests the classifier on `points` (the union, n × D) with labels
    /// `inSecond`, given the union's neighbour `table` (any depth ≥ k; deeper tables spare
    /// direct searches: about k·F/(F − 1) plus a margin suffices).
    /// - Parameters:
    ///   - folds: F ≥ 2 (at most n).
    ///   - permutations: B label shuffles (≥ 1).
    ///   - generator: the folds, then every shuffle, then the bootstrap, in that order.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public init<Scalar: NeighborScalar>(points: Matrix<Scalar>, table: NeighborTable<Scalar>, inSecond: [Bool], k: Int,
                                        folds: Int, permutations: Int, resamples: Int = 1000, level: Double = 0.95,
                                        generator: inout SeededGenerator) {
        precondition(folds >= 2 && folds <= points.rows && k >= 1)
        self.k = k
        self.folds = folds
        let fold = OutOfFoldNeighbors.assignFolds(count: points.rows, folds: folds, generator: &generator)
        let neighbors = OutOfFoldNeighbors(points: points, table: table, fold: fold, k: k)
        directSearches = neighbors.directSearches
        let right = Self.correct(neighbors, inSecond: inSecond)
        let observed = Double(right.filter { $0 }.count) / Double(right.count)
        var shuffled = inSecond
        var null: [Double] = []
        null.reserveCapacity(permutations)
        for _ in 0..<permutations {
            generator.shuffle(&shuffled)
            null.append(Self.accuracy(neighbors, inSecond: shuffled))
        }
        test = PermutationTest(observed: observed, null: null, tail: .upper)
        accuracy = MeanWithInterval(values: right.map { $0 ? 1 : 0 }, resamples: resamples, level: level,
                                    generator: &generator)
        var recalls: [Double] = []
        for group in [false, true] {
            let members = (0..<right.count).filter { inSecond[$0] == group }
            recalls.append(Double(members.filter { right[$0] }.count) / Double(max(1, members.count)))
        }
        balancedAccuracy = (recalls[0] + recalls[1]) / 2
    }
}
