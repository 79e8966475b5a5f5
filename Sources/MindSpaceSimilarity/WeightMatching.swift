import MindSpaceCore
import MindSpaceNumerics

/// Weight matching (Ainsworth, Hayase & Srinivasa 2023, "Git Re-Basin: Merging Models modulo
/// Permutation Symmetries", ICLR, Algorithm 1): the permutations of a model's hidden units that
/// bring its weights closest to a reference's.
///
/// For permutation groups g with permutations π_g, the aligned model is W'_t[…, i, …] =
/// W_t[…, π_g(i), …] along every axis that group g owns. Minimising Σ_t ‖W_ref,t − W'_t‖² over
/// all π at once is NP-hard, so coordinate descent fixes every group but one and solves that one
/// exactly: with the others' permutations applied, the best π_g maximises
///
///     Σ_i S[i, π_g(i)],   S = Σ_{(t, a) ∈ g} unfold_a(W_ref,t) · unfold_a(W_t)ᵀ   (n_g × n_g),
///
/// a linear assignment problem (`LinearAssignment`, O(n_g³)). Each sweep visits the groups in
/// an order drawn from the seeded generator; a group's permutation changes only when the new one
/// raises its score by more than 10⁻¹² relative (so ties cannot cycle); a group is skipped when
/// no group sharing a tensor with it has changed since its last solve (its S, hence its answer,
/// would be the same); the sweeps stop at a fixed point (no group changed in a sweep) or after
/// `maximumSweeps`. The objective never
/// falls, but the fixed point is a local optimum, as in the paper.
///
/// Cost per group step: 2·n_g·(elements of its tensors) for S plus O(n_g³); memory: one
/// permuted copy of a tensor at a time and S. S is formed with `BLAS.panelledGemm`, whose panels
/// are fixed by the sizes, so the permutations found are the same for any thread count.
public struct WeightMatching: Sendable {
    /// A tensor as the matching sees it: row-major `Double` values and its shape.
    public struct Tensor: Sendable, Equatable {
        public var shape: [Int]
        public var values: [Double]

        public init(shape: [Int], values: [Double]) {
            precondition(shape.reduce(1, *) == values.count, "values do not fill the shape")
            self.shape = shape
            self.values = values
        }
    }

    /// The permutations found, one per group (in the groups' order), and how the descent ended.
    public struct Result: Sendable, Equatable {
        /// `permutations[g][i]`: the model's unit that moves to the reference's position i.
        public var permutations: [[Int]]
        /// Sweeps run, the last one included.
        public var sweeps: Int
        /// Whether the last sweep changed nothing (a fixed point).
        public var converged: Bool
    }

    /// The bound on the number of sweeps.
    public var maximumSweeps: Int

    public init(maximumSweeps: Int = 100) {
        precondition(maximumSweeps >= 1)
        self.maximumSweeps = maximumSweeps
    }

    /// Matches `model` to `reference` (the same names and shapes; `PermutationGroup.sizes`
    /// checked the groups against them). Throws only for non-finite weights.
    public func match(reference: [String: Tensor], model: [String: Tensor], groups: [PermutationGroup],
                      generator: inout SeededGenerator) throws -> Result {
        let owner = Self.owners(groups)
        let sizes = groups.map { group in group.members.first.flatMap { model[$0.tensor]?.shape[$0.axis] } ?? 0 }
        var permutations = sizes.map { Array(0..<$0) }
        // The groups each group's scores depend on (those owning another axis of its tensors),
        // and how often each permutation has changed: a group whose neighbours have not changed
        // since its last solve has the same S, so solving it again cannot change it.
        let neighbours = groups.indices.map { g in
            Set(groups[g].members.flatMap { member in
                (model[member.tensor]?.shape.indices ?? 0..<0).compactMap { owner[.init(tensor: member.tensor, axis: $0)] }
            }).subtracting([g]).sorted()
        }
        var changes = [Int](repeating: 0, count: groups.count)
        var seenAtSolve: [[Int]?] = Array(repeating: nil, count: groups.count)
        var sweeps = 0
        var converged = false
        while sweeps < maximumSweeps && !converged {
            sweeps += 1
            converged = true
            var order = Array(groups.indices)
            for index in stride(from: order.count - 1, to: 0, by: -1) {
                order.swapAt(index, generator.nextIndex(below: index + 1))
            }
            for g in order where sizes[g] > 1 {
                let seen = neighbours[g].map { changes[$0] }
                if seenAtSolve[g] == seen { continue }
                seenAtSolve[g] = seen
                let scores = try scoreMatrix(group: g, groups: groups, size: sizes[g], reference: reference,
                                             model: model, owner: owner, permutations: permutations)
                let candidate = try LinearAssignment.maximising(scores)
                let old = LinearAssignment.value(scores, assignment: permutations[g])
                let new = LinearAssignment.value(scores, assignment: candidate)
                if new > old + 1e-12 * max(1, abs(old)) {
                    permutations[g] = candidate
                    changes[g] += 1
                    converged = false
                }
            }
        }
        return Result(permutations: permutations, sweeps: sweeps, converged: converged)
    }

