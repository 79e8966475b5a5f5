import MindSpaceCore

/// The result of one streaming pass over a checkpoint set: the centred Gram matrix of the n
/// checkpoints (all parameters, and per group), with per-checkpoint totals. Everything a
/// trajectory or weight-set analysis needs (spectrum, coordinates, pairwise distances, norms)
/// follows from it without touching the files again; only writing parameter-space directions
/// needs a second pass.
public struct StreamedGram: Sendable {
    /// n, the number of checkpoints.
    public let checkpointCount: Int
    /// p, the number of selected parameters per checkpoint.
    public let parameterCount: Int
    /// Gc = Xc·Xcᵀ over all selected parameters, n×n symmetric (Xc: checkpoints as rows, each
    /// parameter centred on its mean over the checkpoints). Units: squared weight units.
    public let centredGram: Matrix<Double>
    /// How the parameters were grouped.
    public let grouping: ParameterGrouping
    /// The groups of the pass (one group, "all", without grouping).
    public let groups: [ParameterLayout.Group]
    /// Each group's centred Gram matrix (they sum to `centredGram`).
    public let groupGrams: [Matrix<Double>]
    /// Per-checkpoint totals (sums, sums of squares, data hashes, bytes read).
    public let totals: CheckpointStreamer.PassTotals
    /// The widest chunk used, in parameters per checkpoint.
    public let chunkElements: Int

    package init(checkpointCount: Int, parameterCount: Int, centredGram: Matrix<Double>,
                 grouping: ParameterGrouping, groups: [ParameterLayout.Group], groupGrams: [Matrix<Double>],
                 totals: CheckpointStreamer.PassTotals, chunkElements: Int) {
        self.checkpointCount = checkpointCount
        self.parameterCount = parameterCount
        self.centredGram = centredGram
        self.grouping = grouping
        self.groups = groups
        self.groupGrams = groupGrams
        self.totals = totals
        self.chunkElements = chunkElements
    }

    /// ‖xᵢ‖, the Euclidean norm of each checkpoint's selected parameters.
    public var norms: [Double] { totals.sumsOfSquares.map { $0.squareRoot() } }

    /// The n×n Euclidean distances ‖xᵢ − xⱼ‖ = √(Gcᵢᵢ + Gcⱼⱼ − 2·Gcᵢⱼ) (centring does not change
    /// differences), with round-off negatives clamped to 0 and an exactly zero diagonal.
    public var distances: Matrix<Double> {
        let n = checkpointCount
        var result = Matrix<Double>(rows: n, columns: n)
        for i in 0..<n {
            for j in 0..<n where j != i {
                let squared = centredGram[i, i] + centredGram[j, j] - 2 * centredGram[i, j]
                result[i, j] = max(0, squared).squareRoot()
            }
        }
        return result
    }

    /// Streams `streamer`'s set once and accumulates the centred Gram matrices.
    /// Memory: n × chunk doubles for the block (and as many bytes for raw values) plus n² doubles per
    /// group and slot (`GramAccumulator.slotCount`). Cost: reading the
    /// selected bytes once, n(n+1)/2·p multiply–adds in the Gram kernel, O(n·p) for widening and centring.
    /// Throws what the streamer throws, and `.malformedData` if the Gram matrix overflows.
    public static func accumulate(_ streamer: CheckpointStreamer,
                                  progress: ((Int) -> Void)? = nil) throws -> StreamedGram {
        let set = streamer.set
        let groups = set.layout.groups(by: streamer.grouping)
        let accumulator = GramAccumulator(count: set.count, groupCount: groups.count,
                                          slots: GramAccumulator.slotCount(count: set.count, groupCount: groups.count))
        let totals = try streamer.forEachTile(slots: accumulator.slots, progress: progress) { tile in
            accumulator.add(differences: tile.values, leadingDimension: tile.leadingDimension, width: tile.columns.count,
                            group: tile.chunk.group, slot: tile.slot)
        }
        let total = accumulator.totalCentredGram()
        guard total.storage.allSatisfy({ $0.isFinite }) else {
            throw MindSpaceError.malformed(set.checkpoints.first?.path,
                "values too large: the Gram matrix of the checkpoints overflows Double")
        }
        return StreamedGram(checkpointCount: set.count, parameterCount: set.layout.parameterCount,
                            centredGram: total, grouping: streamer.grouping, groups: groups,
                            groupGrams: (0..<groups.count).map { accumulator.centredGram(group: $0) },
                            totals: totals, chunkElements: streamer.chunkElements)
    }
}
