import Foundation
import Testing
@testable import MindSpaceCore
@testable import MindSpaceNumerics
@testable import MindSpaceProjection
import MindSpaceTestSupport

/// The 2-D projections at library level: the random directions' orthonormality, seeding and
/// distribution; coordinates against plain-loop arithmetic; analytic cases; errors.
@Suite struct ProjectionTests {
    private func dot(_ a: ArraySlice<Double>, _ b: ArraySlice<Double>) -> Double {
        zip(a, b).reduce(0) { $0 + $1.0 * $1.1 }
    }

    /// N×D data with columns of different spreads and offsets, from a fixed seed.
    private func sample(rows: Int, columns: Int, seed: UInt64) -> Matrix<Double> {
        var generator = SeededGenerator(seed: seed)
        var matrix = Matrix<Double>(rows: rows, columns: columns)
        for i in 0..<rows { for j in 0..<columns { matrix[i, j] = 10 + Double(j + 1) * generator.nextGaussian() } }
        return matrix
    }

    @Test(arguments: [2, 3, 64, 1000])
    func randomDirectionsAreOrthonormal(dimension: Int) {
        for seed: UInt64 in [0, 1, 42, 123_456_789] {
            let axes = RandomProjection(seed: seed).directions(dimension: dimension)
            #expect(axes.rows == 2 && axes.columns == dimension)
            // Normalisation and twice-applied Gram–Schmidt leave round-off of a few ε·√D
            // (≤ 1e-14 for D = 1000); 1e-13 leaves a margin, while raw Gaussian directions
            // (no orthogonalisation: |u₁·u₂| ~ 1/√D) would fail by many orders.
            #expect(abs(dot(axes.row(0), axes.row(0)) - 1) <= Tolerance.roundOffOfHundredsOfOperations)
            #expect(abs(dot(axes.row(1), axes.row(1)) - 1) <= Tolerance.roundOffOfHundredsOfOperations)
            #expect(abs(dot(axes.row(0), axes.row(1))) <= Tolerance.roundOffOfHundredsOfOperations)
        }
    }

    @Test func randomDirectionsDependOnlyOnTheSeed() {
        let a = RandomProjection(seed: 5).directions(dimension: 50)
        #expect(a == RandomProjection(seed: 5).directions(dimension: 50))
        #expect(a != RandomProjection(seed: 6).directions(dimension: 50))
    }

    /// Gaussian directions are uniform on the sphere (no preferred axis): for D = 4 the squared
    /// first coordinate of u₁ and of u₂ has mean 1/D = 0.25 (it is Beta(1/2, 3/2), variance
    /// 0.0625), and u₁[0]·u₁[1] has mean 0 (variance 1/(D(D+2)) = 1/24). Over 4000 seeds the
    /// standard errors are 0.004 and 0.0032; 0.02 is 5–6 standard errors.
    @Test func randomDirectionsAreIsotropic() {
        let seeds = 4000
        var first = 0.0, second = 0.0, cross = 0.0
        for seed in 0..<seeds {
            let axes = RandomProjection(seed: UInt64(seed)).directions(dimension: 4)
            first += axes[0, 0] * axes[0, 0]
            second += axes[1, 0] * axes[1, 0]
            cross += axes[0, 0] * axes[0, 1]
        }
        #expect(abs(first / Double(seeds) - 0.25) <= 0.02)
        #expect(abs(second / Double(seeds) - 0.25) <= 0.02)
        #expect(abs(cross / Double(seeds)) <= 0.02)
    }

    @Test func randomCoordinatesAreTheCentredDataOnTheDirections() throws {
        let data = sample(rows: 300, columns: 17, seed: 3)
        let projection = try RandomProjection(seed: 9).project(data)
        let axes = RandomProjection(seed: 9).directions(dimension: 17)
        var mean = [Double](repeating: 0, count: 17)
        for i in 0..<300 { for j in 0..<17 { mean[j] += data[i, j] / 300 } }
        // Values ~ 10 ± 50, unit directions: loop and dgemm differ by round-off ≈ 17·ε·60.
        let loopAgainstBLAS = 1e-11
        for i in 0..<300 {
            for k in 0..<2 {
                let expected = (0..<17).reduce(0.0) { $0 + (data[i, $1] - mean[$1]) * axes[k, $1] }
                #expect(abs(projection.coordinates[i, k] - expected) <= loopAgainstBLAS)
            }
        }
        #expect(projection.method == .random && projection.xLabel.hasPrefix("random axis 1 ("))
        #expect(projection.parameters.first == .init("seed", "9"))
    }

