import Foundation
import Testing
@testable import MindSpaceCore
@testable import MindSpaceNumerics
import MindSpaceTestSupport

@Suite struct ExactNeighborsTests {
    typealias Fixtures = IntrinsicDimensionFixtures

    /// Checks an engine table against the brute-force truth. Rank by rank, the engine's
    /// distance must equal the true rank-r distance, and the neighbour it names must truly be at
    /// that distance, within `tolerance` relative; where no two true distances of a row lie
    /// within `tolerance` of each other, the indices must match exactly.
    func expectMatchesBruteForce<Scalar: NeighborScalar>(_ table: NeighborTable<Scalar>, _ points: Matrix<Scalar>,
                                                        k: Int, tolerance: Double) {
        let truth = BruteForceNeighbors.search(points, k: k + 1)
        var mismatches = 0, indexDifferences = 0
        for i in 0..<points.rows {
            for rank in 0..<k {
                let engineDistance = Double(table.distance(i, rank: rank))
                let trueDistance = truth.distances[i][rank]
                let named = table.neighbor(i, rank: rank)
                let namedDistance = BruteForceNeighbors.distance(points, i, named)
                let scale = max(trueDistance, 1e-300)
                if named == i || abs(engineDistance - trueDistance) > tolerance * scale
                    || abs(namedDistance - trueDistance) > tolerance * scale { mismatches += 1 }
                if named != truth.indices[i][rank] {
                    let neighbours = truth.distances[i]
                    let isolated = (rank == 0 || neighbours[rank] - neighbours[rank - 1] > tolerance * scale)
                        && neighbours[rank + 1] - neighbours[rank] > tolerance * scale
                    if isolated { indexDifferences += 1 }
                }
            }
        }
        #expect(mismatches == 0)
        #expect(indexDifferences == 0)
    }

    // N = 517 is not a multiple of either block size; 517/64 → 9 blocks (odd: the schedule's
    // dummy block is exercised), 517/256 → 3 blocks. k up to 30.
    @Test(arguments: [1, 2, 5, 30], [64, 256])
    func doubleEqualsBruteForce(k: Int, blockSize: Int) throws {
        let points = Fixtures.gaussian(count: 517, dimension: 7, seed: 11)
        let table = try ThreadLimitScope.with(2) { try ExactNeighbors.search(points, k: k, blockSize: blockSize) }
        // Double: the engine recomputes the chosen distances with the same formula and order
        // as the brute force, so they agree to rounding (1e-12 is a million times looser).
        expectMatchesBruteForce(table, points, k: k, tolerance: Tolerance.roundOffOfThousandsOfOperations)
        let truth = BruteForceNeighbors.search(points, k: k)
        #expect((0..<points.rows).allSatisfy { i in (0..<k).map { table.neighbor(i, rank: $0) } == truth.indices[i] })
    }

    @Test(arguments: [1, 2, 5, 30], [64, 256])
    func floatEqualsBruteForce(k: Int, blockSize: Int) throws {
        let points = Fixtures.gaussian(count: 517, dimension: 7, seed: 12).converted(to: Float.self)
        let table = try ThreadLimitScope.with(2) { try ExactNeighbors.search(points, k: k, blockSize: blockSize) }
        // Float32: distances are summed in float32 over D = 7 terms, relative error
        // ≤ D·2⁻²⁴ ≈ 4e-7 on the square; 1e-5 leaves a wide margin and still fails on any
        // wrong neighbour (random distances differ by far more).
        expectMatchesBruteForce(table, points, k: k, tolerance: Tolerance.float32RoundOffOfTensOfTerms)
    }

