import Foundation
import MindSpaceCore
import MindSpaceIO
import MindSpaceNumerics

/// `Fixtures/projection/` (made by `make_fixtures.py` with umap-learn and scikit-learn; versions
/// in `VERSIONS.txt`) and the data sets and statistics the nonlinear-projection tests share.
package enum ProjectionNonlinearFixtures {
    package struct Peers: Decodable {
        package struct CurveParameters: Decodable {
            package var spread: Double
            package var min_dist: Double
            package var a: Double
            package var b: Double
        }
        package struct Digits: Decodable {
            package var n: Int
            package var k: Int
            package var umap_trustworthiness: [Double]
            package var tsne_trustworthiness: Double
        }
        package var umap_ab: [CurveParameters]
        package var trustworthiness: [String: Double]
        package var digits: Digits
    }

    package static func path(_ name: String) throws -> String {
        let root = try TestFixtures.unwrap(TestFixtures.root)
        return root.appendingPathComponent("projection").appendingPathComponent(name).path
    }

    package static func peers() throws -> Peers {
        let data = try Data(contentsOf: URL(fileURLWithPath: try path("peers.json")))
        return try JSONDecoder().decode(Peers.self, from: data)
    }

    package static func matrix(_ name: String) throws -> Matrix<Double> {
        try NpyReader.read(path: try path(name)).matrix(as: Double.self)
    }

    /// `datasets/digits.npy` (1797 × 64).
    package static func digits() throws -> Matrix<Double> {
        let path = CommandRunner.packageRoot.appendingPathComponent("datasets/digits.npy").path
        return try NpyReader.read(path: path).matrix(as: Double.self)
    }

    /// `clusters` isotropic Gaussian clusters of `perCluster` points in `dimension` dimensions,
    /// unit standard deviation, each centre 20 along its own axis (centres 20·√2 ≈ 28 apart,
    /// far beyond a cluster's radius ≈ √D); labels are cluster numbers.
    package static func gaussianClusters(clusters: Int = 3, perCluster: Int, dimension: Int, seed: UInt64) -> (Matrix<Double>, [Int]) {
        var generator = SeededGenerator(seed: seed)
        var data = Matrix<Double>(rows: clusters * perCluster, columns: dimension)
        var labels: [Int] = []
        for c in 0..<clusters {
            for p in 0..<perCluster {
                let row = c * perCluster + p
                for j in 0..<dimension { data[row, j] = generator.nextGaussian() + (j == c % dimension ? 20 : 0) }
                labels.append(c)
            }
        }
        return (data, labels)
    }

    /// Leave-one-out k-nearest-neighbour classification accuracy of `labels` in the plane
    /// (majority vote, ties to the smallest label).
    package static func neighbourAccuracy(_ coordinates: Matrix<Double>, labels: [Int], k: Int = 5) throws -> Double {
        let table = try ExactNeighbors.search(coordinates, k: k)
        var correct = 0
        for i in 0..<coordinates.rows {
            var votes: [Int: Int] = [:]
            for r in 0..<k { votes[labels[table.neighbor(i, rank: r)], default: 0] += 1 }
            let best = votes.max { $0.value != $1.value ? $0.value < $1.value : $0.key > $1.key }?.key
            if best == labels[i] { correct += 1 }
        }
        return Double(correct) / Double(coordinates.rows)
    }

    /// Spearman's rank correlation (average ranks for ties).
    package static func spearman(_ x: [Double], _ y: [Double]) -> Double {
        pearson(ranks(x), ranks(y))
    }

    package static func pearson(_ x: [Double], _ y: [Double]) -> Double {
        let n = Double(x.count)
        let mx = x.reduce(0, +) / n, my = y.reduce(0, +) / n
        var sxy = 0.0, sxx = 0.0, syy = 0.0
        for (a, b) in zip(x, y) {
            sxy += (a - mx) * (b - my); sxx += (a - mx) * (a - mx); syy += (b - my) * (b - my)
        }
        return sxy / (sxx * syy).squareRoot()
    }

    package static func ranks(_ values: [Double]) -> [Double] {
        let order = values.indices.sorted { values[$0] < values[$1] }
        var result = [Double](repeating: 0, count: values.count)
        var start = 0
        while start < order.count {
            var end = start
            while end + 1 < order.count && values[order[end + 1]] == values[order[start]] { end += 1 }
            let average = Double(start + end) / 2 + 1
            for position in start...end { result[order[position]] = average }
            start = end + 1
        }
        return result
    }

    /// The column `column` of an N×2 matrix.
    package static func column(_ matrix: Matrix<Double>, _ column: Int) -> [Double] {
        (0..<matrix.rows).map { matrix[$0, column] }
    }

    /// Condensed pairwise Euclidean distances (i < j).
    package static func pairwiseDistances(_ matrix: Matrix<Double>) -> [Double] {
        var result: [Double] = []
        for i in 0..<matrix.rows {
            for j in (i + 1)..<matrix.rows {
                var sum = 0.0
                for c in 0..<matrix.columns { sum += (matrix[i, c] - matrix[j, c]) * (matrix[i, c] - matrix[j, c]) }
                result.append(sum.squareRoot())
            }
        }
        return result
    }
}
