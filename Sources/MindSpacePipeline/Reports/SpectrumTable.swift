import Foundation
import MindSpaceCore

/// The spectrum table the `pca` and `trajectory` reports print: one row per component with its
/// variance, its share of the total variance and the running share of the components so far.
/// It reads the report's own (JSON) fields, so a report decoded from a file prints the same table.
enum SpectrumTable {
    /// The first `count` components of a spectrum given as `explainedVariance` and
    /// `explainedVarianceRatio` (each at least `count` long), indented by two spaces.
    static func render(explainedVariance: [Double], explainedVarianceRatio: [Double], count: Int) -> String {
        var rows: [[String]] = [["PC", "variance", "ratio", "cumulative"]]
        var cumulative = 0.0
        for index in 0..<count {
            cumulative += explainedVarianceRatio[index]
            rows.append([String(index + 1), TextTable.number(explainedVariance[index]),
                         String(format: "%.4f", explainedVarianceRatio[index]), String(format: "%.4f", cumulative)])
        }
        return TextTable.render(rows, indent: "  ")
    }
}
