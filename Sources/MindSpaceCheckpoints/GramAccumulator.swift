import MindSpaceCore

/// Accumulates the centred Gram matrix Gc = Xc·Xcᵀ (n×n) of n points in p dimensions from tiles
/// of columns (parameters), in `Double`: the streaming half of PCA by the Gram (dual) route, for
/// n checkpoints of p ≫ n parameters. Memory O(slots · groups · n²); cost n(n−1)/2·p
/// multiply–adds (`GramKernels.addUpperGram`).
///
/// Centring. Forming G = X·Xᵀ and centring it afterwards, Gc = J·G·J with J = I − 11ᵀ/n, loses
/// log₁₀(‖x‖²/‖x − x̄‖²) digits to cancellation: 6–8 digits for a fine-tune that moves the
/// weights by 0.01 %. Centring is translation-invariant, J·X = J·(X − 1·rᵀ) for any vector r, so
/// each tile arrives with checkpoint 0's values subtracted from every row (r = x₀, row 0 then all
/// zero; the widening does it in the same pass, exactly for float32/float16/bfloat16 weights whose
/// exponents differ by less than 29). The accumulator adds D·Dᵀ for D = X − 1·x₀ᵀ, whose entries
/// have the size of the spread of the checkpoints, not of the weights, and returns J·(D·Dᵀ)·J:
/// the last step loses at most about log₁₀(max ‖xᵢ − x₀‖² / mean ‖xᵢ − x̄‖²) digits (≤ 1 for a
/// trajectory), as in a dense PCA that subtracts the mean first. Unlike subtracting the mean,
/// this needs no second pass over the tile.
///
/// Groups: each tile belongs to one group and is added to that group's matrix; because a Gram
/// matrix is a sum over parameters, the groups' matrices add up to the matrix of all parameters.
///
/// Slots: one matrix per group and slot, so that threads working different slots
/// (`CheckpointStreamer.forEachTile`) never share a matrix; a group's matrix is the sum of its
/// slots' in slot order, so the result depends on the slot count but not on the threads.
public final class GramAccumulator {
    /// n, the number of points (rows of every tile).
    public let count: Int
    /// The number of groups.
    public let groupCount: Int
    /// The number of independent partial sums per group.
    public let slots: Int
    /// Upper triangles (row-major n×n) of the partial Gram matrices D·Dᵀ, slot-major then group.
    private let upper: UnsafeMutableBufferPointer<Double>
    /// Per slot, the Gram kernel's unreduced partial sums of the tiles added since the last flush
    /// (`GramKernels.accumulateGram`), all of group `pendingGroup[slot]`: reducing them once per
    /// run of tiles rather than per tile saves a tenth of the kernel's time.
    private let workspaces: UnsafeMutableRawBufferPointer
    private let workspaceCount: Int
    /// Per slot, the group whose tiles the workspace holds, −1 for none (touched only by the
    /// thread working the slot).
    private let pendingGroup: UnsafeMutableBufferPointer<Int>

    /// The number of slots for `count` points and `groupCount` groups: 8 (enough to keep every
    /// core of a small machine busy and balanced) unless the partial matrices would then pass
    /// 64 MiB, then fewer, down to 1. Depends only on the sizes, so results are reproducible.
    public static func slotCount(count: Int, groupCount: Int) -> Int {
        let bytesPerSlot = max(1, groupCount * count * count * 8)
        return max(1, min(8, (64 << 20) / bytesPerSlot))
    }

    /// An accumulator for `count` points, `groupCount` groups and `slots` slots; all matrices zero.
    public init(count: Int, groupCount: Int = 1, slots: Int = 1) {
        precondition(count >= 1 && groupCount >= 1 && slots >= 1)
        self.count = count
        self.groupCount = groupCount
        self.slots = slots
        upper = .allocate(capacity: slots * groupCount * count * count)
        upper.initialize(repeating: 0)
        // Rows 1…n−1 of each tile go to the kernel (row 0 of D is zero).
        workspaceCount = (GramKernels.gramWorkspaceCount(n: max(1, count - 1)) + 7) / 8 * 8
        workspaces = .allocate(byteCount: max(64, slots * workspaceCount * 8), alignment: 64)
        workspaces.initializeMemory(as: UInt8.self, repeating: 0)
        pendingGroup = .allocate(capacity: slots)
        pendingGroup.initialize(repeating: -1)
    }

