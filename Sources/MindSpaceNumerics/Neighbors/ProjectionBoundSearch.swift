import Foundation
import Synchronization
import MindSpaceCore

/// Exact k-nearest neighbours that compute full distances only for the pairs a cheap lower bound
/// cannot rule out: the neighbour engine's path for wide points (D ≥ 64) near a low-dimensional
/// manifold, where it replaces the N²·D/2 multiply–adds of the block products by about N²·16.
///
/// **Method.** Every point x gets a 16-float image z(x) with ‖z(x) − z(y)‖ ≤ ‖x − y‖
/// (`BoundEmbedding`: the leading principal coordinates and the length of the rest). For each
/// point i, separately:
/// 1. the `keep` = 8k + 16 points with the smallest bounds bᵢⱼ = ‖z(xᵢ) − z(xⱼ)‖² are found by a
///    SIMD scan of all N images (`NeighborKernels.nearestBounds`), and their distances are
///    computed directly, dᵢⱼ² = Σ(xᵢ − xⱼ)² (`NeighborScalar.directSquaredDistances`); the k
///    smallest by (dᵢⱼ², j) are i's candidates, U² the k-th of them;
/// 2. every point j outside the scanned keep has bᵢⱼ ≥ B, the largest bound among them. If
///    B > T = U²·(1 + ρ) + σᵢ (the margins below), no such j can be nearer than U: the
///    candidates are i's exact k nearest and the row is done. Otherwise (an "unresolved" row)
///    all j with bᵢⱼ ≤ T are collected by a second scan (`NeighborKernels.boundsWithin`) and
///    measured directly; the true k nearest are among them, as bᵢⱼ ≤ dᵢⱼ² ≤ U² for each.
///
/// The neighbours are the k smallest by (direct squared distance, index) — the same ones a
/// brute-force search with the same distance function returns — and the distances reported are
/// those direct ones (identical rows at exactly 0).
///
/// **Margins.** The bounds are computed in float, the distances in the working precision ε.
/// ρ = 10⁻³ + 4(D + 2)·ε covers the relative error of the direct sums (≤ (D + 2)·ε) and of
/// rounding z to float; σᵢ = 64·ε₃₂·(wᵢ + max w), with w the larger of ‖z‖² and ‖x − m‖², covers
/// the absolute error of a 16-term float dot product and of the norms (≤ ~20·ε₃₂·(wᵢ + wⱼ)).
/// Both only add candidates; they never remove a true neighbour.
///
/// **When it is used.** `ExactNeighbors.search` tries it for D ≥ 64, k ≤ 64 and N ≥ 32·keep (so
/// that the direct distances of step 1 stay below 1/16 of the products), and it declines (returns
/// nil, and the block products run instead) when the bound rules out too little: when fewer than
/// half of 128 pilot rows resolve (16 evenly spaced runs of 8 neighbouring points), when more
/// than half of all rows stay unresolved, or when the unresolved rows' collected pairs exceed
/// N²/16. Each of these tests depends only on the data, never on the thread count, so neither
/// does the result. The pilot costs 128/N of a full pass, so declining costs little beyond
/// building the images (N·D·15).
///
/// **Threads.** Rows are independent: groups of 8 in 16 fixed ranges on up to
/// `ParallelLoop.threadLimit` threads, each writing only its own rows' lists.
///
/// **Cost.** N²·16 multiply–adds and N² comparisons in the scans (one-sided: each row scans
/// all N images, which keeps every row's work independent and the memory at O(N·k)), N·keep·D
/// for the direct distances, plus N·D·15 to build the images.
enum ProjectionBoundSearch {
    /// Narrowest points the bound is tried on (below this the products are cheap anyway).
    static let minimumColumns = 64
    /// Largest k the bound is tried for.
    static let maximumK = 64
    /// Pilot runs of 8 neighbouring points (evenly spaced) that decide whether the full pass is
    /// worth running.
    static let pilotRuns = 16
    /// 10⁻³: the fixed part of the relative margin ρ (see **Margins**), which covers rounding
    /// the images z to float (2⁻²⁴ relative per coordinate, in a 16-term bound) with a wide
    /// margin; the working precision's share, 4(D + 2)·ε, is added per search.
    static let imageRoundingMargin = 1e-3

