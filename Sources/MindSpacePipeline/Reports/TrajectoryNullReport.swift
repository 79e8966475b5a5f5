import Foundation
import MindSpaceCore
import MindSpaceNumerics
import MindSpaceCheckpoints

/// `null_model` of a trajectory report (shared/cli.md: `kind`, `explained_variance_ratio`,
/// `band`, `draws`): the random-walk null (`RandomWalkNull`) summarised, with the data's PC1
/// share and components-for-90 % set against it (`pc1_p_value`, `reading`).
public struct TrajectoryNullReport: Codable, Equatable, Sendable {
    /// The draws' median and central 95 % range of one components-for count.
    public struct CountSummary: Codable, Equatable, Sendable {
        public var median: Double
        public var band: [Double]
    }

    /// "random-walk".
    public var kind: String
    /// The mean ratio per component over the draws, min(n − 1, p) values.
    public var explainedVarianceRatio: [Double]
    /// One [low, high] per component: the central `level` range of its ratio over the draws.
    public var band: [[Double]]
    public var draws: Int
    public var seed: UInt64
    public var level: Double
    /// p, the dimension the walks' directions were drawn in.
    public var dimension: Int
    /// Components for 50 / 90 / 99 % of the variance over the draws.
    public var componentsFor: [String: CountSummary]
    /// (1 + draws whose PC1 share ≥ the data's)/(1 + draws).
    public var pc1PValue: Double
    /// The comparison in words (`TrajectoryNullReport.reading`).
    public var reading: String

    enum CodingKeys: String, CodingKey {
        case kind, band, draws, seed, level, dimension, reading
        case explainedVarianceRatio = "explained_variance_ratio"
        case componentsFor = "components_for"
        case pc1PValue = "pc1_p_value"
    }

    /// The summary of `null` for data whose spectrum is `spectrum`.
    public init(_ null: RandomWalkNull, data spectrum: PCASpectrum) {
        kind = TrajectoryNullSettings.Kind.randomWalk.rawValue
        explainedVarianceRatio = null.explainedVarianceRatio
        band = null.band.map { [$0.low, $0.high] }
        draws = null.draws
        seed = null.seed
        level = null.level
        dimension = null.dimension
        componentsFor = null.componentsFor.mapValues { CountSummary(median: $0.median, band: [$0.band.low, $0.band.high]) }
        let pc1 = spectrum.explainedVarianceRatio.first ?? 0
        pc1PValue = null.pc1PValue(pc1)
        reading = Self.reading(dataPC1: pc1, dataComponentsFor90: spectrum.componentsFor(fraction: 0.9),
                               null: explainedVarianceRatio.first ?? 0, band: band.first ?? [0, 0],
                               nullComponentsFor90: componentsFor["0.9"], steps: null.stepLengths.count,
                               pValue: pc1PValue, draws: draws)
    }

    /// The data's PC1 share and components for 90 % beside the null's, in words, whichever way
    /// they come out, e.g. "PC1 holds 90.7% of the movement; a random walk with the same 20 steps
    /// puts 60.9% [60.8%, 61.0%] there (p = 0.005 over 200 draws). 90% of the variance takes 1
    /// component; the random walk needs 6 [6, 6]."
    static func reading(dataPC1: Double, dataComponentsFor90: Int, null: Double, band: [Double],
                        nullComponentsFor90: CountSummary?, steps: Int, pValue: Double, draws: Int) -> String {
        let low = band.first ?? null, high = band.last ?? null
        let compared = dataPC1 > high ? "above" : (dataPC1 < low ? "below" : "inside")
        var text = "PC1 holds \(percent(dataPC1)) of the movement; a random walk with the same \(steps) step\(steps == 1 ? "" : "s") "
            + "puts \(percent(null)) [\(percent(low)), \(percent(high))] there, so the data's share lies \(compared) that band "
            + "(p = \(pText(pValue)) over \(draws) draws)."
        if let k = nullComponentsFor90 {
            let range = k.band.count == 2 ? " [\(count(k.band[0])), \(count(k.band[1]))]" : ""
            text += " 90% of the variance takes \(dataComponentsFor90) component\(dataComponentsFor90 == 1 ? "" : "s"); "
                + "the random walk needs \(count(k.median))\(range)."
        }
        return text
    }

    /// The two lines of the text report: the data's PC1 share and components for 90 % beside the
    /// null's mean and band.
    public func textLines(dataPC1: Double, dataComponentsFor90: Int) -> [String] {
        let first = band.first ?? [0, 0]
        var lines = ["PC1 \(Self.percent(dataPC1)); a random walk with the same steps: \(Self.percent(explainedVarianceRatio.first ?? 0)) "
            + "[\(Self.percent(first.first ?? 0)), \(Self.percent(first.last ?? 0))] (\(Int((100 * level).rounded()))% of \(draws) draws), "
            + "p = \(Self.pText(pc1PValue))"]
        if let k = componentsFor["0.9"], k.band.count == 2 {
            lines.append("components for 90%: \(dataComponentsFor90); the random walk's: \(Self.count(k.median)) "
                + "[\(Self.count(k.band[0])), \(Self.count(k.band[1]))]")
        }
        return lines
    }

    /// A p-value to two significant digits: 0.004975 → "0.005".
    static func pText(_ value: Double) -> String { String(format: "%.2g", value) }

    /// 0.6079 → "60.8%".
    static func percent(_ value: Double) -> String { String(format: "%.1f%%", 100 * value) }

    /// A count that may be a median between two integers: 6 → "6", 6.5 → "6.5".
    static func count(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(format: "%.1f", value)
    }
}
