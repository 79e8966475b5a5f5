import Foundation

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
/// **Determinism.** The updates run on one thread in edge order, so the result depends only on
/// the inputs and the generator: same seed, same layout, on any machine and thread count.
/// (umap-learn's own default, `n_jobs=1` when seeded, is single-threaded for the same reason.)
///
/// Cost: Σₑ (1 + negativeSampleRate)·epochs·wₑ/w_max updates of a few flops and one `pow` each.
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

    /// Optimises `embedding` (N×2 row-major) in place over the edges (head[e] → tail[e]).
    func optimise(_ embedding: inout [Double], head: [Int32], tail: [Int32], epochsPerSample: [Double],
                  generator: inout SeededGenerator) {
        let edgeCount = head.count
        precondition(tail.count == edgeCount && epochsPerSample.count == edgeCount)
        let vertexCount = embedding.count / 2
        guard vertexCount > 0, edgeCount > 0, epochs > 0 else { return }
        var nextSample = epochsPerSample
        let epochsPerNegative = epochsPerSample.map { $0 / negativeSampleRate }
        var nextNegative = epochsPerNegative
        let state = SGDState(a: a, b: b, repulsion: repulsion, vertexCount: vertexCount)
        embedding.withUnsafeMutableBufferPointer { y in
            head.withUnsafeBufferPointer { head in
                tail.withUnsafeBufferPointer { tail in
                    epochsPerSample.withUnsafeBufferPointer { period in
                        nextSample.withUnsafeMutableBufferPointer { nextSample in
                            epochsPerNegative.withUnsafeBufferPointer { negativePeriod in
                                nextNegative.withUnsafeMutableBufferPointer { nextNegative in
                                    var alpha = learningRate
                                    for epoch in 0..<epochs {
                                        state.runEpoch(Double(epoch), alpha: alpha, y: y, head: head, tail: tail,
                                                       period: period, nextSample: nextSample,
                                                       negativePeriod: negativePeriod, nextNegative: nextNegative,
                                                       generator: &generator)
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

    /// One epoch over every edge; see `UMAPLayout`.
    func runEpoch(_ epoch: Double, alpha: Double, y: UnsafeMutableBufferPointer<Double>,
                  head: UnsafeBufferPointer<Int32>, tail: UnsafeBufferPointer<Int32>,
                  period: UnsafeBufferPointer<Double>, nextSample: UnsafeMutableBufferPointer<Double>,
                  negativePeriod: UnsafeBufferPointer<Double>, nextNegative: UnsafeMutableBufferPointer<Double>,
                  generator: inout SeededGenerator) {
        let attractionScale = -2 * a * b
        let repulsionScale = 2 * repulsion * b
        for e in 0..<head.count where nextSample[e] <= epoch {
            let j = 2 * Int(head[e]), k = 2 * Int(tail[e])
            var cx = y[j], cy = y[j + 1]
            let dx = cx - y[k], dy = cy - y[k + 1]
            let squared = dx * dx + dy * dy
            if squared > 0 {
                let power = FastPower.pow(squared, b)
                let coefficient = attractionScale * (power / squared) / (a * power + 1)
                let gx = clip(coefficient * dx) * alpha, gy = clip(coefficient * dy) * alpha
                cx += gx; cy += gy
                y[k] -= gx; y[k + 1] -= gy
            }
            nextSample[e] += period[e]

            let negatives = Int((epoch - nextNegative[e]) / negativePeriod[e])
            if negatives > 0 {
                // All of this edge's negative samples are evaluated at the same head position
                // and applied together, so their power evaluations do not wait on each other.
                var sumX = 0.0, sumY = 0.0
                for _ in 0..<negatives {
                    let other = 2 * generator.nextIndex(below: vertexCount)
                    if other == j { continue }
                    let ox = cx - y[other], oy = cy - y[other + 1]
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
    }
}
