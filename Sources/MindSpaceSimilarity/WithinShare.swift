import MindSpaceCore
import MindSpaceNumerics

/// The share of group B's points that lie "within" group A: as close to A as A's own points are
/// to each other.
///
/// For each point a of A let r(a) be its distance to the nearest *other* point of A, and for each
/// point b of B let d_A(b) = min over a ∈ A of ‖b − a‖ (exact, by direct distances). The
/// threshold τ is the q-quantile of A's own nearest-neighbour distances (the ⌈q·n_A⌉-th smallest
/// r(a); q = 0.95 by default), so a fraction s_A = |{a : r(a) ≤ τ}| / n_A ≥ q of A passes it. Then
///
///     within_fraction = |{b : d_A(b) ≤ τ}| / n_B,      within_share = within_fraction / s_A.
///
/// If B is a sample of A's distribution, d_A(b) is distributed as a nearest-neighbour distance
/// among n_A points and r(a) as one among n_A − 1, so within_share ≈ 1 (slightly above, by a
/// factor of order (n_A/(n_A − 1))^{1/d}); values above 1 say B sits more densely inside A than A
/// does. B off A's support (a separate cluster, a parallel manifold farther than A's spacing)
/// gives ≈ 0. `distanceRatio` is the median of d_A(b) over the median of r(a): ≈ 1 inside, large
/// when apart. The measure is not symmetric (B within A ≠ A within B) and depends on A's
/// sampling density: a sparse A has a large τ. The interval resamples B's points with τ fixed.
///
/// Cost: n_A·n_B·D for the cross distances plus one neighbour search of A.
public struct WithinShare: Sendable, Equatable, Codable {
    /// q, the quantile of A's own nearest-neighbour distances used as the threshold.
    public var quantile: Double
    /// τ.
    public var threshold: Double
    /// within_fraction / s_A, with its bootstrap interval.
    public var share: MeanWithInterval
    /// |{b : d_A(b) ≤ τ}| / n_B.
    public var fraction: Double
    /// median d_A(b) / median r(a).
    public var distanceRatio: Double

    enum CodingKeys: String, CodingKey {
        case quantile, threshold, share, fraction
        case distanceRatio = "distance_ratio"
    }

    /// The share of `points`' rows `second` within its rows `first` (each at least 2 rows,
    /// disjoint; exact duplicates inside A give r(a) = 0).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public init<Scalar: NeighborScalar>(points: Matrix<Scalar>, first: [Int], second: [Int], quantile: Double = 0.95,
                                        resamples: Int = 1000, level: Double = 0.95,
                                        generator: inout SeededGenerator) throws {
        precondition(first.count >= 2 && !second.isEmpty && quantile > 0 && quantile <= 1)
        self.quantile = quantile
        let own = try ExactNeighbors.search(points.selectingRows(first), k: 1)
        let ownDistances = own.distances.map(Double.init).sorted()
        let rank = min(ownDistances.count, max(1, Int((quantile * Double(ownDistances.count)).rounded(.up))))
        let tau = ownDistances[rank - 1]
        threshold = tau
        let passing = Double(ownDistances.filter { $0 <= tau }.count) / Double(ownDistances.count)
        let cross = Self.nearestDistances(points, from: second, to: first)
        fraction = Double(cross.filter { $0 <= tau }.count) / Double(cross.count)
        share = MeanWithInterval(values: cross.map { $0 <= tau ? 1 : 0 }, scale: 1 / passing, resamples: resamples,
                                 level: level, generator: &generator)
        distanceRatio = Self.median(cross.sorted()) / max(Self.median(ownDistances), .leastNormalMagnitude)
    }

    /// d_A(b) for every row b of `sources`: the distance to the nearest row of `targets`.
    /// Parallel over 16 fixed ranges of `sources`; each value is computed alone, so the result
    /// does not depend on the thread count.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    static func nearestDistances<Scalar: NeighborScalar>(_ points: Matrix<Scalar>, from sources: [Int],
                                                        to targets: [Int]) -> [Double] {
        let targetRows = targets.map(Int32.init)
        var result = [Double](repeating: 0, count: sources.count)
        result.withUnsafeMutableBufferPointer { out in
            let output = out
            points.storage.withUnsafeBufferPointer { rows in
                targetRows.withUnsafeBufferPointer { chosen in
                    guard let base = rows.baseAddress, let list = chosen.baseAddress else { return }
                    ParallelLoop.forEachRange(sources.count) { _, range in
                        var squared = [Scalar](repeating: 0, count: targetRows.count)
                        squared.withUnsafeMutableBufferPointer { scratch in
                            guard let into = scratch.baseAddress else { return }
                            for position in range {
                                Scalar.directSquaredDistances(from: base + sources[position] * points.columns, to: base,
                                                              columns: points.columns, indices: list,
                                                              count: targetRows.count, into: into)
                                var best = Scalar.infinity
                                for value in scratch where value < best { best = value }
                                output[position] = Double(best).squareRoot()
                            }
                        }
                    }
                }
            }
        }
        return result
    }

    /// The median of ascending `sorted` values (the mean of the middle two for an even count).
    static func median(_ sorted: [Double]) -> Double {
        let n = sorted.count
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2
    }
}
