import Foundation
import MindSpaceCore

/// Graph (geodesic) distances by Dijkstra's algorithm (Dijkstra 1959) with a binary heap and
/// lazy deletion: from one source, O((N + E) log E) time and O(N + E) memory.
///
/// Weights must be non-negative (they are Euclidean edge lengths in Isomap). Unreachable
/// vertices get +∞. The result does not depend on the heap's tie order: each distance is the
/// minimum over paths, and ties between equal path lengths give the same value.
enum ShortestPaths {
    /// Distances from `source` to every vertex, written to `distances` (length N).
    static func distances(in graph: WeightedGraph, from source: Int, into distances: UnsafeMutableBufferPointer<Double>) {
        precondition(distances.count == graph.vertexCount && source >= 0 && source < graph.vertexCount)
        for i in 0..<distances.count { distances[i] = .infinity }
        distances[source] = 0
        var heap = MinimumHeap()
        heap.push(0, source)
        graph.rowStart.withUnsafeBufferPointer { start in
            graph.columns.withUnsafeBufferPointer { columns in
                graph.weights.withUnsafeBufferPointer { weights in
                    while let (distance, vertex) = heap.pop() {
                        guard distance <= distances[vertex] else { continue }  // stale entry
                        for e in start[vertex]..<start[vertex + 1] {
                            let other = Int(columns[e])
                            let candidate = distance + weights[e]
                            if candidate < distances[other] {
                                distances[other] = candidate
                                heap.push(candidate, other)
                            }
                        }
                    }
                }
            }
        }
    }

    /// Row r of the returned row-major `sources.count`×N matrix holds the **squared** graph
    /// distances from `sources[r]` to every vertex. Sources run in parallel on
    /// `ParallelLoop.threadLimit` workers; each row is computed independently, so the result does
    /// not depend on the thread count.
    static func squaredDistances(in graph: WeightedGraph, from sources: [Int]) -> [Double] {
        let n = graph.vertexCount
        var result = [Double](repeating: 0, count: sources.count * n)
        let workers = max(1, min(sources.count, ParallelLoop.threadLimit))
        result.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            let runWorker = { (worker: Int) in
                for row in stride(from: worker, to: sources.count, by: workers) {
                    let target = UnsafeMutableBufferPointer(start: base + row * n, count: n)
                    distances(in: graph, from: sources[row], into: target)
                    for i in 0..<n { target[i] *= target[i] }
                }
            }
            ParallelLoop.forEach(workers, runWorker)
        }
        return result
    }
}

/// A binary min-heap of (distance, vertex) pairs, ordered by distance then vertex.
struct MinimumHeap {
    private var keys: [Double] = []
    private var values: [Int] = []

    var isEmpty: Bool { keys.isEmpty }

    mutating func push(_ key: Double, _ value: Int) {
        keys.append(key)
        values.append(value)
        var child = keys.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard less(child, parent) else { break }
            swapAt(child, parent)
            child = parent
        }
    }

    mutating func pop() -> (Double, Int)? {
        guard let top = keys.first else { return nil }
        let value = values[0]
        let last = keys.count - 1
        swapAt(0, last)
        keys.removeLast()
        values.removeLast()
        var parent = 0
        while true {
            let left = 2 * parent + 1, right = left + 1
            var smallest = parent
            if left < keys.count && less(left, smallest) { smallest = left }
            if right < keys.count && less(right, smallest) { smallest = right }
            if smallest == parent { break }
            swapAt(parent, smallest)
            parent = smallest
        }
        return (top, value)
    }

    private func less(_ a: Int, _ b: Int) -> Bool {
        keys[a] < keys[b] || (keys[a] == keys[b] && values[a] < values[b])
    }

    private mutating func swapAt(_ a: Int, _ b: Int) {
        keys.swapAt(a, b)
        values.swapAt(a, b)
    }
}
