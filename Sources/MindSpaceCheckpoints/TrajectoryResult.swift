/// What a training trajectory looks like in parameter space: the PCA of its n checkpoints (each
/// checkpoint one point of p parameters), in how few directions it moves (explained-variance
/// spectrum, components for 50/90/99 %), where each checkpoint sits on the leading components,
/// and how far it travels. Made from one `StreamedGram` (no file access). Signs: each component
/// points from the first checkpoint towards the last (`GramPCA.SignConvention.lastAfterFirst`).
///
/// Related work: Lorch (2016) and Li et al. (2018, "Visualizing the loss landscape of neural
/// nets") project trajectories on the PCA directions of the checkpoints; Gur-Ari et al. (2018)
/// and Li et al. (2018, "Measuring the intrinsic dimension of objective landscapes") observe
/// that training moves in few directions. The spectrum here is the exact PCA, not an estimate.
public struct TrajectoryResult: Sendable {
    /// The PCA of one group of tensors (`--per-tensor`, `--per-layer`).
    public struct GroupPCA: Sendable {
        public let name: String
        /// The tensors in the group, in layout order.
        public let tensors: [String]
        public let pca: GramPCA
    }

    /// The checkpoints, in order.
    public let checkpoints: [String]
    /// p, the number of selected parameters per checkpoint.
    public let parameterCount: Int
    /// PCA of all selected parameters.
    public let pca: GramPCA
    /// One PCA per group; empty when the pass was not grouped.
    public let groups: [GroupPCA]
    /// ‖xᵢ‖ of each checkpoint's selected parameters.
    public let norms: [Double]
    /// ‖xᵢ₊₁ − xᵢ‖ for consecutive checkpoints (n − 1 values).
    public let stepDistances: [Double]
    /// How much of the displacement from the first checkpoint to the last lies in the top-k
    /// components (`DisplacementSubspace`, the DLDR reading).
    public let displacement: DisplacementSubspace
    /// The full pass result (Gram matrices, hashes), for callers that need more.
    public let gram: StreamedGram

    /// Σ stepDistances: the length of the path through parameter space.
    public var distanceTravelled: Double { stepDistances.reduce(0, +) }
    /// Whether the trajectory does not move: every checkpoint holds the same selected values, so
    /// the total variance is 0, every ratio is 0 and there is no direction to draw a path along.
    /// Exact: the accumulator subtracts checkpoint 0 from every checkpoint before any product
    /// (`GramAccumulator`), so identical checkpoints give a centred Gram matrix of exact zeros,
    /// while checkpoints that differ in any parameter give a positive trace (unless every
    /// difference is below ~1e-154, whose square underflows to 0).
    public var isStill: Bool { pca.spectrum.totalVariance == 0 }

    /// ‖x_last − x_first‖: how far the end is from the start.
    public var netDisplacement: Double {
        let n = gram.checkpointCount
        return n >= 2 ? gram.distances[0, n - 1] : 0
    }

    /// The random-walk null of this trajectory's spectrum (`RandomWalkNull`): `draws` isotropic
    /// walks in p dimensions with its own n − 1 step lengths, from `seed`; `nil` for a still
    /// trajectory (no step to take).
    public func randomWalkNull(draws: Int = RandomWalkNull.defaultDraws, seed: UInt64) throws -> RandomWalkNull? {
        try RandomWalkNull(stepLengths: stepDistances, dimension: max(1, parameterCount), draws: draws, seed: seed)
    }

    /// Analyses a streamed pass over `set` (the checkpoints named in the result come from it).
    public init(gram: StreamedGram, set: CheckpointSet) throws {
        checkpoints = set.checkpoints.map(\.path)
        parameterCount = gram.parameterCount
        pca = try GramPCA(centredGram: gram.centredGram, parameterCount: gram.parameterCount, signs: .lastAfterFirst)
        var grouped: [GroupPCA] = []
        if gram.grouping != .none {
            for (index, group) in gram.groups.enumerated() {
                grouped.append(GroupPCA(
                    name: group.name, tensors: group.tensors.map { set.layout.entries[$0].name },
                    pca: try GramPCA(centredGram: gram.groupGrams[index], parameterCount: group.parameterCount,
                                     signs: .lastAfterFirst)))
            }
        }
        groups = grouped
        norms = gram.norms
        let distances = gram.distances
        stepDistances = (0..<max(0, gram.checkpointCount - 1)).map { distances[$0, $0 + 1] }
        displacement = DisplacementSubspace(pca: pca, centredGram: gram.centredGram)
        self.gram = gram
    }

    /// The PCA of a checkpoint set in one streaming pass: `StreamedGram.accumulate` then the
    /// analysis. See `CheckpointStreamer` for memory and threads.
    public static func analyse(_ streamer: CheckpointStreamer, progress: ((Int) -> Void)? = nil) throws -> TrajectoryResult {
        try TrajectoryResult(gram: StreamedGram.accumulate(streamer, progress: progress), set: streamer.set)
    }
}
