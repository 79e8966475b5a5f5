import Testing
@testable import MindSpaceCore
@testable import MindSpaceNumerics
@testable import MindSpaceSimilarity

/// `GroupedLinearCKA`: its value is linear CKA, each delete-a-group estimate is CKA of the rows
/// left, and its interval covers the population value in most samples.
@Suite struct GroupedLinearCKATests {
    static func sample(_ n: Int, seed: UInt64, noise: Double) -> (Matrix<Double>, Matrix<Double>) {
        var generator = SeededGenerator(seed: seed)
        let x = Matrix(rows: n, columns: 5, storage: (0..<(n * 5)).map { _ in generator.nextGaussian() })
        var y = Matrix<Double>(rows: n, columns: 4)
        for i in 0..<n { for j in 0..<4 { y[i, j] = x[i, j] + (j == 0 ? x[i, 4] : 0) + noise * generator.nextGaussian() } }
        return (x, y)
    }

    @Test func valueAndLeaveOneGroupOutAreLinearCKA() throws {
        let (x, y) = Self.sample(157, seed: 1, noise: 0.8)
        let grouped = GroupedLinearCKA(rows: 157, groups: 7, seed: 3)
        let a = try grouped.prepare(x), b = try grouped.prepare(y)
        let reference = LinearCKA(debiased: false)
        let full = try reference.score(reference.prepare(x), reference.prepare(y), pairing: .identity)
        #expect(abs(grouped.value(a, b) - full) < 1e-12)
        let estimate = grouped.estimate(a, b, level: 0.95)
        #expect(abs(estimate.value - full) < 1e-12)
        // Group 2 left out, directly: CKA of the other rows.
        let kept = grouped.ranges.indices.filter { $0 != 2 }.flatMap { grouped.ranges[$0] }.map { grouped.order[$0] }
        let direct = try reference.score(reference.prepare(x.selectingRows(kept)), reference.prepare(y.selectingRows(kept)),
                                         pairing: .identity)
        let kept2 = Double(157 - grouped.ranges[2].count)
        let crossG = a.rows.cross(b.rows, range: grouped.ranges[2])
        var cross = [Double](repeating: 0, count: 20)
        for r in grouped.ranges { let c = a.rows.cross(b.rows, range: r); for i in 0..<20 { cross[i] += c[i] } }
        let xy = GroupedLinearCKA.deleted(cross, crossG, a.groupSums[2], b.groupSums[2], kept2)
        let xx = GroupedLinearCKA.deleted(a.scatter, a.groupScatters[2], a.groupSums[2], a.groupSums[2], kept2)
        let yy = GroupedLinearCKA.deleted(b.scatter, b.groupScatters[2], b.groupSums[2], b.groupSums[2], kept2)
        #expect(abs(xy / (xx * yy).squareRoot() - direct) < 1e-12)
        #expect(estimate.ci[0] < full && full < estimate.ci[1] && estimate.standardError > 0)
    }

    /// Over 60 samples the 90 % interval covers the CKA of a very large sample (the population
    /// value, to ±0.002) in most of them: the binomial 1 % lower tail of 54 expected is 47; the
    /// jackknife's normal interval is approximate, so 42 is asked for.
    @Test func intervalCoversThePopulationValue() throws {
        let (bigX, bigY) = Self.sample(60_000, seed: 99, noise: 0.8)
        let reference = LinearCKA(debiased: false)
        let population = try reference.score(reference.prepare(bigX), reference.prepare(bigY), pairing: .identity)
        var covered = 0
        for draw in 0..<60 {
            let (x, y) = Self.sample(300, seed: UInt64(100 + draw), noise: 0.8)
            let grouped = GroupedLinearCKA(rows: 300, seed: UInt64(draw))
            let estimate = grouped.estimate(try grouped.prepare(x), try grouped.prepare(y), level: 0.9)
            if estimate.ci[0] <= population && population <= estimate.ci[1] { covered += 1 }
        }
        #expect(covered >= 42, "covered \(covered) of 60 (population CKA \(population))")
    }

    /// Float32 input (products in float32, summed in Double per 256 rows, where the AVX-512
    /// kernels run) gives the float64 value, standard error and scatter to ~1e−6, on data whose
    /// column means are far from 0 (centring happens before any product).
    @Test func float32InputMatchesFloat64() throws {
        let (x, y) = Self.sample(2_000, seed: 5, noise: 0.5)
        let shiftedX = Matrix(rows: x.rows, columns: x.columns, storage: x.storage.map { Double(Float($0 + 40)) })
        let narrowY = Matrix(rows: y.rows, columns: y.columns, storage: y.storage.map { Double(Float($0)) })
        let grouped = GroupedLinearCKA(rows: 2_000, groups: 10, seed: 8)
        let wide = grouped.estimate(try grouped.prepare(shiftedX), try grouped.prepare(narrowY), level: 0.95)
        let singleX = try grouped.prepare(shiftedX.converted(to: Float.self))
        let singleY = try grouped.prepare(narrowY.converted(to: Float.self))
        if SinglePrecisionProducts.isAccelerated {
            guard case .single = singleX.rows else {
                Issue.record("float32 input should keep float32 rows where the kernels run")
                return
            }
        }
        let single = grouped.estimate(singleX, singleY, level: 0.95)
        #expect(abs(single.value - wide.value) < 1e-6 && abs(single.standardError - wide.standardError) < 1e-6 * wide.value,
                "\(single) vs \(wide)")
        let scatter = try grouped.prepare(shiftedX)
        let largest = grouped.scatter(scatter).map(abs).max() ?? 0
        #expect(zip(grouped.scatter(singleX), grouped.scatter(scatter)).allSatisfy { abs($0 - $1) <= 1e-6 * largest })
    }
}
