/// An order of items that puts similar ones next to each other: the leaf order of an
/// average-linkage (UPGMA; Sokal & Michener 1958) hierarchical clustering of their distances,
/// as `--order cluster` sorts the rows and columns of a similarity heatmap.
///
/// At each step the two clusters with the smallest mean pairwise distance merge (ties go to the
/// pair whose smallest members come first, so the order is deterministic); a merged cluster
/// lists the members of the one holding the earlier item first. O(m³) for m items: meant for the
/// tens of models or layers a heatmap shows.
public enum AverageLinkageOrder {
    /// The items 0..<m in leaf order for the symmetric m × m `distances` (row-major).
    public static func order(distances: [Double], count m: Int) -> [Int] {
        precondition(distances.count == m * m, "distances must be m × m")
        guard m > 2 else { return Array(0..<m) }
        var clusters: [[Int]] = (0..<m).map { [$0] }
        func distance(_ a: [Int], _ b: [Int]) -> Double {
            var sum = 0.0
            for i in a { for j in b { sum += distances[i * m + j].isFinite ? distances[i * m + j] : 1e300 } }
            return sum / Double(a.count * b.count)
        }
        while clusters.count > 1 {
            var best = (first: 0, second: 1, distance: Double.infinity)
            for first in clusters.indices {
                for second in clusters.indices where second > first {
                    let d = distance(clusters[first], clusters[second])
                    if d < best.distance { best = (first, second, d) }
                }
            }
            // Each cluster starts with its smallest item (true of single items, kept by this rule).
            let merged = clusters[best.first][0] < clusters[best.second][0]
                ? clusters[best.first] + clusters[best.second] : clusters[best.second] + clusters[best.first]
            clusters.remove(at: best.second)
            clusters[best.first] = merged
        }
        return clusters[0]
    }
}
