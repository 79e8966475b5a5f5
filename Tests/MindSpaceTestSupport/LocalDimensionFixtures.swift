import Foundation
import MindSpaceCore

/// Loads the peer fixtures under `Fixtures/id-local/` (written by `make_fixtures.py` there from
/// the point sets of `Fixtures/id/`; versions in `VERSIONS.txt`): scikit-dimension's lPCA, ESS,
/// MiND_ML, FisherS and DANCo on those sets, and their spread on uniform hypercubes.
package enum LocalDimensionFixtures {
    package static var folder: URL {
        get throws {
            guard let root = TestFixtures.root else {
                throw MindSpaceError(.missingInput, "test fixtures folder not bundled")
            }
            return root.appendingPathComponent("id-local")
        }
    }

    /// The parsed `peers.json`.
    package static func peers() throws -> [String: Any] {
        let data = try Data(contentsOf: try folder.appendingPathComponent("peers.json"))
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw MindSpaceError.malformed("peers.json", "not a JSON object")
        }
        return object
    }

    /// A point set of `Fixtures/id/` and its entry in `id-local/peers.json`.
    package static func pointSet(_ name: String) throws -> (points: Matrix<Double>, entry: [String: Any]) {
        let points = try IntrinsicDimensionFixtures.pointSet(name).points
        guard let sets = try peers()["sets"] as? [String: Any], let entry = sets[name] as? [String: Any] else {
            throw MindSpaceError.malformed("peers.json", "no set \(name)")
        }
        return (points, entry)
    }

    /// A peer estimate of a set by key (e.g. `lpca_local_FO`).
    package static func estimate(_ entry: [String: Any], _ key: String) throws -> Double {
        guard let estimates = entry["estimates"] as? [String: Double], let value = estimates[key] else {
            throw MindSpaceError.malformed("peers.json", "no estimate \(key)")
        }
        return value
    }

    /// `(x, value)` rows of a special-function table in `peers.json` (`digamma`, `i0`, …).
    package static func special(_ name: String) throws -> [(x: Double, value: Double)] {
        guard let tables = try peers()["special"] as? [String: [[String: Double]]], let rows = tables[name] else {
            throw MindSpaceError.malformed("peers.json", "no special table \(name)")
        }
        return rows.map { ($0["x"] ?? $0["beta"] ?? .nan, $0["value"] ?? .nan) }
    }

    /// The parsed `hypercube.json`: N and case "d" → key → (mean, sd, runs).
    package static func hypercube() throws -> (n: Int, cases: [String: [String: (mean: Double, std: Double, runs: Int)]]) {
        let data = try Data(contentsOf: try folder.appendingPathComponent("hypercube.json"))
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any],
              let n = object["n"] as? Int, let cases = object["cases"] as? [String: [String: [String: Double]]]
        else { throw MindSpaceError.malformed("hypercube.json", "unexpected layout") }
        var result: [String: [String: (mean: Double, std: Double, runs: Int)]] = [:]
        for (d, estimators) in cases {
            for (key, moments) in estimators {
                result[d, default: [:]][key] = (moments["mean"] ?? .nan, moments["std"] ?? .nan, Int(moments["runs"] ?? 0))
            }
        }
        return (n, result)
    }

    /// The peer's (mean, sd) for `key` on the d-cube.
    package static func hypercubeReference(_ key: String, dimension: Int) throws -> (mean: Double, std: Double, runs: Int) {
        guard let value = try hypercube().cases[String(dimension)]?[key] else {
            throw MindSpaceError.malformed("hypercube.json", "no \(key) for d = \(dimension)")
        }
        return value
    }

    /// The tolerance for "lands where the peer does" on hypercubes: 4 peer sd (the seed-to-seed
    /// spread; both we and the peer see one draw) plus 1 % of max(|mean|, 1) (the sd itself is
    /// estimated from 2–5 seeds, and integer-valued rules can have sd 0).
    package static func hypercubeTolerance(_ reference: (mean: Double, std: Double, runs: Int)) -> Double {
        4 * reference.std + 0.01 * max(abs(reference.mean), 1)
    }

    package static let setNames = IntrinsicDimensionFixtures.setNames
}

/// |a − b| ≤ tolerance·max(|b|, 1): relative for values ≥ 1, absolute below (peer values of
/// 0, e.g. a count of 0, have no relative scale).
package func agrees(_ a: Double, _ b: Double, within tolerance: Double) -> Bool {
    abs(a - b) <= tolerance * max(abs(b), 1)
}
