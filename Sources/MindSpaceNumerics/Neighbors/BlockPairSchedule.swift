/// The order in which the neighbour engine visits pairs of row blocks: a list of rounds, each a
/// set of block pairs (I, J), I ≤ J, in which **no block appears twice**.
///
/// A pair (I, J) updates the neighbour lists of the rows of both blocks (the symmetry of the
/// distance matrix: each block pair is computed once). Because the pairs of one round touch
/// disjoint blocks, every pair of a round can run on its own thread without locks and without
/// data races: each thread owns the lists it writes. Rounds run one after another.
///
/// Construction: round 0 holds the diagonal pairs (I, I). The off-diagonal pairs follow the
/// circle method of round-robin tournaments: with m blocks (m rounded up to even with a dummy
/// that plays nobody), round r ∈ 0..<m−1 pairs r with m − 1 and (r + i) with (r − i) mod (m − 1)
/// for i = 1..<m/2. Every unordered pair appears in exactly one round, so the whole schedule
/// is m(m − 1)/2 + m pairs in m rounds of ⌊m/2⌋ (or m) pairs each.
struct BlockPairSchedule: Sendable {
    /// Pairs (first ≤ second) grouped into rounds of disjoint blocks.
    let rounds: [[(first: Int, second: Int)]]

    init(blockCount: Int) {
        precondition(blockCount >= 0)
        var rounds: [[(first: Int, second: Int)]] = []
        if blockCount > 0 { rounds.append((0..<blockCount).map { ($0, $0) }) }
        let teams = blockCount + blockCount % 2
        if teams >= 2 {
            let ring = teams - 1
            for round in 0..<ring {
                var pairs: [(first: Int, second: Int)] = []
                func add(_ a: Int, _ b: Int) {
                    if a < blockCount && b < blockCount { pairs.append((min(a, b), max(a, b))) }
                }
                add(round, ring)
                for offset in 1..<(teams / 2) {
                    add((round + offset) % ring, (round - offset + ring) % ring)
                }
                if !pairs.isEmpty { rounds.append(pairs) }
            }
        }
        self.rounds = rounds
    }

    /// The number of pairs over all rounds: m(m + 1)/2 for m blocks.
    var pairCount: Int { rounds.reduce(0) { $0 + $1.count } }
}
