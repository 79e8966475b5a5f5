import Foundation
import MindSpaceCore

/// Loads the peer outputs under `Fixtures/id-neighbor/` (written by `make_fixtures.py`; versions
/// in `VERSIONS.txt`). The point sets themselves are those of `Fixtures/id/`
/// (`IntrinsicDimensionFixtures.pointSet`).
package enum NeighborEstimatorFixtures {
    package static var folder: URL {
        get throws {
            guard let root = TestFixtures.root else {
                throw MindSpaceError(.missingInput, "test fixtures folder not bundled")
            }
            return root.appendingPathComponent("id-neighbor")
        }
    }

    /// The entry of one point set (`cube5`, `manifold3in10`, `gauss4in30`) in `peers.json`.
    package static func entry(_ set: String) throws -> [String: Any] {
        let data = try Data(contentsOf: try folder.appendingPathComponent("peers.json"))
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any],
              let sets = object["sets"] as? [String: Any], let entry = sets[set] as? [String: Any]
        else { throw MindSpaceError.malformed("peers.json", "no set \(set)") }
        return entry
    }

    /// A scalar peer estimate of a set by key (e.g. `skdim_mom_k100`).
    package static func estimate(_ set: String, _ key: String) throws -> Double {
        guard let estimates = try entry(set)["estimates"] as? [String: Double], let value = estimates[key] else {
            throw MindSpaceError.malformed("peers.json", "no estimate \(key) for \(set)")
        }
        return value
    }

    /// A nested object of a set's entry (e.g. `dadapy_gride_scaling`).
    package static func object(_ set: String, _ key: String) throws -> [String: Any] {
        guard let value = try entry(set)[key] as? [String: Any] else {
            throw MindSpaceError.malformed("peers.json", "no \(key) for \(set)")
        }
        return value
    }

    /// A per-point peer array of a set (e.g. `skdim_mom_k100_pointwise`).
    package static func pointwise(_ set: String, _ key: String) throws -> [Double] {
        guard let values = try entry(set)[key] as? [Double] else {
            throw MindSpaceError.malformed("peers.json", "no \(key) for \(set)")
        }
        return values
    }

    /// `hypercube.json`: N and, per dimension "2"/"5"/"10", estimator → (mean, sd).
    package static func hypercube() throws -> (n: Int, cases: [String: [String: (mean: Double, std: Double)]]) {
        let data = try Data(contentsOf: try folder.appendingPathComponent("hypercube.json"))
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any],
              let n = object["n"] as? Int, let cases = object["cases"] as? [String: [String: [String: Double]]]
        else { throw MindSpaceError.malformed("hypercube.json", "unexpected layout") }
        var result: [String: [String: (mean: Double, std: Double)]] = [:]
        for (d, estimators) in cases {
            for (name, moments) in estimators {
                result[d, default: [:]][name] = (moments["mean"] ?? .nan, moments["std"] ?? .nan)
            }
        }
        return (n, result)
    }

    /// The peer's hypercube distribution of `key` at dimension `d`.
    package static func hypercube(_ key: String, dimension d: Int) throws -> (n: Int, mean: Double, std: Double) {
        let reference = try hypercube()
        guard let moments = reference.cases[String(d)]?[key] else {
            throw MindSpaceError.malformed("hypercube.json", "no \(key) at d = \(d)")
        }
        return (reference.n, moments.mean, moments.std)
    }
}
