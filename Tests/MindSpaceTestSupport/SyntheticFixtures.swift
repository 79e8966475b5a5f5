import Foundation
import MindSpaceCore

/// The scikit-dimension fixtures under `Fixtures/manifolds/` (written by `make_fixtures.py`,
/// versions in `VERSIONS.txt`): skdim's BenchmarkManifolds table and distribution statistics of
/// skdim's own samples, and the statistics helpers the synthetic-data tests share.
package enum SyntheticFixtures {
    package struct TableRow: Decodable {
        package var name: String
        package var d: Int
        package var D: Int
        package var description: String
    }

    /// Per-column mean, variance and consecutive-column cross moment, and the mean squared norm,
    /// each with its large-sample standard error (formulas in `make_fixtures.py`).
    package struct Statistics: Decodable {
        package var n: Int
        package var columns: Int
        package var mean: [Double]
        package var se_mean: [Double]
        package var `var`: [Double]
        package var se_var: [Double]
        package var cross: [Double]
        package var se_cross: [Double]
        package var msn: Double
        package var se_msn: Double
    }

    package struct Document: Decodable {
        package var n: Int
        package var seed: Int
        package var table: [TableRow]
        package var manifolds: [String: Statistics]
        package var shapes: [String: Statistics]
        /// For two n = 100 cube-boundary samples, per row the codes 2·axis + value of the
        /// coordinates that are exactly 0 or 1 (the face the row lies on).
        package var cubic_faces: [String: [[Int]]]
    }

    package static func document() throws -> Document {
        guard let root = TestFixtures.root else {
            throw MindSpaceError(.missingInput, "test fixtures folder not bundled")
        }
        let data = try Data(contentsOf: root.appendingPathComponent("manifolds/benchmark.json"))
        return try JSONDecoder().decode(Document.self, from: data)
    }

    /// The same statistics of `points`, computed as `make_fixtures.py` does (divisor n).
    package static func statistics(of points: Matrix<Double>) -> Statistics {
        let n = points.rows, columns = points.columns
        let count = Double(n)
        var mean = [Double](repeating: 0, count: columns)
        var variance = mean, fourth = mean
        var cross = [Double](repeating: 0, count: max(columns - 1, 0))
        var crossSquares = cross
        var norms = [Double](repeating: 0, count: n)
        points.storage.withUnsafeBufferPointer { x in
            for i in 0..<n {
                var squaredNorm = 0.0
                for j in 0..<columns {
                    let value = x[i * columns + j]
                    mean[j] += value
                    squaredNorm += value * value
                    if j + 1 < columns {
                        let product = value * x[i * columns + j + 1]
                        cross[j] += product
                        crossSquares[j] += product * product
                    }
                }
                norms[i] = squaredNorm
            }
            for j in 0..<columns { mean[j] /= count }
            for i in 0..<n {
                for j in 0..<columns {
                    let centred = x[i * columns + j] - mean[j]
                    let square = centred * centred
                    variance[j] += square
                    fourth[j] += square * square
                }
            }
        }
        for j in 0..<columns {
            variance[j] /= count
            fourth[j] /= count
        }
        var seCross = [Double](repeating: 0, count: cross.count)
        for j in cross.indices {
            cross[j] /= count
            seCross[j] = (max(crossSquares[j] / count - cross[j] * cross[j], 0) / count).squareRoot()
        }
        let msn = norms.reduce(0, +) / count
        let msnVariance = norms.reduce(0) { $0 + ($1 - msn) * ($1 - msn) } / count
        return Statistics(
            n: n, columns: columns, mean: mean,
            se_mean: variance.map { ($0 / count).squareRoot() },
            var: variance,
            se_var: zip(fourth, variance).map { (max($0 - $1 * $1, 0) / count).squareRoot() },
            cross: cross, se_cross: seCross, msn: msn, se_msn: (msnVariance / count).squareRoot())
    }

    /// Every statistic of `ours` that differs from `theirs` by more than `multiple` combined
    /// standard errors, as readable lines (empty when the samples agree).
    ///
    /// The two samples are independent, so a difference of two estimates has standard error
    /// √(se₁² + se₂²). The absolute slack 1e-9·(1 + |theirs|) covers the fixture's rounding to 12
    /// significant digits (≤ 5e-13 relative) and lets exactly constant columns (zero padding,
    /// standard error 0) compare equal.
    package static func disagreements(_ ours: Statistics, _ theirs: Statistics, multiple: Double) -> [String] {
        var problems: [String] = []
        func check(_ label: String, _ a: Double, _ seA: Double, _ b: Double, _ seB: Double) {
            let tolerance = multiple * (seA * seA + seB * seB).squareRoot() + Tolerance.peerFloat64Answer * (1 + abs(b))
            if !(abs(a - b) <= tolerance) {
                problems.append("\(label): ours \(a) vs skdim \(b) (tolerance \(tolerance))")
            }
        }
        guard ours.columns == theirs.columns else { return ["columns \(ours.columns) vs \(theirs.columns)"] }
        for j in 0..<ours.columns {
            check("mean[\(j)]", ours.mean[j], ours.se_mean[j], theirs.mean[j], theirs.se_mean[j])
            check("var[\(j)]", ours.var[j], ours.se_var[j], theirs.var[j], theirs.se_var[j])
        }
        for j in 0..<ours.cross.count {
            check("cross[\(j)]", ours.cross[j], ours.se_cross[j], theirs.cross[j], theirs.se_cross[j])
        }
        check("mean squared norm", ours.msn, ours.se_msn, theirs.msn, theirs.se_msn)
        return problems
    }
}
