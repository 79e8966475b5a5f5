// SIMD kernels for the checkpoint stream; see include/GramKernels.h. Written for MindSpace.
// Every kernel has an AVX-512F, an AVX2+FMA and a portable version; `kernel_isa` picks one per
// call from the processor's features (cheap: the features are read once by the runtime).
// Widening, row differences with their sums of squares, and centring give bit-identical results
// on every version (element-wise IEEE operations, the same 32 partial-sum lanes, no contraction
// into FMA); the Gram products differ between versions only in the order of the partial sums.
#include "GramKernels.h"

#include <immintrin.h>

#pragma STDC FP_CONTRACT OFF

enum isa { ISA_PORTABLE = 0, ISA_AVX2 = 1, ISA_AVX512 = 2 };

static enum isa kernel_isa(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f")) return ISA_AVX512;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return ISA_AVX2;
#endif
    return ISA_PORTABLE;
}

static int min_int(int a, int b) { return a < b ? a : b; }

// ---------------------------------------------------------------------------------------------
// Gram upper triangle. Blocks of up to 4 rows (i) × 4 rows (j), j-block ≥ i-block. The AVX-512
// version computes only the entries it keeps: a diagonal block its upper triangle (10 of 16 for
// 4 rows), a block at the end of the rows only the rows that exist. The AVX2 version clamps rows
// past n to row n − 1 and drops their results, and computes (and drops) the entries below the
// diagonal of diagonal blocks.

#if defined(__x86_64__)
// One block of T i-rows × U j-rows over columns [0, k), adding to the partial-sum vectors
// s[4·t + u] (row t of the i rows, row u of the j rows); with `diagonal` the i and j rows are the
// same and only u ≥ t is computed. T, U and `diagonal` are constants at every call, so the
// loops unroll and the sums stay in registers (at most 16 sums and 8 loaded rows).
__attribute__((target("avx512f"), always_inline))
static inline void gram_block_avx512(const double *const x[4], const double *const y[4], ptrdiff_t k, __m512d *s,
                                     const int T, const int U, const int diagonal) {
    __m512d sum[4][4];
    for (int t = 0; t < T; t++)
        for (int u = 0; u < U; u++)
            if (!diagonal || u >= t) sum[t][u] = s[4 * t + u];
    ptrdiff_t col = 0;
    for (; col + 8 <= k; col += 8) {
        __m512d a[4], b[4];
        for (int t = 0; t < T; t++) a[t] = _mm512_loadu_pd(x[t] + col);
        for (int u = 0; u < U; u++) b[u] = diagonal ? a[u] : _mm512_loadu_pd(y[u] + col);
        for (int t = 0; t < T; t++)
            for (int u = 0; u < U; u++)
                if (!diagonal || u >= t) sum[t][u] = _mm512_fmadd_pd(a[t], b[u], sum[t][u]);
    }
    if (col < k) {
        const __mmask8 mask = (__mmask8)((1u << (unsigned)(k - col)) - 1u);
        __m512d a[4], b[4];
        for (int t = 0; t < T; t++) a[t] = _mm512_maskz_loadu_pd(mask, x[t] + col);
        for (int u = 0; u < U; u++) b[u] = diagonal ? a[u] : _mm512_maskz_loadu_pd(mask, y[u] + col);
        for (int t = 0; t < T; t++)
            for (int u = 0; u < U; u++)
                if (!diagonal || u >= t) sum[t][u] = _mm512_fmadd_pd(a[t], b[u], sum[t][u]);
    }
    for (int t = 0; t < T; t++)
        for (int u = 0; u < U; u++)
            if (!diagonal || u >= t) s[4 * t + u] = sum[t][u];
}

// The block at rows (ib, jb) with its shape: T = U = rows left (at most 4) on the diagonal, else
// 4 i-rows and the j-rows left.
__attribute__((target("avx512f")))
static void gram_block_dispatch_avx512(const double *const x[4], const double *const y[4], ptrdiff_t k, __m512d *s,
                                       int rows_i, int rows_j, int diagonal) {
    if (diagonal) {
        switch (rows_i) {
        case 1: gram_block_avx512(x, y, k, s, 1, 1, 1); return;
        case 2: gram_block_avx512(x, y, k, s, 2, 2, 1); return;
        case 3: gram_block_avx512(x, y, k, s, 3, 3, 1); return;
        default: gram_block_avx512(x, y, k, s, 4, 4, 1); return;
        }
    }
    switch (rows_j) {
    case 1: gram_block_avx512(x, y, k, s, 4, 1, 0); return;
    case 2: gram_block_avx512(x, y, k, s, 4, 2, 0); return;
    case 3: gram_block_avx512(x, y, k, s, 4, 3, 0); return;
    default: gram_block_avx512(x, y, k, s, 4, 4, 0); return;
    }
    (void)rows_i;
}

