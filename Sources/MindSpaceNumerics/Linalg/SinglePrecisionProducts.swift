import CProductKernels
import MindSpaceCore

/// Matrix products of float32 data by MindSpace's own AVX-512F kernels (`Sources/CProductKernels`;
/// this is the one Swift file that imports them): the cross- and scatter products of linear CKA
/// and PCA (`accumulateTransposedProduct`, Aᵀ·B summed into Double) and the block products of the
/// exact neighbour engine (`multiplyTransposed`, X·Yᵀ in float32).
///
/// **Why our own.** OpenBLAS picks its kernels when it loads, and on processors it does not know
/// the environment pins it to older ones (this project's machines set `OPENBLAS_CORETYPE=Haswell`:
/// AVX2, half the float32 rate of AVX-512 on them). A 12 × 32 register tile of fused
/// multiply-adds over packed panels (Goto & van de Geijn 2008) runs near the processor's peak
/// whatever OpenBLAS chose; `isAccelerated` says whether it can run here (else callers keep their
/// BLAS paths).
///
/// **Precision.** Aᵀ·B sums float32 products in float32 over blocks of at most `blockRows` = 256
/// rows, and adds the blocks' totals in Double: the error of an entry is about
/// 256·ε₃₂·Σᵣ|aᵣbᵣ| in the worst case and far smaller in practice (ε₃₂ = 2⁻²⁴), against N·ε₃₂·Σ|ab|
/// for a float32 product summed over all N rows at once (NumPy's float32 `x.T @ y`).
///
/// **Determinism.** An entry's sum depends only on k and the row blocks: the rows are cut into
/// `parts(rows:)` consecutive parts, fixed by k, whose partial products are added in part order;
/// rows of C are split between threads in any way without changing a bit.
public enum SinglePrecisionProducts {
    /// Rows per float32 partial sum.
    public static let blockRows = Int(MS_PRODUCT_KC)

    /// Whether the AVX-512F kernels run on this processor.
    public static var isAccelerated: Bool { ms_products_accelerated() != 0 }

    /// Which version of the kernels to run (tests compare them).
    public enum InstructionSet: Int32, Sendable { case portable = 0, avx512 = 2 }

    /// Parts the k rows of an Aᵀ·B are cut into (their partials are added in order): one per
    /// 8192 rows, at most 4. A function of k alone.
    static func parts(rows k: Int) -> Int { min(4, max(1, k / 8192)) }

    /// C += Aᵀ·B: `c[i·ldc + j] += Σ_r a[r·lda + i]·b[r·ldb + j]` for i < m, j < n, with A k × m and
    /// B k × n row-major float32, C row-major Double. With `symmetric` (A and B the same, m = n)
    /// only the upper triangle is computed and then mirrored, so C must be symmetric on entry.
    /// Runs on up to `ParallelLoop.threadLimit` threads.
    public static func accumulateTransposedProduct(rows k: Int, a: UnsafePointer<Float>, lda: Int, m: Int,
                                                   b: UnsafePointer<Float>, ldb: Int, n: Int,
                                                   into c: UnsafeMutablePointer<Double>, ldc: Int,
                                                   symmetric: Bool = false, version: InstructionSet = .avx512) {
        precondition(!symmetric || m == n, "a symmetric product needs m = n")
        guard k > 0, m > 0, n > 0 else { return }
        let partCount = parts(rows: k)
        let slices = max(1, ParallelLoop.threadLimit / partCount) * (symmetric ? 2 : 1)
        let rowCuts = rowCuts(m: m, slices: min(slices, max(1, m / 12)), upper: symmetric)
        let sliceCount = rowCuts.count - 1
        // Part 0 adds straight into C; later parts into zeroed partials added in order afterwards.
        let partials = (1..<max(1, partCount)).map { _ in OwnedBuffer<Double>(repeating: 0, count: m * n) }
        ParallelLoop.forEach(partCount * sliceCount) { task in
            let part = task / sliceCount, slice = task % sliceCount
            let first = part * k / partCount, last = (part + 1) * k / partCount
            let target = part == 0 ? c : partials[part - 1].base
            let targetStride = part == 0 ? ldc : n
            let scratch = UnsafeMutableRawPointer.allocate(
                byteCount: ms_products_scratch_bytes(rowCuts[slice + 1] - rowCuts[slice], last - first), alignment: 64)
            defer { scratch.deallocate() }
            ms_products_tn_f64(version.rawValue, last - first, a + first * lda, lda, rowCuts[slice], rowCuts[slice + 1],
                               b + first * ldb, ldb, 0, n, symmetric ? 1 : 0, target, targetStride, scratch)
        }
        if partCount > 1 {
            ParallelLoop.forEachRange(m, ranges: min(m, 16)) { _, rows in
                for i in rows {
                    for partial in partials {
                        let source = partial.base + i * n, row = c + i * ldc
                        for j in (symmetric ? i : 0)..<n { row[j] += source[j] }
                    }
                }
            }
        }
        if symmetric {
            for i in 0..<m { for j in 0..<i { c[i * ldc + j] = c[j * ldc + i] } }
        }
    }

    /// Row boundaries of `slices` slices of C's m rows (multiples of the 12-row tile): equal row
    /// counts, or equal areas of the upper triangle when `upper`.
    static func rowCuts(m: Int, slices: Int, upper: Bool) -> [Int] {
        var cuts = [0]
        for s in 1..<max(1, slices) {
            let share = Double(s) / Double(slices)
            // Rows above r hold a fraction 1 − (1 − r/m)² of the triangle's area.
            let row = upper ? Double(m) * (1 - (1 - share).squareRoot()) : Double(m) * share
            let cut = min(m, Int(row.rounded()) / 12 * 12)
            if cut > cuts[cuts.count - 1] { cuts.append(cut) }
        }
        cuts.append(m)
        return cuts
    }

    /// Packing space for products of up to `rows` rows of C and `terms` terms, kept by a caller
    /// that multiplies many blocks on one thread (the neighbour engine's workers), so that no
    /// block pays for a fresh allocation and its page faults.
    public final class Scratch: @unchecked Sendable {
        let rows: Int
        let terms: Int
        let base: UnsafeMutableRawPointer

        public init(rows: Int, terms: Int) {
            self.rows = rows
            self.terms = terms
            base = UnsafeMutableRawPointer.allocate(byteCount: ms_products_scratch_bytes(rows, terms), alignment: 64)
        }

        deinit { base.deallocate() }
    }

    /// C = X·Yᵀ (m × n, row stride n) for X m × d and Y n × d, row-major float32, summed in float32
    /// on the calling thread, packing in `scratch` when it is large enough (else in a fresh one).
    public static func multiplyTransposed(_ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>,
                                          into c: UnsafeMutablePointer<Float>, m: Int, n: Int, d: Int,
                                          scratch: Scratch? = nil, version: InstructionSet = .avx512) {
        let space = scratch.flatMap { $0.rows >= m && $0.terms >= d ? $0 : nil } ?? Scratch(rows: m, terms: d)
        ms_products_nt_f32(version.rawValue, m, n, d, x, d, y, d, c, n, space.base)
    }
}
