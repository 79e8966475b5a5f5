import Foundation
import MindSpaceCore
import MindSpaceNumerics

/// UMAP's layout optimisation: stochastic gradient descent on the fuzzy cross-entropy between
/// the graph's memberships and φ(d) = 1/(1 + a·d^{2b}) in the plane, with edge sampling and
/// negative sampling (McInnes, Healy & Melville 2018, §3.2, Algorithm 5; umap-learn 0.5's
/// `optimize_layout_euclidean` with `move_other=True`).
///
/// **Schedule.** Edge e (both directions of every graph edge are separate entries) of weight wₑ
/// is sampled once every `epochsPerSample[e]` = w_max/wₑ epochs: it is due in epoch n when its
/// next-sample epoch is ≤ n. When due, with head j and tail k at squared distance d² > 0:
///
///   attraction  g = clip(−2ab·d^{2(b−1)}/(1 + a·d^{2b}) · (yⱼ − yₖ)),  yⱼ += α·g,  yₖ −= α·g;
///
/// then ⌊(n − next negative epoch)/(epochsPerSample[e]/negativeSampleRate)⌋ negative samples,
/// each a uniformly random vertex k′ (including j itself, which is then skipped):
///
///   repulsion   g = clip(2γb/((0.001 + d²)(1 + a·d^{2b})) · (yⱼ − yₖ′)),  yⱼ += α·g  (only j moves;
///               coincident points, d² = 0, are not pushed);
///
/// every component of g clipped to [−4, 4]. The learning rate falls linearly,
/// α = α₀·(1 − n/epochs) after epoch n.
///
/// **One deliberate difference from umap-learn:** the negative samples of one edge (≈ 5) are
/// all evaluated at yⱼ as it stands after the attractive step and their clipped gradients are
/// added together, where umap-learn moves yⱼ after each one. The change is of second order in
/// the step (each repulsive step is ≤ 4α per component and usually far smaller), and it makes
/// the samples' power evaluations independent, so the processor overlaps them instead of
/// waiting for each in turn (a power is ~40 ns of latency but ~11 ns of throughput). Powers use
/// `FastPower`. The layout's quality is checked through trustworthiness against umap-learn's.
///
/// **Parallel epochs, deterministically.** The vertices are cut into `partitionCount` (8)
/// contiguous ranges and each range's edges (those whose head lies in it) are worked in edge
/// order by one thread, the ranges concurrently. A range's thread reads and moves its own
/// vertices live; every other vertex it sees as it stood at the start of the epoch (a
/// snapshot), and the moves it makes to other ranges' tails are collected and applied after the
/// epoch, range by range in order. Negative samples of range p in epoch n come from a generator
/// seeded by (seed, n, p). So the result depends only on the inputs and the seed, never on the
/// thread count or timing. Against umap-learn's sequential loop the only change is that a
/// vertex in another range is up to one epoch stale, the same kind of staleness umap-learn's
/// own parallel mode (Hogwild, `n_jobs > 1`) has, without its races. Quality is checked through
/// trustworthiness against umap-learn's.
///
/// Cost: Σₑ (1 + negativeSampleRate)·epochs·wₑ/w_max updates of a few flops and one `pow` each,
/// spread over the cores, plus a 2N-value snapshot per epoch.
struct UMAPLayout {
    var a: Double
    var b: Double
    /// γ, the weight of repulsion (umap-learn's `repulsion_strength`, 1).
    var repulsion: Double = 1
    /// α₀ (umap-learn's `learning_rate`, 1).
    var learningRate: Double = 1
    /// Negative samples per positive sample (5).
    var negativeSampleRate: Double = 5
    var epochs: Int

    /// Gradient components are clipped to ±this (umap-learn's `clip`).
    static let gradientClip = 4.0

    /// The number of vertex ranges worked concurrently (fixed, so results do not depend on the
    /// machine).
    static let partitionCount = 8

