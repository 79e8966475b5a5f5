import Foundation
import MindSpaceCore
import MindSpaceTestSupport

/// `Fixtures/compare/knn_permanova.json`, written by `make_knn_permanova_fixtures.py` (NumPy
/// transcriptions of platonic-rep's `mutual_knn`/`cknna`, scikit-bio's `permanova` and vegan's
/// `adonis2(by = "terms")`; versions in the file and in `VERSIONS_knn_permanova.txt`).
struct KnnPermanovaFixture: Decodable {
    struct NeighborValues: Decodable {
        var mutual_knn: Double
        var cknna_unbiased: Double
        var cknna_unbiased_reference: Double
        var cknna_biased: Double
        var cknna_biased_reference: Double
    }

    struct MetricCase: Decodable {
        var name: String
        var n: Int
        var d: Int
        var a: [Double]
        var b: [Double]
        var anchors: [Int]
        var relative: Double
        var k: [String: NeighborValues]

        var first: Matrix<Double> { Matrix(rows: n, columns: d, storage: a) }
        var second: Matrix<Double> { Matrix(rows: n, columns: d, storage: b) }
    }

    struct OneWayCase: Decodable {
        var name: String
        var m: Int
        var labels: [String]
        var distances: [Double]
        var pseudo_f: Double
        var r_squared: Double
        var p_value: Double
        var permutations: Int
    }

    struct Factor: Decodable { var name: String; var labels: [String] }

    struct Term: Decodable {
        var df: Int
        var sum_of_squares: Double
        var r_squared: Double
        var pseudo_f: Double?
        var p_value: Double?
    }

    struct SequentialCase: Decodable {
        var name: String
        var m: Int
        var distances: [Double]
        var factors: [Factor]
        var terms: [Term]
        var residual_df: Int
        var residual_sum_of_squares: Double
        var residual_r_squared: Double
        var total_sum_of_squares: Double
        var permutations: Int
    }

    var versions: [String: String]
    var metrics: [MetricCase]
    var one_way: [OneWayCase]
    var sequential: [SequentialCase]

    static func load() throws -> KnnPermanovaFixture {
        let root = try TestFixtures.unwrap(TestFixtures.root, "fixtures")
        let data = try Data(contentsOf: root.appendingPathComponent("compare/knn_permanova.json"))
        return try JSONDecoder().decode(KnnPermanovaFixture.self, from: data)
    }
}
