import MindSpaceCore
import MindSpaceNumerics

/// Linear CKA (Kornblith et al. 2019, feature-space form, biased HSIC) with a delete-a-group
/// jackknife interval (Quenouille 1956; Kott 2001, "The delete-a-group jackknife", J. Official
/// Statistics 17): the interval `layers` gives CKA between consecutive layers, where a pairs
/// bootstrap (one N·D₁·D₂ product per resample) would cost hundreds of full products.
///
/// The N rows are dealt into G groups by one seeded shuffle, the same for every representation.
/// Each representation keeps its per-group scatter matrices X_gᵀX_g; a pair computes its per-group
/// cross-products X_gᵀY_g (together one full product). Leaving group g out, with the rows centred
/// on the full mean (so the left-out rows sum to −t_g) and n′ = N − n_g,
///
///     S′_xy = S_xy − X_gᵀY_g − t_{x,g} t_{y,g}ᵀ / n′   (the re-centred cross-product),
///
/// and the same for S′_xx, S′_yy, so each delete-a-group estimate θ₍g₎ costs O(D₁·D₂). The
/// interval is θ ± z·se with se² = (G − 1)/G · Σ_g (θ₍g₎ − θ̄)², clipped to [0, 1]; it is a
/// normal-approximation interval, as wide as the sampling variation of the rows.
public struct GroupedLinearCKA: Sendable {
    /// The row order: group g is the consecutive range `ranges[g]` of this shuffle of 0..<N.
    public let order: [Int]
    public let ranges: [Range<Int>]

    /// Groups for `rows` rows (at most `groups`, each of at least 2 rows), dealt by a seeded
    /// Fisher–Yates shuffle.
    public init(rows: Int, groups: Int = 20, seed: UInt64) {
        var generator = SeededGenerator(seed: seed ^ 0x4A41_434B_4B4E_4946)
        var order = Array(0..<rows)
        generator.shuffle(&order)
        self.order = order
        let count = max(1, min(groups, rows / 2))
        ranges = (0..<count).map { ($0 * rows / count)..<(($0 + 1) * rows / count) }
    }

    /// What one representation keeps: its centred rows in group order, per-group scatters and
    /// column sums, and the full scatter.
    public struct Prepared: Sendable {
        let rows: CentredValues
        let groupScatters: [[Double]]
        let groupSums: [[Double]]
        let scatter: [Double]
        /// ‖XᵀX‖_F.
        let scatterNorm: Double

        /// The state without its per-group scatters (about G·D² numbers): enough for `value`,
        /// which a matrix of many pairs needs, not for `estimate`.
        public func withoutGroups() -> Prepared {
            Prepared(rows: rows, groupScatters: [], groupSums: [], scatter: [], scatterNorm: scatterNorm)
        }
    }

    /// The per-representation state; throws (`malformed(nil, …)`) for constant columns.
    public func prepare(_ representation: Matrix<Double>) throws -> Prepared {
        precondition(representation.rows == order.count, "the groups were made for \(order.count) rows")
        return prepared(.double(try CentredRows(representation.selectingRows(order), metric: .linearCKA)))
    }

    /// The state of a float32 representation: its products run in float32 (summed in Double per
    /// 256 rows) where `SinglePrecisionProducts.isAccelerated`, else on the widened values.
    public func prepare(_ representation: Matrix<Float>) throws -> Prepared {
        guard SinglePrecisionProducts.isAccelerated else { return try prepare(representation.converted(to: Double.self)) }
        precondition(representation.rows == order.count, "the groups were made for \(order.count) rows")
        return prepared(.single(try SingleCentredRows(representation.selectingRows(order), metric: .linearCKA)))
    }

    private func prepared(_ rows: CentredValues) -> Prepared {
        let groupScatters = ranges.map { rows.scatter(range: $0) }
        var scatter = [Double](repeating: 0, count: rows.columns * rows.columns)
        for group in groupScatters { for i in scatter.indices { scatter[i] += group[i] } }
        return Prepared(rows: rows, groupScatters: groupScatters, groupSums: ranges.map { rows.columnSums(range: $0) },
                        scatter: scatter, scatterNorm: PairedProducts.squaredFrobenius(scatter).squareRoot())
    }

    /// Σᵣ xᵣxᵣᵀ of the centred rows (D × D, row-major): the scatter matrix whose eigenvalues are
    /// N − 1 times the PCA variances. Empty after `withoutGroups()`.
    public func scatter(_ state: Prepared) -> [Double] { state.scatter }

    /// CKA of `a` and `b` alone (one product, no interval): for a matrix of many pairs.
    public func value(_ a: Prepared, _ b: Prepared) -> Double {
        let cross = a.rows.cross(b.rows, range: 0..<order.count)
        return PairedProducts.squaredFrobenius(cross) / (a.scatterNorm * b.scatterNorm)
    }

    /// CKA of `a` and `b` with its jackknife standard error and interval at `level`.
    public func estimate(_ a: Prepared, _ b: Prepared, level: Double) -> (value: Double, standardError: Double, ci: [Double]) {
        let groupCrosses = ranges.map { a.rows.cross(b.rows, range: $0) }
        var cross = [Double](repeating: 0, count: a.rows.columns * b.rows.columns)
        for group in groupCrosses { for i in cross.indices { cross[i] += group[i] } }
        let value = PairedProducts.squaredFrobenius(cross) / (a.scatterNorm * b.scatterNorm)
        guard ranges.count >= 2 else { return (value, .nan, [value, value]) }
        let n = order.count
        let leftOut: [Double] = ranges.indices.map { g in
            let kept = Double(n - ranges[g].count)
            let xy = Self.deleted(cross, groupCrosses[g], a.groupSums[g], b.groupSums[g], kept)
            let xx = Self.deleted(a.scatter, a.groupScatters[g], a.groupSums[g], a.groupSums[g], kept)
            let yy = Self.deleted(b.scatter, b.groupScatters[g], b.groupSums[g], b.groupSums[g], kept)
            return xy / (xx * yy).squareRoot()
        }
        let g = Double(ranges.count)
        let mean = leftOut.reduce(0, +) / g
        let variance = (g - 1) / g * leftOut.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
        let standardError = variance.squareRoot()
        let z = StandardNormal.twoSidedCritical(level: level)
        return (value, standardError, [max(value - z * standardError, 0), min(value + z * standardError, 1)])
    }

    /// ‖S − G − u·vᵀ/kept‖²_F for row-major S, G (|u| × |v|).
    static func deleted(_ total: [Double], _ group: [Double], _ u: [Double], _ v: [Double], _ kept: Double) -> Double {
        var sum = 0.0
        for i in u.indices {
            let base = i * v.count, ui = u[i] / kept
            for j in v.indices {
                let value = total[base + j] - group[base + j] - ui * v[j]
                sum += value * value
            }
        }
        return sum
    }
}