// Columns are taken in panels of `GRAM_PANEL` (for n ≤ 48 rows: at most 192 KiB, which stays in
// the second-level cache while every block of the panel runs; 512 measured fastest against 128,
// 256 and 1024), each block's 16 partial-sum vectors kept in memory ("lanes") between panels,
// and between calls when the caller keeps a workspace, and reduced once when flushed.
enum { GRAM_PANEL = 512, GRAM_PANEL_ROWS = 48 };

static int gram_blocks(int n) {
    const int row_blocks = (n + 3) / 4;
    return row_blocks * (row_blocks + 1) / 2;
}

// lanes (16 vectors per block, blocks in (ib, jb ≥ ib) order) += the partial sums over [0, k).
__attribute__((target("avx512f")))
static void gram_lanes_avx512(int n, ptrdiff_t k, const double *a, ptrdiff_t lda, __m512d *lanes) {
    for (ptrdiff_t start = 0; start < k; start += GRAM_PANEL) {
        const ptrdiff_t width = k - start < GRAM_PANEL ? k - start : GRAM_PANEL;
        int block = 0;
        for (int ib = 0; ib < n; ib += 4) {
            const double *x[4];
            for (int t = 0; t < 4; t++) x[t] = a + (ptrdiff_t)min_int(ib + t, n - 1) * lda + start;
            for (int jb = ib; jb < n; jb += 4, block++) {
                const double *y[4];
                for (int u = 0; u < 4; u++) y[u] = a + (ptrdiff_t)min_int(jb + u, n - 1) * lda + start;
                gram_block_dispatch_avx512(x, y, width, lanes + 16 * block, min_int(4, n - ib), min_int(4, n - jb), ib == jb);
            }
        }
    }
}

// C[i][j] += the reduced lanes of each entry (i ≤ j < n), and the lanes are zeroed.
__attribute__((target("avx512f")))
static void gram_lanes_flush_avx512(int n, __m512d *lanes, double *c, ptrdiff_t ldc) {
    int block = 0;
    for (int ib = 0; ib < n; ib += 4) {
        for (int jb = ib; jb < n; jb += 4, block++) {
            __m512d *s = lanes + 16 * block;
            for (int t = 0; t < 4 && ib + t < n; t++)
                for (int u = 0; u < 4 && jb + u < n; u++)
                    if (ib + t <= jb + u) c[(ptrdiff_t)(ib + t) * ldc + jb + u] += _mm512_reduce_add_pd(s[4 * t + u]);
            for (int v = 0; v < 16; v++) s[v] = _mm512_setzero_pd();
        }
    }
}

// Without a workspace: for n ≤ 48 rows the lanes live on the stack for one call; above, each
// block runs over all k columns at once and is reduced straight away.
__attribute__((target("avx512f")))
static void gram_avx512(int n, ptrdiff_t k, const double *a, ptrdiff_t lda, double *c, ptrdiff_t ldc) {
    if (n <= GRAM_PANEL_ROWS) {
        __m512d lanes[16 * ((GRAM_PANEL_ROWS / 4) * (GRAM_PANEL_ROWS / 4 + 1) / 2)];
        for (int v = 0; v < 16 * gram_blocks(n); v++) lanes[v] = _mm512_setzero_pd();
        gram_lanes_avx512(n, k, a, lda, lanes);
        gram_lanes_flush_avx512(n, lanes, c, ldc);
        return;
    }
    for (int ib = 0; ib < n; ib += 4) {
        const double *x[4];
        for (int t = 0; t < 4; t++) x[t] = a + (ptrdiff_t)min_int(ib + t, n - 1) * lda;
        for (int jb = ib; jb < n; jb += 4) {
            const double *y[4];
            for (int u = 0; u < 4; u++) y[u] = a + (ptrdiff_t)min_int(jb + u, n - 1) * lda;
            __m512d s[16];
            for (int v = 0; v < 16; v++) s[v] = _mm512_setzero_pd();
            gram_block_dispatch_avx512(x, y, k, s, min_int(4, n - ib), min_int(4, n - jb), ib == jb);
            for (int t = 0; t < 4 && ib + t < n; t++)
                for (int u = 0; u < 4 && jb + u < n; u++)
                    if (ib + t <= jb + u) c[(ptrdiff_t)(ib + t) * ldc + jb + u] += _mm512_reduce_add_pd(s[4 * t + u]);
        }
    }
}