    /// In two dimensions the two orthonormal directions span the plane: the view is a rotation
    /// (or reflection) of the centred data, so it keeps all the variance and every distance.
    @Test func randomViewOfPlanarDataIsARigidMotion() throws {
        let data = sample(rows: 50, columns: 2, seed: 8)
        let projection = try RandomProjection(seed: 4).project(data)
        let ratios = try #require(projection.axisVarianceRatio)
        #expect(abs(ratios[0] + ratios[1] - 1) <= Tolerance.roundOffOfThousandsOfOperations)
        for (i, j) in [(0, 1), (3, 40), (17, 49)] {
            let before = hypot(data[i, 0] - data[j, 0], data[i, 1] - data[j, 1])
            let after = hypot(projection.coordinates[i, 0] - projection.coordinates[j, 0],
                              projection.coordinates[i, 1] - projection.coordinates[j, 1])
            #expect(abs(before - after) <= Tolerance.roundOffOfThousandsOfOperations * before)
        }
    }

    /// `Float` input is widened exactly and centred in `Double`: the same coordinates as the
    /// widened matrix, bit for bit.
    @Test func floatInputMatchesItsDoubleWidening() throws {
        let data = sample(rows: 40, columns: 5, seed: 1).converted(to: Float.self)
        let fromFloat = try RandomProjection(seed: 2).project(data)
        let fromDouble = try RandomProjection(seed: 2).project(data.converted(to: Double.self))
        #expect(fromFloat.coordinates == fromDouble.coordinates)
        let pcaFloat = try PCAProjection().project(data)
        let pcaDouble = try PCAProjection().project(data.converted(to: Double.self))
        #expect(pcaFloat.coordinates == pcaDouble.coordinates)
    }

    @Test func pcaViewIsTheFirstTwoScores() throws {
        let data = sample(rows: 200, columns: 6, seed: 12)
        let projection = try PCAProjection().project(data)
        let result = try PCA(components: 2).fit(data)
        #expect(projection.coordinates == (try result.scores(of: data)))
        let ratios = try #require(projection.axisVarianceRatio)
        #expect(ratios == Array(result.spectrum.explainedVarianceRatio.prefix(2)))
        #expect(projection.xLabel == String(format: "PC1 (%.1f%%)", ratios[0] * 100))
        #expect(projection.yLabel == String(format: "PC2 (%.1f%%)", ratios[1] * 100))
        #expect(projection.parameters == [.init("route", "covariance")])
    }

    @Test func axisLabelsKeepSmallPercentagesReadable() {
        #expect(Projection2D.axisLabel("PC1", ratio: 0.149) == "PC1 (14.9%)")
        #expect(Projection2D.axisLabel("PC2", ratio: 0.00042) == "PC2 (0.042%)")
        #expect(Projection2D.axisLabel("PC2", ratio: 0) == "PC2 (0.0%)")
        #expect(Projection2D.axisLabel("PC2", ratio: nil) == "PC2")
    }

    @Test func constantDataHaveNoVarianceRatios() throws {
        let data = Matrix<Double>(rows: 5, columns: 3, repeating: 2)
        let random = try RandomProjection().project(data)
        #expect(random.axisVarianceRatio == nil && random.xLabel == "random axis 1")
        #expect(random.coordinates.storage.allSatisfy { $0 == 0 })
        let pca = try PCAProjection().project(data)
        #expect(pca.axisVarianceRatio == nil && pca.xLabel == "PC1")
    }

    @Test func unusableDataAreMalformed() {
        let oneFeature = Matrix<Double>([[1], [2], [3]])
        let onePoint = Matrix<Double>([[1, 2, 3]])
        var nonFinite = sample(rows: 4, columns: 3, seed: 0)
        nonFinite[2, 1] = .nan
        for data in [oneFeature, onePoint, nonFinite] {
            for method in ProjectionMethod.allCases {
                #expect(throws: MindSpaceError.self) {
                    _ = try ProjectionSettings().project(data, method: method, seed: 0)
                }
            }
        }
        do {
            _ = try RandomProjection().project(nonFinite)
        } catch let error as MindSpaceError {
            #expect(error.kind == .malformedData && error.reason.contains("row 2, column 1"))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }
}