    deinit {
        upper.deallocate()
        workspaces.deallocate()
        pendingGroup.deallocate()
    }

    private func workspace(_ slot: Int) -> UnsafeMutablePointer<Double> {
        // Never empty (at least 64 bytes), so the base address exists.
        workspaces.baseAddress.unsafelyUnwrapped.assumingMemoryBound(to: Double.self) + slot * workspaceCount
    }

    /// Adds slot `slot`'s unreduced sums to its pending group's matrix.
    private func flush(slot: Int) {
        let group = pendingGroup[slot]
        guard group >= 0, let upperBase = upper.baseAddress else { return }
        GramKernels.flushGram(n: count - 1, workspace: workspace(slot),
                              c: upperBase + (slot * groupCount + group) * count * count + count + 1, ldc: count)
        pendingGroup[slot] = -1
    }

    /// Adds D·Dᵀ for the tile's rows 1…n−1 (row i = xᵢ − x₀ over `width` columns, rows
    /// `leadingDimension` apart, as `CheckpointStreamer.Tile` holds them; row 0 is not read) to
    /// group `group` of slot `slot` (`GramKernels.addUpperGram`). Calls for different slots may
    /// run at the same time.
    public func add(differences tile: UnsafePointer<Double>, leadingDimension: Int, width: Int, group: Int, slot: Int) {
        precondition(group >= 0 && group < groupCount && slot >= 0 && slot < slots)
        guard width > 0, count > 1 else { return }
        if pendingGroup[slot] != group {
            flush(slot: slot)
            pendingGroup[slot] = group
        }
        GramKernels.accumulateGram(n: count - 1, k: width, a: tile + leadingDimension, lda: leadingDimension,
                                   workspace: workspace(slot))
    }

    /// The centred Gram matrix of group `group` (its slots added in slot order, then J·G·J),
    /// full symmetric n×n.
    public func centredGram(group: Int) -> Matrix<Double> {
        Self.centred(Self.symmetric(groupUpper(group), n: count))
    }

    /// The centred Gram matrix of all parameters: the sum of every group's centred matrix, in
    /// group order (so the groups add up to it exactly), full symmetric n×n.
    public func totalCentredGram() -> Matrix<Double> {
        var sum = [Double](repeating: 0, count: count * count)
        for group in 0..<groupCount {
            let matrix = centredGram(group: group).storage
            for index in sum.indices { sum[index] += matrix[index] }
        }
        return Matrix(rows: count, columns: count, storage: sum)
    }

    private func groupUpper(_ group: Int) -> [Double] {
        for slot in 0..<slots { flush(slot: slot) }
        let size = count * count
        var sum = Array(upper[(group * size)..<((group + 1) * size)])
        for slot in 1..<max(1, slots) {
            let start = (slot * groupCount + group) * size
            for index in 0..<size { sum[index] += upper[start + index] }
        }
        return sum
    }

    /// J·G·J: Gᵢⱼ − r̄ᵢ − r̄ⱼ + t̄, with r̄ the row means and t̄ the mean of all entries.
    static func centred(_ gram: Matrix<Double>) -> Matrix<Double> {
        let n = gram.rows
        guard n > 0 else { return gram }
        let rowMeans = (0..<n).map { i in (0..<n).reduce(0.0) { $0 + gram[i, $1] } / Double(n) }
        let mean = rowMeans.reduce(0, +) / Double(n)
        var result = gram
        for i in 0..<n {
            for j in 0..<n { result[i, j] = gram[i, j] - rowMeans[i] - rowMeans[j] + mean }
        }
        return result
    }

    private static func symmetric(_ upper: [Double], n: Int) -> Matrix<Double> {
        var full = upper
        for i in 0..<n {
            for j in 0..<i { full[i * n + j] = upper[j * n + i] }
        }
        return Matrix(rows: n, columns: n, storage: full)
    }
}
