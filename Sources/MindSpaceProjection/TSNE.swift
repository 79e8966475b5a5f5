import Foundation
import MindSpaceCore
import MindSpaceNumerics

/// t-SNE, t-distributed stochastic neighbour embedding, to the plane (van der Maaten & Hinton
/// 2008, "Visualizing data using t-SNE"; Barnes–Hut version: van der Maaten 2014), with
/// scikit-learn 1.9's `TSNE` defaults and schedule.
///
/// **Objective.** KL(P‖Q) between the input similarities P (`TSNEAffinities`, perplexity 30) and
/// the Student-t (one degree of freedom) similarities qᵢⱼ = (1 + ‖yᵢ − yⱼ‖²)⁻¹/Z of the layout,
/// Z = Σ_{k≠l} (1 + ‖yₖ − yₗ‖²)⁻¹. Gradient: ∂C/∂yᵢ = 4·Σⱼ (pᵢⱼ − qᵢⱼ)·(yᵢ − yⱼ)/(1 + ‖yᵢ − yⱼ‖²).
///
/// **Methods.** `.exact`: dense P over all pairs and the O(N²) gradient per iteration (memory
/// 8·N² bytes; allowed up to `exactLimit` points). `.barnesHut`: sparse P over the
/// ⌊3·perplexity + 1⌋ nearest neighbours, attraction over P's entries and repulsion
/// (Σ qᵢⱼ²·Z²·(yᵢ − yⱼ) and Z) by a quadtree with opening angle θ = 0.5 (`BarnesHutTree`),
/// O(N log N) per iteration. Automatic choice: exact up to 500 points, Barnes–Hut above
/// (scikit-learn defaults to Barnes–Hut at every N).
///
/// **Optimisation** (scikit-learn's `_gradient_descent`): gradient descent with momentum and
/// per-coordinate gains (+0.2 when the gradient's sign opposes the last update, ×0.8 otherwise,
/// at least 0.01): update ← momentum·update − η·gains·∇, y ← y + update. 250 iterations with
/// P multiplied by the early exaggeration 12 and momentum 0.5, then the rest up to 1000 with
/// momentum 0.8. Learning rate η = max(N/12/4, 50) ("auto"). Every 50 iterations the run
/// stops if the (gain-weighted) gradient norm is ≤ 1e-7 or the KL divergence has not improved
/// for more than 300 iterations (250 in the exaggeration phase).
///
/// **Initialisation.** The PCA scores (`PCAProjection`) scaled so the first coordinate has
/// standard deviation 10⁻⁴, as scikit-learn's `init="pca"`; data whose PCA view is a single
/// point start from seeded N(0, 10⁻⁸) coordinates instead.
///
/// **Determinism.** Nothing is random apart from that fallback; the parallel gradient writes
/// one slot per point and sums them in order, so the result is identical for every thread
/// count. Errors: fewer than 2 points or features, NaN/±Inf (`.malformedData`); perplexity not
/// in (0, N − 1), or `.exact` above `exactLimit` (`.usage`).
public struct TSNE: Sendable {
    /// How the gradient is computed.
    public enum Method: String, Sendable {
        case exact
        case barnesHut = "barnes_hut"
    }

    public var perplexity: Double
    /// `nil` chooses exact up to 500 points and Barnes–Hut above.
    public var method: Method?
    /// Barnes–Hut opening angle θ.
    public var angle: Double
    /// Total iterations, the 250 exaggerated ones included (scikit-learn's `max_iter`).
    public var iterations: Int
    public var earlyExaggeration: Double
    public var seed: UInt64

    /// The largest N the exact method accepts (8·N² bytes for P).
    public static let exactLimit = 4000
    /// Iterations with early exaggeration (scikit-learn's `_EXPLORATION_MAX_ITER`).
    static let explorationIterations = 250
    static let checkInterval = 50

    public init(perplexity: Double = 30, method: Method? = nil, angle: Double = 0.5, iterations: Int = 1000,
                earlyExaggeration: Double = 12, seed: UInt64 = 0) {
        self.perplexity = perplexity
        self.method = method
        self.angle = angle
        self.iterations = iterations
        self.earlyExaggeration = earlyExaggeration
        self.seed = seed
    }

