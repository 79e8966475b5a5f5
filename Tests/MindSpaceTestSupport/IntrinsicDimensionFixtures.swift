import Foundation
import MindSpaceCore

/// Loads the peer fixtures under `Fixtures/id/` (written by `make_fixtures.py`; versions in
/// `VERSIONS.txt`) and provides shared test data generators and a brute-force neighbour search.
package enum IntrinsicDimensionFixtures {
    package static var folder: URL {
        get throws {
            guard let root = TestFixtures.root else {
                throw MindSpaceError(.missingInput, "test fixtures folder not bundled")
            }
            return root.appendingPathComponent("id")
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

    /// The parsed `hypercube.json`: case "d" → estimator → (mean, std).
    package static func hypercubeReference() throws -> (n: Int, cases: [String: [String: (mean: Double, std: Double)]]) {
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

    /// One fixture point set (`cube5`, `manifold3in10`, `gauss4in30`) and its JSON entry.
    package static func pointSet(_ name: String) throws -> (points: Matrix<Double>, entry: [String: Any]) {
        guard let sets = try peers()["sets"] as? [String: Any], let entry = sets[name] as? [String: Any],
              let file = entry["file"] as? String, let rows = entry["rows"] as? Int,
              let columns = entry["columns"] as? Int
        else { throw MindSpaceError.malformed("peers.json", "no set \(name)") }
        let bytes = try Data(contentsOf: try folder.appendingPathComponent(file))
        guard bytes.count == rows * columns * 8 else {
            throw MindSpaceError.malformed(file, "expected \(rows * columns * 8) bytes, found \(bytes.count)")
        }
        let values: [Double] = bytes.withUnsafeBytes { raw in
            (0..<(rows * columns)).map { Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 8, as: UInt64.self))) }
        }
        return (Matrix(rows: rows, columns: columns, storage: values), entry)
    }

    /// A peer estimate of a set by key (e.g. `skdim_twonn_default`).
    package static func estimate(_ entry: [String: Any], _ key: String) throws -> Double {
        guard let estimates = entry["estimates"] as? [String: Double], let value = estimates[key] else {
            throw MindSpaceError.malformed("peers.json", "no estimate \(key)")
        }
        return value
    }

    package static let setNames = ["cube5", "manifold3in10", "gauss4in30"]

    /// Uniform points in the unit d-cube from a seeded generator.
    package static func uniformCube(count: Int, dimension: Int, seed: UInt64) -> Matrix<Double> {
        var generator = SeededGenerator(seed: seed)
        return Matrix(rows: count, columns: dimension,
                      storage: (0..<(count * dimension)).map { _ in generator.nextUnitDouble() })
    }

    /// Standard normal points from a seeded generator.
    package static func gaussian(count: Int, dimension: Int, seed: UInt64) -> Matrix<Double> {
        var generator = SeededGenerator(seed: seed)
        return Matrix(rows: count, columns: dimension,
                      storage: (0..<(count * dimension)).map { _ in generator.nextGaussian() })
    }

    /// `points` with `extra` randomly chosen distinct rows repeated once each, the copies
    /// inserted at random positions. Returns the new matrix and the chosen original rows.
    package static func withRepeatedRows(_ points: Matrix<Double>, extra: Int, seed: UInt64) -> Matrix<Double> {
        var generator = SeededGenerator(seed: seed)
        var order = Array(0..<points.rows)
        for index in stride(from: order.count - 1, to: 0, by: -1) {   // Fisher–Yates
            order.swapAt(index, generator.nextIndex(below: index + 1))
        }
        var rows = (0..<points.rows).map { Array(points.row($0)) }
        for original in order.prefix(extra) {
            rows.insert(Array(points.row(original)), at: generator.nextIndex(below: rows.count + 1))
        }
        return Matrix(rows)
    }
}

/// The obviously correct O(N²·D) search: every distance directly in Double, each row sorted by
/// (distance, index). The truth the engine is tested against.
package enum BruteForceNeighbors {
    package static func search<Scalar: BinaryFloatingPoint>(_ points: Matrix<Scalar>, k: Int) -> (indices: [[Int]], distances: [[Double]]) {
        var indices: [[Int]] = [], distances: [[Double]] = []
        for i in 0..<points.rows {
            var candidates: [(Double, Int)] = []
            for j in 0..<points.rows where j != i {
                candidates.append((distance(points, i, j), j))
            }
            candidates.sort { $0.0 < $1.0 || ($0.0 == $1.0 && $0.1 < $1.1) }
            indices.append(candidates.prefix(k).map { $0.1 })
            distances.append(candidates.prefix(k).map { $0.0 })
        }
        return (indices, distances)
    }

    /// Euclidean distance between rows i and j, computed in Double.
    package static func distance<Scalar: BinaryFloatingPoint>(_ points: Matrix<Scalar>, _ i: Int, _ j: Int) -> Double {
        var sum = 0.0
        for column in 0..<points.columns {
            let difference = Double(points[i, column]) - Double(points[j, column])
            sum += difference * difference
        }
        return sum.squareRoot()
    }
}

/// |a − b| / |b|.
package func relativeDifference(_ a: Double, _ b: Double) -> Double { abs(a - b) / abs(b) }
