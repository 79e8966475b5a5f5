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
/// `maximumSweeps`. The objective never falls, but the fixed point is a local optimum, as in the
/// paper.
///
/// **Precision.** Weights are held as `Float` and each term of S (one member's product) is
/// formed in single precision by `sgemm`, as the paper's own implementation does (its JAX code
/// runs in float32); the terms are summed into S in `Double`, in member order, and the
/// assignment is solved in `Double`. Float32 products carry a relative rounding of about
/// 10⁻⁷·√k per entry, far below the score gaps that decide a permutation of trained (or
/// planted) units; where two assignments differ by less, either is a local optimum of the same
/// objective to that precision.
///
/// **Reused terms.** Each term depends on the permutations of the groups owning its tensor's
/// *other* axes only, so a term is kept with those groups' change counts and formed again only
/// when one of them has changed since (terms with k < 32 are cheaper to form than to keep, and
/// are always formed). A kept term is bit for bit the term that forming it again would give, so
/// the permutations found are exactly those of recomputing every term at every step.
///
/// Cost per group step: 2·n_g·(elements of the tensors whose terms are formed) for S plus
/// O(n_g³); memory: the kept terms (4 bytes × n_g² each), one permuted copy of a tensor at a
/// time, and S. The terms are formed with `BLAS.panelledGemm` in row panels fixed by the sizes,
/// so the permutations found are the same for any thread count.
public struct WeightMatching: Sendable {
    /// A tensor as the matching sees it: row-major `Float` values and its shape.
    public struct Tensor: Sendable, Equatable {
        public var shape: [Int]
        public var values: [Float]

