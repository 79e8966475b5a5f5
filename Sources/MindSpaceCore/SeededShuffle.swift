extension SeededGenerator {
    /// Shuffles `elements` in place by Fisher–Yates (Durstenfeld 1964): from the last position
    /// down to the second, each swaps with a uniform position at or before it, n − 1 draws of
    /// `nextIndex(below:)`. Every permutation is equally likely; the same generator state gives
    /// the same order on every platform. The one shuffle of the library.
    public mutating func shuffle<Element>(_ elements: inout [Element]) {
        guard elements.count > 1 else { return }
        for i in stride(from: elements.count - 1, to: 0, by: -1) {
            elements.swapAt(i, nextIndex(below: i + 1))
        }
    }

    /// `count` distinct indices below `n`, uniformly, in the order drawn: a partial Fisher–Yates
    /// over 0..<n that fixes the first `count` positions (position i swaps with a uniform one in
    /// i..<n), `count` draws of `nextIndex(below:)`. Callers wanting a set sort the result.
    public mutating func sample(_ count: Int, from n: Int) -> [Int] {
        precondition(count >= 0 && count <= n, "cannot draw \(count) distinct indices below \(n)")
        var pool = Array(0..<n)
        for i in 0..<count { pool.swapAt(i, i + nextIndex(below: n - i)) }
        return Array(pool.prefix(count))
    }
}