    /// The method used for N points.
    public func resolvedMethod(pointCount n: Int) -> Method {
        method ?? (n <= 500 ? .exact : .barnesHut)
    }

    /// The t-SNE layout of the rows of `data` (points × features).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func project<Scalar: NeighborScalar>(_ data: Matrix<Scalar>) throws -> Projection2D {
        try Projection2D.checkShape(rows: data.rows, columns: data.columns)
        let n = data.rows
        if let position = data.firstNonFinite() {
            throw MindSpaceError.malformed(nil,
                "a projection needs finite values: \(Double(data[position.row, position.column])) at row \(position.row), column \(position.column) (counting from 0)")
        }
        guard perplexity.isFinite, perplexity > 0, perplexity < Double(n - 1) else {
            throw MindSpaceError(.usage, "t-SNE's perplexity must be in (0, N − 1 = \(n - 1)), got \(TextTable.number(perplexity))")
        }
        guard iterations >= 1, angle.isFinite, angle >= 0, earlyExaggeration.isFinite, earlyExaggeration > 0 else {
            throw MindSpaceError(.usage, "t-SNE needs iterations ≥ 1, angle ≥ 0 and a positive early exaggeration")
        }
        let chosen = resolvedMethod(pointCount: n)
        if chosen == .exact && n > Self.exactLimit {
            throw MindSpaceError(.usage, "exact t-SNE is limited to \(Self.exactLimit) points (8·N² bytes), got \(n); use Barnes–Hut")
        }
        var layout = try initialLayout(data)
        let objective: TSNEObjective
        switch chosen {
        case .exact: objective = .exact(TSNEAffinities.exactJoint(data, perplexity: perplexity))
        case .barnesHut: objective = .barnesHut(try TSNEAffinities.sparseJoint(data, perplexity: perplexity), angle: angle)
        }
        let learningRate = max(Double(n) / earlyExaggeration / 4, 50)
        let optimiser = TSNEOptimiser(objective: objective, pointCount: n, learningRate: learningRate)
        optimiser.run(&layout, iterations: iterations, exaggeration: earlyExaggeration)
        var parameters: [Projection2D.Parameter] = [
            .init("perplexity", TextTable.number(perplexity)), .init("method", chosen.rawValue),
        ]
        if chosen == .barnesHut { parameters.append(.init("angle", TextTable.number(angle))) }
        parameters += [.init("iterations", String(iterations)), .init("early_exaggeration", TextTable.number(earlyExaggeration)),
                       .init("learning_rate", TextTable.number(learningRate)), .init("init", "pca")]
        return Projection2D(coordinates: Matrix(rows: n, columns: 2, storage: layout), method: .tsne,
                            xLabel: "t-SNE 1", yLabel: "t-SNE 2", axisVarianceRatio: nil, parameters: parameters)
    }

    /// PCA scores divided by the first column's standard deviation (divisor N), times 10⁻⁴.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func initialLayout<Scalar: BinaryFloatingPoint & Sendable>(_ data: Matrix<Scalar>) throws -> [Double] {
        let n = data.rows
        var layout = try PCAProjection().project(data).coordinates.storage
        var mean = 0.0
        for i in 0..<n { mean += layout[2 * i] }
        mean /= Double(n)
        var variance = 0.0
        for i in 0..<n { variance += (layout[2 * i] - mean) * (layout[2 * i] - mean) }
        let deviation = (variance / Double(n)).squareRoot()
        if deviation > 0, deviation.isFinite {
            for i in layout.indices { layout[i] = layout[i] / deviation * 1e-4 }
        } else {
            var generator = SeededGenerator(seed: seed)
            for i in layout.indices { layout[i] = 1e-4 * generator.nextGaussian() }
        }
        return layout
    }
}

/// The KL objective of `TSNE` and its gradient, exact or Barnes–Hut.
enum TSNEObjective {
    /// Dense N×N joint probabilities.
    case exact([Double])
    /// Sparse joint probabilities and the opening angle.
    case barnesHut(WeightedGraph, angle: Double)

