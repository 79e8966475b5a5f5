import Foundation
import Testing
@testable import MindSpace

/// The checkpoint fixtures (`Fixtures/checkpoints/`, made by `make_fixtures.py`) and NumPy's
/// dense answers for them (`expected.json`, `digits_runs.json`).
enum CheckpointFixtures {
    static func path(_ relative: String) throws -> String {
        let folder = try #require(Bundle.module.url(forResource: "Fixtures", withExtension: nil))
        return folder.appendingPathComponent("checkpoints").appendingPathComponent(relative).path
    }

    /// NumPy's dense PCA of one set (see make_fixtures.py for every field).
    struct Answer {
        let checkpoints: [String]
        /// The tensors in the order their parameters are concatenated in `directionsTop3`.
        let tensors: [String]
        let parameters: Int
        let eigenvalues: [Double]
        let explainedVariance: [Double]
        let explainedVarianceRatio: [Double]
        let totalVariance: Double
        let componentsFor: [String: Int]
        /// n × 3 (fewer when the rank is lower).
        let coordinatesTop3: [[Double]]
        /// 3 × p, only for the `trajectory` set.
        let directionsTop3: [[Double]]
        let norms: [Double]
        let stepDistances: [Double]
        let perTensor: [String: Answer]
        let perLayer: [String: Answer]

        init(_ json: Any) throws {
            let object = try #require(json as? [String: Any])
            func numbers(_ key: String) throws -> [Double] {
                // Python repr strings round-trip exactly through Double(String).
                try (object[key] as? [String] ?? []).map { try #require(Double($0)) }
            }
            func rows(_ key: String) throws -> [[Double]] {
                try (object[key] as? [[String]] ?? []).map { try $0.map { try #require(Double($0)) } }
            }
            checkpoints = object["checkpoints"] as? [String] ?? []
            tensors = object["tensors"] as? [String] ?? []
            parameters = try #require(object["parameters"] as? Int)
            eigenvalues = try numbers("eigenvalues")
            explainedVariance = try numbers("explained_variance")
            explainedVarianceRatio = try numbers("explained_variance_ratio")
            let total = try #require(object["total_variance"] as? String)
            totalVariance = try #require(Double(total))
            componentsFor = try #require(object["components_for"] as? [String: Int])
            coordinatesTop3 = try rows("coordinates_top3")
            directionsTop3 = try rows("directions_top3")
            norms = try numbers("norms")
            stepDistances = try numbers("step_distances")
            perTensor = try (object["per_tensor"] as? [String: Any] ?? [:]).mapValues { try Answer($0) }
            perLayer = try (object["per_layer"] as? [String: Any] ?? [:]).mapValues { try Answer($0) }
        }
    }

    /// The answer for the set in folder `name` of `expected.json`.
    static func answer(_ name: String) throws -> Answer {
        let data = try Data(contentsOf: URL(fileURLWithPath: try path("expected.json")))
        let all = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        return try Answer(try #require(all[name]))
    }

    /// The answer for a shipped digits run ("f32" or "bf16") from `digits_runs.json`.
    static func digitsAnswer(_ label: String) throws -> Answer {
        let data = try Data(contentsOf: URL(fileURLWithPath: try path("digits_runs.json")))
        let all = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        return try Answer(try #require(all[label]))
    }

    /// The largest |a − b| / scale over two equally long lists (∞ when the lengths differ).
    static func largestDifference(_ a: [Double], _ b: [Double], scale: Double = 1) -> Double {
        guard a.count == b.count else { return .infinity }
        return zip(a, b).map { abs($0 - $1) / scale }.max() ?? 0
    }

    /// The largest relative difference |a − b| / |b| over two lists (∞ when lengths differ).
    static func largestRelativeDifference(_ a: [Double], _ b: [Double]) -> Double {
        guard a.count == b.count else { return .infinity }
        return zip(a, b).map { $1 == 0 ? abs($0) : abs($0 - $1) / abs($1) }.max() ?? 0
    }
}