static double hsum256(__m256d v) __attribute__((target("avx2")));
static double hsum256(__m256d v) {
    __m128d low = _mm256_castpd256_pd128(v), high = _mm256_extractf128_pd(v, 1);
    low = _mm_add_pd(low, high);
    return _mm_cvtsd_f64(low) + _mm_cvtsd_f64(_mm_unpackhi_pd(low, low));
}

// Blocks of 2 rows (i) × 4 rows (j): 8 accumulators and 6 loads fit AVX2's 16 registers.
__attribute__((target("avx2,fma")))
static void gram_avx2(int n, ptrdiff_t k, const double *a, ptrdiff_t lda, double *c, ptrdiff_t ldc) {
    for (int ib = 0; ib < n; ib += 2) {
        for (int jb = ib / 4 * 4; jb < n; jb += 4) {
            const double *x0 = a + (ptrdiff_t)min_int(ib + 0, n - 1) * lda, *x1 = a + (ptrdiff_t)min_int(ib + 1, n - 1) * lda;
            const double *y0 = a + (ptrdiff_t)min_int(jb + 0, n - 1) * lda, *y1 = a + (ptrdiff_t)min_int(jb + 1, n - 1) * lda;
            const double *y2 = a + (ptrdiff_t)min_int(jb + 2, n - 1) * lda, *y3 = a + (ptrdiff_t)min_int(jb + 3, n - 1) * lda;
            __m256d s00 = _mm256_setzero_pd(), s01 = s00, s02 = s00, s03 = s00;
            __m256d s10 = s00, s11 = s00, s12 = s00, s13 = s00;
            ptrdiff_t col = 0;
            for (; col + 4 <= k; col += 4) {
                __m256d a0 = _mm256_loadu_pd(x0 + col), a1 = _mm256_loadu_pd(x1 + col);
                __m256d b0 = _mm256_loadu_pd(y0 + col), b1 = _mm256_loadu_pd(y1 + col);
                __m256d b2 = _mm256_loadu_pd(y2 + col), b3 = _mm256_loadu_pd(y3 + col);
                s00 = _mm256_fmadd_pd(a0, b0, s00); s01 = _mm256_fmadd_pd(a0, b1, s01);
                s02 = _mm256_fmadd_pd(a0, b2, s02); s03 = _mm256_fmadd_pd(a0, b3, s03);
                s10 = _mm256_fmadd_pd(a1, b0, s10); s11 = _mm256_fmadd_pd(a1, b1, s11);
                s12 = _mm256_fmadd_pd(a1, b2, s12); s13 = _mm256_fmadd_pd(a1, b3, s13);
            }
            double sums[2][4] = {
                {hsum256(s00), hsum256(s01), hsum256(s02), hsum256(s03)},
                {hsum256(s10), hsum256(s11), hsum256(s12), hsum256(s13)},
            };
            for (; col < k; col++) {
                for (int u = 0; u < 4; u++) {
                    double yv = (u == 0 ? y0 : u == 1 ? y1 : u == 2 ? y2 : y3)[col];
                    sums[0][u] += x0[col] * yv;
                    sums[1][u] += x1[col] * yv;
                }
            }
            for (int t = 0; t < 2 && ib + t < n; t++)
                for (int u = 0; u < 4 && jb + u < n; u++)
                    if (ib + t <= jb + u) c[(ptrdiff_t)(ib + t) * ldc + jb + u] += sums[t][u];
        }
    }
}
#endif

static void gram_portable(int n, ptrdiff_t k, const double *a, ptrdiff_t lda, double *c, ptrdiff_t ldc) {
    for (int i = 0; i < n; i++) {
        const double *x = a + (ptrdiff_t)i * lda;
        for (int j = i; j < n; j++) {
            const double *y = a + (ptrdiff_t)j * lda;
            double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
            ptrdiff_t col = 0;
            for (; col + 4 <= k; col += 4) {
                s0 += x[col] * y[col];
                s1 += x[col + 1] * y[col + 1];
                s2 += x[col + 2] * y[col + 2];
                s3 += x[col + 3] * y[col + 3];
            }
            for (; col < k; col++) s0 += x[col] * y[col];
            c[(ptrdiff_t)i * ldc + j] += (s0 + s1) + (s2 + s3);
        }
    }
}

static enum isa usable(int requested) {
    const enum isa best = kernel_isa();
    return requested < (int)best ? (enum isa)(requested < 0 ? 0 : requested) : best;
}

