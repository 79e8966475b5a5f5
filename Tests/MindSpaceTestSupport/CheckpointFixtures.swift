import Foundation

/// The checkpoint fixtures (`Fixtures/checkpoints/`, made by `make_fixtures.py`) and NumPy's
/// dense answers for them (`expected.json`, `digits_runs.json`).
package enum CheckpointFixtures {
    package static func path(_ relative: String) throws -> String {
        let folder = try TestFixtures.unwrap(TestFixtures.root)
        return folder.appendingPathComponent("checkpoints").appendingPathComponent(relative).path
    }

    /// NumPy's dense PCA of one set (see make_fixtures.py for every field).
    package struct Answer {
        package let checkpoints: [String]
        /// The tensors in the order their parameters are concatenated in `directionsTop3`.
        package let tensors: [String]
        package let parameters: Int
        package let eigenvalues: [Double]
        package let explainedVariance: [Double]
        package let explainedVarianceRatio: [Double]
        package let totalVariance: Double
        package let componentsFor: [String: Int]
        /// n × 3 (fewer when the rank is lower).
        package let coordinatesTop3: [[Double]]
        /// 3 × p, only for the `trajectory` set.
        package let directionsTop3: [[Double]]
        package let norms: [Double]
        package let stepDistances: [Double]
        package let perTensor: [String: Answer]
        package let perLayer: [String: Answer]

        package init(_ json: Any) throws {
            let object = try TestFixtures.unwrap(json as? [String: Any])
            func numbers(_ key: String) throws -> [Double] {
                // Python repr strings round-trip exactly through Double(String).
                try (object[key] as? [String] ?? []).map { try TestFixtures.unwrap(Double($0)) }
            }
            func rows(_ key: String) throws -> [[Double]] {
                try (object[key] as? [[String]] ?? []).map { try $0.map { try TestFixtures.unwrap(Double($0)) } }
            }
            checkpoints = object["checkpoints"] as? [String] ?? []
            tensors = object["tensors"] as? [String] ?? []
            parameters = try TestFixtures.unwrap(object["parameters"] as? Int)
            eigenvalues = try numbers("eigenvalues")
            explainedVariance = try numbers("explained_variance")
            explainedVarianceRatio = try numbers("explained_variance_ratio")
            let total = try TestFixtures.unwrap(object["total_variance"] as? String)
            totalVariance = try TestFixtures.unwrap(Double(total))
            componentsFor = try TestFixtures.unwrap(object["components_for"] as? [String: Int])
            coordinatesTop3 = try rows("coordinates_top3")
            directionsTop3 = try rows("directions_top3")
            norms = try numbers("norms")
            stepDistances = try numbers("step_distances")
            perTensor = try (object["per_tensor"] as? [String: Any] ?? [:]).mapValues { try Answer($0) }
            perLayer = try (object["per_layer"] as? [String: Any] ?? [:]).mapValues { try Answer($0) }
        }
    }

    /// The answer for the set in folder `name` of `expected.json`.
    package static func answer(_ name: String) throws -> Answer {
        let data = try Data(contentsOf: URL(fileURLWithPath: try path("expected.json")))
        let all = try TestFixtures.unwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        return try Answer(try TestFixtures.unwrap(all[name]))
    }

    /// The answer for a shipped digits run ("f32" or "bf16") from `digits_runs.json`.
    package static func digitsAnswer(_ label: String) throws -> Answer {
        let data = try Data(contentsOf: URL(fileURLWithPath: try path("digits_runs.json")))
        let all = try TestFixtures.unwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        return try Answer(try TestFixtures.unwrap(all[label]))
    }

    /// NumPy's displacement subspace of one shipped run (`Fixtures/displacement/make_displacement.py`).
    package struct DisplacementAnswer {
        package let checkpoints: [String]
        package let parameters: Int
        package let netDisplacement: Double
        package let displacementShare: [Double]
        package let componentsFor: [String: Int]
        package let explainedVarianceRatio: [Double]
    }

    /// The answers for every run of `datasets/trajectories/runs`, keyed by run name.
    package static func displacementAnswers() throws -> [String: DisplacementAnswer] {
        let folder = try TestFixtures.unwrap(TestFixtures.root)
        let data = try Data(contentsOf: folder.appendingPathComponent("displacement/displacement_runs.json"))
        let all = try TestFixtures.unwrap(try JSONSerialization.jsonObject(with: data) as? [String: [String: Any]])
        return try all.mapValues { object in
            func numbers(_ key: String) throws -> [Double] {
                try (object[key] as? [String] ?? []).map { try TestFixtures.unwrap(Double($0)) }
            }
            return DisplacementAnswer(
                checkpoints: object["checkpoints"] as? [String] ?? [],
                parameters: try TestFixtures.unwrap(object["parameters"] as? Int),
                netDisplacement: try TestFixtures.unwrap((object["net_displacement"] as? String).flatMap(Double.init)),
                displacementShare: try numbers("displacement_share"),
                componentsFor: try TestFixtures.unwrap(object["displacement_components_for"] as? [String: Int]),
                explainedVarianceRatio: try numbers("explained_variance_ratio"))
        }
    }

    /// The largest |a − b| / scale over two equally long lists (∞ when the lengths differ).
    package static func largestDifference(_ a: [Double], _ b: [Double], scale: Double = 1) -> Double {
        guard a.count == b.count else { return .infinity }
        return zip(a, b).map { abs($0 - $1) / scale }.max() ?? 0
    }

    /// The largest relative difference |a − b| / |b| over two lists (∞ when lengths differ).
    package static func largestRelativeDifference(_ a: [Double], _ b: [Double]) -> Double {
        guard a.count == b.count else { return .infinity }
        return zip(a, b).map { $1 == 0 ? abs($0) : abs($0 - $1) / abs($1) }.max() ?? 0
    }
}
