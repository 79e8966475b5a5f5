import Foundation
import Testing
@testable import MindSpaceCore
@testable import MindSpaceProjection
import MindSpaceTestSupport

/// t-SNE: affinities against their definition, the Barnes–Hut sums against direct ones, and
/// layouts of data with known structure.
@Suite struct TSNETests {
    /// Each conditional distribution has the requested perplexity: its entropy is ln(30)
    /// within the bisection's tolerance 1e-5 nats, and it sums to 1.
    @Test func conditionalRowsHaveThePerplexity() throws {
        var generator = SeededGenerator(seed: 3)
        for _ in 0..<20 {
            let distances = (0..<90).map { _ in 50 * generator.nextUnitDouble() }
            var probabilities = [Double](repeating: 0, count: 90)
            distances.withUnsafeBufferPointer { d in
                probabilities.withUnsafeMutableBufferPointer { p in
                    _ = TSNEAffinities.conditionalRow(d, perplexity: 30, into: p)
                }
            }
            let entropy = -probabilities.reduce(0.0) { $0 + ($1 > 0 ? $1 * log($1) : 0) }
            #expect(abs(entropy - log(30)) <= TSNEAffinities.entropyTolerance)
            #expect(abs(probabilities.reduce(0, +) - 1) <= Tolerance.roundOffOfThousandsOfOperations)
        }
    }

    /// With θ = 0 the quadtree never summarises: the sums equal the direct ones (1e-12
    /// relative, summation order). With θ = 0.5 the far field is approximated; the
    /// normalisation Z stays within 1 % (van der Maaten 2014 reports errors of this order).
    @Test func barnesHutSumsMatchDirectSums() throws {
        var generator = SeededGenerator(seed: 12)
        let n = 400
        let points = (0..<(2 * n)).map { _ in 5 * generator.nextGaussian() }
        let tree = BarnesHutTree(points: points)
        var stack: [Int32] = []
        var totalExact = 0.0, totalApproximate = 0.0
        for i in stride(from: 0, to: n, by: 7) {
            var z = 0.0, fx = 0.0, fy = 0.0
            for j in 0..<n where j != i {
                let dx = points[2 * i] - points[2 * j], dy = points[2 * i + 1] - points[2 * j + 1]
                let q = 1 / (1 + dx * dx + dy * dy)
                z += q; fx += q * q * dx; fy += q * q * dy
            }
            let exact = tree.repulsion(of: i, theta: 0, stack: &stack)
            #expect(abs(exact.z - z) <= Tolerance.roundOffOfThousandsOfOperations * z)
            #expect(isApproximatelyEqual(exact.x, fx, relativeTolerance: Tolerance.roundOffOfThousandsOfOperations, absoluteTolerance: Tolerance.roundOffOfThousandsOfOperations)
                    && isApproximatelyEqual(exact.y, fy, relativeTolerance: Tolerance.roundOffOfThousandsOfOperations, absoluteTolerance: Tolerance.roundOffOfThousandsOfOperations))
            totalExact += z
            totalApproximate += tree.repulsion(of: i, theta: 0.5, stack: &stack).z
        }
        #expect(abs(totalApproximate - totalExact) <= 0.01 * totalExact)
    }

    /// Three well-separated Gaussian clusters (240 points in 10-D) stay apart with both
    /// gradients: leave-one-out 5-NN accuracy in the plane ≥ 0.99.
    @Test(arguments: [TSNE.Method.exact, .barnesHut])
    func separatesWellSeparatedClusters(method: TSNE.Method) throws {
        let (data, labels) = ProjectionNonlinearFixtures.gaussianClusters(perCluster: 80, dimension: 10, seed: 21)
        let projection = try TSNE(method: method, iterations: 500).project(data)
        #expect(try ProjectionNonlinearFixtures.neighbourAccuracy(projection.coordinates, labels: labels) >= 0.99)
        #expect(projection.parameters.contains(.init("method", method.rawValue)))
    }

    /// Deterministic: the same input gives the same layout (the parallel gradient writes one
    /// slot per point and sums in order).
    @Test func isDeterministic() throws {
        let (data, _) = ProjectionNonlinearFixtures.gaussianClusters(perCluster: 40, dimension: 5, seed: 2)
        let tsne = TSNE(perplexity: 10, method: .barnesHut, iterations: 300)
        #expect(try tsne.project(data) == tsne.project(data))
    }

    @Test func refusesBadParameters() throws {
        let (data, _) = ProjectionNonlinearFixtures.gaussianClusters(perCluster: 10, dimension: 3, seed: 1)
        #expect(throws: MindSpaceError.self) { try TSNE(perplexity: 30).project(data) }  // N − 1 = 29
        #expect(throws: MindSpaceError.self) { try TSNE(perplexity: 0).project(data) }
    }
}