    /// Writes ∂C/∂y (N×2) into `gradient` for P multiplied by `exaggeration`; returns KL(P‖Q)
    /// when `wantError`, else NaN.
    func gradient(_ y: [Double], exaggeration: Double, into gradient: inout [Double], wantError: Bool) -> Double {
        switch self {
        case .exact(let joint): return Self.exactGradient(y, joint: joint, exaggeration: exaggeration, into: &gradient, wantError: wantError)
        case .barnesHut(let joint, let angle):
            return Self.barnesHutGradient(y, joint: joint, angle: angle, exaggeration: exaggeration, into: &gradient, wantError: wantError)
        }
    }

    /// Worker count for the per-point loops.
    static var workers: Int { max(1, ParallelLoop.threadLimit) }

    /// Runs `body(first, end)` over contiguous chunks of 0..<n in parallel.
    static func parallelChunks(_ n: Int, _ body: (Int, Int) -> Void) {
        let chunkCount = min(n, workers * 4)
        guard chunkCount > 1 else { body(0, n); return }
        ParallelLoop.forEach(chunkCount) { chunk in
            body(chunk * n / chunkCount, (chunk + 1) * n / chunkCount)
        }
    }

    private static func exactGradient(_ y: [Double], joint: [Double], exaggeration: Double,
                                      into gradient: inout [Double], wantError: Bool) -> Double {
        let n = y.count / 2
        var rowSums = [Double](repeating: 0, count: n)
        y.withUnsafeBufferPointer { y in
            rowSums.withUnsafeMutableBufferPointer { sums in
                guard let sumBase = sums.baseAddress else { return }
                parallelChunks(n) { first, end in
                    for i in first..<end {
                        var sum = 0.0
                        for j in 0..<n where j != i {
                            let dx = y[2 * i] - y[2 * j], dy = y[2 * i + 1] - y[2 * j + 1]
                            sum += 1 / (1 + dx * dx + dy * dy)
                        }
                        sumBase[i] = sum
                    }
                }
            }
        }
        let z = rowSums.reduce(0, +)
        var errors = [Double](repeating: 0, count: n)
        y.withUnsafeBufferPointer { y in
            joint.withUnsafeBufferPointer { p in
                gradient.withUnsafeMutableBufferPointer { g in
                    errors.withUnsafeMutableBufferPointer { e in
                        guard let gradientBase = g.baseAddress, let errorBase = e.baseAddress else { return }
                        parallelChunks(n) { first, end in
                            for i in first..<end {
                                var gx = 0.0, gy = 0.0, error = 0.0
                                for j in 0..<n where j != i {
                                    let dx = y[2 * i] - y[2 * j], dy = y[2 * i + 1] - y[2 * j + 1]
                                    let kernel = 1 / (1 + dx * dx + dy * dy)
                                    let pij = p[i * n + j] * exaggeration
                                    let q = max(kernel / z, Double.ulpOfOne)
                                    let force = (pij - q) * kernel
                                    gx += force * dx
                                    gy += force * dy
                                    if wantError { error += pij * log(max(pij, Double.ulpOfOne) / q) }
                                }
                                gradientBase[2 * i] = 4 * gx
                                gradientBase[2 * i + 1] = 4 * gy
                                errorBase[i] = error
                            }
                        }
                    }
                }
            }
        }
        return wantError ? errors.reduce(0, +) : .nan
    }

