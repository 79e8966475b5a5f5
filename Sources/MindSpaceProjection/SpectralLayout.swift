import Foundation
import MindSpaceCore
import MindSpaceNumerics

/// UMAP's spectral initialisation: 2-D starting coordinates from the eigenvectors of the fuzzy
/// graph's symmetric normalised Laplacian L = I − D^{−1/2}·W·D^{−1/2} (D the diagonal of
/// weighted degrees) for its 2nd and 3rd smallest eigenvalues (Belkin & Niyogi 2003, "Laplacian
/// eigenmaps"; umap-learn's `spectral_layout`).
///
/// **Solver.** The smallest eigenvalues of L are the largest of M = D^{−1/2}·W·D^{−1/2}; its top
/// eigenvector is known (∝ √degree, eigenvalue 1) and is deflated, and `LanczosEigensolver`
/// finds the next two from a seeded Gaussian start, to umap-learn's tolerance (it calls ARPACK's
/// `eigsh` with tol 1e-4 and restarts). The Krylov basis is capped at 100 vectors (and at 32 M
/// doubles in all), without restarts: on large graphs whose leading eigenvalues cluster near 1
/// (gaps of 10⁻⁴ for 10000 points) the Ritz vectors have not converged by then, and they are used
/// as they are: they are smooth, low-frequency functions on the graph either way, which is all
/// the layout optimisation that follows needs (umap-learn's own fallback when ARPACK fails is a
/// random start). The cap keeps this step short: 0.1 s of CPU for the 10000-point benchmark,
/// about 2 % of the layout's time (the cost grows as the square of the basis size).
///
/// **Several components** (umap-learn's `multi_component_layout`). Each connected component is
/// laid out separately and placed around a "meta" position: with at most 4 components at
/// ±e₁, ±e₂ (umap-learn's scheme); with more, at the classical-MDS coordinates of the
/// components' centroids in data space scaled to a largest |coordinate| of 1 (umap-learn uses a
/// spectral embedding of exp(−distance²) between centroids there). A component is scaled to
/// half the distance from its meta position to the nearest other one; components of fewer than
/// 4 points are placed uniformly at random within that range.
enum SpectralLayout {
    /// The largest Krylov basis of the eigensolver.
    static let maximumBasis = 100
    /// Residual tolerance ‖M·v − θ·v‖ ≤ tolerance·|θ| (umap-learn passes 1e-4 to ARPACK).
    static let tolerance = 1e-4

