import Foundation
import MindSpaceCore
import MindSpaceNumerics

/// Classical (Torgerson) multidimensional scaling to the plane: the 2-D configuration whose
/// inner products best match those implied by the data's pairwise distances (Torgerson 1952;
/// Gower 1966).
///
/// **Method.** With Δ the N×N matrix of squared Euclidean distances and H = I − 11ᵀ/N the
/// centring matrix, B = −½·H·Δ·H is the Gram matrix of the centred points. Its two largest
/// eigenpairs (λ₁ ≥ λ₂, unit v₁, v₂) give the coordinates yᵢ = (√λ₁·v₁ᵢ, √λ₂·v₂ᵢ). For
/// Euclidean distances this is exactly PCA's 2-D view (the scores on PC1 and PC2, up to sign),
/// and λₖ/trace(B) is the fraction of the total variance along axis k (reported as the axes'
/// variance ratios). The eigenpairs are found by `LanczosEigensolver` on the operator
/// x ↦ −½·H·Δ·H·x (never forming B), with the constant vector deflated (B·1 = 0).
///
/// **Large N: landmark MDS** (de Silva & Tenenbaum 2004, "Sparse multidimensional scaling
/// using landmark points"). Δ needs 8·N² bytes; above `exactLimit` points, `landmarks`
/// points are drawn without replacement with the seeded generator, classical MDS is solved on
/// them alone, and every point a is placed by distance-based triangulation
/// yₐₖ = −½·vₖ·(δₐ − δ̄)/√λₖ, where δₐ holds a's squared distances to the landmarks and δ̄ the
/// landmarks' mean squared distances to each landmark. With every point a landmark this
/// triangulation reproduces classical MDS exactly, so one code path serves both cases. Memory:
/// 8·L·N bytes for the L×N distances.
///
/// Axis signs are fixed so the coordinate of largest magnitude on each axis is positive.
/// A non-positive eigenvalue (e.g. the second axis of collinear points) gives a zero axis.
///
/// Cost: N²·D (distances, by `gemm`) plus ~N² per Lanczos step (tens of steps). Errors
/// (`.malformedData`, no file): fewer than 2 points or features, NaN/±Inf.
public struct ClassicalMDS: Sendable {
    /// Above this many points, landmark MDS is used (8·N² bytes would be 72 MB at 3000).
    public var exactLimit: Int
    /// Landmarks drawn when N exceeds `exactLimit`.
    public var landmarks: Int
    /// Seeds the landmark draw and the Lanczos start vector.
    public var seed: UInt64

    /// 1e-10: the Lanczos residual tolerance, relative to max(1, |θ|). The coordinates √λ·v
    /// then carry errors far below a pixel and, for Euclidean distances, equal PCA's scores to
    /// ~1e-8 of their scale (see the tests).
    static let eigenpairTolerance = 1e-10

    public init(exactLimit: Int = 3000, landmarks: Int = 1000, seed: UInt64 = 0) {
        precondition(exactLimit >= 2 && landmarks >= 3, "MDS needs at least 3 landmarks")
        self.exactLimit = exactLimit
        self.landmarks = landmarks
        self.seed = seed
    }