    /// The model's tensor with every permuted axis in `permutations` applied (`except` one axis,
    /// left in the model's order).
    public static func applying(_ permutations: [[Int]], to tensor: Tensor, name: String,
                                owner: [PermutationGroup.Member: Int], except: Int? = nil) -> Tensor {
        let maps: [[Int]?] = tensor.shape.indices.map { axis in
            if axis == except { return nil }
            return owner[PermutationGroup.Member(tensor: name, axis: axis)].map { permutations[$0] }
        }
        if maps.allSatisfy({ $0 == nil }) { return tensor }
        let values = tensor.values.withUnsafeBufferPointer {
            AxisPermutation.gather($0, shape: tensor.shape, strides: AxisPermutation.rowMajorStrides(tensor.shape), maps: maps)
        }
        return Tensor(shape: tensor.shape, values: values)
    }

    /// The owner of every (tensor, axis) pair of `groups`.
    public static func owners(_ groups: [PermutationGroup]) -> [PermutationGroup.Member: Int] {
        var owner: [PermutationGroup.Member: Int] = [:]
        for (index, group) in groups.enumerated() {
            for member in group.members { owner[member] = index }
        }
        return owner
    }

    /// S for group `g`: Σ over its members of unfold_a(W_ref) · unfold_a(W_model with the other
    /// axes permuted)ᵀ, one product per member with k = elements / n: the tensor viewed as
    /// pre × n × post is used in place when the axis is the first (pre = 1, S += R·Mᵀ) or the last
    /// (post = 1, S += Rᵀ·M); otherwise both are first gathered with the axis moved to the front.
    private func scoreMatrix(group g: Int, groups: [PermutationGroup], size n: Int, reference: [String: Tensor],
                             model: [String: Tensor], owner: [PermutationGroup.Member: Int],
                             permutations: [[Int]]) throws -> Matrix<Double> {
        var scores = Matrix<Double>(rows: n, columns: n)
        for member in groups[g].members {
            guard let referenceTensor = reference[member.tensor], let modelTensor = model[member.tensor] else {
                throw MindSpaceError.malformed(nil, "tensor \(member.tensor) is missing")
            }
            var permuted = Self.applying(permutations, to: modelTensor, name: member.tensor, owner: owner,
                                         except: member.axis).values
            var referenceValues = referenceTensor.values
            let shape = modelTensor.shape
            let pre = shape[..<member.axis].reduce(1, *)
            let post = shape[(member.axis + 1)...].reduce(1, *)
            if post == 0 || pre == 0 { continue }
            let k = pre * post
            var lastAxis = post == 1 && pre > 1
            if pre > 1 && post > 1 {
                referenceValues = Self.axisFirst(referenceValues, shape: shape, axis: member.axis)
                permuted = Self.axisFirst(permuted, shape: shape, axis: member.axis)
                lastAxis = false
            }
            referenceValues.withUnsafeBufferPointer { r in
                permuted.withUnsafeBufferPointer { m in
                    scores.storage.withUnsafeMutableBufferPointer { s in
                        guard let rBase = r.baseAddress, let mBase = m.baseAddress, let sBase = s.baseAddress else { return }
                        if lastAxis {
                            BLAS.panelledGemm(transposeA: true, transposeB: false, m: n, n: n, k: k, alpha: 1,
                                              a: rBase, lda: n, b: mBase, ldb: n, beta: 1, c: sBase, ldc: n)
                        } else {
                            BLAS.panelledGemm(transposeA: false, transposeB: true, m: n, n: n, k: k, alpha: 1,
                                              a: rBase, lda: k, b: mBase, ldb: k, beta: 1, c: sBase, ldc: n)
                        }
                    }
                }
            }
        }
        guard scores.storage.allSatisfy(\.isFinite) else {
            throw MindSpaceError.malformed(nil, "the weights of permutation group \(groups[g].name) are not finite")
        }
        return scores
    }

    /// A row-major tensor's values with `axis` moved to the front (the others in order).
    static func axisFirst(_ values: [Double], shape: [Int], axis: Int) -> [Double] {
        let strides = AxisPermutation.rowMajorStrides(shape)
        let order = [axis] + shape.indices.filter { $0 != axis }
        return values.withUnsafeBufferPointer {
            AxisPermutation.gather($0, shape: order.map { shape[$0] }, strides: order.map { strides[$0] },
                                   maps: order.map { _ in nil })
        }
    }
}