    /// Points scanned per row in step 1.
    static func keep(k: Int) -> Int { 8 * k + 16 }

    /// Whether the bound is worth trying for this shape (it may still decline after measuring).
    static func isEligible(pointCount: Int, columns: Int, k: Int) -> Bool {
        columns >= minimumColumns && k <= maximumK && pointCount >= 32 * keep(k: k)
    }

    /// The exact k nearest of every row (as `ExactNeighbors.search`: ascending Euclidean distance,
    /// ties by index), or nil when the bound does not pay (see the type's documentation).
    /// `points` must be finite with N > k; `mean`, their column means in Double, is computed
    /// when not given.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    static func search<Scalar: NeighborScalar>(_ points: Matrix<Scalar>, k: Int,
                                               mean: [Double]? = nil) throws -> NeighborTable<Scalar>? {
        try search(points, k: k, keep: keep(k: k), mayDecline: true, mean: mean)
    }

    /// `search` with the scan's keep and the declining tests as parameters, for tests (a small
    /// keep leaves most rows to step 2).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    static func search<Scalar: NeighborScalar>(_ points: Matrix<Scalar>, k: Int, keep: Int, mayDecline: Bool,
                                               mean: [Double]? = nil) throws -> NeighborTable<Scalar>? {
        let n = points.rows
        let centre = mean ?? points.columnSums().map { $0 / Double(n) }
        guard let embedding = try BoundEmbedding(points, mean: centre) else { return nil }
        var distances = [Scalar](repeating: .infinity, count: n * k)
        var indices = [Int32](repeating: .max, count: n * k)
        let found = points.storage.withUnsafeBufferPointer { stored in
            distances.withUnsafeMutableBufferPointer { distanceList in
                indices.withUnsafeMutableBufferPointer { indexList -> Bool in
                    guard let base = stored.baseAddress, let distanceBase = distanceList.baseAddress,
                          let indexBase = indexList.baseAddress else { return false }
                    let state = SearchState(points: base, columns: points.columns, embedding: embedding, k: k,
                                            keep: min(n - 1, max(k, keep)), distances: distanceBase, indices: indexBase)
                    let pilot = (0..<pilotRuns).flatMap { run in (0..<8).map { run * n / pilotRuns + $0 } }
                        .filter { $0 < n }
                    guard 2 * state.firstScan(positions: pilot) >= pilot.count || !mayDecline,
                          2 * state.firstScan(positions: Array(0..<n)) >= n || !mayDecline else { return false }
                    return state.collectUnresolved(pairBudget: mayDecline ? n * n / 16 : Int.max)
                }
            }
        }
        guard found else { return nil }
        for slot in distances.indices { distances[slot] = distances[slot].squareRoot() }
        return NeighborTable(pointCount: n, k: k, indices: indices, distances: distances)
    }

    /// The N × k lists being built, each row's threshold T and whether it is done. Each row's
    /// entries are written only by the task that owns the row.
    private final class SearchState<Scalar: NeighborScalar> {
        let points: UnsafePointer<Scalar>
        let columns: Int
        let embedding: BoundEmbedding
        let k: Int
        let keep: Int
        /// ρ of the type's documentation.
        let relativeMargin: Double
        /// Row-major N × k lists: squared distances, ascending, and point indices.
        let distances: UnsafeMutablePointer<Scalar>
        let indices: UnsafeMutablePointer<Int32>
        let thresholds: OwnedBuffer<Float>
        let resolved: OwnedBuffer<Bool>

        @_specialize(where Scalar == Float)
        @_specialize(where Scalar == Double)
        init(points: UnsafePointer<Scalar>, columns: Int, embedding: BoundEmbedding, k: Int, keep: Int,
             distances: UnsafeMutablePointer<Scalar>, indices: UnsafeMutablePointer<Int32>) {
            let n = embedding.pointCount
            self.points = points
            self.columns = columns
            self.embedding = embedding
            self.k = k
            self.keep = keep
            relativeMargin = ProjectionBoundSearch.imageRoundingMargin + 4 * Double(columns + 2) * Double(Scalar.ulpOfOne)
            self.distances = distances
            self.indices = indices
            thresholds = OwnedBuffer(repeating: 0, count: n)
            resolved = OwnedBuffer(repeating: false, count: n)
        }

        /// Step 1 for the points at `positions` (tile order), in groups of up to 8 consecutive
        /// entries (one kernel call each, starting at the group's own tile), the groups in 16
        /// fixed ranges on all cores; returns how many resolved.
        @_specialize(where Scalar == Float)
        @_specialize(where Scalar == Double)
        func firstScan(positions: [Int]) -> Int {
            let keep = self.keep, capacity = 2 * keep + NeighborKernels.boundWidth
            let groupCount = (positions.count + 7) / 8
            let resolvedCount = Atomic<Int>(0)
            ParallelLoop.forEachRange(groupCount) { _, groups in
                let group = QueryGroup(embedding)
                let bounds = OwnedBuffer<Float>(repeating: 0, count: 8 * capacity)
                let candidates = OwnedBuffer<Int32>(repeating: 0, count: 8 * capacity)
                let measured = OwnedBuffer<Scalar>(repeating: 0, count: capacity)
                let counts = OwnedBuffer<Int>(repeating: 0, count: 8)
                let boundaries = OwnedBuffer<Float>(repeating: 0, count: 8)
                var done = 0
                for groupIndex in groups {
                    let members = positions[(8 * groupIndex)..<min(positions.count, 8 * groupIndex + 8)]
                    group.load(members)
                    NeighborKernels.nearestBounds(tiles: embedding.tiles.base, norms: embedding.tileNorms.base,
                                                  tileCount: embedding.tileCount,
                                                  startTile: members[members.startIndex] / NeighborKernels.boundWidth,
                                                  queries: group.queries.base, queryNorms: group.norms.base,
                                                  own: group.own.base, rows: members.count, keep: keep,
                                                  capacity: capacity, candidateBounds: bounds.base,
                                                  candidateIndices: candidates.base, counts: counts.base,
                                                  boundaries: boundaries.base)
                    for r in 0..<members.count {
                        let i = group.rows[r]
                        let kth = measure(row: i, positions: candidates.base + r * capacity, count: counts[r],
                                          scratch: measured.base)
                        thresholds[i] = threshold(kth, row: i)
                        resolved[i] = boundaries[r] > thresholds[i]
                        if resolved[i] { done += 1 }
                    }
                }
                resolvedCount.add(done, ordering: .relaxed)
            }
            return resolvedCount.load(ordering: .relaxed)
        }

        /// Step 2 for every unresolved row, in groups of up to 8 (consecutive in tile order); false
        /// (and the lists unusable) when the pairs collected exceed `pairBudget`. Rows are skipped
        /// once the running total passes the budget; as the total only grows, whether it ends above
        /// the budget does not depend on the order the rows ran in.
        @_specialize(where Scalar == Float)
        @_specialize(where Scalar == Double)
        func collectUnresolved(pairBudget: Int) -> Bool {
            let open = (0..<embedding.pointCount).filter { !resolved[Int(embedding.order[$0])] }
            let groupCount = (open.count + 7) / 8
            let collected = Atomic<Int>(0)
            ParallelLoop.forEachRange(groupCount) { _, groups in
                let group = QueryGroup(embedding)
                let limits = OwnedBuffer<Float>(repeating: 0, count: 8), counts = OwnedBuffer<Int>(repeating: 0, count: 8)
                var capacity = 1024
                var within = OwnedBuffer<Int32>(repeating: 0, count: 8 * capacity)
                var measured = OwnedBuffer<Scalar>(repeating: 0, count: capacity)
                for groupIndex in groups {
                    guard collected.load(ordering: .relaxed) <= pairBudget else { return }
                    let members = open[(8 * groupIndex)..<min(open.count, 8 * groupIndex + 8)]
                    group.load(members)
                    for r in 0..<members.count { limits[r] = thresholds[group.rows[r]] }
                    while true {
                        NeighborKernels.boundsWithin(tiles: embedding.tiles.base, norms: embedding.tileNorms.base,
                                                     tileCount: embedding.tileCount, queries: group.queries.base,
                                                     queryNorms: group.norms.base, own: group.own.base,
                                                     thresholds: limits.base, rows: members.count,
                                                     indices: within.base, capacity: capacity, counts: counts.base)
                        let largest = (0..<members.count).map { counts[$0] }.max() ?? 0
                        if largest <= capacity { break }
                        capacity = largest
                        within = OwnedBuffer(repeating: 0, count: 8 * capacity)
                        measured = OwnedBuffer(repeating: 0, count: capacity)
                    }
                    let found = (0..<members.count).reduce(0) { $0 + counts[$1] }
                    guard collected.add(found, ordering: .relaxed).newValue <= pairBudget else { return }
                    for r in 0..<members.count {
                        _ = measure(row: group.rows[r], positions: within.base + r * capacity, count: counts[r],
                                    scratch: measured.base)
                    }
                }
            }
            return collected.load(ordering: .relaxed) <= pairBudget
        }

        /// Row i's list ← the k smallest (direct squared distance, index) among the points at
        /// `count` tile positions (overwritten by their rows); returns the k-th squared distance
        /// (+∞ with fewer than k candidates).
        private func measure(row i: Int, positions: UnsafeMutablePointer<Int32>, count: Int,
                             scratch: UnsafeMutablePointer<Scalar>) -> Scalar {
            for c in 0..<count { positions[c] = embedding.order[Int(positions[c])] }
            Scalar.directSquaredDistances(from: points + i * columns, to: points, columns: columns, indices: positions,
                                          count: count, into: scratch)
            let listDistances = distances + i * k, listIndices = indices + i * k
            for slot in 0..<k {
                listDistances[slot] = .infinity
                listIndices[slot] = .max
            }
            for c in 0..<count {
                TopKSelection.offer(scratch[c], positions[c], distances: listDistances, indices: listIndices, k: k)
            }
            return listDistances[k - 1]
        }

        /// T = U²·(1 + ρ) + 64·ε₃₂·(wᵢ + max w), rounded up to float.
        private func threshold(_ kthSquared: Scalar, row i: Int) -> Float {
            let value = Double(kthSquared) * (1 + relativeMargin)
                + 64 * Double(Float.ulpOfOne) * (embedding.scales[i] + embedding.largestScale)
            let rounded = Float(value)
            return Double(rounded) >= value ? rounded : rounded.nextUp
        }

    }

    /// The queries of one kernel call: up to 8 images, their norms, tile positions and rows.
    private final class QueryGroup {
        let embedding: BoundEmbedding
        let queries = OwnedBuffer<Float>(repeating: 0, count: 8 * NeighborKernels.boundWidth)
        let norms = OwnedBuffer<Float>(repeating: 0, count: 8)
        let own = OwnedBuffer<Int32>(repeating: 0, count: 8)
        private(set) var rows = [Int](repeating: 0, count: 8)

        init(_ embedding: BoundEmbedding) { self.embedding = embedding }

        /// Loads the points at `positions` (at most 8).
        func load(_ positions: ArraySlice<Int>) {
            let width = NeighborKernels.boundWidth
            for (r, place) in positions.enumerated() {
                let i = Int(embedding.order[place])
                rows[r] = i
                for c in 0..<width { queries[r * width + c] = embedding.coordinate(place, c) }
                norms[r] = embedding.tileNorms[place]
                own[r] = Int32(place)
            }
        }
    }
}