    /// The classical-MDS coordinates of the rows of `data` (points × features).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func project<Scalar: BinaryFloatingPoint & Sendable>(_ data: Matrix<Scalar>) throws -> Projection2D {
        try Projection2D.checkShape(rows: data.rows, columns: data.columns)
        if let position = data.firstNonFinite() {
            throw MindSpaceError.malformed(nil,
                "a projection needs finite values: \(Double(data[position.row, position.column])) at row \(position.row), column \(position.column) (counting from 0)")
        }
        let n = data.rows
        let chosen = n <= exactLimit ? Array(0..<n) : Self.drawLandmarks(count: min(landmarks, n), from: n, seed: seed)
        let squared = Self.squaredEuclideanDistances(data, from: chosen)
        let embedding = try Self.embed(squaredDistances: squared, landmarks: chosen, pointCount: n, seed: seed)
        let exact = chosen.count == n
        var ratios: [Double]? = nil
        if exact, embedding.trace > 0 { ratios = embedding.eigenvalues.map { max($0, 0) / embedding.trace } }
        var parameters: [Projection2D.Parameter] = [.init("points used", exact ? "all" : "\(chosen.count) landmarks")]
        if !exact { parameters.append(.init("seed", String(seed))) }
        return Projection2D(
            coordinates: embedding.coordinates, method: .mds,
            xLabel: Projection2D.axisLabel("MDS 1", ratio: ratios?[0]),
            yLabel: Projection2D.axisLabel("MDS 2", ratio: ratios?[1]),
            axisVarianceRatio: ratios, parameters: parameters)
    }

    /// A classical-MDS embedding and the spectrum it came from.
    package struct Embedding {
        /// N×2 coordinates.
        package var coordinates: Matrix<Double>
        /// λ₁ ≥ λ₂ of the landmarks' B (0 where fewer were found).
        package var eigenvalues: [Double]
        /// trace(B) of the landmarks: the total (squared-distance) variance they span.
        package var trace: Double
    }

    /// Landmark MDS from `squaredDistances`, row-major L×N: row r holds the squared distances
    /// from point `landmarks[r]` to every point. With L = N and `landmarks` = 0..<N this is
    /// classical MDS. See the type's documentation.
    package static func embed(squaredDistances: [Double], landmarks: [Int], pointCount n: Int, seed: UInt64) throws -> Embedding {
        let l = landmarks.count
        precondition(squaredDistances.count == l * n && l >= 1)
        // The landmarks' own L×L block (symmetric) and its row means δ̄.
        // With every point a landmark (in order) the block is the whole matrix: no copy.
        var block = squaredDistances
        if l != n {
            block = [Double](repeating: 0, count: l * l)
            for r in 0..<l { for c in 0..<l { block[r * l + c] = squaredDistances[r * n + landmarks[c]] } }
        }
        let rowMeans = (0..<l).map { r in (0..<l).reduce(0.0) { $0 + block[r * l + $1] } / Double(l) }
        let trace = rowMeans.reduce(0, +) / 2  // Σᵢ Bᵢᵢ = Σᵢ (r̄ᵢ − ḡ/2) = L·ḡ/2

        var values = [0.0, 0.0]
        var vectors = [Double](repeating: 0, count: 2 * l)
        if l >= 3 {
            var generator = SeededGenerator(seed: seed ^ 0x4D44_5334_5F4C_414E)
            let start = (0..<l).map { _ in generator.nextGaussian() }
            let constant = [Double](repeating: 1 / Double(l).squareRoot(), count: l)
            var centred = [Double](repeating: 0, count: l)
            var product = [Double](repeating: 0, count: l)
            let result = try block.withUnsafeBufferPointer { delta in
                try LanczosEigensolver.largest(count: 2, dimension: l, start: start, deflation: [constant],
                                               maximumBasis: min(l - 1, 300), tolerance: Self.eigenpairTolerance) { x, y in
                    Self.applyDoubleCentred(delta, size: l, x, y, centred: &centred, product: &product)
                }
            }
            for (rank, value) in result.values.enumerated() {
                values[rank] = value
                for i in 0..<l { vectors[rank * l + i] = result.vectors[rank * l + i] }
            }
        } else if l == 2 {
            // Two points: B = (δ/4)·[[1, −1], [−1, 1]], one axis along their difference.
            values[0] = block[1] / 2
            let half = 1 / 2.0.squareRoot()
            vectors[0] = half
            vectors[1] = -half
        }

        // Triangulation: yₐₖ = −½·(vₖ·δₐ − vₖ·δ̄)/√λₖ for every point a.
        var coordinates = Matrix<Double>(rows: n, columns: 2)
        for k in 0..<2 where values[k] > 0 {
            let scale = -0.5 / values[k].squareRoot()
            var meanTerm = 0.0
            for r in 0..<l { meanTerm += vectors[k * l + r] * rowMeans[r] }
            var projections = [Double](repeating: 0, count: n)
            squaredDistances.withUnsafeBufferPointer { delta in
                vectors.withUnsafeBufferPointer { v in
                    projections.withUnsafeMutableBufferPointer { out in
                        guard let a = delta.baseAddress, let b = v.baseAddress, let c = out.baseAddress else { return }
                        // out (1×N) = vₖᵀ (1×L) · Δ (L×N)
                        BLAS.gemm(transposeA: false, transposeB: false, m: 1, n: n, k: l, alpha: 1,
                                  a: b + k * l, lda: l, b: a, ldb: n, beta: 0, c: c, ldc: n)
                    }
                }
            }
            for a in 0..<n { coordinates[a, k] = scale * (projections[a] - meanTerm) }
        }
        Self.fixSigns(&coordinates)
        return Embedding(coordinates: coordinates, eigenvalues: values, trace: trace)
    }

    /// y = −½·H·Δ·H·x for the symmetric L×L matrix Δ (H the centring matrix).
    static func applyDoubleCentred(_ delta: UnsafeBufferPointer<Double>, size l: Int,
                                   _ x: UnsafeBufferPointer<Double>, _ y: UnsafeMutableBufferPointer<Double>,
                                   centred: inout [Double], product: inout [Double]) {
        var mean = 0.0
        for i in 0..<l { mean += x[i] }
        mean /= Double(l)
        for i in 0..<l { centred[i] = x[i] - mean }
        centred.withUnsafeBufferPointer { c in
            guard let a = delta.baseAddress, let b = c.baseAddress else { return }
            for i in 0..<l { product[i] = -0.5 * LanczosEigensolver.dot(a + i * l, b, l) }
        }
        var productMean = 0.0
        for i in 0..<l { productMean += product[i] }
        productMean /= Double(l)
        for i in 0..<l { y[i] = product[i] - productMean }
    }

    /// Makes the coordinate of largest magnitude (first such row) positive on each axis.
    static func fixSigns(_ coordinates: inout Matrix<Double>) {
        for k in 0..<coordinates.columns {
            var largest = -1.0, sign = 1.0
            for i in 0..<coordinates.rows where abs(coordinates[i, k]) > largest {
                largest = abs(coordinates[i, k])
                sign = coordinates[i, k] < 0 ? -1 : 1
            }
            if sign < 0 { for i in 0..<coordinates.rows { coordinates[i, k] = -coordinates[i, k] } }
        }
    }

    /// `count` distinct indices of 0..<n drawn uniformly without replacement (partial
    /// Fisher–Yates with `SeededGenerator(seed:)`), ascending.
    static func drawLandmarks(count: Int, from n: Int, seed: UInt64) -> [Int] {
        precondition(count <= n)
        var generator = SeededGenerator(seed: seed)
        return generator.sample(count, from: n).sorted()
    }

    /// Row-major `sources.count`×N squared Euclidean distances from the points `sources` to
    /// every point, from the column-centred data in `Double` (‖x‖² + ‖y‖² − 2x·y by `gemm`,
    /// clamped at 0; each point's distance to itself exactly 0).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    static func squaredEuclideanDistances<Scalar: BinaryFloatingPoint & Sendable>(
        _ data: Matrix<Scalar>, from sources: [Int]
    ) -> [Double] {
        let n = data.rows, d = data.columns, l = sources.count
        var centred = data.storage.map { Double($0) }
        for j in 0..<d {
            var mean = 0.0
            for i in 0..<n { mean += centred[i * d + j] }
            mean /= Double(n)
            for i in 0..<n { centred[i * d + j] -= mean }
        }
        let norms = (0..<n).map { i in (0..<d).reduce(0.0) { $0 + centred[i * d + $1] * centred[i * d + $1] } }
        var chosen = [Double](repeating: 0, count: l * d)
        for (r, source) in sources.enumerated() { for j in 0..<d { chosen[r * d + j] = centred[source * d + j] } }
        var result = [Double](repeating: 0, count: l * n)
        chosen.withUnsafeBufferPointer { a in
            centred.withUnsafeBufferPointer { b in
                result.withUnsafeMutableBufferPointer { c in
                    guard let pa = a.baseAddress, let pb = b.baseAddress, let pc = c.baseAddress else { return }
                    BLAS.panelledGemm(transposeA: false, transposeB: true, m: l, n: n, k: d, alpha: -2,
                                      a: pa, lda: d, b: pb, ldb: d, beta: 0, c: pc, ldc: n)
                }
            }
        }
        for (r, source) in sources.enumerated() {
            for i in 0..<n {
                let index = r * n + i
                result[index] = i == source ? 0 : max(0, result[index] + norms[source] + norms[i])
            }
        }
        return result
    }
}
