import MindSpaceCore
import MindSpaceNumerics

/// A mean of per-point values with its seeded percentile-bootstrap interval (`Bootstrap`,
/// Efron & Tibshirani 1993, ch. 13), the one interval of the group-geometry measures.
///
/// The points are resampled as if independent. They are not quite: neighbouring points share
/// neighbours, so the interval reflects the sampling noise of the points and tends to be
/// somewhat narrow; the permutation tests, not these intervals, answer whether groups differ.
public struct MeanWithInterval: Sendable, Equatable, Codable {
    /// The mean of the values (times `scale`).
    public var value: Double
    /// The percentile interval [low, high] of the bootstrap means (times `scale`).
    public var ci: [Double]
    /// Coverage of `ci`.
    public var level: Double

    enum CodingKeys: String, CodingKey {
        case value, ci
        case level = "ci_level"
    }

    /// The mean of `values` (n ≥ 1) times `scale`, with a `resamples`-draw bootstrap interval.
    /// - Complexity: O(resamples · n).
    public init(values: [Double], scale: Double = 1, resamples: Int, level: Double, generator: inout SeededGenerator) {
        precondition(!values.isEmpty && resamples >= 1)
        let n = Double(values.count)
        value = scale * values.reduce(0, +) / n
        let interval = values.withUnsafeBufferPointer { items in
            Bootstrap.percentileInterval(itemCount: items.count, resamples: resamples, level: level,
                                         generator: &generator) { counts in
                var sum = 0.0
                for i in 0..<counts.count where counts[i] != 0 { sum += Double(counts[i]) * items[i] }
                return scale * sum / n
            }
        }
        ci = [interval?.low ?? value, interval?.high ?? value]
        self.level = level
    }
}
