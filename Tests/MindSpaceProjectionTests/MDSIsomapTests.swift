import Foundation
import Testing
@testable import MindSpaceCore
@testable import MindSpaceNumerics
@testable import MindSpaceProjection
import MindSpaceTestSupport

/// Classical MDS, Isomap and the Lanczos eigensolver they share: analytic cases (planar data,
/// a Swiss roll with known parameters), scikit-learn's Isomap, errors.
@Suite struct MDSIsomapTests {
    /// 1e-8 absolute on distances and coordinates of order 1–60 that went through squared
    /// distances, double centring and eigenvectors, which lose a few digits (each test below
    /// says how many).
    static let coordinateTolerance = 1e-8

    /// N points of a 2-D plane placed in R^5 by an orthonormal pair of directions plus an
    /// offset: their distances are those of the planar coordinates.
    private func planarData(points n: Int, seed: UInt64) -> (plane: Matrix<Double>, embedded: Matrix<Double>) {
        var generator = SeededGenerator(seed: seed)
        let axes = RandomProjection(seed: seed).directions(dimension: 5)
        var plane = Matrix<Double>(rows: n, columns: 2)
        var embedded = Matrix<Double>(rows: n, columns: 5)
        for i in 0..<n {
            plane[i, 0] = 3 * generator.nextGaussian()
            plane[i, 1] = generator.nextGaussian()
            for j in 0..<5 { embedded[i, j] = 7 + plane[i, 0] * axes[0, j] + plane[i, 1] * axes[1, j] }
        }
        return (plane, embedded)
    }

