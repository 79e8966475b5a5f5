import Foundation
import MindSpaceNumerics

/// UMAP's high-dimensional graph: the fuzzy simplicial set of the data, a symmetric weighted
/// graph whose edge weights are membership strengths in (0, 1] (McInnes, Healy & Melville
/// 2018, "UMAP: Uniform Manifold Approximation and Projection for Dimension Reduction", §3.1
/// and Algorithms 2–3), built as umap-learn 0.5 builds it with `local_connectivity = 1` and
/// `set_op_mix_ratio = 1`.
///
/// **Local fuzzy sets.** Each point i sees its k − 1 nearest other points (umap-learn's
/// `n_neighbors` = k counts the point itself) at distances d₁ ≤ … ≤ dₖ₋₁. ρᵢ is the distance to
/// the nearest neighbour at a distance > 0 (so every point is fully connected to at least one
/// other: local connectivity 1), and σᵢ solves Σⱼ exp(−max(0, dⱼ − ρᵢ)/σᵢ) = log₂ k by
/// bisection (64 steps at most, stopping within 1e-5), then is raised to at least
/// 10⁻³·(mean of i's k distances, its own 0 included), or 10⁻³·(mean over all points) when
/// ρᵢ = 0. The directed membership of j in i's set is
/// wᵢⱼ = exp(−max(0, dᵢⱼ − ρᵢ)/σᵢ) (1 when σᵢ = 0).
///
/// **Fuzzy union.** The sets are combined by the probabilistic t-conorm,
/// Wᵢⱼ = wᵢⱼ + wⱼᵢ − wᵢⱼ·wⱼᵢ (a missing direction counts as 0); zero weights are dropped.
///
/// Exact duplicates are neighbours at distance 0: they get membership 1 and do not set ρ.
/// Cost: O(N·k·64) for the bisections plus an O(N·k log(N·k)) sort; memory O(N·k).
enum FuzzySimplicialSet {
    /// Tolerance of the σ bisection on the membership sum (umap-learn's SMOOTH_K_TOLERANCE).
    static let bisectionTolerance = 1e-5
    /// Floor of σ relative to the mean neighbour distance (umap-learn's MIN_K_DIST_SCALE).
    static let minimumScale = 1e-3

    /// ρ and σ of every point from its sorted distances to its k − 1 nearest others (row-major
    /// N×(k − 1)); `neighbourCount` = k counts the point itself, as umap-learn's n_neighbors.
    static func smoothDistances(_ distances: [Double], pointCount n: Int, neighbourCount k: Int) -> (sigmas: [Double], rhos: [Double]) {
        let others = k - 1
        precondition(distances.count == n * others)
        let target = log2(Double(k))
        let meanOfAll = distances.reduce(0, +) / Double(max(1, n * k))
        var sigmas = [Double](repeating: 0, count: n), rhos = [Double](repeating: 0, count: n)
        distances.withUnsafeBufferPointer { all in
            for i in 0..<n {
                let row = UnsafeBufferPointer(rebasing: all[(i * others)..<((i + 1) * others)])
                var rho = 0.0
                if let firstPositive = row.first(where: { $0 > 0 }) { rho = firstPositive }
                var low = 0.0, high = Double.infinity, mid = 1.0
                for _ in 0..<64 {
                    var sum = 0.0
                    for d in row {
                        let excess = d - rho
                        sum += excess > 0 ? exp(-(excess / mid)) : 1
                    }
                    if abs(sum - target) < bisectionTolerance { break }
                    if sum > target {
                        high = mid
                        mid = (low + high) / 2
                    } else {
                        low = mid
                        mid = high == .infinity ? mid * 2 : (low + high) / 2
                    }
                }
                let meanOfRow = row.reduce(0, +) / Double(k)
                sigmas[i] = max(mid, minimumScale * (rho > 0 ? meanOfRow : meanOfAll))
                rhos[i] = rho
            }
        }
        return (sigmas, rhos)
    }

    /// The fuzzy simplicial set from a neighbour table of k − 1 neighbours per point (self
    /// excluded), with `neighbourCount` = k as umap-learn counts it.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    static func graph<Scalar: BinaryFloatingPoint & Sendable>(neighbours table: NeighborTable<Scalar>,
                                                              neighbourCount k: Int) -> WeightedGraph {
        let n = table.pointCount, others = table.k
        precondition(others == k - 1)
        let distances = table.distances.map { Double($0) }
        let (sigmas, rhos) = smoothDistances(distances, pointCount: n, neighbourCount: k)
        var rows = [Int32](repeating: 0, count: n * others)
        var memberships = [Double](repeating: 0, count: n * others)
        for i in 0..<n {
            for r in 0..<others {
                let index = i * others + r
                rows[index] = Int32(i)
                let excess = distances[index] - rhos[i]
                memberships[index] = excess <= 0 || sigmas[i] == 0 ? 1 : exp(-(excess / sigmas[i]))
            }
        }
        return WeightedGraph.symmetrised(vertexCount: n, rows: rows, columns: table.indices, weights: memberships) { forward, backward in
            let a = forward ?? 0, b = backward ?? 0
            let union = a + b - a * b
            return union > 0 ? union : nil
        }
    }
}
