/// The sign convention for principal axes, so that results do not flip between runs, solvers,
/// precisions or libraries: in each component (a row), the entry with the largest absolute value
/// is made positive by negating the whole row if needed.
///
/// Tie rule (exact): the entry chosen is the FIRST index j (smallest j) whose |vⱼ| equals the
/// row's maximum |v| under IEEE comparison, as NumPy's `argmax(abs(v))` picks it; this is the rule
/// of scikit-learn's `svd_flip(..., u_based_decision=False)`, so signs match its `components_`.
/// A row whose chosen entry is 0 (an all-zero row) is left as it is. Near-ties (two loadings equal
/// to within round-off) can legitimately resolve differently in two computations; no convention
/// can avoid that, and tests compare such components up to sign.
package enum ComponentSigns {
    /// Applies the convention to each of the `count` rows of length `length` in `rows` (row-major).
    package static func makeLargestLoadingPositive(_ rows: inout [Double], count: Int, length: Int) {
        precondition(rows.count >= count * length)
        rows.withUnsafeMutableBufferPointer { v in
            for i in 0..<count {
                let base = i * length
                var chosen = base, largest = -1.0
                for j in base..<(base + length) where abs(v[j]) > largest {
                    largest = abs(v[j])
                    chosen = j
                }
                if length > 0, v[chosen] < 0 {
                    for j in base..<(base + length) { v[j] = -v[j] }
                }
            }
        }
    }

    /// The index of the entry that decides the sign of `row` (first index of the largest |v|).
    static func decidingIndex<C: Collection>(of row: C) -> Int? where C.Element == Double {
        var best: Int?, largest = -1.0
        for (offset, value) in row.enumerated() where abs(value) > largest {
            largest = abs(value)
            best = offset
        }
        return best
    }
}
