import MindSpaceCore

/// Small labelled point sets with known answers for the group-geometry tests.
enum GroupSamples {
    /// `n` standard Gaussian points in `dimension` dimensions, shifted by `offset` along the
    /// first axis.
    static func gaussian(_ n: Int, dimension: Int, offset: Double = 0, generator: inout SeededGenerator) -> [[Double]] {
        (0..<n).map { _ in (0..<dimension).map { j in generator.nextGaussian() + (j == 0 ? offset : 0) } }
    }

    /// A's points then B's, as one matrix, with B's rows after A's.
    static func union(_ a: [[Double]], _ b: [[Double]]) -> (points: Matrix<Double>, first: [Int], second: [Int]) {
        (Matrix(a + b), Array(0..<a.count), Array(a.count..<(a.count + b.count)))
    }
}