        public init(shape: [Int], values: [Float]) {
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
    /// Whether terms of S are kept between solves (see the type's notes); off, every term is
    /// formed at every solve. The results are the same either way; tests compare the two.
    var keepsTerms = true

    public init(maximumSweeps: Int = 100) {
        precondition(maximumSweeps >= 1)
        self.maximumSweeps = maximumSweeps
    }

    /// One kept term of S: its values and the change counts of the groups it depends on when
    /// it was formed.
    private struct KeptTerm {
        var seen: [Int]
        var values: [Float]
    }

    /// Matches `model` to `reference` (the same names and shapes; `PermutationGroup.sizes`
    /// checked the groups against them). Throws only for missing tensors and for scores that
    /// overflow `Float`.
    public func match(reference: [String: Tensor], model: [String: Tensor], groups: [PermutationGroup],
                      generator: inout SeededGenerator) throws -> Result {
        let owner = Self.owners(groups)
        let sizes = groups.map { group in group.members.first.flatMap { model[$0.tensor]?.shape[$0.axis] } ?? 0 }
        var permutations = sizes.map { Array(0..<$0) }
        // The groups each term depends on (those owning its tensor's other axes), and each
        // group's neighbours (the union over its terms): a group whose neighbours have not
        // changed since its last solve has the same S, so solving it again cannot change it.
        let dependencies: [[[Int]]] = groups.map { group in
            group.members.map { member in
                (model[member.tensor]?.shape.indices ?? 0..<0).filter { $0 != member.axis }
                    .compactMap { owner[.init(tensor: member.tensor, axis: $0)] }
            }
        }
        let neighbours = groups.indices.map { g in Set(dependencies[g].joined()).subtracting([g]).sorted() }
        var changes = [Int](repeating: 0, count: groups.count)
        var seenAtSolve: [[Int]?] = Array(repeating: nil, count: groups.count)
        var kept: [[KeptTerm?]] = groups.map { Array(repeating: nil, count: $0.members.count) }
        // S's storage, reused from solve to solve (a fresh n × n array each time costs page faults).
        var storage: [Double] = []
        var sweeps = 0
        var converged = false
        while sweeps < maximumSweeps && !converged {
            sweeps += 1
            converged = true
            var order = Array(groups.indices)
            generator.shuffle(&order)
            for g in order where sizes[g] > 1 {
                let seen = neighbours[g].map { changes[$0] }
                if seenAtSolve[g] == seen { continue }
                seenAtSolve[g] = seen
                let n = sizes[g]
                storage.removeAll(keepingCapacity: true)
                storage.append(contentsOf: repeatElement(0, count: n * n))
                var scores = Matrix<Double>(rows: n, columns: n, storage: storage)
                storage = []
                for (index, member) in groups[g].members.enumerated() {
                    let termSeen = dependencies[g][index].map { changes[$0] }
                    let values: [Float]
                    if let term = kept[g][index], term.seen == termSeen {
                        values = term.values
                    } else {
                        guard let formed = try formTerm(member, groupName: groups[g].name, size: n, reference: reference,
                                                    model: model, owner: owner, permutations: permutations) else { continue }
                        values = formed.values
                        kept[g][index] = keepsTerms && formed.depth >= Self.smallestKeptDepth
                            ? KeptTerm(seen: termSeen, values: values) : nil
                    }
                    Self.add(values, to: &scores.storage)
                }
                let candidate = try LinearAssignment.maximising(scores)
                let old = LinearAssignment.value(scores, assignment: permutations[g])
                let new = LinearAssignment.value(scores, assignment: candidate)
                storage = scores.storage
                if new > old + 1e-12 * max(1, abs(old)) {
                    permutations[g] = candidate
                    changes[g] += 1
                    converged = false
                }
            }
        }
        return Result(permutations: permutations, sweeps: sweeps, converged: converged)
    }

    /// Terms whose inner dimension k is below this are formed at every solve rather than kept:
    /// forming them costs little more than reading a kept copy.
    static let smallestKeptDepth = 32

    /// S += term, entry by entry in `Double` (in parallel ranges: each entry is its own sum).
    private static func add(_ term: [Float], to scores: inout [Double]) {
        term.withUnsafeBufferPointer { t in
            scores.withUnsafeMutableBufferPointer { s in
                guard let target = s.baseAddress, let source = t.baseAddress else { return }
                ParallelLoop.forEachRange(min(s.count, t.count)) { _, range in
                    for index in range { target[index] += Double(source[index]) }
                }
            }
        }
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

    /// One member's term of S, unfold_a(W_ref) · unfold_a(W_model with the other axes
    /// permuted)ᵀ (n × n, in `Float`), and its inner dimension k = elements / n; `nil` when the
    /// tensor is empty. The tensor viewed as pre × n × post is used in place when the axis is
    /// the first (pre = 1: R·Mᵀ) or the last (post = 1: Rᵀ·M); otherwise both are first
    /// gathered with the axis moved to the front.
    private func formTerm(_ member: PermutationGroup.Member, groupName: String, size n: Int, reference: [String: Tensor],
                      model: [String: Tensor], owner: [PermutationGroup.Member: Int],
                      permutations: [[Int]]) throws -> (values: [Float], depth: Int)? {
        guard let referenceTensor = reference[member.tensor], let modelTensor = model[member.tensor] else {
            throw MindSpaceError.malformed(nil, "tensor \(member.tensor) is missing")
        }
        let shape = modelTensor.shape
        let pre = shape[..<member.axis].reduce(1, *)
        let post = shape[(member.axis + 1)...].reduce(1, *)
        if post == 0 || pre == 0 { return nil }
        var permuted = Self.applying(permutations, to: modelTensor, name: member.tensor, owner: owner,
                                     except: member.axis).values
        var referenceValues = referenceTensor.values
        let k = pre * post
        var lastAxis = post == 1 && pre > 1
        if pre > 1 && post > 1 {
            referenceValues = Self.axisFirst(referenceValues, shape: shape, axis: member.axis)
            permuted = Self.axisFirst(permuted, shape: shape, axis: member.axis)
            lastAxis = false
        }
        let panelRows = Self.panelRows(n)
        // β = 0: BLAS writes every entry (OpenBLAS stores zeros before accumulating, in each
        // panel's own call), so the array needs no serial zeroing first.
        let values = [Float](unsafeUninitializedCapacity: n * n) { s, count in
            referenceValues.withUnsafeBufferPointer { r in
                permuted.withUnsafeBufferPointer { m in
                    guard let rBase = r.baseAddress, let mBase = m.baseAddress, let sBase = s.baseAddress else {
                        s.initialize(repeating: 0)
                        return
                    }
                    if lastAxis {
                        BLAS.panelledGemm(transposeA: true, transposeB: false, m: n, n: n, k: k, alpha: 1,
                                          a: rBase, lda: n, b: mBase, ldb: n, beta: 0, c: sBase, ldc: n,
                                          panelRows: panelRows)
                    } else {
                        BLAS.panelledGemm(transposeA: false, transposeB: true, m: n, n: n, k: k, alpha: 1,
                                          a: rBase, lda: k, b: mBase, ldb: k, beta: 0, c: sBase, ldc: n,
                                          panelRows: panelRows)
                    }
                }
            }
            count = n * n
        }
        guard values.allSatisfy(\.isFinite) else {
            throw MindSpaceError.malformed(nil,
                "the scores of permutation group \(groupName) overflow single precision (tensor \(member.tensor))")
        }
        return (values, k)
    }

    /// Rows per panel of a term's product: an eighth of n rounded up to 16 rows, at least 64.
    /// Fixed by n alone (so the bits never depend on the thread count); tall panels, because
    /// every panel packs the whole other factor again.
    static func panelRows(_ n: Int) -> Int {
        max(64, ((n + 7) / 8 + 15) / 16 * 16)
    }

    /// A row-major tensor's values with `axis` moved to the front (the others in order).
    static func axisFirst(_ values: [Float], shape: [Int], axis: Int) -> [Float] {
        let strides = AxisPermutation.rowMajorStrides(shape)
        let order = [axis] + shape.indices.filter { $0 != axis }
        return values.withUnsafeBufferPointer {
            AxisPermutation.gather($0, shape: order.map { shape[$0] }, strides: order.map { strides[$0] },
                                   maps: order.map { _ in nil })
        }
    }
}
