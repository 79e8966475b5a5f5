/// An undirected weighted graph on N vertices in compressed sparse row form: the neighbours of
/// vertex i are `columns[rowStart[i]..<rowStart[i + 1]]` (ascending) with `weights` alongside;
/// every edge is stored in both directions with the same weight. Isomap's neighbourhood graph
/// (weights are distances) and UMAP's fuzzy simplicial set (weights are membership strengths)
/// are both of this form. Memory: N + 1 offsets, 2·E indices and weights.
public struct WeightedGraph: Sendable, Equatable {
    /// N, the number of vertices.
    public let vertexCount: Int
    /// N + 1 offsets into `columns` and `weights`.
    public let rowStart: [Int]
    public let columns: [Int32]
    public let weights: [Double]

    /// A graph over existing CSR arrays (symmetric, columns ascending within each row).
    public init(vertexCount: Int, rowStart: [Int], columns: [Int32], weights: [Double]) {
        precondition(rowStart.count == vertexCount + 1 && columns.count == weights.count
                     && rowStart.last == columns.count, "graph shape mismatch")
        self.vertexCount = vertexCount
        self.rowStart = rowStart
        self.columns = columns
        self.weights = weights
    }

    /// The graph of directed entries (row, column, weight), combined per unordered pair {i, j}
    /// by `combine(w_ij, w_ji)`, where a missing direction counts as `nil`; a pair for which
    /// `combine` returns `nil` is dropped, and so are self-loops. Deterministic; O(E log E).
    ///
    /// Isomap combines with max (a distance present in either direction); UMAP's fuzzy union
    /// with a + b − a·b.
    static func symmetrised(vertexCount n: Int, rows: [Int32], columns: [Int32], weights: [Double],
                            combine: (Double?, Double?) -> Double?) -> WeightedGraph {
        precondition(rows.count == columns.count && rows.count == weights.count)
        // Each directed entry appears under its own key (i, j) as "forward" and under (j, i) as
        // "backward"; after sorting, the entries of one ordered pair are adjacent.
        struct Entry { var key: UInt64; var weight: Double; var forward: Bool }
        var entries: [Entry] = []
        entries.reserveCapacity(2 * rows.count)
        for e in rows.indices where rows[e] != columns[e] {
            let i = UInt64(UInt32(rows[e])), j = UInt64(UInt32(columns[e]))
            entries.append(Entry(key: i << 32 | j, weight: weights[e], forward: true))
            entries.append(Entry(key: j << 32 | i, weight: weights[e], forward: false))
        }
        entries.sort { $0.key != $1.key ? $0.key < $1.key : ($0.forward && !$1.forward) }
        var rowStart = [Int](repeating: 0, count: n + 1)
        var outColumns: [Int32] = [], outWeights: [Double] = []
        outColumns.reserveCapacity(entries.count / 2 + 1)
        outWeights.reserveCapacity(entries.count / 2 + 1)
        var index = 0
        while index < entries.count {
            let key = entries[index].key
            var forward: Double? = nil, backward: Double? = nil
            while index < entries.count && entries[index].key == key {
                if entries[index].forward { forward = entries[index].weight } else { backward = entries[index].weight }
                index += 1
            }
            guard let weight = combine(forward, backward) else { continue }
            rowStart[Int(key >> 32) + 1] += 1
            outColumns.append(Int32(truncatingIfNeeded: key & 0xFFFF_FFFF))
            outWeights.append(weight)
        }
        for i in 0..<n { rowStart[i + 1] += rowStart[i] }
        return WeightedGraph(vertexCount: n, rowStart: rowStart, columns: outColumns, weights: outWeights)
    }

    /// The number of stored (directed) entries, 2·E.
    public var entryCount: Int { columns.count }

    /// Sum of the weights of each vertex's edges.
    public var degrees: [Double] {
        (0..<vertexCount).map { i in
            var sum = 0.0
            for e in rowStart[i]..<rowStart[i + 1] { sum += weights[e] }
            return sum
        }
    }

    /// The connected components: their number and each vertex's component label, labels
    /// numbered 0, 1, … in order of each component's lowest vertex. O(N + E), by breadth-first
    /// search.
    public func connectedComponents() -> (count: Int, labels: [Int]) {
        var labels = [Int](repeating: -1, count: vertexCount)
        var queue = [Int](repeating: 0, count: vertexCount)
        var count = 0
        for root in 0..<vertexCount where labels[root] < 0 {
            labels[root] = count
            var head = 0, tail = 1
            queue[0] = root
            while head < tail {
                let vertex = queue[head]
                head += 1
                for e in rowStart[vertex]..<rowStart[vertex + 1] {
                    let other = Int(columns[e])
                    if labels[other] < 0 {
                        labels[other] = count
                        queue[tail] = other
                        tail += 1
                    }
                }
            }
            count += 1
        }
        return (count, labels)
    }

    /// The subgraph on `vertices` (ascending), renumbered 0..<vertices.count.
    func induced(on vertices: [Int]) -> WeightedGraph {
        var newIndex = [Int32](repeating: -1, count: vertexCount)
        for (position, vertex) in vertices.enumerated() { newIndex[vertex] = Int32(position) }
        var rowStart = [0], columns: [Int32] = [], weights: [Double] = []
        for vertex in vertices {
            for e in self.rowStart[vertex]..<self.rowStart[vertex + 1] where newIndex[Int(self.columns[e])] >= 0 {
                columns.append(newIndex[Int(self.columns[e])])
                weights.append(self.weights[e])
            }
            rowStart.append(columns.count)
        }
        return WeightedGraph(vertexCount: vertices.count, rowStart: rowStart, columns: columns, weights: weights)
    }
}
