import Foundation
import Testing
@testable import MindSpaceCore
@testable import MindSpaceNumerics
import MindSpaceTestSupport

/// The projection-bound path of the neighbour engine (`ProjectionBoundSearch`, `BoundEmbedding`,
/// `NeighborKernels`), checked against brute force and against its own lower-bound property.
@Suite struct ProjectionBoundSearchTests {
    typealias Fixtures = IntrinsicDimensionFixtures

    /// N points on a curved `latent`-dimensional manifold in R^D, as the knn benchmark's input:
    /// x = z·A + 0.3·sin(z·W + b), z uniform in the unit cube, seeded.
    static func curvedManifold(count: Int, latent: Int, dimension: Int, seed: UInt64) -> Matrix<Double> {
        var generator = SeededGenerator(seed: seed)
        let a = (0..<(latent * dimension)).map { _ in generator.nextGaussian() / Double(latent).squareRoot() }
        let w = (0..<(latent * dimension)).map { _ in generator.nextGaussian() * 2 }
        let b = (0..<dimension).map { _ in generator.nextUnitDouble() * 2 * Double.pi }
        var storage = [Double](repeating: 0, count: count * dimension)
        for i in 0..<count {
            let z = (0..<latent).map { _ in generator.nextUnitDouble() }
            for c in 0..<dimension {
                var linear = 0.0, phase = b[c]
                for l in 0..<latent {
                    linear += z[l] * a[l * dimension + c]
                    phase += z[l] * w[l * dimension + c]
                }
                storage[i * dimension + c] = linear + 0.3 * sin(phase)
            }
        }
        return Matrix(rows: count, columns: dimension, storage: storage)
    }

    @Test(arguments: [1, 2, 7])
    func doubleOnAManifoldEqualsBruteForce(k: Int) throws {
        let points = Self.curvedManifold(count: 900, latent: 4, dimension: 80, seed: 21)
        let table = try #require(try ProjectionBoundSearch.search(points, k: k))
        ExactNeighborsTests().expectMatchesBruteForce(table, points, k: k, tolerance: Tolerance.roundOffOfThousandsOfOperations)
    }

    @Test(arguments: [1, 2, 20])
    func floatOnAManifoldEqualsBruteForce(k: Int) throws {
        let points = Self.curvedManifold(count: 900, latent: 5, dimension: 130, seed: 22).converted(to: Float.self)
        let table = try #require(try ProjectionBoundSearch.search(points, k: k))
        // Float32 sums over D = 130 terms: relative error ≤ D·2⁻²⁴ ≈ 8e-6 on the square.
        ExactNeighborsTests().expectMatchesBruteForce(table, points, k: k, tolerance: Tolerance.float32RoundOffOfHundredsOfTerms)
    }

