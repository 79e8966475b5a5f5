import MindSpaceCore
import MindSpaceNumerics

/// A seeded Gaussian random projection of centred data onto two orthonormal directions: a
/// "typical" linear view of the data, the baseline against which PCA's best view is judged.
///
/// Method (Johnson & Lindenstrauss 1984; Dasgupta & Gupta 2003; scikit-learn's
/// `GaussianRandomProjection`): draw a D×k matrix R with independent entries N(0, 1/k), k = 2,
/// from `SeededGenerator(seed:)` (column 1's D entries first, then column 2's, each with
/// `nextGaussian()`). Then orthonormalise its two columns by Gram–Schmidt, with the second
/// vector orthogonalised twice ("twice is enough", Giraud, Langou & Rozložník 2005) so that
/// u₁·u₂ is ε-small even in floating point. As the Gaussian distribution is rotation invariant,
/// (u₁, u₂) is a uniformly random orthonormal pair (a Haar-random 2-plane); the entries' 1/k
/// scale only matters before normalisation and is kept for fidelity to the method.
/// The coordinates are y = (x − x̄)·[u₁ u₂]: an orthogonal view, in the data's units, so the
/// picture is not sheared and its scale compares directly with PCA's. (Distances shrink by about
/// √(2/D); multiply by √(D/2) for Johnson–Lindenstrauss distance estimates.)
///
/// Same seed and D → the same directions, on every platform. A pair that is numerically
/// dependent (probability 0 for D ≥ 2; guarded anyway) is redrawn from the same generator.
///
/// Axes are labelled "random axis 1 (p%)" with the fraction of the total variance trace(C)
/// (divisor N − 1) each holds. Cost: 4·N·D flops plus two passes over the data (means, then
/// centred blocks through `dgemm`), memory N×2 + one block. Errors (`.malformedData`, no file;
/// callers locate it): fewer than 2 points or features, a NaN/±Inf (with its row and column),
/// sums that overflow `Double`.
public struct RandomProjection: Sendable {
    /// Seed of the directions.
    public var seed: UInt64

    public init(seed: UInt64 = 0) {
        self.seed = seed
    }

    /// The two orthonormal directions for `dimension` features: a 2×D matrix whose rows are
    /// u₁ and u₂ (unit length, orthogonal to round-off). `dimension` must be at least 2.
    /// O(D).
    public func directions(dimension d: Int) -> Matrix<Double> {
        precondition(d >= 2, "two orthonormal directions need at least 2 dimensions")
        var generator = SeededGenerator(seed: seed)
        let scale = (1.0 / 2.0).squareRoot()  // entries N(0, 1/k) with k = 2
        while true {
            var first = (0..<d).map { _ in generator.nextGaussian() * scale }
            var second = (0..<d).map { _ in generator.nextGaussian() * scale }
            let firstNorm = Self.norm(first)
            let secondNorm = Self.norm(second)
            guard firstNorm > 0, secondNorm > 0 else { continue }
            for j in 0..<d { first[j] /= firstNorm }
            for _ in 0..<2 {
                let along = Self.dot(first, second)
                for j in 0..<d { second[j] -= along * first[j] }
            }
            // What is left of the second vector after removing the first: if almost nothing,
            // the pair was (numerically) dependent; draw again.
            let remaining = Self.norm(second)
            guard remaining > NumericTolerance.linearDependenceRemainder * secondNorm else { continue }
            for j in 0..<d { second[j] /= remaining }
            return Matrix(rows: 2, columns: d, storage: first + second)
        }
    }

    /// The coordinates of `data` (points × features) on the seeded directions, after
    /// subtracting the column means. See the type's documentation.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func project<Scalar: BinaryFloatingPoint & Sendable>(_ data: Matrix<Scalar>) throws -> Projection2D {
        try Projection2D.checkShape(rows: data.rows, columns: data.columns)
        if let position = data.firstNonFinite() {
            let value = Double(data[position.row, position.column])
            throw MindSpaceError.malformed(nil,
                "a projection needs finite values: \(value) at row \(position.row), column \(position.column) (counting from 0)")
        }
        let n = data.rows, d = data.columns
        let axes = directions(dimension: d)
        var coordinates = Matrix<Double>(rows: n, columns: 2)
        let sumOfSquares: Double = try data.storage.withUnsafeBufferPointer { source in
            let mean = try PCA.columnMeans(source, rows: n, columns: d)
            return mean.withUnsafeBufferPointer { centre in
                axes.storage.withUnsafeBufferPointer { directions in
                    coordinates.storage.withUnsafeMutableBufferPointer { target in
                        Self.projectCentredRows(source, rows: n, columns: d, centre: centre,
                                                directions: directions, into: target)
                    }
                }
            }
        }
        guard sumOfSquares.isFinite else {
            throw MindSpaceError.malformed(nil, "values too large for a projection: the sum of squares overflows Double")
        }
        let totalVariance = sumOfSquares / Double(n - 1)
        var ratios: [Double]? = nil
        if totalVariance > 0 {
            ratios = (0..<2).map { axis in
                // The coordinates have mean 0 (the data were centred), so this is their variance.
                var sum = 0.0
                for i in 0..<n { sum += coordinates.storage[2 * i + axis] * coordinates.storage[2 * i + axis] }
                return sum / Double(n - 1) / totalVariance
            }
        }
        return Projection2D(
            coordinates: coordinates, method: .random,
            xLabel: Projection2D.axisLabel("random axis 1", ratio: ratios?[0]),
            yLabel: Projection2D.axisLabel("random axis 2", ratio: ratios?[1]),
            axisVarianceRatio: ratios,
            parameters: [.init("seed", String(seed)), .init("entries", "N(0, 1/2), orthonormalised")])
    }

    /// target (N×2) = (source − centre)·directionsᵀ, over blocks of centred rows through `dgemm`;
    /// returns Σ (x − x̄)², the scatter's trace, accumulated per block.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    static func projectCentredRows<Scalar: BinaryFloatingPoint>(
        _ source: UnsafeBufferPointer<Scalar>, rows n: Int, columns d: Int,
        centre: UnsafeBufferPointer<Double>, directions: UnsafeBufferPointer<Double>,
        into target: UnsafeMutableBufferPointer<Double>
    ) -> Double {
        let blockRows = CovarianceAccumulator.defaultBlockRows(dimension: d)
        var block = [Double](repeating: 0, count: min(blockRows, n) * d)
        var sumOfSquares = 0.0
        var first = 0
        while first < n {
            let height = min(blockRows, n - first)
            block.withUnsafeMutableBufferPointer { buffer in
                CentredBlocks.copyRows(source, columns: d, firstRow: first, rowCount: height, centre: centre, into: buffer)
                var partial = 0.0
                for index in 0..<(height * d) { partial += buffer[index] * buffer[index] }
                sumOfSquares += partial
                guard let a = buffer.baseAddress, let b = directions.baseAddress, let c = target.baseAddress else { return }
                BLAS.gemm(transposeA: false, transposeB: true, m: height, n: 2, k: d,
                          alpha: 1, a: a, lda: d, b: b, ldb: d, beta: 0, c: c + first * 2, ldc: 2)
            }
            first += height
        }
        return sumOfSquares
    }

    private static func dot(_ a: [Double], _ b: [Double]) -> Double {
        var sum = 0.0
        for j in a.indices { sum += a[j] * b[j] }
        return sum
    }

    private static func norm(_ a: [Double]) -> Double { dot(a, a).squareRoot() }
}