    /// Lanczos against LAPACK on a random symmetric 120×120 matrix: the 3 largest eigenvalues.
    /// Converged Ritz values are accurate to ~ε·‖A‖ (‖A‖ ≈ 2√N ≈ 22 here); 1e-9 is the
    /// residual tolerance asked for (1e-11·max(1, |θ|)), with room.
    @Test func lanczosFindsTheLargestEigenvalues() throws {
        let n = 120
        var generator = SeededGenerator(seed: 8)
        var a = [Double](repeating: 0, count: n * n)
        for i in 0..<n { for j in i..<n { let v = generator.nextGaussian(); a[i * n + j] = v; a[j * n + i] = v } }
        var copy = a
        let reference = try LAPACK.symmetricEigen(&copy, n: n, vectors: false).values.suffix(3).reversed()
        let start = (0..<n).map { _ in generator.nextGaussian() }
        let requestedResidual = 1e-11, ritzValueAgreement = 1e-9
        let result = try a.withUnsafeBufferPointer { matrix in
            try LanczosEigensolver.largest(count: 3, dimension: n, start: start, maximumBasis: n,
                                           tolerance: requestedResidual) { x, y in
                for i in 0..<n { var s = 0.0; for j in 0..<n { s += matrix[i * n + j] * x[j] }; y[i] = s }
            }
        }
        #expect(result.converged)
        for (value, expected) in zip(result.values, reference) { #expect(abs(value - expected) <= ritzValueAgreement) }
    }

    /// MDS of planar points reproduces every pairwise distance (the configuration is determined
    /// up to a rigid motion). Distances of order 1–10 computed through squared distances and
    /// eigenvectors lose a few digits: 1e-8 absolute.
    @Test func mdsOfPlanarPointsReproducesTheirDistances() throws {
        let (plane, embedded) = planarData(points: 150, seed: 3)
        let projection = try ClassicalMDS().project(embedded)
        let expected = ProjectionNonlinearFixtures.pairwiseDistances(plane)
        let found = ProjectionNonlinearFixtures.pairwiseDistances(projection.coordinates)
        #expect(zip(expected, found).allSatisfy { abs($0 - $1) <= Self.coordinateTolerance })
        // All of the variance lies in the plane: the two ratios sum to 1 (the two eigenvalues and
        // the trace are two computations of the same total).
        let ratios = try #require(projection.axisVarianceRatio)
        #expect(abs(ratios[0] + ratios[1] - 1) <= Tolerance.twoDoubleMethods)
        #expect(projection.method == .mds && projection.xLabel.hasPrefix("MDS 1"))
    }

    /// Classical MDS of Euclidean distances is PCA: the same coordinates up to the sign of each
    /// axis (1e-8 absolute on coordinates of order 1–10).
    @Test func mdsOfEuclideanDistancesIsPCA() throws {
        var generator = SeededGenerator(seed: 5)
        let data = Matrix<Double>(rows: 200, columns: 6, storage: (0..<1200).map { Double($0 % 6 + 1) * generator.nextGaussian() })
        let mds = try ClassicalMDS().project(data).coordinates
        let pca = try PCAProjection().project(data).coordinates
        for axis in 0..<2 {
            let sign: Double = mds[0, axis] * pca[0, axis] < 0 ? -1 : 1
            #expect((0..<200).allSatisfy { abs(mds[$0, axis] - sign * pca[$0, axis]) <= Self.coordinateTolerance })
        }
    }

    /// Landmark MDS is exact for data that lie in a plane as soon as the landmarks span it:
    /// 400 points placed from 40 landmarks keep every distance (1e-7: the triangulation divides
    /// by √λ of a 40-point spectrum).
    @Test func landmarkMDSIsExactForPlanarData() throws {
        let (plane, embedded) = planarData(points: 400, seed: 9)
        let projection = try ClassicalMDS(exactLimit: 100, landmarks: 40, seed: 2).project(embedded)
        let expected = ProjectionNonlinearFixtures.pairwiseDistances(plane)
        let found = ProjectionNonlinearFixtures.pairwiseDistances(projection.coordinates)
        let landmarkTriangulation = 1e-7
        #expect(zip(expected, found).allSatisfy { abs($0 - $1) <= landmarkTriangulation })
        #expect(projection.parameters.contains(.init("points used", "40 landmarks")))
    }

    /// Isomap unrolls scikit-learn's Swiss roll (1000 points, t ∈ [1.5π, 4.5π], height in
    /// [0, 21]): one axis is the position t along the roll, the other the height. With 10
    /// neighbours the graph follows the sheet, so each recovered axis is a monotone function of
    /// its parameter; |Spearman| > 0.99 fails for any view that mixes the roll's layers, such as
    /// PCA's (checked below). (At 600 points the sample is too sparse: 10-neighbour graphs take
    /// shortcuts between layers and scikit-learn's Isomap fails this too.)
    @Test func isomapUnrollsTheSwissRoll() throws {
        let points = try ProjectionNonlinearFixtures.matrix("swiss_roll.npy")
        let parameters = try ProjectionNonlinearFixtures.matrix("swiss_roll_parameters.npy")
        let projection = try Isomap(neighbors: 10).project(points)
        let t = ProjectionNonlinearFixtures.column(parameters, 0), height = ProjectionNonlinearFixtures.column(parameters, 1)
        let first = ProjectionNonlinearFixtures.column(projection.coordinates, 0)
        let second = ProjectionNonlinearFixtures.column(projection.coordinates, 1)
        #expect(abs(ProjectionNonlinearFixtures.spearman(first, t)) > 0.99)
        #expect(abs(ProjectionNonlinearFixtures.spearman(second, height)) > 0.99)
        // PCA cannot do it (the baseline the test must be able to fail on).
        let pca = try PCAProjection().project(points).coordinates
        #expect(abs(ProjectionNonlinearFixtures.spearman(ProjectionNonlinearFixtures.column(pca, 0), t)) < 0.9)
    }

    /// The same embedding as scikit-learn's Isomap(n_neighbors=10), axis by axis up to sign:
    /// both build the same graph, the same shortest paths and the same double-centred matrix,
    /// and solve it to machine precision (scikit-learn by ARPACK with tol 0, we by Lanczos to
    /// 1e-10 relative residual). Measured difference 1.4e-13 on coordinates up to ~60; 1e-8
    /// leaves room for the solvers while any difference in the graph or the paths would show
    /// at the unit level.
    @Test func isomapMatchesScikitLearn() throws {
        let points = try ProjectionNonlinearFixtures.matrix("swiss_roll.npy")
        let reference = try ProjectionNonlinearFixtures.matrix("swiss_roll_isomap.npy")
        let ours = try Isomap(neighbors: 10).project(points).coordinates
        for axis in 0..<2 {
            let sign: Double = ours[0, axis] * reference[0, axis] < 0 ? -1 : 1
            let largest = (0..<points.rows).map { abs(ours[$0, axis] - sign * reference[$0, axis]) }.max() ?? .infinity
            #expect(largest <= Self.coordinateTolerance, "axis \(axis): largest difference \(largest)")
        }
    }

    /// Landmark Isomap (200 landmarks of 1000) still unrolls the roll (> 0.98: the triangulation
    /// of non-landmarks is approximate for geodesic distances).
    @Test func landmarkIsomapUnrollsTheSwissRoll() throws {
        let points = try ProjectionNonlinearFixtures.matrix("swiss_roll.npy")
        let parameters = try ProjectionNonlinearFixtures.matrix("swiss_roll_parameters.npy")
        let projection = try Isomap(neighbors: 10, exactLimit: 100, landmarks: 200, seed: 1).project(points)
        let t = ProjectionNonlinearFixtures.column(parameters, 0), height = ProjectionNonlinearFixtures.column(parameters, 1)
        #expect(abs(ProjectionNonlinearFixtures.spearman(ProjectionNonlinearFixtures.column(projection.coordinates, 0), t)) > 0.98)
        #expect(abs(ProjectionNonlinearFixtures.spearman(ProjectionNonlinearFixtures.column(projection.coordinates, 1), height)) > 0.98)
    }

    /// Two clusters far apart make a disconnected 5-neighbour graph: a clear error.
    @Test func isomapRefusesADisconnectedGraph() throws {
        let (data, _) = ProjectionNonlinearFixtures.gaussianClusters(clusters: 2, perCluster: 40, dimension: 3, seed: 1)
        do {
            _ = try Isomap(neighbors: 5).project(data)
            Issue.record("expected an error")
        } catch let error as MindSpaceError {
            #expect(error.kind == .malformedData)
            #expect(error.reason.contains("2 connected components"))
            #expect(error.reason.contains("--neighbors"))
        }
    }

    /// Same seed, same result, also for the landmark variants.
    @Test func isDeterministic() throws {
        let points = try ProjectionNonlinearFixtures.matrix("swiss_roll.npy")
        let isomap = Isomap(neighbors: 10, exactLimit: 100, landmarks: 150, seed: 4)
        #expect(try isomap.project(points) == isomap.project(points))
        let mds = ClassicalMDS(exactLimit: 100, landmarks: 50, seed: 4)
        #expect(try mds.project(points) == mds.project(points))
    }
}