    /// N×2 row-major starting coordinates (not yet rescaled; see `UMAP`).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    static func coordinates<Scalar: BinaryFloatingPoint & Sendable>(
        graph: WeightedGraph, data: Matrix<Scalar>, generator: inout SeededGenerator
    ) throws -> [Double] {
        let n = graph.vertexCount
        let components = graph.connectedComponents()
        var result = [Double](repeating: 0, count: 2 * n)
        if components.count == 1 {
            if n < 4 {
                for i in 0..<(2 * n) { result[i] = -10 + 20 * generator.nextUnitDouble() }
                return result
            }
            return try componentLayout(graph, generator: &generator)
        }
        var members = [[Int]](repeating: [], count: components.count)
        for (vertex, label) in components.labels.enumerated() { members[label].append(vertex) }
        let meta = try metaPositions(members: members, data: data, seed: generator.next())
        for (label, vertices) in members.enumerated() {
            var nearest = Double.infinity
            for other in 0..<members.count where other != label {
                let dx = meta[2 * other] - meta[2 * label], dy = meta[2 * other + 1] - meta[2 * label + 1]
                let distance = (dx * dx + dy * dy).squareRoot()
                if distance > 0 { nearest = min(nearest, distance) }
            }
            let range = nearest.isFinite ? nearest / 2 : 1
            if vertices.count < 4 {
                for vertex in vertices {
                    for axis in 0..<2 {
                        result[2 * vertex + axis] = meta[2 * label + axis] + range * (2 * generator.nextUnitDouble() - 1)
                    }
                }
                continue
            }
            let layout = try componentLayout(graph.induced(on: vertices), generator: &generator)
            let largest = layout.reduce(0) { max($0, abs($1)) }
            let expansion = largest > 0 ? range / largest : 0
            for (position, vertex) in vertices.enumerated() {
                for axis in 0..<2 {
                    result[2 * vertex + axis] = layout[2 * position + axis] * expansion + meta[2 * label + axis]
                }
            }
        }
        return result
    }

    /// The two eigenvectors of a connected graph (≥ 4 vertices), as N×2 row-major.
    static func componentLayout(_ graph: WeightedGraph, generator: inout SeededGenerator) throws -> [Double] {
        let n = graph.vertexCount
        let degrees = graph.degrees
        let rootDegrees = degrees.map { $0.squareRoot() }
        let rootNorm = LanczosEigensolver.norm(rootDegrees)
        let known = rootDegrees.map { $0 / rootNorm }
        // Entries of D^{−1/2}·W·D^{−1/2}.
        var normalised = graph.weights
        for i in 0..<n {
            for e in graph.rowStart[i]..<graph.rowStart[i + 1] {
                normalised[e] /= rootDegrees[i] * rootDegrees[Int(graph.columns[e])]
            }
        }
        let start = (0..<n).map { _ in generator.nextGaussian() }
        let basisCap = max(8, min(n - 2, Self.maximumBasis, (32 << 20) / n))
        let result = try graph.rowStart.withUnsafeBufferPointer { rowStart in
            try graph.columns.withUnsafeBufferPointer { columns in
                try normalised.withUnsafeBufferPointer { weights in
                    try LanczosEigensolver.largest(count: 2, dimension: n, start: start, deflation: [known],
                                                   maximumBasis: basisCap, tolerance: Self.tolerance) { x, y in
                        for i in 0..<n {
                            var sum = 0.0
                            for e in rowStart[i]..<rowStart[i + 1] { sum += weights[e] * x[Int(columns[e])] }
                            y[i] = sum
                        }
                    }
                }
            }
        }
        var layout = [Double](repeating: 0, count: 2 * n)
        for (rank, _) in result.values.enumerated() {
            for i in 0..<n { layout[2 * i + rank] = result.vectors[rank * n + i] }
        }
        return layout
    }

    /// Meta positions (row-major count×2) of the components: umap-learn's ±eₖ for up to 4,
    /// else classical MDS of the centroids scaled to a largest |coordinate| of 1.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    static func metaPositions<Scalar: BinaryFloatingPoint & Sendable>(members: [[Int]], data: Matrix<Scalar>,
                                                                      seed: UInt64) throws -> [Double] {
        let count = members.count
        if count <= 4 {
            let fixed: [Double] = [1, 0, 0, 1, -1, 0, 0, -1]
            // umap-learn: k = ⌈count/2⌉ unit vectors, then their negatives.
            let half = (count + 1) / 2
            var result: [Double] = []
            for i in 0..<half { result += [fixed[2 * i], fixed[2 * i + 1]] }
            for i in 0..<(count - half) { result += [-fixed[2 * i], -fixed[2 * i + 1]] }
            return result
        }
        let d = data.columns
        var centroids = Matrix<Double>(rows: count, columns: d)
        for (label, vertices) in members.enumerated() {
            for vertex in vertices { for j in 0..<d { centroids[label, j] += Double(data[vertex, j]) } }
            for j in 0..<d { centroids[label, j] /= Double(vertices.count) }
        }
        let squared = ClassicalMDS.squaredEuclideanDistances(centroids, from: Array(0..<count))
        let embedding = try ClassicalMDS.embed(squaredDistances: squared, landmarks: Array(0..<count),
                                               pointCount: count, seed: seed)
        let largest = embedding.coordinates.storage.reduce(0) { max($0, abs($1)) }
        return embedding.coordinates.storage.map { largest > 0 ? $0 / largest : $0 }
    }
}
