import CGramKernels
import MindSpaceCore

/// The SIMD kernels of the checkpoint stream (`Sources/CGramKernels`; this is the one Swift file
/// that imports them): the upper triangle of a Gram product (directly, or kept unreduced in a
/// workspace across calls), widening float32, one tile row's difference from a reference with
/// its sums, centring columns, and the summary statistics of stored values. Each runs the widest version the processor has (AVX-512F,
/// AVX2+FMA or portable C), chosen per call; `version` asks for a narrower one (for tests). For
/// n ≤ a few hundred rows and tiles of ~1000 columns the Gram kernel is about twice as fast as
/// OpenBLAS `dsyrk`, whose packing dominates at such small n.
///
/// Results: widening, row differences with their sums (32 partial-sum lanes, lane l taking the
/// elements with index ≡ l mod 32, combined in order) and centring (column sums over rows in row
/// order) are bit-identical on every version (element-wise IEEE operations). Gram entries differ
/// between versions only by the order of their partial sums (a few ε·Σ|xᵢxⱼ|).
enum GramKernels {
    /// A version of the kernels.
    enum InstructionSet: Int32, CaseIterable {
        case portable = 0, avx2 = 1, avx512 = 2
    }

    /// C[i][j] += Σ_c A[i][c]·A[j][c] for 0 ≤ i ≤ j < n: A is n × k (rows `lda` apart), C is
    /// n × n (rows `ldc` apart); only the upper triangle of C is touched. Cost n(n+1)/2·k
    /// multiply–adds (a little more on diagonal blocks).
    static func addUpperGram(n: Int, k: Int, a: UnsafePointer<Double>, lda: Int, c: UnsafeMutablePointer<Double>,
                             ldc: Int, version: InstructionSet? = nil) {
        ms_gram_upper_accumulate_isa((version ?? .avx512).rawValue, Int32(n), k, a, lda, c, ldc)
    }

    /// Doubles of workspace `accumulateGram` needs for n rows (in a layout of the version: the
    /// AVX-512 partial-sum vectors for n ≤ 48, else an n × n upper triangle).
    static func gramWorkspaceCount(n: Int, version: InstructionSet? = nil) -> Int {
        ms_gram_workspace_size_isa((version ?? .avx512).rawValue, Int32(n))
    }

    /// Adds the Gram products of A (n × k, rows `lda` apart) to `workspace` (64-byte aligned,
    /// `gramWorkspaceCount` doubles, zero before first use), without reducing them: many calls
    /// then cost one reduction (`flushGram`).
    static func accumulateGram(n: Int, k: Int, a: UnsafePointer<Double>, lda: Int, workspace: UnsafeMutablePointer<Double>,
                               version: InstructionSet? = nil) {
        ms_gram_workspace_accumulate_isa((version ?? .avx512).rawValue, Int32(n), k, a, lda, workspace)
    }

    /// C[i][j] += the workspace's total for every i ≤ j < n (C's rows `ldc` apart); the workspace
    /// is zero afterwards. Same `version` and n as the accumulation.
    static func flushGram(n: Int, workspace: UnsafeMutablePointer<Double>, c: UnsafeMutablePointer<Double>, ldc: Int,
                          version: InstructionSet? = nil) {
        ms_gram_workspace_flush_isa((version ?? .avx512).rawValue, Int32(n), workspace, c, ldc)
    }

    /// Widens `count` float32 values to `target` (exact).
    static func widenFloat32(_ source: UnsafePointer<Float>, into target: UnsafeMutablePointer<Double>, count: Int,
                             version: InstructionSet? = nil) {
        ms_widen_float32_isa((version ?? .avx512).rawValue, source, target, count)
    }

    /// Centres `width` columns of `rows` rows `ld` apart: each column minus its mean,
    /// (Σ over rows in row order)·(1/rows).
    static func centreColumns(_ block: UnsafeMutablePointer<Double>, ld: Int, rows: Int, width: Int,
                              version: InstructionSet? = nil) {
        ms_centre_columns_isa((version ?? .avx512).rawValue, block, ld, Int32(rows), width)
    }

    /// One row of a tile, in one pass: v = `source` widened (when given; otherwise the doubles
    /// already in `values`); writes v − `reference` (when given) or v to `values` and returns
    /// Σ v and Σ v² (32 partial-sum lanes, lane l taking the elements with index ≡ l mod 32,
    /// combined in order; identical on every version).
    static func differenceRow(widening source: UnsafePointer<Float>?, values: UnsafeMutablePointer<Double>,
                              minus reference: UnsafePointer<Double>?, count: Int,
                              version: InstructionSet? = nil) -> (sum: Double, squares: Double) {
        var sum = 0.0, squares = 0.0
        ms_difference_row_isa((version ?? .avx512).rawValue, source, values, reference, count, &sum, &squares)
        return (sum, squares)
    }

    /// The stored element formats `valueStatistics` reads, in native byte order.
    enum ValueFormat: Int32 {
        case float32 = 0, float16 = 1, bfloat16 = 2, float64 = 3

        /// The format of `dtype`, or `nil` for one the kernel does not read (integers, bool).
        init?(_ dtype: DType) {
            switch dtype {
            case .float32: self = .float32
            case .float16: self = .float16
            case .bfloat16: self = .bfloat16
            case .float64: self = .float64
            default: return nil
            }
        }
    }

    /// Statistics of the `count` elements at `values` (`format`, native byte order), in sub-blocks
    /// of 8192 elements from the first: per sub-block, in 32 lanes, Σx (TwoSum per lane for
    /// float64; plain double sums for the narrower formats, whose values are exact in double),
    /// minimum, maximum and the shifted sums S1 = Σ(x − K), S2 = Σ(x − K)² about the previous
    /// sub-block's mean K ("shifted data"): M2 = S2 − S1²/n when that cancels at most one bit,
    /// else a second pass summing (x − mean)²; lanes combined by a fixed pairwise tree, the
    /// sub-blocks merged in order (sums by Neumaier 1974, moments by Chan, Golub & LeVeque
    /// 1979), Σx² as M2 + n·mean² per sub-block. NaN and ±Inf are counted and left out. Every
    /// version gives the same bits. Cost: one pass over the bytes, two where K is far from a
    /// sub-block's mean.
    static func valueStatistics(_ values: UnsafeRawPointer, format: ValueFormat, count: Int,
                                version: InstructionSet? = nil) -> TensorStatistics.Block {
        var result = ms_value_statistics()
        ms_value_statistics_isa((version ?? .avx512).rawValue, format.rawValue, values, count, &result)
        return TensorStatistics.Block(
            finite: result.finite, nonFinite: result.non_finite,
            sum: result.sum, sumCompensation: result.sum_compensation,
            squares: result.squares, squaresCompensation: result.squares_compensation,
            mean: result.mean, m2: result.m2, minimum: result.minimum, maximum: result.maximum)
    }
}