    /// With the scan's keep barely above k most rows stay unresolved after step 1 and are
    /// collected by the second scan; the answer is the same exact one.
    @Test(arguments: [Float(0), Float(1)])
    func secondScanGivesTheExactNeighbours(spread: Float) throws {
        var points = Self.curvedManifold(count: 800, latent: 6, dimension: 90, seed: 31).converted(to: Float.self)
        if spread > 0 {   // half the points replaced by isotropic noise: their bounds rule out little
            let noise = Fixtures.gaussian(count: 400, dimension: 90, seed: 32).converted(to: Float.self)
            for index in 0..<(400 * 90) { points.storage[index] = noise.storage[index] * spread }
        }
        let table = try #require(try ProjectionBoundSearch.search(points, k: 3, keep: 4, mayDecline: false))
        ExactNeighborsTests().expectMatchesBruteForce(table, points, k: 3, tolerance: Tolerance.float32RoundOffOfHundredsOfTerms)
        // The default keep resolves more rows in step 1 (or declines on the noisy half): where it
        // answers, the answer is identical, as both pick the k smallest by the same distances.
        if let automatic = try ProjectionBoundSearch.search(points, k: 3) { #expect(automatic == table) }
    }

    /// A far offset and a scale far from 1 change nothing: the images are centred, the margins scale.
    @Test func offsetAndScaledPointsEqualBruteForce() throws {
        var points = Self.curvedManifold(count: 800, latent: 3, dimension: 80, seed: 23)
        points.storage = points.storage.enumerated().map { 1e-3 * $0.element + Double($0.offset % 80) * 5 }
        let floats = points.converted(to: Float.self)
        let table = try #require(try ProjectionBoundSearch.search(floats, k: 3))
        // Float coordinates near offsets up to 395 with a spread of ~1e-3: 1e-3 relative is
        // generous for their rounding (the Float sum of 80 squares alone needs 2e-5).
        let roundingNearTheOffsets = 1e-3
        ExactNeighborsTests().expectMatchesBruteForce(table, floats, k: 3, tolerance: roundingNearTheOffsets)
    }

    /// Squared norms near float32's subnormal range (or beyond its range) are declined: the
    /// scan's margins could not cover its rounding there.
    @Test(arguments: [1e-16, 1e19])
    func declinesWhereFloatBoundsCannotBeTrusted(scale: Double) throws {
        var points = Self.curvedManifold(count: 600, latent: 3, dimension: 70, seed: 33)
        points.storage = points.storage.map { $0 * scale }
        #expect(try ProjectionBoundSearch.search(points, k: 2) == nil)
        let unscaled = Self.curvedManifold(count: 600, latent: 3, dimension: 70, seed: 33)
        #expect(try BoundEmbedding(unscaled, mean: unscaled.columnSums().map { $0 / 600 }) != nil)
    }

    @Test func duplicatesAreNeighboursAtDistanceZero() throws {
        let base = Self.curvedManifold(count: 700, latent: 4, dimension: 72, seed: 24)
        let points = Fixtures.withRepeatedRows(base, extra: 100, seed: 5).converted(to: Float.self)
        let table = try #require(try ProjectionBoundSearch.search(points, k: 2))
        #expect(table.pointsWithZeroDistanceNeighbor.count == 200)
        ExactNeighborsTests().expectMatchesBruteForce(table, points, k: 2, tolerance: Tolerance.float32RoundOffOfHundredsOfTerms)
    }

    /// Isotropic noise fills its space: the bound rules out almost nothing, so the path declines,
    /// and the engine's default search (which tries it first) still returns the exact neighbours.
    @Test func declinesOnSpaceFillingDataAndTheEngineFallsBack() throws {
        let points = Fixtures.gaussian(count: 800, dimension: 100, seed: 25).converted(to: Float.self)
        #expect(try ProjectionBoundSearch.search(points, k: 2) == nil)
        let table = try ExactNeighbors.search(points, k: 2)
        ExactNeighborsTests().expectMatchesBruteForce(table, points, k: 2, tolerance: Tolerance.float32RoundOffOfHundredsOfTerms)
    }

    /// `ExactNeighbors.search` takes the bound path for an eligible shape, and it agrees with the
    /// block products (forced by giving a block size).
    @Test func engineUsesTheBoundAndAgreesWithBlockProducts() throws {
        let points = Self.curvedManifold(count: 2100, latent: 6, dimension: 64, seed: 26).converted(to: Float.self)
        #expect(ProjectionBoundSearch.isEligible(pointCount: points.rows, columns: points.columns, k: 2))
        let bound = try #require(try ProjectionBoundSearch.search(points, k: 2))
        #expect(try ExactNeighbors.search(points, k: 2) == bound)
        let products = try ExactNeighbors.search(points, k: 2, blockSize: 256)
        for i in 0..<points.rows {
            for rank in 0..<2 {
                let a = Double(bound.distance(i, rank: rank)), b = Double(products.distance(i, rank: rank))
                #expect(abs(a - b) <= Tolerance.float32RoundOffOfHundredsOfTerms * max(a, b))
            }
        }
    }

    @Test func resultIsIndependentOfThreadCount() throws {
        let points = Self.curvedManifold(count: 1200, latent: 5, dimension: 100, seed: 27).converted(to: Float.self)
        let reference = try #require(try ThreadLimitScope.with(1) { try ProjectionBoundSearch.search(points, k: 4) })
        for threads in [2, 3] {
            #expect(try ThreadLimitScope.with(threads) { try ProjectionBoundSearch.search(points, k: 4) } == reference)
        }
    }

    /// ‖z(x) − z(y)‖² ≤ ‖x − y‖² for every pair (up to float rounding of z), and the tile order is
    /// a permutation.
    @Test func imagesBoundTheDistancesFromBelow() throws {
        let points = Self.curvedManifold(count: 400, latent: 3, dimension: 70, seed: 28)
        let embedding = try #require(try BoundEmbedding(points, mean: points.columnSums().map { $0 / Double(points.rows) }))
        let order = embedding.order.array.map(Int.init)
        #expect(order.sorted() == Array(0..<points.rows))
        // z is rounded to Float once (2⁻²⁴ ≈ 6e-8 relative per coordinate, in 16 squared
        // differences): 1e-6 relative plus 1e-9 of the two points' scales.
        let imageRounding = (relative: 1e-6, ofScales: 1e-9)
        var tightest = 0.0
        for p in 0..<points.rows {
            for q in (p + 1)..<points.rows {
                let i = order[p], j = order[q]
                var bound = 0.0
                for c in 0..<BoundEmbedding.width {
                    let difference = Double(embedding.coordinate(p, c)) - Double(embedding.coordinate(q, c))
                    bound += difference * difference
                }
                let distance = BruteForceNeighbors.distance(points, i, j)
                let squared = distance * distance
                #expect(bound <= squared * (1 + imageRounding.relative) + imageRounding.ofScales * (embedding.scales[i] + embedding.scales[j]))
                tightest = max(tightest, bound / squared)
            }
        }
        // On a 3-d manifold the 15 leading directions carry almost all of every difference.
        #expect(tightest > 0.9)
    }

    @Test(arguments: [1, 31, 32, 389])
    func directDistancesAreIdenticalOnEveryVersion(dimension: Int) {
        let doubles = Fixtures.gaussian(count: 9, dimension: dimension, seed: 29)
        let floats = doubles.converted(to: Float.self)
        let indices: [Int32] = [1, 2, 3, 4, 5, 6, 7, 8, 0]
        for version in NeighborKernels.InstructionSet.allCases {
            var outFloat = [Float](repeating: 0, count: 9), outDouble = [Double](repeating: 0, count: 9)
            NeighborKernels.squaredDistances(from: floats.storage, to: floats.storage, columns: dimension,
                                             indices: indices, count: 9, into: &outFloat, version: version)
            NeighborKernels.squaredDistances(from: doubles.storage, to: doubles.storage, columns: dimension,
                                             indices: indices, count: 9, into: &outDouble, version: version)
            var referenceFloat = [Float](repeating: 0, count: 9), referenceDouble = [Double](repeating: 0, count: 9)
            NeighborKernels.squaredDistances(from: floats.storage, to: floats.storage, columns: dimension,
                                             indices: indices, count: 9, into: &referenceFloat, version: .portable)
            NeighborKernels.squaredDistances(from: doubles.storage, to: doubles.storage, columns: dimension,
                                             indices: indices, count: 9, into: &referenceDouble, version: .portable)
            #expect(outFloat == referenceFloat)
            #expect(outDouble == referenceDouble)
            let float32SumOf389Squares = 1e-4  // ≤ 389·2⁻²⁴ ≈ 2.3e-5 relative, with margin
            for c in 0..<9 {
                let truth = BruteForceNeighbors.distance(doubles, 0, Int(indices[c]))
                #expect(abs(outDouble[c] - truth * truth) <= Tolerance.roundOffOfThousandsOfOperations * truth * truth)
                if indices[c] != 0 { #expect(abs(Double(outFloat[c]) - truth * truth) <= float32SumOf389Squares * truth * truth) }
            }
        }
    }

    /// The scans on small integer images (every float operation exact, so both versions agree
    /// bit for bit) against bounds computed here: the keep smallest by (bound, position), the
    /// boundary, and the points within a threshold.
    @Test func boundScansMatchDirectComputation() {
        var generator = SeededGenerator(seed: 30)
        let n = 203, width = BoundEmbedding.width, tileCount = (n + width - 1) / width
        let z = (0..<(n * width)).map { _ in Float(generator.nextIndex(below: 7)) - 3 }
        let norms = (0..<n).map { i in (0..<width).reduce(Float(0)) { $0 + z[i * width + $1] * z[i * width + $1] } }
        var tiles = [Float](repeating: 0, count: tileCount * width * width)
        var tileNorms = [Float](repeating: .infinity, count: tileCount * width)
        for i in 0..<n {
            for c in 0..<width { tiles[i / width * width * width + c * width + i % width] = z[i * width + c] }
            tileNorms[i] = norms[i]
        }
        func bound(_ i: Int, _ j: Int) -> Float {
            (0..<width).reduce(Float(0)) { $0 + (z[i * width + $1] - z[j * width + $1]) * (z[i * width + $1] - z[j * width + $1]) }
        }
        let queries = [0, 5, 17, 64, 100, 150, 201, 202]
        let keep = 10, capacity = keep + 16
        for version in NeighborKernels.InstructionSet.allCases {
            var bounds = [Float](repeating: 0, count: 8 * capacity), found = [Int32](repeating: 0, count: 8 * capacity)
            var counts = [Int](repeating: 0, count: 8), boundaries = [Float](repeating: 0, count: 8)
            let q = queries.flatMap { i in (0..<width).map { z[i * width + $0] } }
            NeighborKernels.nearestBounds(tiles: tiles, norms: tileNorms, tileCount: tileCount, startTile: 3, queries: q,
                                          queryNorms: queries.map { norms[$0] }, own: queries.map { Int32($0) },
                                          rows: 8, keep: keep, capacity: capacity, candidateBounds: &bounds,
                                          candidateIndices: &found, counts: &counts, boundaries: &boundaries,
                                          version: version)
            var thresholds = [Float](repeating: 0, count: 8)
            for (r, i) in queries.enumerated() {
                let expected = (0..<n).filter { $0 != i }.sorted { (bound(i, $0), $0) < (bound(i, $1), $1) }.prefix(keep)
                let returned = (0..<counts[r]).map { Int(found[r * capacity + $0]) }
                #expect(Set(returned) == Set(expected))
                #expect(returned.allSatisfy { bounds[r * capacity + returned.firstIndex(of: $0)!] == bound(i, $0) })
                #expect(boundaries[r] == expected.map { bound(i, $0) }.max())
                thresholds[r] = boundaries[r]
            }
            var within = [Int32](repeating: 0, count: 8 * n), withinCounts = [Int](repeating: 0, count: 8)
            NeighborKernels.boundsWithin(tiles: tiles, norms: tileNorms, tileCount: tileCount, queries: q,
                                         queryNorms: queries.map { norms[$0] }, own: queries.map { Int32($0) },
                                         thresholds: thresholds, rows: 8, indices: &within, capacity: n,
                                         counts: &withinCounts, version: version)
            for (r, i) in queries.enumerated() {
                let expected = (0..<n).filter { $0 != i && bound(i, $0) <= thresholds[r] }
                #expect(withinCounts[r] == expected.count)
                #expect((0..<withinCounts[r]).map { Int(within[r * n + $0]) } == expected)
            }
        }
    }
}
