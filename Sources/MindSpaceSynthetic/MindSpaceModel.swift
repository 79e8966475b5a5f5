import MindSpaceCore

/// The mind-space model: synthetic "minds" built the way the project's argument says real ones
/// are. **Illustrative**, not a model of any real system; its purpose is a picture with a known
/// answer, and a whole-pipeline test (its intrinsic dimension is known exactly).
///
/// - A **learning process** is a smooth map f from a d-dimensional latent space (what the data
///   are about) into D dimensions (the representation): f(z) = W₂·tanh(W₁·z + b₁), a random
///   one-hidden-layer network with 32 tanh units (Gaussian weights; W₁ ~ N(0, 1), b₁ ~ N(0, ½),
///   W₂ ~ N(0, 1/32)). With 32 > d hidden units such a map is, generically, a smooth immersion,
///   so each process's minds lie on a d-dimensional manifold in R^D.
/// - **Humans** are one process f_H applied to diverse data: latent points drawn from all of
///   `dataClusters` Gaussian clusters (centres uniform in [−1, 1]^d, spread 0.35).
/// - **AIs** come from `aiProcesses` further processes trained mostly on human-derived data: each
///   map is the human one plus a divergence, f_i = f_H + δ·g_i (g_i an independent random map
///   of the same form, δ = `aiDivergence`), and each AI's data come from the human clusters with
///   probability `humanDataShare`, else from the process's own new cluster.
/// - **Cross-run variation**: each process is trained in `runsPerProcess` runs; run r uses the
///   same map on a slightly reparametrised latent, f(z + ρ·u_r) with a fixed random shift u_r
///   and ρ = `runVariation`: different runs cover the shared manifold differently (as models
///   from different runs share representations) without leaving it.
///
/// Every mind is one point; groups are "humans" and "AIs" (and the process and run of each
/// point are recorded). The union of 1 + `aiProcesses` d-dimensional manifolds has intrinsic
/// dimension exactly d; at scales below the gap between the human and the AI manifolds (set by
/// δ) an estimator sees d. The null model of the same points fills far more dimensions.
public struct MindSpaceModel: Sendable, Equatable {
    /// d, the latent (and intrinsic) dimension.
    public var latentDimension = 5
    /// D, the representation's dimension.
    public var ambientDimension = 64
    /// Number of AI learning processes.
    public var aiProcesses = 4
    /// Training runs per process.
    public var runsPerProcess = 3
    /// Fraction of the minds that are human.
    public var humanFraction = 0.4
    /// δ: how far the AI processes' maps diverge from the human one (relative to its scale).
    public var aiDivergence = 0.25
    /// ρ: latent reparametrisation between runs of one process.
    public var runVariation = 0.15
    /// Probability that an AI's datum comes from the human data distribution.
    public var humanDataShare = 0.8
    /// Number of human data clusters in latent space.
    public var dataClusters = 8

    public static let hiddenUnits = 32

    public init() {}

    /// The generated minds.
    public struct Sample: Sendable, Equatable {
        /// N × D representations.
        public var points: Matrix<Double>
        /// "humans" or "AIs", per point.
        public var groups: [String]
        /// "human" or "ai-1" … per point.
        public var processes: [String]
        /// Run index within the process, per point.
        public var runs: [Int]
    }

    /// Checks the parameters; throws `.usage` naming the first bad one.
    public func validate() throws {
        func require(_ condition: Bool, _ message: String) throws {
            if !condition { throw MindSpaceError(.usage, "mindspace model: \(message)") }
        }
        try require(latentDimension >= 1, "--dimension (latent d) must be at least 1")
        try require(ambientDimension >= latentDimension, "--ambient D must be at least the latent dimension")
        try require(aiProcesses >= 1, "--ai-processes must be at least 1")
        try require(runsPerProcess >= 1, "--runs must be at least 1")
        try require(humanFraction > 0 && humanFraction < 1, "--human-fraction must be in (0, 1)")
        try require(aiDivergence.isFinite && aiDivergence >= 0, "--ai-divergence must be ≥ 0")
        try require(runVariation.isFinite && runVariation >= 0, "--run-variation must be ≥ 0")
        try require(humanDataShare >= 0 && humanDataShare <= 1, "--human-data-share must be in [0, 1]")
    }

