import MindSpaceCore

/// A `RowPairing` resolved against N rows: the pairs that count (weight > 0), which row of A and
/// which row of B each pair takes, and its weight. A multiplicity m is the pair repeated m times
/// (the pairs bootstrap), so every sum over pairs is a sum weighted by m, and the mean and
/// centring are weighted means (Σ m·x / Σ m).
struct PairedRows: Sendable {
    /// Rows of A of the pairs that count, ascending.
    let aRows: [Int]
    /// The row of B paired with each of `aRows`.
    let bRows: [Int]
    /// Each pair's multiplicity; `nil` when every pair counts once.
    let weights: [Double]?
    /// Σ multiplicities: the N of the (conceptually) repeated sample.
    let total: Double
    /// Whether B's rows are taken in order (no partner permutation).
    let bInOrder: Bool

    /// Resolves `pairing` for `n` rows. A pairing of another length, a partner out of range or a
    /// negative multiplicity is the driver's error (`precondition`).
    init(_ pairing: RowPairing, rows n: Int) {
        if let partner = pairing.partner {
            precondition(partner.count == n && partner.allSatisfy { $0 >= 0 && $0 < n },
                         "partner must list a row of B for each of the \(n) rows")
        }
        if let multiplicity = pairing.multiplicity {
            precondition(multiplicity.count == n && multiplicity.allSatisfy { $0 >= 0 },
                         "multiplicity must give a count ≥ 0 for each of the \(n) rows")
            var a: [Int] = [], b: [Int] = [], w: [Double] = []
            for i in 0..<n where multiplicity[i] > 0 {
                a.append(i); b.append(pairing.partnerOf(i)); w.append(Double(multiplicity[i]))
            }
            aRows = a; bRows = b; weights = w
            total = w.reduce(0, +)
        } else {
            aRows = Array(0..<n); bRows = pairing.partner ?? Array(0..<n); weights = nil
            total = Double(n)
        }
        bInOrder = pairing.partner == nil && pairing.multiplicity == nil
    }

    /// `self`, or `MindSpaceError.malformed` when the pairs count fewer than `minimum` rows in all
    /// (a resample too small for the metric).
    func requiring(atLeast minimum: Int) throws -> PairedRows {
        guard total >= Double(minimum) else {
            throw MindSpaceError.malformed(nil, "a resample of \(Int(total)) rows is too small (at least \(minimum) needed)")
        }
        return self
    }

    /// The number of distinct pairs that count.
    var count: Int { aRows.count }

    /// The weight of pair `r` (1 when unweighted).
    @inline(__always) func weight(_ r: Int) -> Double { weights?[r] ?? 1 }

    /// The weighted mean of the rows `rows` of `x`: Σ wᵣ·x_rows[r] / Σ w; zero when unweighted
    /// (the rows of a `CentredRows` have mean zero, and a permutation does not change a mean).
    func mean<Rows: CentredRowValues>(of x: Rows, rows: [Int]) -> [Double] {
        var mean = [Double](repeating: 0, count: x.columns)
        guard weights != nil else { return mean }
        let d = x.columns
        x.storage.withUnsafeBufferPointer { source in
            mean.withUnsafeMutableBufferPointer { m in
                for r in 0..<rows.count {
                    let w = weight(r), from = rows[r] * d
                    for j in 0..<d { m[j] += w * Double(source[from + j]) }
                }
                for j in 0..<d { m[j] /= total }
            }
        }
        return mean
    }

    /// Rows `rows[first ..< first + count]` of `x`, each minus `mean` and times √weight, into
    /// `target` (row-major count × D): the block of √W·(X − 1·μᵀ) that the products multiply,
    /// computed in Double and rounded once to the rows' precision.
    func fill<Rows: CentredRowValues>(_ target: UnsafeMutableBufferPointer<Rows.Scalar>, from x: Rows, rows: [Int],
                                      mean: [Double], first: Int, count: Int) {
        let d = x.columns
        x.storage.withUnsafeBufferPointer { source in
            mean.withUnsafeBufferPointer { m in
                for r in 0..<count {
                    let scale = weight(first + r).squareRoot()
                    let from = rows[first + r] * d, to = r * d
                    for j in 0..<d { target[to + j] = Rows.Scalar(scale * (Double(source[from + j]) - m[j])) }
                }
            }
        }
    }

    /// √W·(X − 1·μᵀ) for the rows `rows` of `x` whole (pairs × D, row-major): for the N × N Gram
    /// route, where the pairs are fewer than the columns.
    func scaledRows(of x: CentredRows, rows: [Int]) -> [Double] {
        var result = [Double](repeating: 0, count: count * x.columns)
        let mean = mean(of: x, rows: rows)
        result.withUnsafeMutableBufferPointer { target in
            fill(target, from: x, rows: rows, mean: mean, first: 0, count: count)
        }
        return result
    }

    /// ‖xᵣ − μ_w‖² for the rows `rows` of `x`, μ_w the weighted mean of the pairs (‖xᵣ‖² when
    /// unweighted: the rows are centred).
    func rowSquares<Rows: CentredRowValues>(of x: Rows, rows: [Int]) -> [Double] {
        let mean = mean(of: x, rows: rows), d = x.columns
        return x.storage.withUnsafeBufferPointer { v in
            rows.map { i in
                var sum = 0.0
                for j in 0..<d { let e = Double(v[i * d + j]) - mean[j]; sum += e * e }
                return sum
            }
        }
    }
}
