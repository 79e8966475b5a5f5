import Foundation

/// The PyTorch fixtures (`Fixtures/pytorch/`, written by real `torch.save` in `make_fixtures.py`)
/// and torch's answers for them (`expected.json`).
package enum PyTorchFixtures {
    package static func path(_ relative: String) throws -> String {
        let folder = try TestFixtures.unwrap(TestFixtures.root)
        return folder.appendingPathComponent("pytorch").appendingPathComponent(relative).path
    }

    /// Where a malicious fixture's payload would create its sentinel file if it ever ran
    /// (`SENTINEL` in make_fixtures.py, plus the payload's suffix).
    package static let sentinelPrefix = "/tmp/mindspace-pickle-sentinel"

    /// One tensor as torch read it: dtype as MindSpace presents it, shape, values widened to
    /// float64, and torch's statistics (`nil` for an empty tensor).
    package struct Tensor {
        package let dtype: String
        package let shape: [Int]
        package let values: [Double]
        package let stats: [String: Double]?

        init(_ json: Any) throws {
            let object = try TestFixtures.unwrap(json as? [String: Any])
            dtype = try TestFixtures.unwrap(object["dtype"] as? String)
            shape = try TestFixtures.unwrap(object["shape"] as? [Int])
            // Python repr strings round-trip exactly through Double(String).
            values = try TestFixtures.unwrap(object["values"] as? [String]).map { try TestFixtures.unwrap(Double($0)) }
            stats = try (object["stats"] as? [String: Any]).map { raw in
                try raw.mapValues { value in
                    if let count = value as? Int { return Double(count) }
                    return try TestFixtures.unwrap((value as? String).flatMap(Double.init))
                }
            }
        }
    }

    /// One file's answer: tensor names in torch's order, and each tensor.
    package struct Answer {
        package let order: [String]
        package let tensors: [String: Tensor]
    }

    /// The answer for `relative` (`zip/state.pt`, `lightning.ckpt`, …).
    package static func answer(_ relative: String) throws -> Answer {
        let data = try Data(contentsOf: URL(fileURLWithPath: try path("expected.json")))
        let root = try TestFixtures.unwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let entry = try TestFixtures.unwrap(root[relative] as? [String: Any], "expected.json entry \(relative)")
        let order = try TestFixtures.unwrap(entry["order"] as? [String])
        let tensors = try (entry["tensors"] as? [String: Any] ?? [:]).mapValues(Tensor.init)
        return Answer(order: order, tensors: tensors)
    }
}
