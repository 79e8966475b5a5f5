import Foundation
import MindSpaceCore
import MindSpaceNumerics

/// t-SNE's input similarities: Gaussian conditional probabilities pⱼ|ᵢ ∝ exp(−βᵢ·‖xᵢ − xⱼ‖²)
/// whose per-point precision βᵢ gives each conditional distribution the requested perplexity
/// 2^{H(Pᵢ)} (van der Maaten & Hinton 2008, §2), symmetrised as pᵢⱼ = (pⱼ|ᵢ + pᵢ|ⱼ)/Σ, as
/// scikit-learn 1.9's `TSNE` computes them.
///
/// **Bisection** (scikit-learn's `_binary_search_perplexity`): from β = 1, at most 100 steps
/// until |H − ln(perplexity)| ≤ 1e-5 (entropy in nats): β doubles (or bisects towards the upper
/// bound) while the entropy is too high and halves (or bisects down) while it is too low. A
/// row whose weights all underflow gets a sum of 1e-8 instead of 0.
///
/// **Exact** (`exactJoint`): over all N − 1 other points; the joint matrix is dense N×N with
/// every off-diagonal entry at least ε (2.2e-16), as scikit-learn's `_joint_probabilities`.
/// **Sparse** (`sparseJoint`): over the ⌊3·perplexity + 1⌋ nearest neighbours only (at most
/// N − 1), found by `ExactNeighbors`, as scikit-learn's Barnes–Hut path
/// (`_joint_probabilities_nn`); the joint matrix is a symmetric sparse graph.
enum TSNEAffinities {
    /// Perplexity tolerance on the entropy, in nats (scikit-learn's PERPLEXITY_TOLERANCE).
    static let entropyTolerance = 1e-5
    /// What an all-underflowed row sum is replaced by (scikit-learn's EPSILON_DBL), so that the
    /// bisection can go on from a β too large: the probabilities stay 0, not NaN, and the
    /// entropy test then pushes β down.
    static let underflowedSumFloor = 1e-8

    /// The conditional distribution of one point over `squaredDistances` (its candidates), in
    /// place into `probabilities`; returns β.
    @discardableResult
    static func conditionalRow(_ squaredDistances: UnsafeBufferPointer<Double>, perplexity: Double,
                               into probabilities: UnsafeMutableBufferPointer<Double>) -> Double {
        let desiredEntropy = log(perplexity)
        var beta = 1.0, betaMin = -Double.infinity, betaMax = Double.infinity
        for _ in 0..<100 {
            var sum = 0.0
            for j in 0..<squaredDistances.count {
                probabilities[j] = exp(-squaredDistances[j] * beta)
                sum += probabilities[j]
            }
            if sum == 0 { sum = underflowedSumFloor }
            var weightedDistance = 0.0
            for j in 0..<squaredDistances.count {
                probabilities[j] /= sum
                weightedDistance += squaredDistances[j] * probabilities[j]
            }
            let difference = log(sum) + beta * weightedDistance - desiredEntropy
            if abs(difference) <= entropyTolerance { break }
            if difference > 0 {
                betaMin = beta
                beta = betaMax == .infinity ? beta * 2 : (beta + betaMax) / 2
            } else {
                betaMax = beta
                beta = betaMin == -.infinity ? beta / 2 : (beta + betaMin) / 2
            }
        }
        return beta
    }

    /// The dense joint probabilities (row-major N×N, zero diagonal) from all pairwise distances.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    static func exactJoint<Scalar: BinaryFloatingPoint & Sendable>(_ data: Matrix<Scalar>, perplexity: Double) -> [Double] {
        let n = data.rows
        let squared = ClassicalMDS.squaredEuclideanDistances(data, from: Array(0..<n))
        var conditional = [Double](repeating: 0, count: n * n)
        var others = [Double](repeating: 0, count: n - 1), row = [Double](repeating: 0, count: n - 1)
        for i in 0..<n {
            var position = 0
            for j in 0..<n where j != i { others[position] = squared[i * n + j]; position += 1 }
            others.withUnsafeBufferPointer { distances in
                row.withUnsafeMutableBufferPointer { probabilities in
                    _ = conditionalRow(distances, perplexity: perplexity, into: probabilities)
                }
            }
            position = 0
            for j in 0..<n where j != i { conditional[i * n + j] = row[position]; position += 1 }
        }
        var joint = [Double](repeating: 0, count: n * n)
        var total = 0.0
        for i in 0..<n {
            for j in 0..<n where j != i {
                joint[i * n + j] = conditional[i * n + j] + conditional[j * n + i]
                total += joint[i * n + j]
            }
        }
        total = max(total, Double.ulpOfOne)
        for i in 0..<n { for j in 0..<n where j != i { joint[i * n + j] = max(joint[i * n + j] / total, Double.ulpOfOne) } }
        return joint
    }

    /// The sparse joint probabilities over the ⌊3·perplexity + 1⌋ nearest neighbours.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    static func sparseJoint<Scalar: NeighborScalar>(_ data: Matrix<Scalar>, perplexity: Double) throws -> WeightedGraph {
        let n = data.rows
        let k = min(n - 1, Int(3 * perplexity + 1))
        let table = try ExactNeighbors.search(data, k: k)
        var rows = [Int32](repeating: 0, count: n * k)
        var conditional = [Double](repeating: 0, count: n * k)
        var squared = [Double](repeating: 0, count: k)
        for i in 0..<n {
            for r in 0..<k {
                let distance = Double(table.distances[i * k + r])
                squared[r] = distance * distance
                rows[i * k + r] = Int32(i)
            }
            squared.withUnsafeBufferPointer { distances in
                conditional.withUnsafeMutableBufferPointer { all in
                    _ = conditionalRow(distances, perplexity: perplexity,
                                   into: UnsafeMutableBufferPointer(rebasing: all[(i * k)..<((i + 1) * k)]))
                }
            }
        }
        let summed = WeightedGraph.symmetrised(vertexCount: n, rows: rows, columns: table.indices, weights: conditional) { a, b in
            let sum = (a ?? 0) + (b ?? 0)
            return sum > 0 ? sum : nil
        }
        let total = max(summed.weights.reduce(0, +), Double.ulpOfOne)
        return WeightedGraph(vertexCount: n, rowStart: summed.rowStart, columns: summed.columns,
                             weights: summed.weights.map { $0 / total })
    }
}
