/// Groups of points resolved to colours and legend rows: at most `Legend.maximumEntries` rows;
/// with more groups the largest `maximumEntries − 1` keep their own colours and the rest are
/// drawn in grey under one "other (k groups)" row, so the legend always tells the truth.
package struct GroupColoring: Sendable {
    /// For each point, the index of its colour in `colors`.
    let pointColor: [Int32]
    let colors: [SRGBColor]
    let legend: [LegendEntry]

    /// Groups from labels. Groups are ordered numerically when every label is an integer,
    /// otherwise by string order, so the same groups get the same colours however the rows are
    /// ordered. O(n) hashing plus O(g log g).
    init(labels: [String]) {
        let (raw, names) = Self.firstSeenGroups(labels)
        let numeric = names.compactMap { Int($0) }
        let sortedOrder: [Int]
        if numeric.count == names.count {
            sortedOrder = names.indices.sorted { numeric[$0] < numeric[$1] }
        } else {
            sortedOrder = names.indices.sorted { names[$0] < names[$1] }
        }
        var rank = [Int32](repeating: 0, count: names.count)
        for (position, original) in sortedOrder.enumerated() { rank[original] = Int32(position) }
        self.init(groupOfPoint: raw.map { rank[Int($0)] }, names: sortedOrder.map { names[$0] })
    }

    /// Each label's group index, groups numbered in order of first appearance, and the groups'
    /// names in that order. O(n): a linear scan while there are few groups (labels are usually
    /// short inline strings, compared faster than hashed), a hash table beyond.
    static func firstSeenGroups(_ labels: [String]) -> (groupOfPoint: [Int32], names: [String]) {
        var indexOf: [String: Int32] = [:]
        var names: [String] = []
        var raw = [Int32](repeating: 0, count: labels.count)
        for (i, label) in labels.enumerated() {
            if names.count <= 8, let k = names.firstIndex(of: label) {
                raw[i] = Int32(k)
            } else if let k = indexOf[label] {
                raw[i] = k
            } else {
                let k = Int32(names.count)
                indexOf[label] = k
                names.append(label)
                raw[i] = k
            }
        }
        return (raw, names)
    }

    /// The number of distinct labels.
    package static func groupCount(_ labels: [String]) -> Int { firstSeenGroups(labels).names.count }

    /// Groups from indices into `names` (index order is colour order). Indices outside
    /// `names` are a programmer error.
    init(groupOfPoint: [Int32], names: [String]) {
        var sizes = [Int](repeating: 0, count: names.count)
        for g in groupOfPoint {
            precondition(g >= 0 && Int(g) < names.count, "group index \(g) outside 0..<\(names.count)")
            sizes[Int(g)] += 1
        }
        let limit = Legend.maximumEntries
        if names.count <= limit {
            let colors = Palette.categorical(names: names)
            self.colors = colors
            pointColor = groupOfPoint
            legend = zip(names, colors).map { LegendEntry(label: $0, color: $1) }
            return
        }
        // Keep the largest groups (ties: earlier first) in their original order.
        let kept = names.indices.sorted { sizes[$0] != sizes[$1] ? sizes[$0] > sizes[$1] : $0 < $1 }
            .prefix(limit - 1).sorted()
        var slot = [Int32](repeating: Int32(limit - 1), count: names.count)
        for (position, group) in kept.enumerated() { slot[group] = Int32(position) }
        let keptNames = kept.map { names[$0] }
        let colors = Palette.categorical(names: keptNames) + [Palette.other]
        self.colors = colors
        pointColor = groupOfPoint.map { slot[Int($0)] }
        legend = zip(keptNames, colors).map { LegendEntry(label: $0, color: $1) }
            + [LegendEntry(label: "other (\(names.count - kept.count) groups)", color: Palette.other)]
    }
}
