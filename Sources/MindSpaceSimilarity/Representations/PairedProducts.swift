import MindSpaceCore
import MindSpaceNumerics

/// The level-3 products of the row-based metrics, over the pairs of a `PairedRows`:
/// the cross-product Σᵣ wᵣ (aᵣ − μa)(bᵣ − μb)ᵀ (D₁ × D₂), the scatter Σᵣ wᵣ (aᵣ − μa)(aᵣ − μa)ᵀ
/// (D × D) and the N × N Gram matrix. Float64 rows multiply by BLAS (`gemm`, `syrk`) in panels
/// fixed by the sizes (`BLAS.panelledGemm`, `panelledSyrkUpper`), float32 rows by
/// `SinglePrecisionProducts` (see `CentredRowValues`); the bits never depend on the thread count.
///
/// Unweighted rows taken in order are passed to BLAS in place. Otherwise the pairs are gathered,
/// re-centred and scaled by √w in blocks of rows (`blockRows`, about 8 MB per block) whose
/// products are added in block order: no N × D copy is made for a permutation or a resample.
enum PairedProducts {
    /// Rows per gathered block: about 2²⁰ doubles, at least 256 rows.
    static func blockRows(columns: Int) -> Int { max(256, (1 << 20) / max(1, columns)) }

    /// Σᵣ wᵣ (aᵣ − μa)(bᵣ − μb)ᵀ, row-major D₁ × D₂, a's rows `pairs.aRows`, b's `pairs.bRows`.
    /// Cost 2·pairs·D₁·D₂ flops.
    static func cross<Rows: CentredRowValues>(_ a: Rows, _ b: Rows, pairs: PairedRows) -> [Double] {
        let d1 = a.columns, d2 = b.columns
        var result = [Double](repeating: 0, count: d1 * d2)
        if pairs.weights == nil && pairs.bInOrder {
            multiply(a.storage, b.storage, as: Rows.self, rows: pairs.count, d1: d1, d2: d2, into: &result)
            return result
        }
        let meanA = pairs.mean(of: a, rows: pairs.aRows), meanB = pairs.mean(of: b, rows: pairs.bRows)
        let block = blockRows(columns: max(d1, d2))
        var blockA = [Rows.Scalar](repeating: 0, count: pairs.weights == nil ? 0 : min(block, pairs.count) * d1)
        var blockB = [Rows.Scalar](repeating: 0, count: min(block, pairs.count) * d2)
        var first = 0
        while first < pairs.count {
            let count = min(block, pairs.count - first)
            blockB.withUnsafeMutableBufferPointer {
                pairs.fill($0, from: b, rows: pairs.bRows, mean: meanB, first: first, count: count)
            }
            if pairs.weights == nil {
                // Unweighted A rows are 0..<N in order: multiply rows `first…` of A in place.
                a.storage.withUnsafeBufferPointer { x in
                    blockB.withUnsafeBufferPointer { y in
                        result.withUnsafeMutableBufferPointer { c in
                            Rows.accumulateProduct(x.baseAddress! + first * d1, y.baseAddress!, rows: count, d1: d1, d2: d2,
                                                   into: c.baseAddress!)
                        }
                    }
                }
            } else {
                blockA.withUnsafeMutableBufferPointer {
                    pairs.fill($0, from: a, rows: pairs.aRows, mean: meanA, first: first, count: count)
                }
                multiply(blockA, blockB, as: Rows.self, rows: count, d1: d1, d2: d2, into: &result)
            }
            first += count
        }
        return result
    }

    /// Σᵣ wᵣ (xᵣ − μ)(xᵣ − μ)ᵀ over the rows `rows` of `x` (weights from `pairs`), the full
    /// symmetric D × D matrix, row-major. Cost pairs·D² flops (`syrk`).
    static func scatter<Rows: CentredRowValues>(_ x: Rows, rows: [Int], pairs: PairedRows) -> [Double] {
        let d = x.columns
        var result = [Double](repeating: 0, count: d * d)
        if pairs.weights == nil {
            // Every row once: the order of the rows does not change the sum's terms.
            x.storage.withUnsafeBufferPointer { source in
                result.withUnsafeMutableBufferPointer { c in
                    Rows.accumulateScatter(source.baseAddress!, rows: x.rows, d: d, into: c.baseAddress!)
                }
            }
        } else {
            let mean = pairs.mean(of: x, rows: rows)
            let block = blockRows(columns: d)
            var buffer = [Rows.Scalar](repeating: 0, count: min(block, pairs.count) * d)
            var first = 0
            while first < pairs.count {
                let count = min(block, pairs.count - first)
                buffer.withUnsafeMutableBufferPointer {
                    pairs.fill($0, from: x, rows: rows, mean: mean, first: first, count: count)
                }
                buffer.withUnsafeBufferPointer { source in
                    result.withUnsafeMutableBufferPointer { c in
                        Rows.accumulateScatter(source.baseAddress!, rows: count, d: d, into: c.baseAddress!)
                    }
                }
                first += count
            }
        }
        mirrorUpper(&result, n: d)
        return result
    }