void ms_gram_upper_accumulate_isa(int isa, int n, ptrdiff_t k, const double *a, ptrdiff_t lda, double *c, ptrdiff_t ldc) {
    if (n <= 0 || k <= 0) return;
    switch (usable(isa)) {
#if defined(__x86_64__)
    case ISA_AVX512: gram_avx512(n, k, a, lda, c, ldc); return;
    case ISA_AVX2: gram_avx2(n, k, a, lda, c, ldc); return;
#endif
    default: gram_portable(n, k, a, lda, c, ldc); return;
    }
}

// The workspace: AVX-512 with n ≤ 48 rows keeps the lanes (16 vectors of 8 doubles per block);
// every other case keeps an n × n upper triangle, added to by the version's Gram kernel.
static int workspace_has_lanes(int isa, int n) {
#if defined(__x86_64__)
    return usable(isa) == ISA_AVX512 && n <= GRAM_PANEL_ROWS;
#else
    (void)isa; (void)n;
    return 0;
#endif
}

ptrdiff_t ms_gram_workspace_size_isa(int isa, int n) {
    if (n <= 0) return 0;
    return workspace_has_lanes(isa, n) ? (ptrdiff_t)gram_blocks(n) * 16 * 8 : (ptrdiff_t)n * n;
}

void ms_gram_workspace_accumulate_isa(int isa, int n, ptrdiff_t k, const double *a, ptrdiff_t lda, double *workspace) {
    if (n <= 0 || k <= 0) return;
#if defined(__x86_64__)
    if (workspace_has_lanes(isa, n)) { gram_lanes_avx512(n, k, a, lda, (__m512d *)workspace); return; }
#endif
    ms_gram_upper_accumulate_isa(isa, n, k, a, lda, workspace, n);
}

