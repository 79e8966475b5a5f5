import Foundation
import MindSpaceCore
import MindSpaceDimension
import MindSpaceSimilarity

/// The JSON report of `mindspace layers` (keys per docs/cli.md): per layer its size, intrinsic
/// dimension estimates, PCA dimensions, and its neighbourhood overlap and linear CKA with the next
/// layer, each with an interval; the layer × layer CKA matrix; the images.
public struct LayersReport: Codable, Equatable, Sendable {
    /// A similarity with the next layer, with its interval.
    public struct Transition: Codable, Equatable, Sendable {
        public var value: Double
        public var ci: [Double]?
        /// How the interval was made.
        public var method: String
        /// What independent layers would give (overlap: k/(N − 1)); `nil` where not computed.
        public var null: Double?
    }

    public struct Layer: Codable, Equatable, Sendable {
        public var name: String
        public var n: Int
        public var d: Int
        /// The same objects `id` reports, one per estimator.
        public var estimates: [DimensionEstimate]
        /// Estimators that could not run on this layer, with the reason.
        public var skipped: [IDReport.Skipped]
        /// Principal components for 50 %, 90 % and 99 % of the variance.
        public var componentsFor: [String: Int]
        /// Their bootstrap intervals ([low, high], whole counts; `ComponentCountBootstrap`), same keys.
        public var componentsForCI: [String: [Int]] = [:]
        public var overlapNext: Transition?
        public var ckaNext: Transition?

        enum CodingKeys: String, CodingKey {
            case name, n, d, estimates, skipped
            case componentsFor = "components_for", componentsForCI = "components_for_ci"
            case overlapNext = "overlap_next", ckaNext = "cka_next"
        }

        public init(name: String, n: Int, d: Int, estimates: [DimensionEstimate], skipped: [IDReport.Skipped],
                    componentsFor: [String: Int], componentsForCI: [String: [Int]] = [:], overlapNext: Transition?,
                    ckaNext: Transition?) {
            self.name = name
            self.n = n
            self.d = d
            self.estimates = estimates
            self.skipped = skipped
            self.componentsFor = componentsFor
            self.componentsForCI = componentsForCI
            self.overlapNext = overlapNext
            self.ckaNext = ckaNext
        }

        /// Encodes `overlap_next` and `cka_next` as null for the last layer (not absent).
        public func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(name, forKey: .name)
            try container.encode(n, forKey: .n)
            try container.encode(d, forKey: .d)
            try container.encode(estimates, forKey: .estimates)
            try container.encode(skipped, forKey: .skipped)
            try container.encode(componentsFor, forKey: .componentsFor)
            try container.encode(componentsForCI, forKey: .componentsForCI)
            try container.encode(overlapNext, forKey: .overlapNext)
            try container.encode(ckaNext, forKey: .ckaNext)
        }
    }

    public struct Settings: Codable, Equatable, Sendable {
        public var estimators: [String]
        public var k: Int
        public var bootstrap: Int
        public var level: Double
        public var jackknifeGroups: Int

        enum CodingKeys: String, CodingKey {
            case estimators, k, bootstrap, level
            case jackknifeGroups = "jackknife_groups"
        }
    }

    public var source: String
    public var layers: [Layer]
    /// Skipped arrays of the source (not 2-D).
    public var skippedArrays: [String]
    public var ckaMatrix: [[Double]]
    public var settings: Settings
    public var images: [String]
    public var report: String
    public var provenance: ReportEncoding.Provenance

    enum CodingKeys: String, CodingKey {
        case source, layers, settings, images, report, provenance
        case skippedArrays = "skipped_arrays", ckaMatrix = "cka_matrix"
    }

    /// The human-readable table the CLI prints without `--json`.
    public func text() -> String {
        func number(_ value: Double?) -> String { value.map { String(format: "%.3f", $0) } ?? "–" }
        func interval(_ ci: [Double]?) -> String {
            guard let ci, ci.count == 2 else { return "" }
            return String(format: "[%.3f, %.3f]", ci[0], ci[1])
        }
        let estimator = settings.estimators.first ?? "auto"
        var text = "Layers of \(source): \(layers.count) layers of \(layers.first?.n ?? 0) inputs\n"
        var rows = [["layer", "d", "ID (\(estimator))", "95% CI", "PCs 50/90/99%", "90% PCs CI", "overlap → next", "CKA → next"]]
        for layer in layers {
            let estimate = layer.estimates.first
            let counts = ["0.5", "0.9", "0.99"].map { layer.componentsFor[$0].map(String.init) ?? "–" }.joined(separator: "/")
            rows.append([layer.name, "\(layer.d)", number(estimate?.dimension),
                         estimate.map { interval($0.ci.hasBounds ? [$0.ci.low, $0.ci.high] : nil) } ?? (layer.skipped.first?.reason ?? ""),
                         counts, layer.componentsForCI["0.9"].map { $0.count == 2 ? "[\($0[0]), \($0[1])]" : "" } ?? "",
                         layer.overlapNext.map { "\(number($0.value)) \(interval($0.ci))" } ?? "",
                         layer.ckaNext.map { "\(number($0.value)) \(interval($0.ci))" } ?? ""])
        }
        text += TextTable.render(rows, indent: "  ")
        let null = layers.first?.overlapNext?.null
        text += "  overlap: k = \(settings.k) nearest neighbours kept from one layer to the next (independent layers: "
            + "\(number(null))), \(settings.bootstrap) bootstrap resamples; CKA: linear, delete-a-group jackknife over "
            + "\(settings.jackknifeGroups) groups of rows; PCs: bootstrap over inputs, axes held at the full sample's\n"
        return text + "wrote \(report)\n"
    }
}