    /// The full symmetric Gram matrix G = Z·Zᵀ of the row-major rows × columns matrix `z`.
    /// Cost rows²·columns flops (`syrk`).
    static func gram(_ z: [Double], rows n: Int, columns d: Int) -> [Double] {
        var result = [Double](repeating: 0, count: n * n)
        z.withUnsafeBufferPointer { source in
            result.withUnsafeMutableBufferPointer { c in
                BLAS.panelledSyrkUpper(transpose: false, n: n, k: d, alpha: 1, a: source.baseAddress!,
                                       lda: d, beta: 1, c: c.baseAddress!, ldc: n)
            }
        }
        mirrorUpper(&result, n: n)
        return result
    }

    /// Σᵢⱼ K[i, j]·L[π(i), π(j)] (π the identity when `partner` is nil): ⟨K, P·L·Pᵀ⟩ for two
    /// full N × N matrices, the Frobenius product of Gram matrices under a pairing. In 16 fixed
    /// row ranges whose partial sums are added in order.
    static func pairedInnerProduct(_ k: [Double], _ l: [Double], n: Int, partner: [Int]?) -> Double {
        let ranges = 16
        var partial = [Double](repeating: 0, count: ranges)
        k.withUnsafeBufferPointer { kb in
            l.withUnsafeBufferPointer { lb in
                partial.withUnsafeMutableBufferPointer { out in
                    let sums = out
                    ParallelLoop.forEachRange(n, ranges: ranges) { range, rows in
                        var sum = 0.0
                        for i in rows {
                            let pi = partner?[i] ?? i
                            if let partner {
                                for j in 0..<n { sum += kb[i * n + j] * lb[pi * n + partner[j]] }
                            } else {
                                for j in 0..<n { sum += kb[i * n + j] * lb[i * n + j] }
                            }
                        }
                        sums[range] = sum
                    }
                }
            }
        }
        return partial.reduce(0, +)
    }

    /// Σ of the squares of the entries: ‖M‖²_F.
    static func squaredFrobenius(_ m: [Double]) -> Double {
        m.reduce(0) { $0 + $1 * $1 }
    }

    /// Copies the upper triangle of the row-major n × n matrix onto its lower triangle.
    static func mirrorUpper(_ m: inout [Double], n: Int) {
        m.withUnsafeMutableBufferPointer { c in
            for i in 0..<n { for j in 0..<i { c[i * n + j] = c[j * n + i] } }
        }
    }

    /// Σᵣ aᵣ bᵣᵀ over the consecutive rows `range` of two centred matrices (no re-centring),
    /// row-major D₁ × D₂: one group's share of the cross-product. Cost 2·|range|·D₁·D₂ flops.
    static func cross<Rows: CentredRowValues>(_ a: Rows, _ b: Rows, range: Range<Int>) -> [Double] {
        var result = [Double](repeating: 0, count: a.columns * b.columns)
        a.storage.withUnsafeBufferPointer { x in
            b.storage.withUnsafeBufferPointer { y in
                result.withUnsafeMutableBufferPointer { c in
                    Rows.accumulateProduct(x.baseAddress! + range.lowerBound * a.columns, y.baseAddress! + range.lowerBound * b.columns,
                                           rows: range.count, d1: a.columns, d2: b.columns, into: c.baseAddress!)
                }
            }
        }
        return result
    }

    /// Σᵣ xᵣ xᵣᵀ over the consecutive rows `range` (no re-centring), the full symmetric D × D
    /// matrix, row-major. Cost |range|·D² flops (`syrk`).
    static func scatter<Rows: CentredRowValues>(_ x: Rows, range: Range<Int>) -> [Double] {
        let d = x.columns
        var result = [Double](repeating: 0, count: d * d)
        guard !range.isEmpty else { return result }
        x.storage.withUnsafeBufferPointer { source in
            result.withUnsafeMutableBufferPointer { c in
                Rows.accumulateScatter(source.baseAddress! + range.lowerBound * d, rows: range.count, d: d, into: c.baseAddress!)
            }
        }
        mirrorUpper(&result, n: d)
        return result
    }

    /// C += Aᵀ·B for row-major A (rows × D₁) and B (rows × D₂), both whole arrays.
    private static func multiply<Rows: CentredRowValues>(_ a: [Rows.Scalar], _ b: [Rows.Scalar], as _: Rows.Type, rows: Int,
                                                          d1: Int, d2: Int, into result: inout [Double]) {
        a.withUnsafeBufferPointer { x in
            b.withUnsafeBufferPointer { y in
                result.withUnsafeMutableBufferPointer { c in
                    Rows.accumulateProduct(x.baseAddress!, y.baseAddress!, rows: rows, d1: d1, d2: d2, into: c.baseAddress!)
                }
            }
        }
    }
}
