import MindSpaceCore

/// Puts generated points into a larger ambient space ℝᴰ, and adds observation noise.
///
/// A point x ∈ ℝᵏ becomes (x, 0, …, 0) ∈ ℝᴰ (the first k coordinates, the rest 0), and with
/// rotation R·(x, 0) for one random orthogonal R ∈ O(D) drawn from the Haar (uniform) measure and
/// shared by all points. Only R's first k columns act on (x, 0); they form a uniformly random
/// orthonormal k-frame, obtained here as the Gram–Schmidt orthonormalisation of k independent
/// N(0, I_D) vectors — the Q factor of a Gaussian matrix with R's diagonal made positive, which
/// is Haar distributed (Mezzadri 2007, "How to generate random matrices from the classical compact
/// groups"). Distances, and hence intrinsic dimension, are unchanged by either step.
public enum AmbientPlacement {
    /// 1e-16: a Gaussian vector whose squared norm after two rounds of Gram–Schmidt is at most
    /// this fraction of its squared norm before (a length fraction of 1e-8) lay in the span of
    /// the frame so far, up to round-off, and is drawn again. For k ≤ D independent Gaussian
    /// vectors this essentially never happens.
    static let dependentSquaredNormFraction = 1e-16

    /// `points` (n × k) in ℝᴰ, D = `ambient` ≥ k: zero-padded, then rotated if `rotated`
    /// (the frame is drawn from `generator` after the points). Cost O(n·k·D + D·k²).
    /// Returns `points` unchanged when D = k and `rotated` is false.
    public static func place(_ points: Matrix<Double>, ambient: Int, rotated: Bool,
                             generator: inout SeededGenerator) -> Matrix<Double> {
        let k = points.columns
        precondition(ambient >= k, "ambient dimension \(ambient) below the \(k) coordinates of the points")
        if !rotated {
            guard ambient > k else { return points }
            var padded = Matrix<Double>(rows: points.rows, columns: ambient)
            for row in 0..<points.rows {
                for column in 0..<k { padded[row, column] = points[row, column] }
            }
            return padded
        }
        let frame = randomOrthonormalFrame(count: k, ambient: ambient, generator: &generator)
        var result = Matrix<Double>(rows: points.rows, columns: ambient)
        points.storage.withUnsafeBufferPointer { source in
            frame.storage.withUnsafeBufferPointer { axes in
                result.storage.withUnsafeMutableBufferPointer { target in
                    mapRows(source, count: k, through: axes, ambient: ambient, into: target)
                }
            }
        }
        return result
    }

    /// k orthonormal vectors in ℝᴰ (the rows of a k × D matrix, k ≤ D), uniformly distributed
    /// over the Stiefel manifold: modified Gram–Schmidt applied twice to k Gaussian vectors
    /// ("twice is enough": Giraud, Langou & Rozložník 2005), so rows are orthonormal to ~1e-15.
    /// A vector that loses all but 1e-8 of its norm to the earlier ones (probability ~0) is redrawn.
    public static func randomOrthonormalFrame(count k: Int, ambient: Int,
                                              generator: inout SeededGenerator) -> Matrix<Double> {
        precondition(k >= 0 && k <= ambient, "a frame of \(k) vectors does not fit in \(ambient) dimensions")
        var frame = Matrix<Double>(rows: k, columns: ambient)
        frame.storage.withUnsafeMutableBufferPointer { storage in
            for index in 0..<k {
                let vector = UnsafeMutableBufferPointer(rebasing: storage[(index * ambient)..<((index + 1) * ambient)])
                while true {
                    var originalNorm = 0.0
                    for j in vector.indices {
                        vector[j] = generator.nextGaussian()
                        originalNorm += vector[j] * vector[j]
                    }
                    for _ in 0..<2 {
                        for earlier in 0..<index {
                            let other = UnsafeBufferPointer(rebasing: storage[(earlier * ambient)..<((earlier + 1) * ambient)])
                            var dot = 0.0
                            for j in vector.indices { dot += vector[j] * other[j] }
                            for j in vector.indices { vector[j] -= dot * other[j] }
                        }
                    }
                    var norm = 0.0
                    for j in vector.indices { norm += vector[j] * vector[j] }
                    guard norm > Self.dependentSquaredNormFraction * originalNorm, norm > 0 else { continue }
                    let inverse = 1 / norm.squareRoot()
                    for j in vector.indices { vector[j] *= inverse }
                    break
                }
            }
        }
        return frame
    }

    /// Adds independent N(0, σ²) noise to every coordinate, in row-major order. σ ≥ 0; σ = 0
    /// leaves the points untouched and draws nothing.
    public static func addGaussianNoise(_ points: inout Matrix<Double>, sigma: Double,
                                        generator: inout SeededGenerator) {
        precondition(sigma >= 0 && sigma.isFinite, "noise level must be finite and non-negative")
        guard sigma > 0 else { return }
        points.storage.withUnsafeMutableBufferPointer { storage in
            for index in storage.indices { storage[index] += sigma * generator.nextGaussian() }
        }
    }

    /// target[i, :] = Σⱼ source[i, j]·axes[j, :], summed in j order (a fixed order, so the bits do
    /// not depend on a BLAS kernel).
    private static func mapRows(_ source: UnsafeBufferPointer<Double>, count k: Int,
                                through axes: UnsafeBufferPointer<Double>, ambient: Int,
                                into target: UnsafeMutableBufferPointer<Double>) {
        let rows = k == 0 ? 0 : source.count / k
        for row in 0..<rows {
            let output = row * ambient
            for j in 0..<k {
                let weight = source[row * k + j]
                let axis = j * ambient
                for c in 0..<ambient { target[output + c] += weight * axes[axis + c] }
            }
        }
    }
}