void ms_gram_workspace_flush_isa(int isa, int n, double *workspace, double *c, ptrdiff_t ldc) {
    if (n <= 0) return;
#if defined(__x86_64__)
    if (workspace_has_lanes(isa, n)) { gram_lanes_flush_avx512(n, (__m512d *)workspace, c, ldc); return; }
#endif
    for (int i = 0; i < n; i++) {
        for (int j = i; j < n; j++) {
            c[(ptrdiff_t)i * ldc + j] += workspace[(ptrdiff_t)i * n + j];
            workspace[(ptrdiff_t)i * n + j] = 0;
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Widening, row differences and centring. Lane l of the partial sums takes the elements with
// index ≡ l (mod 32); the lanes are combined in order 0…31. Column means are Σ over rows in row order, times
// 1/rows. The same on every version.

static void combine_lanes32(const double *sum_lanes, const double *square_lanes, double *sum, double *squares) {
    double s = 0, q = 0;
    for (int lane = 0; lane < 32; lane++) {
        s += sum_lanes[lane];
        q += square_lanes[lane];
    }
    *sum = s;
    *squares = q;
}

#if defined(__x86_64__)
__attribute__((target("avx512f")))
static void widen_avx512(const float *src, double *dst, ptrdiff_t count) {
    ptrdiff_t i = 0;
    for (; i + 8 <= count; i += 8) _mm512_storeu_pd(dst + i, _mm512_cvtps_pd(_mm256_loadu_ps(src + i)));
    for (; i < count; i++) dst[i] = (double)src[i];
}

__attribute__((target("avx512f")))
static void centre_avx512(double *block, ptrdiff_t ld, int rows, ptrdiff_t width) {
    const __m512d scale = _mm512_set1_pd(1.0 / (double)rows);
    for (ptrdiff_t i = 0; i < width; i += 8) {
        const ptrdiff_t left = width - i;
        const __mmask8 mask = left >= 8 ? (__mmask8)0xFF : (__mmask8)((1u << (unsigned)left) - 1u);
        __m512d total = _mm512_setzero_pd();
        for (int r = 0; r < rows; r++) total = _mm512_add_pd(total, _mm512_maskz_loadu_pd(mask, block + (ptrdiff_t)r * ld + i));
        const __m512d mean = _mm512_mul_pd(total, scale);
        for (int r = 0; r < rows; r++) {
            double *row = block + (ptrdiff_t)r * ld + i;
            _mm512_mask_storeu_pd(row, mask, _mm512_sub_pd(_mm512_maskz_loadu_pd(mask, row), mean));
        }
    }
}

// One row of a tile (see ms_difference_row_isa): 4 independent chains of 8 lanes, so that the
// additions do not wait on each other; chain c lane l takes the elements with index ≡ 8c + l
// (mod 32), the same lane i mod 32 the portable version uses.
__attribute__((target("avx512f")))
static void difference_row_avx512(const float *src, double *values, const double *reference, ptrdiff_t count,
                                  double *sum, double *squares) {
    __m512d s0 = _mm512_setzero_pd(), s1 = s0, s2 = s0, s3 = s0, q0 = s0, q1 = s0, q2 = s0, q3 = s0;
    ptrdiff_t i = 0;
#define MS_DIFF_LOAD(offset) (src ? _mm512_cvtps_pd(_mm256_loadu_ps(src + i + (offset))) : _mm512_loadu_pd(values + i + (offset)))
#define MS_DIFF_STORE(v, offset) \
    _mm512_storeu_pd(values + i + (offset), reference ? _mm512_sub_pd(v, _mm512_loadu_pd(reference + i + (offset))) : v)
    for (; i + 32 <= count; i += 32) {
        const __m512d v0 = MS_DIFF_LOAD(0), v1 = MS_DIFF_LOAD(8), v2 = MS_DIFF_LOAD(16), v3 = MS_DIFF_LOAD(24);
        s0 = _mm512_add_pd(s0, v0); s1 = _mm512_add_pd(s1, v1); s2 = _mm512_add_pd(s2, v2); s3 = _mm512_add_pd(s3, v3);
        q0 = _mm512_add_pd(q0, _mm512_mul_pd(v0, v0)); q1 = _mm512_add_pd(q1, _mm512_mul_pd(v1, v1));
        q2 = _mm512_add_pd(q2, _mm512_mul_pd(v2, v2)); q3 = _mm512_add_pd(q3, _mm512_mul_pd(v3, v3));
        MS_DIFF_STORE(v0, 0); MS_DIFF_STORE(v1, 8); MS_DIFF_STORE(v2, 16); MS_DIFF_STORE(v3, 24);
    }
#undef MS_DIFF_LOAD
#undef MS_DIFF_STORE
    double s[32], q[32];
    _mm512_storeu_pd(s, s0); _mm512_storeu_pd(s + 8, s1); _mm512_storeu_pd(s + 16, s2); _mm512_storeu_pd(s + 24, s3);
    _mm512_storeu_pd(q, q0); _mm512_storeu_pd(q + 8, q1); _mm512_storeu_pd(q + 16, q2); _mm512_storeu_pd(q + 24, q3);
    for (; i < count; i++) {
        const double v = src ? (double)src[i] : values[i];
        s[i & 31] += v;
        const double square = v * v;
        q[i & 31] += square;
        values[i] = reference ? v - reference[i] : v;
    }
    combine_lanes32(s, q, sum, squares);
}
#endif

static void widen_portable(const float *src, double *dst, ptrdiff_t count) {
    for (ptrdiff_t i = 0; i < count; i++) dst[i] = (double)src[i];
}

static void centre_portable(double *block, ptrdiff_t ld, int rows, ptrdiff_t width) {
    const double scale = 1.0 / (double)rows;
    for (ptrdiff_t i = 0; i < width; i++) {
        double total = 0.0;
        for (int r = 0; r < rows; r++) total += block[(ptrdiff_t)r * ld + i];
        const double mean = total * scale;
        for (int r = 0; r < rows; r++) block[(ptrdiff_t)r * ld + i] = block[(ptrdiff_t)r * ld + i] - mean;
    }
}

static void difference_row_portable(const float *src, double *values, const double *reference, ptrdiff_t count,
                                    double *sum, double *squares) {
    double s[32] = {0}, q[32] = {0};
    for (ptrdiff_t i = 0; i < count; i++) {
        const double v = src ? (double)src[i] : values[i];
        s[i & 31] += v;
        const double square = v * v;
        q[i & 31] += square;
        values[i] = reference ? v - reference[i] : v;
    }
    combine_lanes32(s, q, sum, squares);
}

void ms_difference_row_isa(int isa, const float *src, double *values, const double *reference, ptrdiff_t count,
                           double *sum, double *squares) {
#if defined(__x86_64__)
    if (usable(isa) == ISA_AVX512) { difference_row_avx512(src, values, reference, count, sum, squares); return; }
#endif
    difference_row_portable(src, values, reference, count, sum, squares);
}

void ms_widen_float32_isa(int isa, const float *src, double *dst, ptrdiff_t count) {
#if defined(__x86_64__)
    if (usable(isa) == ISA_AVX512) { widen_avx512(src, dst, count); return; }
#endif
    widen_portable(src, dst, count);
}

void ms_centre_columns_isa(int isa, double *block, ptrdiff_t ld, int rows, ptrdiff_t width) {
    if (rows <= 0 || width <= 0) return;
#if defined(__x86_64__)
    if (usable(isa) == ISA_AVX512) { centre_avx512(block, ld, rows, width); return; }
#endif
    centre_portable(block, ld, rows, width);
}