    /// Optimises `embedding` (N×2 row-major) in place over the edges (head[e] → tail[e]).
    func optimise(_ embedding: inout [Double], head: [Int32], tail: [Int32], epochsPerSample: [Double],
                  generator: inout SeededGenerator) {
        let edgeCount = head.count
        precondition(tail.count == edgeCount && epochsPerSample.count == edgeCount)
        let vertexCount = embedding.count / 2
        guard vertexCount > 0, edgeCount > 0, epochs > 0 else { return }
        let partitions = min(Self.partitionCount, vertexCount)
        let bounds = (0...partitions).map { $0 * vertexCount / partitions }
        var edgesOf = [[Int32]](repeating: [], count: partitions)
        for e in 0..<edgeCount {
            let vertex = Int(head[e])
            // The range holding `vertex`: the largest p with bounds[p] ≤ vertex.
            var p = min(partitions - 1, vertex * partitions / vertexCount)
            while bounds[p] > vertex { p -= 1 }
            while bounds[p + 1] <= vertex { p += 1 }
            edgesOf[p].append(Int32(e))
        }
        var nextSample = epochsPerSample
        let epochsPerNegative = epochsPerSample.map { $0 / negativeSampleRate }
        var nextNegative = epochsPerNegative
        var snapshot = embedding
        let seedBase = generator.next()
        let state = SGDState(a: a, b: b, repulsion: repulsion, vertexCount: vertexCount)
        let moves = (0..<partitions).map { UnsafeMutableBufferPointer<TailMove>.allocate(capacity: max(1, edgesOf[$0].count)) }
        defer { moves.forEach { $0.deallocate() } }
        var moveCounts = [Int](repeating: 0, count: partitions)
        embedding.withUnsafeMutableBufferPointer { y in
            snapshot.withUnsafeMutableBufferPointer { snapshot in
                head.withUnsafeBufferPointer { head in
                    tail.withUnsafeBufferPointer { tail in
                        epochsPerSample.withUnsafeBufferPointer { period in
                            nextSample.withUnsafeMutableBufferPointer { nextSample in
                                epochsPerNegative.withUnsafeBufferPointer { negativePeriod in
                                    nextNegative.withUnsafeMutableBufferPointer { nextNegative in
                                        moveCounts.withUnsafeMutableBufferPointer { moveCounts in
                                            var alpha = learningRate
                                            for epoch in 0..<epochs {
                                                guard let from = UnsafePointer(y.baseAddress),
                                                      let to = snapshot.baseAddress else { return }
                                                to.update(from: from, count: y.count)
                                                let work = { (p: Int) in
                                                    var random = SeededGenerator(seed: seedBase
                                                        &+ UInt64(epoch) &* 0x9E37_79B9_7F4A_7C15
                                                        &+ UInt64(p) &* 0xD1B5_4A32_D192_ED03)
                                                    edgesOf[p].withUnsafeBufferPointer { edges in
                                                        moveCounts[p] = state.runEpoch(
                                                            Double(epoch), alpha: alpha, edges: edges,
                                                            owned: bounds[p]..<bounds[p + 1], y: y,
                                                            snapshot: UnsafeBufferPointer(snapshot), head: head, tail: tail,
                                                            period: period, nextSample: nextSample,
                                                            negativePeriod: negativePeriod, nextNegative: nextNegative,
                                                            moves: moves[p], generator: &random)
                                                    }
                                                }
                                                ParallelLoop.forEach(partitions, work)
                                                for p in 0..<partitions {
                                                    for m in 0..<moveCounts[p] {
                                                        let move = moves[p][m]
                                                        y[Int(move.vertex) * 2] += move.dx
                                                        y[Int(move.vertex) * 2 + 1] += move.dy
                                                    }
                                                }
                                                alpha = learningRate * (1 - Double(epoch) / Double(epochs))
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// A move of a tail vertex owned by another range, applied after the epoch.
private struct TailMove {
    var vertex: Int32
    var dx: Double
    var dy: Double
}

/// The per-update arithmetic of `UMAPLayout`, kept in one small struct so the hot loop works on
/// raw buffers with no generic or reference-counting overhead.
private struct SGDState {
    let a: Double, b: Double, repulsion: Double
    let vertexCount: Int

    init(a: Double, b: Double, repulsion: Double, vertexCount: Int) {
        self.a = a
        self.b = b
        self.repulsion = repulsion
        self.vertexCount = vertexCount
    }

    @inline(__always) private func clip(_ value: Double) -> Double {
        min(UMAPLayout.gradientClip, max(-UMAPLayout.gradientClip, value))
    }

    /// One epoch over the edges of one vertex range (`owned`; every edge's head lies in it);
    /// see `UMAPLayout`. Owned vertices are read and moved in `y`; others are read from
    /// `snapshot`, and moves of other ranges' tails are written to `moves`. Returns the number
    /// of moves written.
    func runEpoch(_ epoch: Double, alpha: Double, edges: UnsafeBufferPointer<Int32>, owned: Range<Int>,
                  y: UnsafeMutableBufferPointer<Double>, snapshot: UnsafeBufferPointer<Double>,
                  head: UnsafeBufferPointer<Int32>, tail: UnsafeBufferPointer<Int32>,
                  period: UnsafeBufferPointer<Double>, nextSample: UnsafeMutableBufferPointer<Double>,
                  negativePeriod: UnsafeBufferPointer<Double>, nextNegative: UnsafeMutableBufferPointer<Double>,
                  moves: UnsafeMutableBufferPointer<TailMove>, generator: inout SeededGenerator) -> Int {
        let attractionScale = -2 * a * b
        let repulsionScale = 2 * repulsion * b
        let lower = owned.lowerBound, upper = owned.upperBound
        var moveCount = 0
        for edge in edges {
            let e = Int(edge)
            guard nextSample[e] <= epoch else { continue }
            let j = 2 * Int(head[e]), tailVertex = Int(tail[e]), k = 2 * tailVertex
            let tailOwned = tailVertex >= lower && tailVertex < upper
            var cx = y[j], cy = y[j + 1]
            let dx = cx - (tailOwned ? y[k] : snapshot[k]), dy = cy - (tailOwned ? y[k + 1] : snapshot[k + 1])
            let squared = dx * dx + dy * dy
            if squared > 0 {
                let power = FastPower.pow(squared, b)
                let coefficient = attractionScale * (power / squared) / (a * power + 1)
                let gx = clip(coefficient * dx) * alpha, gy = clip(coefficient * dy) * alpha
                cx += gx; cy += gy
                if tailOwned {
                    y[k] -= gx; y[k + 1] -= gy
                } else {
                    moves[moveCount] = TailMove(vertex: Int32(tailVertex), dx: -gx, dy: -gy)
                    moveCount += 1
                }
            }
            nextSample[e] += period[e]

            let negatives = Int((epoch - nextNegative[e]) / negativePeriod[e])
            if negatives > 0 {
                // All of this edge's negative samples are evaluated at the same head position
                // and applied together, so their power evaluations do not wait on each other.
                var sumX = 0.0, sumY = 0.0
                for _ in 0..<negatives {
                    let vertex = generator.nextIndex(below: vertexCount)
                    let other = 2 * vertex
                    if other == j { continue }
                    let isOwned = vertex >= lower && vertex < upper
                    let ox = cx - (isOwned ? y[other] : snapshot[other])
                    let oy = cy - (isOwned ? y[other + 1] : snapshot[other + 1])
                    let distance = ox * ox + oy * oy
                    guard distance > 0 else { continue }
                    let coefficient = repulsionScale / ((0.001 + distance) * (a * FastPower.pow(distance, b) + 1))
                    sumX += clip(coefficient * ox)
                    sumY += clip(coefficient * oy)
                }
                cx += sumX * alpha
                cy += sumY * alpha
                nextNegative[e] += Double(negatives) * negativePeriod[e]
            }
            y[j] = cx; y[j + 1] = cy
        }
        return moveCount
    }
}