    @Test func largeCommonOffsetInFloat32() throws {
        // Points 1000 units from the origin, spread ~0.01: without centring, float32 GEMM would
        // carry an absolute error ≈ 2⁻²⁴·2·(1000²·D) ≈ 1 on squared distances of ≈ 1e-4 and
        // pick neighbours at random. The engine centres rows before the product.
        var generator = SeededGenerator(seed: 5)
        let values = (0..<(400 * 6)).map { _ in Float(1000 + 0.01 * generator.nextGaussian()) }
        let points = Matrix(rows: 400, columns: 6, storage: values)
        let table = try ThreadLimitScope.with(2) { try ExactNeighbors.search(points, k: 4, blockSize: 64) }
        // The coordinates are multiples of 2⁻¹⁴ ≈ 6e-5 near 1000 (float32 spacing), differences
        // are exact in float32, so only the float32 sum of 6 squares rounds: 1e-5 is ample.
        expectMatchesBruteForce(table, points, k: 4, tolerance: Tolerance.float32RoundOffOfTensOfTerms)
    }

    @Test(arguments: [Float(0), Float(10)])
    func rowsReadInPlaceWhenTooWideToCopy(offset: Float) throws {
        // Rows too wide for the per-block centring copy (limit forced to 0 here; 16 MiB in
        // use) are multiplied in place, uncentred. With a common offset of 10 the candidates
        // are chosen with float32 GEMM noise ≈ 2⁻²⁴·2·(10²·D) ≈ 1e-4 on squared distances of
        // order 2·D = 24: far below the gaps between neighbours of 200 Gaussian points in 12-D.
        // (A large offset would defeat this path: that is why narrower rows are centred.)
        var generator = SeededGenerator(seed: 9)
        let points = Matrix(rows: 200, columns: 12,
                            storage: (0..<(200 * 12)).map { _ in offset + Float(generator.nextGaussian()) })
        let table = try ThreadLimitScope.with(2) {
            try ExactNeighbors.search(points, k: 3, blockSize: 64, centringCopyLimit: 0)
        }
        // Refined distances: float32 sums of 12 squares (≤ 12·2⁻²⁴ relative); 1e-5 is ample.
        expectMatchesBruteForce(table, points, k: 3, tolerance: Tolerance.float32RoundOffOfTensOfTerms)
    }

    @Test func sklearnNeighboursOfFixture() throws {
        // scikit-learn's exact 5-NN of the cube5 fixture (float64, self excluded).
        let (points, entry) = try Fixtures.pointSet("cube5")
        let table = try ExactNeighbors.search(points, k: 5)
        let peerIndices = try #require(entry["sklearn_knn5_indices"] as? [[Int]])
        let peerDistances = try #require(entry["sklearn_knn5_distances"] as? [[Double]])
        #expect((0..<points.rows).allSatisfy { i in (0..<5).map { table.neighbor(i, rank: $0) } == peerIndices[i] })
        // Both compute √Σ(x−y)² in float64 (scikit-learn's tree in a different summation
        // order): agreement to 1e-12 relative.
        let worst = (0..<points.rows).flatMap { i in
            (0..<5).map { relativeDifference(table.distance(i, rank: $0), peerDistances[i][$0]) }
        }.max() ?? .infinity
        #expect(worst < Tolerance.roundOffOfThousandsOfOperations)
    }

    @Test(arguments: [Float(0), Float(1)])
    func tiesAreBrokenByIndexDeterministically(offset: Float) throws {
        // A 12×12 integer grid (with an optional offset): every point has up to four
        // neighbours at exactly distance 1, four at √2, …; small integers are exact in float32
        // GEMM, so the order must be exactly the brute force's (distance, then index).
        let grid = (0..<144).flatMap { [Float($0 % 12) + offset, Float($0 / 12) - offset] }
        let points = Matrix(rows: 144, columns: 2, storage: grid)
        let truth = BruteForceNeighbors.search(points, k: 12)
        for threads in [1, 3] {
            for blockSize in [16, 256] {
                let table = try ThreadLimitScope.with(threads) { try ExactNeighbors.search(points, k: 12, blockSize: blockSize) }
                #expect((0..<144).allSatisfy { i in (0..<12).map { table.neighbor(i, rank: $0) } == truth.indices[i] })
                // Squared distances are small integers (exact in float32); the float32 square
                // root is correctly rounded, as is Float(√ in Double) (double rounding is
                // harmless for square roots from binary64 to binary32), so equality is exact.
                #expect((0..<144).allSatisfy { i in (0..<12).map { table.distance(i, rank: $0) } == truth.distances[i].map { Float($0) } })
            }
        }
    }

