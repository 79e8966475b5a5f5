import Foundation
import MindSpaceIO

extension DemoReport {
    /// The demo's `compare` of the training runs' hidden layers on the digits: how alike the
    /// representations of runs on the same data, or from the same initialisation, are.
    public struct Representations: Codable, Equatable, Sendable {
        public var runs: [String]
        /// The metric the matrix, the means and the decomposition use (compare's first).
        public var metric: String
        public var matrix: [[Double]]
        /// Mean score of run pairs that share the data subset (other seeds), that share the seed
        /// (other subsets), and that share neither; `nil` when no such pair exists.
        public var sameData: Double?
        public var sameSeed: Double?
        public var neither: Double?
        /// The mean of the pairs' permutation nulls.
        public var nullMean: Double?
        public var decomposition: Decomposition?
        public var images: [String]
        public var report: String

        enum CodingKeys: String, CodingKey {
            case runs, metric, matrix, decomposition, images, report
            case sameData = "same_data", sameSeed = "same_seed", neither
            case nullMean = "null_mean"
        }

        /// `factors`: the demo's table of each run's data subset and seed (columns in that order).
        init(_ compare: CompareReport, factors: FactorTable?) {
            let matrix = compare.matrices?.first
            runs = matrix?.names ?? compare.inputs.map(\.name)
            metric = compare.metrics.first ?? ""
            self.matrix = matrix?.values ?? []
            images = matrix?.images ?? []
            report = compare.report
            decomposition = compare.decomposition
            let levels = runs.map { factors?.levels[$0] ?? [] }
            var sums = [0.0, 0.0, 0.0], counts = [0, 0, 0]
            for i in runs.indices {
                for j in runs.indices where j > i && levels[i].count == 2 && levels[j].count == 2 {
                    let parts = (levels[i], levels[j])
                    let kind = parts.0[0] == parts.1[0] ? 0 : parts.0[1] == parts.1[1] ? 1 : 2
                    sums[kind] += self.matrix[i][j]
                    counts[kind] += 1
                }
            }
            func mean(_ kind: Int) -> Double? { counts[kind] > 0 ? sums[kind] / Double(counts[kind]) : nil }
            sameData = mean(0)
            sameSeed = mean(1)
            neither = mean(2)
            let nulls = compare.scores.filter { $0.metric == metric }.compactMap { $0.null?.mean }
            nullMean = nulls.isEmpty ? nil : nulls.reduce(0, +) / Double(nulls.count)
        }

        /// The index.md section.
        func markdown(relative: (String) -> String) -> String {
            func number(_ value: Double?) -> String { value.map { String(format: "%.2f", $0) } ?? "–" }
            var text = "\n## Do different runs learn the same representation?\n\n"
                + "The hidden layer (32 ReLU units) of each run's final checkpoint on all 1797 digits, compared by \(metric) "
                + "(Kornblith et al. 2019; invariant to permutations and rotations of the units, so runs need no alignment). "
                + "Runs on the same data subset (other seeds): mean \(number(sameData)); runs from the same initialisation "
                + "on the other subset: \(number(sameSeed)); runs sharing neither: \(number(neither)). Unrelated "
                + "representations of these sizes (the rows of one shuffled against the other's) score \(number(nullMean)) "
                + "on average.\n\n"
            if let decomposition {
                let terms = decomposition.factors.map {
                    "\($0.name) \(String(format: "%.0f%%", 100 * $0.r2)) (p = \($0.pValue.map { String(format: "%.3f", $0) } ?? "–"))"
                }.joined(separator: ", ")
                text += "PERMANOVA of the distance √(1 − score) (Anderson 2001; sequential terms, \(decomposition.permutations) "
                    + "permutations): \(terms); left to cross-run variation: \(String(format: "%.0f%%", 100 * decomposition.residual.r2)). "
                let data = decomposition.factors.first { $0.name == "data" }?.r2 ?? 0
                let seed = decomposition.factors.first { $0.name == "seed" }?.r2 ?? 0
                text += (data > seed
                    ? "Here the data subset explains more of the differences between runs than the seed does"
                    : "Here the data subset explains no more of the differences between runs than the seed does")
                    + " (\(runs.count) runs make a small design: read the shares as rough).\n\n"
            }
            text += images.map { "![\(metric)](\(relative($0)))" }.joined(separator: "\n") + "\n\n"
            text += "Details: [\(relative(report))](\(relative(report)))\n"
            return text
        }
    }
}
