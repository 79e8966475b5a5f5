import MindSpaceCore
import MindSpaceNumerics

/// A Monte Carlo permutation test's verdict: the observed statistic against the statistics of
/// the same data with the group labels shuffled (Fisher 1935; Good 2005, *Permutation,
/// Parametric, and Bootstrap Tests of Hypotheses*).
///
/// The p-value is (1 + #{b : T_b at least as extreme as T}) / (B + 1) (Phipson & Smyth 2010):
/// the observed labelling counts as one of the B + 1 equally likely ones, so the p-value is
/// never 0 and P(p ≤ α) ≤ α under the null hypothesis that the labels are exchangeable (for a
/// statistic with ties, such as an accuracy over n points, the test is slightly conservative).
public struct PermutationTest: Sendable, Equatable, Codable {
    /// Which tail counts as evidence against exchangeable labels.
    public enum Tail: String, Sendable, Codable {
        /// Small values are extreme (e.g. little mixing: the groups keep apart).
        case lower
        /// Large values are extreme (e.g. a classifier tells the groups apart).
        case upper
    }

    /// B, the number of shuffles.
    public var permutations: Int
    public var tail: Tail
    /// The mean of the B shuffled statistics.
    public var nullMean: Double
    /// The 2.5% and 97.5% quantiles of the shuffled statistics (linear interpolation).
    public var nullInterval: [Double]
    /// (1 + #{extreme}) / (B + 1).
    public var pValue: Double

    enum CodingKeys: String, CodingKey {
        case permutations, tail
        case nullMean = "null_mean", nullInterval = "null_interval", pValue = "p_value"
    }

    /// The verdict for `observed` against the shuffled statistics `null` (B ≥ 1 values).
    public init(observed: Double, null: [Double], tail: Tail) {
        precondition(!null.isEmpty, "a permutation test needs at least one shuffle")
        permutations = null.count
        self.tail = tail
        nullMean = null.reduce(0, +) / Double(null.count)
        let sorted = null.sorted()
        nullInterval = [Bootstrap.interpolatedQuantile(sorted, 0.025), Bootstrap.interpolatedQuantile(sorted, 0.975)]
        let extreme = null.filter { tail == .lower ? $0 <= observed : $0 >= observed }.count
        pValue = Double(1 + extreme) / Double(null.count + 1)
    }
}