    /// `n` minds drawn with `seed`.
    public func sample(n: Int, seed: UInt64) throws -> Sample {
        try validate()
        guard n >= 2 else { throw MindSpaceError(.usage, "mindspace model: --n must be at least 2") }
        var generator = SeededGenerator(seed: seed)
        let d = latentDimension, D = ambientDimension
        // Everything random about the world is drawn first, in a fixed order.
        let human = RandomMap(input: d, output: D, generator: &generator)
        let divergences = (0..<aiProcesses).map { _ in RandomMap(input: d, output: D, generator: &generator) }
        let centres = (0..<dataClusters).map { _ in (0..<d).map { _ in 2 * generator.nextUnitDouble() - 1 } }
        let ownCentres = (0..<aiProcesses).map { _ in (0..<d).map { _ in 2 * generator.nextUnitDouble() - 1 } }
        let runShifts = (0...aiProcesses).map { _ in
            (0..<runsPerProcess).map { _ in (0..<d).map { _ in generator.nextGaussian() } }
        }

        var points = Matrix<Double>(rows: n, columns: D)
        var groups: [String] = [], processes: [String] = [], runs: [Int] = []
        let humans = max(1, min(n - 1, Int((Double(n) * humanFraction).rounded())))
        var latent = [Double](repeating: 0, count: d)
        var image = [Double](repeating: 0, count: D)
        var extra = [Double](repeating: 0, count: D)
        for i in 0..<n {
            let isHuman = i < humans
            let process = isHuman ? 0 : 1 + (i - humans) % aiProcesses
            let run = generator.nextIndex(below: runsPerProcess)
            let centre: [Double]
            if isHuman || generator.nextUnitDouble() < humanDataShare {
                centre = centres[generator.nextIndex(below: dataClusters)]
            } else {
                centre = ownCentres[process - 1]
            }
            for j in 0..<d {
                latent[j] = centre[j] + 0.35 * generator.nextGaussian() + runVariation * runShifts[process][run][j]
            }
            human.apply(latent, into: &image)
            if !isHuman {
                divergences[process - 1].apply(latent, into: &extra)
                for j in 0..<D { image[j] += aiDivergence * extra[j] }
            }
            for j in 0..<D { points[i, j] = image[j] }
            groups.append(isHuman ? "humans" : "AIs")
            processes.append(isHuman ? "human" : "ai-\(process)")
            runs.append(run)
        }
        return Sample(points: points, groups: groups, processes: processes, runs: runs)
    }

    /// The true intrinsic dimension of each group and of the union: d for all (every process's
    /// minds lie on a d-dimensional manifold).
    public var trueDimensions: [String: Int] {
        ["humans": latentDimension, "AIs": latentDimension, "union": latentDimension]
    }

    /// The parameters as reports record them.
    public var parameters: [String: ParameterValue] {
        ["hypothesis": .string("manifold"), "latent_dimension": .int(latentDimension), "ambient_dimension": .int(ambientDimension),
         "ai_processes": .int(aiProcesses), "runs_per_process": .int(runsPerProcess),
         "human_fraction": .double(humanFraction), "ai_divergence": .double(aiDivergence),
         "run_variation": .double(runVariation), "human_data_share": .double(humanDataShare),
         "data_clusters": .int(dataClusters), "hidden_units": .int(Self.hiddenUnits),
         "illustrative": .bool(true)]
    }
}

/// f(z) = W₂·tanh(W₁·z + b₁) with Gaussian weights (see `MindSpaceModel`).
struct RandomMap: Sendable, Equatable {
    let input: Int, output: Int
    let w1: [Double], b1: [Double], w2: [Double]

    init(input: Int, output: Int, generator: inout SeededGenerator) {
        let hidden = MindSpaceModel.hiddenUnits
        self.input = input
        self.output = output
        w1 = (0..<(hidden * input)).map { _ in generator.nextGaussian() }
        b1 = (0..<hidden).map { _ in 0.5.squareRoot() * generator.nextGaussian() }
        let scale = 1 / Double(hidden).squareRoot()
        w2 = (0..<(output * hidden)).map { _ in scale * generator.nextGaussian() }
    }

    func apply(_ z: [Double], into result: inout [Double]) {
        let hidden = MindSpaceModel.hiddenUnits
        var h = [Double](repeating: 0, count: hidden)
        for a in 0..<hidden {
            var sum = b1[a]
            for j in 0..<input { sum += w1[a * input + j] * z[j] }
            h[a] = tanh(sum)
        }
        for o in 0..<output {
            var sum = 0.0
            for a in 0..<hidden { sum += w2[o * hidden + a] * h[a] }
            result[o] = sum
        }
    }
}
