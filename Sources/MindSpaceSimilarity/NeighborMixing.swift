import MindSpaceCore
import MindSpaceNumerics

/// How mixed two labelled groups are in the k-nearest-neighbour graph of their union: the mean
/// fraction of each point's k nearest neighbours that belong to the *other* group, against its
/// value under shuffled labels (the neighbour-label statistic behind Schilling's 1986 two-sample
/// test and the "batch mixing" entropy/kBET scores of single-cell integration, Büttner et al.
/// 2019).
///
/// For n = n_A + n_B points with labels yᵢ and neighbour sets N_k(i) (exact, self excluded):
///
///     mᵢ = |{j ∈ N_k(i) : y_j ≠ yᵢ}| / k,        M = (1/n) Σᵢ mᵢ.
///
/// If the labels were assigned at random with the group sizes fixed, each neighbour j ≠ i of a
/// point of A would be in B with probability n_B/(n − 1), whatever the geometry, so
///
///     E[M | shuffled] = 2·n_A·n_B / (n·(n − 1))     (exactly).
///
/// M near that value: the groups are interleaved at the scale of k neighbours; M = 0: no point
/// has a neighbour of the other group (well separated). `ratio` = M / E[M] puts both on one
/// scale (1 mixed, 0 apart). The permutation test is one-sided (little mixing is the evidence:
/// `PermutationTest.Tail.lower`). Duplicated points are ordinary neighbours at distance 0.
///
/// Cost: one neighbour search (given), then O(n·k) per shuffle.
public struct NeighborMixing: Sendable, Equatable, Codable {
    /// k, the neighbours per point.
    public var k: Int
    /// M with its bootstrap interval over points.
    public var mixing: MeanWithInterval
    /// E[M] under shuffled labels, 2·n_A·n_B / (n·(n − 1)).
    public var expected: Double
    /// M / E[M].
    public var ratio: Double
    /// M against M over shuffled labels.
    public var test: PermutationTest

    /// Per-point other-group fractions mᵢ for `table` (the union's k-NN) and `inSecond`
    /// (true for the points of B).
    public static func fractions<Scalar>(_ table: NeighborTable<Scalar>, inSecond: [Bool]) -> [Double] {
        precondition(table.pointCount == inSecond.count)
        let k = table.k
        return (0..<table.pointCount).map { i in
            var other = 0
            for rank in 0..<k where inSecond[table.neighbor(i, rank: rank)] != inSecond[i] { other += 1 }
            return Double(other) / Double(k)
        }
    }

    /// M for `table` and `inSecond` without building the per-point array.
    static func mean<Scalar>(_ table: NeighborTable<Scalar>, inSecond: [Bool]) -> Double {
        var other = 0
        table.indices.withUnsafeBufferPointer { indices in
            let k = table.k
            for i in 0..<table.pointCount {
                let own = inSecond[i]
                for rank in 0..<k where inSecond[Int(indices[i * k + rank])] != own { other += 1 }
            }
        }
        return Double(other) / Double(table.pointCount * table.k)
    }

    /// E[M] under shuffled labels for groups of `first` and `second` points.
    public static func expected(first: Int, second: Int) -> Double {
        let n = Double(first + second)
        return 2 * Double(first) * Double(second) / (n * (n - 1))
    }

    /// Measures and tests the mixing of `inSecond`'s two groups in `table`.
    /// - Parameters:
    ///   - permutations: B label shuffles (≥ 1).
    ///   - resamples, level: the bootstrap interval of M.
    ///   - generator: every shuffle and resample, in that order.
    public init<Scalar>(table: NeighborTable<Scalar>, inSecond: [Bool], permutations: Int, resamples: Int = 1000,
                        level: Double = 0.95, generator: inout SeededGenerator) {
        let second = inSecond.filter { $0 }.count
        precondition(second > 0 && second < inSecond.count, "mixing needs two non-empty groups")
        k = table.k
        let observed = Self.mean(table, inSecond: inSecond)
        var shuffled = inSecond
        var null: [Double] = []
        null.reserveCapacity(permutations)
        for _ in 0..<permutations {
            generator.shuffle(&shuffled)
            null.append(Self.mean(table, inSecond: shuffled))
        }
        test = PermutationTest(observed: observed, null: null, tail: .lower)
        mixing = MeanWithInterval(values: Self.fractions(table, inSecond: inSecond), resamples: resamples,
                                  level: level, generator: &generator)
        expected = Self.expected(first: inSecond.count - second, second: second)
        ratio = observed / expected
    }
}