    @Test func resultIsIndependentOfThreadCount() throws {
        let points = Fixtures.gaussian(count: 700, dimension: 16, seed: 3).converted(to: Float.self)
        let reference = try ThreadLimitScope.with(1) { try ExactNeighbors.search(points, k: 10, blockSize: 64) }
        for threads in [2, 3, 8] {
            #expect(try ThreadLimitScope.with(threads) { try ExactNeighbors.search(points, k: 10, blockSize: 64) } == reference)
        }
        // And of the block size, for data without near-ties.
        #expect(try ThreadLimitScope.with(2) { try ExactNeighbors.search(points, k: 10, blockSize: 100) } == reference)
    }

    @Test func blasThreadCountIsRestored() throws {
        let before = BLAS.threadCount
        _ = try ExactNeighbors.search(Fixtures.gaussian(count: 50, dimension: 3, seed: 1), k: 2)
        #expect(BLAS.threadCount == before)
    }

    @Test func duplicatesAreFoundAndAtDistanceZero() throws {
        // Rows 0, 3 and 7 are equal; rows 2 and 5 are equal up to the sign of a zero (+0 == −0);
        // row 6 differs from row 1 in the last bit only (not a duplicate). Offset 1000 in float32:
        // GEMM alone would put the duplicates at ~1e-4 ± noise, the refinement makes them 0.
        let base = (0..<8).map { row in (0..<5).map { Float(1000 + row * 3 + $0) } }
        var rows = base
        rows[3] = rows[0]; rows[7] = rows[0]
        rows[2][1] = 0; rows[5] = rows[2]; rows[5][1] = -0.0
        rows[6] = rows[1]; rows[6][4] = rows[1][4].nextUp
        let points = Matrix(rows)
        let distinct = DeduplicatedPoints(points)
        #expect(distinct.duplicateGroups == [[0, 3, 7], [2, 5]])
        #expect(distinct.removedCount == 3)
        #expect(distinct.unique.rows == 5)
        #expect(distinct.firstOriginalRow == [0, 1, 2, 4, 6])
        #expect(distinct.uniqueRowOfOriginal == [0, 1, 2, 0, 3, 2, 4, 0])
        #expect(distinct.multiplicity == [3, 1, 2, 1, 1])
        #expect(distinct.expand(["a", "b", "c", "d", "e"]) == ["a", "b", "c", "a", "d", "c", "e", "a"])
        #expect(distinct.unique.storage == [0, 1, 2, 4, 6].flatMap { points.row($0) })

        let table = try ThreadLimitScope.with(2) { try ExactNeighbors.search(points, k: 2) }
        #expect(table.pointsWithZeroDistanceNeighbor == [0, 2, 3, 5, 7])
        #expect(table.neighbor(0, rank: 0) == 3 && table.neighbor(0, rank: 1) == 7)
        #expect(table.distance(0, rank: 1) == 0)
        #expect(table.neighbor(1, rank: 0) == 6 && table.distance(1, rank: 0) > 0)
    }

    @Test func badInputThrowsTypedErrors() throws {
        let points = Fixtures.gaussian(count: 5, dimension: 2, seed: 1)
        #expect(throws: MindSpaceError.self) { try ExactNeighbors.search(points, k: 5) }
        #expect(throws: MindSpaceError.self) { try ExactNeighbors.search(points, k: 0) }
        var broken = points
        broken[3, 1] = .nan
        do {
            _ = try ExactNeighbors.search(broken, k: 2)
            Issue.record("NaN accepted")
        } catch let error as MindSpaceError {
            #expect(error.kind == .malformedData && error.reason.contains("row 3, column 1"))
        }
        do {
            _ = try ExactNeighbors.search(points, k: 5)
        } catch let error as MindSpaceError {
            #expect(error.kind == .malformedData && error.reason.contains("too few points"))
        }
    }

