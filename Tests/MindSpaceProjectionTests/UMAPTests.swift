import Foundation
import Testing
@testable import MindSpaceCore
@testable import MindSpaceNumerics
@testable import MindSpaceProjection
import MindSpaceTestSupport

/// UMAP: its pieces against their definitions and umap-learn, and the whole against
/// umap-learn's trustworthiness on the digits.
@Suite struct UMAPTests {
    /// (a, b) against umap-learn's `find_ab_params` (SciPy's curve_fit) for five
    /// (spread, min_dist) pairs. Both minimise the same smooth least-squares problem; SciPy
    /// stops at relative tolerance 1.5e-8 on the cost with a finite-difference Jacobian, which
    /// leaves the parameters good to ~1e-5 relative: 1e-4 is the check.
    @Test func curveMatchesUmapLearn() throws {
        for expected in try ProjectionNonlinearFixtures.peers().umap_ab {
            let (a, b) = UMAPCurve.fit(spread: expected.spread, minDistance: expected.min_dist)
            let curveFitAccuracy = 1e-4
            #expect(abs(a - expected.a) / expected.a <= curveFitAccuracy, "a for \(expected.spread), \(expected.min_dist): \(a) vs \(expected.a)")
            #expect(abs(b - expected.b) / expected.b <= curveFitAccuracy, "b for \(expected.spread), \(expected.min_dist): \(b) vs \(expected.b)")
        }
    }

    /// Every σ solves Σⱼ exp(−max(0, dⱼ − ρ)/σ) = log₂ k to the bisection's tolerance 1e-5
    /// (the σ floor does not bind on these spread-out points), and ρ is the nearest positive
    /// distance.
    @Test func smoothDistancesHitTheTargetSum() throws {
        let (data, _) = ProjectionNonlinearFixtures.gaussianClusters(clusters: 2, perCluster: 100, dimension: 5, seed: 2)
        let k = 15
        let table = try ExactNeighbors.search(data, k: k - 1)
        let distances = table.distances
        let (sigmas, rhos) = FuzzySimplicialSet.smoothDistances(distances, pointCount: 200, neighbourCount: k)
        for i in 0..<200 {
            let row = distances[(i * (k - 1))..<((i + 1) * (k - 1))]
            #expect(rhos[i] == row.first)
            let sum = row.reduce(0.0) { $0 + exp(-max(0, $1 - rhos[i]) / sigmas[i]) }
            #expect(abs(sum - log2(Double(k))) <= FuzzySimplicialSet.bisectionTolerance)
        }
    }

    /// The fuzzy union is symmetric with weights in (0, 1], and every point has an edge of
    /// weight 1 (to its nearest neighbour: local connectivity 1) up to the rounding of
    /// 1 + b − 1·b (one ulp, 2.2e-16).
    @Test func fuzzySetIsASymmetricUnion() throws {
        let (data, _) = ProjectionNonlinearFixtures.gaussianClusters(clusters: 3, perCluster: 50, dimension: 4, seed: 3)
        let table = try ExactNeighbors.search(data, k: 9)
        let graph = FuzzySimplicialSet.graph(neighbours: table, neighbourCount: 10)
        var weights: [Int: Double] = [:]
        for i in 0..<graph.vertexCount {
            var hasFull = false
            for e in graph.rowStart[i]..<graph.rowStart[i + 1] {
                #expect(graph.weights[e] > 0 && graph.weights[e] <= 1)
                weights[i * 1000 + Int(graph.columns[e])] = graph.weights[e]
                if graph.weights[e] >= 1 - Double.ulpOfOne { hasFull = true }
            }
            #expect(hasFull)
        }
        for (key, value) in weights { #expect(weights[(key % 1000) * 1000 + key / 1000] == value) }
    }

    /// Three well-separated Gaussian clusters (300 points in 10-D) stay apart: leave-one-out
    /// 5-NN classification in the plane is ≥ 0.99 accurate (a layout that mixes clusters
    /// scores about 1/3 on the mixed points). The graph has 3 components, so this also
    /// exercises the multi-component initialisation.
    @Test func separatesWellSeparatedClusters() throws {
        let (data, labels) = ProjectionNonlinearFixtures.gaussianClusters(perCluster: 100, dimension: 10, seed: 7)
        let projection = try UMAP(epochs: 200, seed: 1).project(data)
        #expect(try ProjectionNonlinearFixtures.neighbourAccuracy(projection.coordinates, labels: labels) >= 0.99)
        #expect(projection.coordinates.storage.allSatisfy { $0.isFinite })
    }

    /// Same seed, byte-identical layout; another seed, another layout. Float32 input too.
    @Test func isDeterministicForASeed() throws {
        let (data, _) = ProjectionNonlinearFixtures.gaussianClusters(perCluster: 60, dimension: 6, seed: 9)
        let umap = UMAP(epochs: 60, seed: 5)
        let first = try umap.project(data)
        #expect(try umap.project(data) == first)
        var other = umap
        other.seed = 6
        #expect(try other.project(data).coordinates != first.coordinates)
        let single = data.converted(to: Float.self)
        #expect(try umap.project(single) == umap.project(single))
    }

    /// The "must show": trustworthiness (k = 10) of our UMAP of the digits with default
    /// parameters is within 0.01 of umap-learn's (the mean over random_state 0–4, whose spread
    /// is ±0.0006; the fixture records every run). An embedding that lost the digit classes'
    /// neighbourhoods (e.g. PCA's, ≈ 0.83) is far outside.
    @Test func digitsTrustworthinessMatchesUmapLearn() throws {
        let digits = try ProjectionNonlinearFixtures.digits()
        let reference = try ProjectionNonlinearFixtures.peers().digits
        let projection = try UMAP(seed: 0).project(digits)
        let score = try Trustworthiness.score(original: digits, embedded: projection.coordinates, k: reference.k)
        let expected = reference.umap_trustworthiness.reduce(0, +) / Double(reference.umap_trustworthiness.count)
        #expect(abs(score - expected) <= 0.01, "ours \(score), umap-learn \(expected)")
        #expect(projection.parameters.contains(.init("epochs", "500")))
    }

    @Test func refusesBadParameters() throws {
        let (data, _) = ProjectionNonlinearFixtures.gaussianClusters(perCluster: 10, dimension: 3, seed: 1)
        #expect(throws: MindSpaceError.self) { try UMAP(neighbors: 1).project(data) }
        #expect(throws: MindSpaceError.self) { try UMAP(minDistance: 2).project(data) }
        #expect(throws: MindSpaceError.self) { try UMAP(epochs: 0).project(data) }
    }

    /// Tiny inputs still give finite coordinates (fewer points than neighbours; a component of
    /// fewer than 4 points).
    @Test func handlesTinyInputs() throws {
        let data = Matrix<Double>([[0, 0], [1, 0], [0, 1], [10, 10], [11, 10]])
        let projection = try UMAP(epochs: 20).project(data)
        #expect(projection.count == 5 && projection.coordinates.storage.allSatisfy { $0.isFinite })
    }
}
