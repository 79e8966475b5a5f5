import Foundation
import MindSpaceCore
import MindSpaceIO

/// `Fixtures/compare/` (made by `make_cka_fixtures.py` from transcriptions of the reference
/// implementations; versions in `VERSIONS.txt`): small inputs and each metric's reference value.
package enum CompareFixtures {
    /// One pair of inputs and the reference values on it (nil where the metric does not apply).
    package struct Case: Decodable {
        package var a: String
        package var b: String
        package var linear_cka: Double
        package var linear_cka_gram: Double
        package var linear_cka_debiased: Double
        package var linear_cka_debiased_gram: Double
        package var rbf_cka: Double
        package var rbf_cka_half: Double
        package var svcca5: Double
        package var svcca5_sklearn: Double
        package var procrustes: Double
        package var pwcca: Double?
        package var pwcca_repo: Double?
    }

    package struct Reference: Decodable {
        package var numpy: String
        package var scipy: String
        package var cases: [Case]
    }

    package static func path(_ name: String) throws -> String {
        let root = try TestFixtures.unwrap(TestFixtures.root)
        return root.appendingPathComponent("compare").appendingPathComponent(name).path
    }

    package static func reference() throws -> Reference {
        let data = try Data(contentsOf: URL(fileURLWithPath: try path("cka_reference.json")))
        return try JSONDecoder().decode(Reference.self, from: data)
    }

    /// The input `name` (`x`, `y`, `z`, `w`, `v`).
    package static func matrix(_ name: String) throws -> Matrix<Double> {
        try NpyReader.read(path: try path("\(name).npy")).matrix(as: Double.self)
    }
}