    @Test func blockPairScheduleCoversEveryPairOnceInDisjointRounds() {
        for blocks in 0...13 {
            let schedule = BlockPairSchedule(blockCount: blocks)
            var seen = Set<[Int]>()
            for round in schedule.rounds {
                let members = round.flatMap { [$0.first, $0.second] }
                // Disjoint: no block twice in a round (a diagonal pair names its block twice).
                #expect(Set(members).count == round.count * (round.first.map { $0.first == $0.second } == true ? 1 : 2))
                for pair in round {
                    #expect(pair.first <= pair.second && pair.second < blocks)
                    #expect(seen.insert([pair.first, pair.second]).inserted)
                }
            }
            #expect(seen.count == blocks * (blocks + 1) / 2)
            #expect(schedule.pairCount == blocks * (blocks + 1) / 2)
        }
    }

    @Test func distinctRowsShareTheInputWhenNothingRepeats() {
        // No duplicates: `unique` is the input itself, not a copy (same storage address), so
        // deduplication costs no memory on the usual data.
        let points = Matrix<Float>((0..<50).map { row in (0..<4).map { Float(row * 4 + $0) } })
        let distinct = DeduplicatedPoints(points)
        #expect(!distinct.hasDuplicates && distinct.unique == points)
        let same = points.storage.withUnsafeBufferPointer { input in
            distinct.unique.storage.withUnsafeBufferPointer { $0.baseAddress == input.baseAddress }
        }
        #expect(same)
    }

    @Test func defaultBlockSizeKeepsEachThreadsScratchWithinASixteenthOfTheInput() {
        // The knn benchmark's shape: 20000 × 384 float32 (30.7 MB). Uncapped, 1024 rows need
        // (2·1024·384 + 1024²)·4 B = 7.3 MB per thread; the cap allows 30.7/16 = 1.92 MB.
        #expect(ExactNeighbors.defaultBlockSize(pointCount: 20000) == 1024)
        #expect(ExactNeighbors.defaultBlockSize(pointCount: 20000, columns: 384, scalarBytes: 4) == 384)
        for (n, d, bytes) in [(20000, 384, 4), (20000, 1024, 8), (1_000_000, 8, 4), (2500, 10, 8), (517, 3, 4), (5, 2, 8)] {
            let block = ExactNeighbors.defaultBlockSize(pointCount: n, columns: d, scalarBytes: bytes)
            let copies = block * d * bytes <= ExactNeighbors.centringCopyLimit ? 2 * block * d : 0
            let scratch = (copies + block * block) * bytes
            let uncapped = ExactNeighbors.defaultBlockSize(pointCount: n)
            #expect(block <= uncapped && block % 64 == 0 || block == min(uncapped, n), "\(n)×\(d)")
            // Within the limit, or at the 128-row floor; never lowered when the limit allows more.
            #expect(scratch <= max(ExactNeighbors.scratchFloor, n * d * bytes / 16) || block == 128, "\(n)×\(d): \(block)")
            if block < min(uncapped, n) {
                let bigger = block + 64
                let biggerScratch = ((bigger * d * bytes <= ExactNeighbors.centringCopyLimit ? 2 * bigger * d : 0) + bigger * bigger) * bytes
                #expect(biggerScratch > max(ExactNeighbors.scratchFloor, n * d * bytes / 16), "\(n)×\(d): \(block)")
            }
        }
        // Small inputs keep the N-only size (the 2 MiB floor).
        #expect(ExactNeighbors.defaultBlockSize(pointCount: 2500, columns: 10, scalarBytes: 8) == 192)
    }
}