    private static func barnesHutGradient(_ y: [Double], joint: WeightedGraph, angle: Double, exaggeration: Double,
                                          into gradient: inout [Double], wantError: Bool) -> Double {
        let n = y.count / 2
        let tree = BarnesHutTree(points: y)
        // Per point: Zᵢ and the repulsive sums, then the attractive sums (and KL terms).
        var repulsion = [Double](repeating: 0, count: 3 * n)
        repulsion.withUnsafeMutableBufferPointer { r in
            guard let base = r.baseAddress else { return }
            parallelChunks(n) { first, end in
                var stack: [Int32] = []
                stack.reserveCapacity(256)
                for i in first..<end {
                    let (z, fx, fy) = tree.repulsion(of: i, theta: angle, stack: &stack)
                    base[3 * i] = z; base[3 * i + 1] = fx; base[3 * i + 2] = fy
                }
            }
        }
        var z = 0.0
        for i in 0..<n { z += repulsion[3 * i] }
        var errors = [Double](repeating: 0, count: n)
        y.withUnsafeBufferPointer { y in
            joint.rowStart.withUnsafeBufferPointer { rowStart in
                joint.columns.withUnsafeBufferPointer { columns in
                    joint.weights.withUnsafeBufferPointer { weights in
                        repulsion.withUnsafeBufferPointer { r in
                            gradient.withUnsafeMutableBufferPointer { g in
                                errors.withUnsafeMutableBufferPointer { e in
                                    guard let gradientBase = g.baseAddress, let errorBase = e.baseAddress else { return }
                                    parallelChunks(n) { first, end in
                                        for i in first..<end {
                                            var ax = 0.0, ay = 0.0, error = 0.0
                                            for entry in rowStart[i]..<rowStart[i + 1] {
                                                let j = Int(columns[entry])
                                                let dx = y[2 * i] - y[2 * j], dy = y[2 * i + 1] - y[2 * j + 1]
                                                let kernel = 1 / (1 + dx * dx + dy * dy)
                                                let pij = weights[entry] * exaggeration
                                                ax += pij * kernel * dx
                                                ay += pij * kernel * dy
                                                if wantError {
                                                    let tiny = Double(Float.leastNormalMagnitude)
                                                    error += pij * log(max(pij, tiny) / max(kernel / z, tiny))
                                                }
                                            }
                                            gradientBase[2 * i] = 4 * (ax - r[3 * i + 1] / z)
                                            gradientBase[2 * i + 1] = 4 * (ay - r[3 * i + 2] / z)
                                            errorBase[i] = error
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return wantError ? errors.reduce(0, +) : .nan
    }
}

/// scikit-learn's `_gradient_descent` schedule for `TSNE` (see there).
struct TSNEOptimiser {
    let objective: TSNEObjective
    let pointCount: Int
    let learningRate: Double
    static let minimumGain = 0.01
    /// The optimisation stops when the gradient's norm falls below this (scikit-learn's
    /// `min_grad_norm` default): the layout has then stopped changing at any image resolution.
    static let minimumGradientNorm = 1e-7
    static let iterationsWithoutProgress = 300

    func run(_ y: inout [Double], iterations: Int, exaggeration: Double) {
        var update = [Double](repeating: 0, count: y.count)
        var gains = [Double](repeating: 1, count: y.count)
        var gradient = [Double](repeating: 0, count: y.count)
        let exploration = min(iterations, TSNE.explorationIterations)
        let last = phase(&y, from: 0, to: exploration, momentum: 0.5, exaggeration: exaggeration,
                         patience: TSNE.explorationIterations, update: &update, gains: &gains, gradient: &gradient)
        // As scikit-learn: the second phase starts after the first one's last iteration (so an
        // early stop there leaves more iterations for it) and runs up to `iterations`.
        if last + 1 < iterations {
            _ = phase(&y, from: last + 1, to: iterations, momentum: 0.8, exaggeration: 1,
                      patience: Self.iterationsWithoutProgress, update: &update, gains: &gains, gradient: &gradient)
        }
    }

    /// Iterations first..<end; returns the last iteration run (earlier than end − 1 when a
    /// stopping rule ended the phase).
    private func phase(_ y: inout [Double], from first: Int, to end: Int, momentum: Double, exaggeration: Double,
                       patience: Int, update: inout [Double], gains: inout [Double], gradient: inout [Double]) -> Int {
        var bestError = Double.greatestFiniteMagnitude
        var bestIteration = first
        for iteration in first..<end {
            let check = (iteration + 1) % TSNE.checkInterval == 0
            let error = objective.gradient(y, exaggeration: exaggeration, into: &gradient, wantError: check || iteration == end - 1)
            var squaredNorm = 0.0
            for c in y.indices {
                if update[c] * gradient[c] < 0 { gains[c] += 0.2 } else { gains[c] *= 0.8 }
                gains[c] = max(gains[c], Self.minimumGain)
                let scaled = gradient[c] * gains[c]
                squaredNorm += scaled * scaled
                update[c] = momentum * update[c] - learningRate * scaled
                y[c] += update[c]
            }
            if check {
                if error < bestError {
                    bestError = error
                    bestIteration = iteration
                } else if iteration - bestIteration > patience {
                    return iteration
                }
                if squaredNorm.squareRoot() <= Self.minimumGradientNorm { return iteration }
            }
        }
        return end - 1
    }
}
