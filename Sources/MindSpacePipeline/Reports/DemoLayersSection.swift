import Foundation

extension DemoReport {
    /// The demo's `layers` profile of the shipped MiniLM hidden states, with a sentence on what
    /// it shows.
    public struct Layers: Codable, Equatable, Sendable {
        public var layers: [String]
        public var estimator: String
        public var ids: [Double?]
        /// The layer of the lowest estimate and the transition with the least overlap.
        public var lowestLayer: String?
        public var leastOverlap: String?
        public var leastOverlapValue: Double?
        public var overlapNull: Double?
        public var images: [String]
        public var report: String

        enum CodingKeys: String, CodingKey {
            case layers, estimator, ids, images, report
            case lowestLayer = "lowest_layer", leastOverlap = "least_overlap", leastOverlapValue = "least_overlap_value"
            case overlapNull = "overlap_null"
        }

        init(_ report: LayersReport) {
            let names = report.layers.map(\.name)
            let estimates = report.layers.map { $0.estimates.first?.dimension }
            layers = names
            estimator = report.layers.first?.estimates.first?.estimator ?? report.settings.estimators.first ?? ""
            ids = estimates
            let lowest = estimates.indices.filter { estimates[$0] != nil }.min { (estimates[$0] ?? 0) < (estimates[$1] ?? 0) }
            lowestLayer = lowest.map { names[$0] }
            let steps = report.layers.indices.dropLast().filter { report.layers[$0].overlapNext != nil }
            let least = steps.min { (report.layers[$0].overlapNext?.value ?? 1) < (report.layers[$1].overlapNext?.value ?? 1) }
            leastOverlap = least.map { "\(names[$0]) → \(names[$0 + 1])" }
            leastOverlapValue = least.flatMap { report.layers[$0].overlapNext?.value }
            overlapNull = report.layers.first?.overlapNext?.null
            images = report.images
            self.report = report.report
        }

        /// The index.md section.
        func markdown(relative: (String) -> String) -> String {
            func number(_ value: Double?) -> String { value.map { String(format: "%.2f", $0) } ?? "–" }
            let profile = ids.map(number).joined(separator: ", ")
            var text = "\n## A model's geometry, layer by layer\n\n"
                + "all-MiniLM-L6-v2's embedding output and its six layers, mean-pooled over the tokens of 600 of the shipped "
                + "sentences (`datasets/text-layers.npz`). Intrinsic dimension (\(estimator)) by layer: \(profile)"
            if let lowestLayer { text += "; lowest at \(lowestLayer)" }
            text += ". "
            if let leastOverlap {
                text += "Neighbourhoods change most from \(leastOverlap), where \(number(leastOverlapValue)) of each sentence's "
                    + "nearest neighbours stay (independent layers would keep \(number(overlapNull))). "
            }
            text += "Whether the profile rises and falls as reported for larger networks (Ansuini et al. 2019; "
                + "Valeriani et al. 2023) is for the intervals in the figure to say.\n\n"
            text += images.map { "![layers](\(relative($0)))" }.joined(separator: "\n") + "\n\n"
                + "Details: [\(relative(report))](\(relative(report)))\n"
            return text
        }
    }
}
