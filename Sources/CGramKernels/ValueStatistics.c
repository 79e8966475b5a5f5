// Summary statistics of stored floating-point values; see include/ValueStatistics.h. Written for
// MindSpace. The AVX-512 and portable versions follow the same lanes, the same operations
// (TwoSum, fused multiply–add for squares, no other contraction) and the same combination order,
// so they give the same bits.
#include "ValueStatistics.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#pragma STDC FP_CONTRACT OFF

// Element i of a sub-block goes to lane i mod 32 of every running total.
enum { LANES = 32 };

// ---------------------------------------------------------------------------------------------
// Shared scalar parts: the totals of one sub-block, lane combination and the merge.

typedef struct {
    double sum, sum_compensation, squares, mean, m2, minimum, maximum;
    ptrdiff_t finite, non_finite;
} sub_block;

// Neumaier's (1974) step: *total + *compensation gains value; an overflow keeps ±Inf.
static void neumaier_add(double *total, double *compensation, double value) {
    const double next = *total + value;
    if (!isfinite(next)) { *total = next; return; }
    // Branch-free: either operand is as often the larger.
    const int total_larger = fabs(*total) >= fabs(value);
    const double larger = total_larger ? *total : value, smaller = total_larger ? value : *total;
    *compensation += (larger - next) + smaller;
    *total = next;
}

// The sub-block's Σx, minimum and maximum and its mean. The lane sums are added pairwise (lane j
// gains lane j + w for w = 16, 8, …, 1) by TwoSum (Knuth), whose rounding errors join the lanes'
// own TwoSum errors, added along the same tree: Σx = sums[0] + errors[0] to within a few ε² Σ|x|.
// The extremes are reduced over the lanes in order. (A fixed tree, so that the compiler may
// vectorise it and every version still gets the same bits.)
static void combine_first_pass(double *sums, double *errors, const double *minima, const double *maxima,
                               sub_block *b) {
    for (int w = LANES / 2; w >= 1; w /= 2) {
        for (int j = 0; j < w; j++) {
            const double x = sums[j], y = sums[j + w], t = x + y, z = t - x, e = (x - (t - z)) + (y - z);
            sums[j] = t;
            errors[j] = (errors[j] + errors[j + w]) + e;
        }
    }
    double minimum = INFINITY, maximum = -INFINITY;
    for (int lane = 0; lane < LANES; lane++) {
        if (minima[lane] < minimum) minimum = minima[lane];
        if (maxima[lane] > maximum) maximum = maxima[lane];
    }
    b->sum = sums[0];
    b->sum_compensation = isfinite(sums[0]) ? errors[0] : 0.0;
    b->minimum = minimum;
    b->maximum = maximum;
    b->mean = b->finite > 0 ? (b->sum + b->sum_compensation) / (double)b->finite : 0.0;
}

// Σ over the lanes by the same pairwise tree (plain additions).
static double combine_lanes(double *lanes) {
    for (int w = LANES / 2; w >= 1; w /= 2)
        for (int j = 0; j < w; j++) lanes[j] += lanes[j + w];
    return lanes[0];
}

// M2 from the first pass's shifted sums S1 = Σ(x − K), S2 = Σ(x − K)² ("shifted data"):
// M2 = S2 − S1²/n, taken only when S1²/n ≤ S2/2, so that the subtraction cancels at most one
// bit and M2 is as accurate as S2; returns 0 otherwise (K too far from the mean: the caller
// sums (x − mean)² in a second pass). An empty or constant run gives M2 = 0 exactly.
static int shifted_moments(double *shifted, double *shifted_squares, sub_block *b) {
    const double s1 = combine_lanes(shifted), s2 = combine_lanes(shifted_squares);
    if (b->finite == 0) {
        b->m2 = 0;
        return 1;
    }
    const double correction = s1 * s1 / (double)b->finite;
    if (!(correction <= 0.5 * s2)) return 0;
    b->m2 = s2 - correction;
    return 1;
}

// Σx² = M2 + n·mean² (two non-negative terms: no cancellation).
static void finish_moments(sub_block *b) {
    b->squares = b->m2 + (double)b->finite * (b->mean * b->mean);
}

// r ← r merged with the next sub-block: sums by Neumaier, moments by Chan, Golub & LeVeque
// (1979): δ = mean_b − mean_a, mean += δ·n_b/n, M2 += M2_b + δ²·(n_a·n_b/n).
static void merge(ms_value_statistics *r, const sub_block *b) {
    neumaier_add(&r->sum, &r->sum_compensation, b->sum);
    r->sum_compensation += b->sum_compensation;
    neumaier_add(&r->squares, &r->squares_compensation, b->squares);
    r->non_finite += b->non_finite;
    if (b->finite == 0) return;
    if (r->finite == 0) {
        r->mean = b->mean;
        r->m2 = b->m2;
    } else {
        const double total = (double)(r->finite + b->finite);
        const double delta = b->mean - r->mean;
        r->mean += delta * (double)b->finite / total;
        r->m2 += b->m2 + delta * delta * ((double)r->finite * (double)b->finite / total);
    }
    r->finite += b->finite;
    if (b->minimum < r->minimum) r->minimum = b->minimum;
    if (b->maximum > r->maximum) r->maximum = b->maximum;
}

// ---------------------------------------------------------------------------------------------
// Portable version.

// IEEE binary16 → binary32, exactly (NaN payloads are not kept: NaN is only counted).
static float half_to_float(uint16_t h) {
    const uint32_t sign = (uint32_t)(h & 0x8000u) << 16;
    const uint32_t exponent = (h >> 10) & 0x1fu, mantissa = h & 0x3ffu;
    uint32_t bits;
    if (exponent == 0x1f) {
        bits = sign | 0x7f800000u | (mantissa << 13);
    } else if (exponent != 0) {
        bits = sign | ((exponent + 112u) << 23) | (mantissa << 13);
    } else {
        const float magnitude = (float)mantissa * 0x1p-24f;  // subnormal or zero: exact
        return sign ? -magnitude : magnitude;
    }
    float value;
    memcpy(&value, &bits, sizeof value);
    return value;
}

static inline double value_at(const int format, const void *values, ptrdiff_t i) {
    switch (format) {
    case MS_VALUES_FLOAT16: return (double)half_to_float(((const uint16_t *)values)[i]);
    case MS_VALUES_BFLOAT16: {
        const uint32_t bits = (uint32_t)((const uint16_t *)values)[i] << 16;
        float value;
        memcpy(&value, &bits, sizeof value);
        return (double)value;
    }
    case MS_VALUES_FLOAT64: return ((const double *)values)[i];
    default: return (double)((const float *)values)[i];
    }
}

static void sub_block_portable(const int format, const void *values, ptrdiff_t start, ptrdiff_t count,
                               double shift, sub_block *b) {
    double sums[LANES] = {0}, errors[LANES] = {0}, shifted[LANES] = {0}, shifted_squares[LANES] = {0};
    double minima[LANES], maxima[LANES];
    for (int lane = 0; lane < LANES; lane++) { minima[lane] = INFINITY; maxima[lane] = -INFINITY; }
    ptrdiff_t finite = 0;
    for (ptrdiff_t i = 0; i < count; i++) {
        const double x = value_at(format, values, start + i);
        if (!isfinite(x)) continue;
        const int lane = (int)(i & (LANES - 1));
        finite++;
        if (format == MS_VALUES_FLOAT64) {
            // TwoSum (Knuth): s + x = t + e exactly.
            const double s = sums[lane], t = s + x, z = t - s, e = (s - (t - z)) + (x - z);
            errors[lane] += e;
            sums[lane] = t;
        } else {
            sums[lane] += x;
        }
        const double d = x - shift;
        shifted[lane] += d;
        shifted_squares[lane] = fma(d, d, shifted_squares[lane]);
        if (x < minima[lane]) minima[lane] = x;
        if (x > maxima[lane]) maxima[lane] = x;
    }
    b->finite = finite;
    b->non_finite = count - finite;
    combine_first_pass(sums, errors, minima, maxima, b);
    if (!shifted_moments(shifted, shifted_squares, b)) {
        double deviations[LANES] = {0};
        for (ptrdiff_t i = 0; i < count; i++) {
            const double x = value_at(format, values, start + i);
            if (!isfinite(x)) continue;
            const double d = x - b->mean;
            deviations[i & (LANES - 1)] = fma(d, d, deviations[i & (LANES - 1)]);
        }
        b->m2 = combine_lanes(deviations);
    }
    finish_moments(b);
}

// ---------------------------------------------------------------------------------------------
// AVX-512 version. Elements go by groups of 32: the running totals are four vectors of 8 doubles
// (vector k element j is lane 8k + j), the extremes two vectors of 16 floats (float32, float16
// and bfloat16 compare exactly as float32) or four of 8 doubles.

#if defined(__x86_64__)
#define MS_AVX512 __attribute__((target("avx512f,avx512dq")))

// fpclass categories QNaN | +Inf | −Inf | SNaN: the elements that are not finite.
enum { NON_FINITE_CLASSES = 0x01 | 0x08 | 0x10 | 0x80 };

// 32 narrow elements at `p` as two vectors of float32 (exact).
MS_AVX512 __attribute__((always_inline))
static inline void load32_narrow(const int format, const void *p, __m512 *a, __m512 *b) {
    const __m256i *h = (const __m256i *)p;
    switch (format) {
    case MS_VALUES_FLOAT16:
        *a = _mm512_cvtph_ps(_mm256_loadu_si256(h));
        *b = _mm512_cvtph_ps(_mm256_loadu_si256(h + 1));
        return;
    case MS_VALUES_BFLOAT16:
        *a = _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_cvtepu16_epi32(_mm256_loadu_si256(h)), 16));
        *b = _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_cvtepu16_epi32(_mm256_loadu_si256(h + 1)), 16));
        return;
    default:
        *a = _mm512_loadu_ps((const float *)p);
        *b = _mm512_loadu_ps((const float *)p + 16);
        return;
    }
}

// The four double vectors of the 32 narrow elements in `a`, `b` (exact).
MS_AVX512 __attribute__((always_inline))
static inline void widen32(__m512 a, __m512 b, __m512d v[4]) {
    v[0] = _mm512_cvtps_pd(_mm512_castps512_ps256(a));
    v[1] = _mm512_cvtps_pd(_mm512_extractf32x8_ps(a, 1));
    v[2] = _mm512_cvtps_pd(_mm512_castps512_ps256(b));
    v[3] = _mm512_cvtps_pd(_mm512_extractf32x8_ps(b, 1));
}

// The 32 elements at `p` as doubles (exact); narrow ones also as two float vectors in `a`, `b`.
MS_AVX512 __attribute__((always_inline))
static inline void load32(const int format, const void *p, __m512 *a, __m512 *b, __m512d v[4]) {
    if (format == MS_VALUES_FLOAT64) {
        for (int k = 0; k < 4; k++) v[k] = _mm512_loadu_pd((const double *)p + 8 * k);
        return;
    }
    load32_narrow(format, p, a, b);
    widen32(*a, *b, v);
}

typedef struct {
    __m512d s[4], e[4], d1[4], d2[4], m[4];
    __m512 lo[2], hi[2];
    __m512d lo64[4], hi64[4];
} lanes_avx512;

MS_AVX512 __attribute__((always_inline))
static inline void reset_first_pass(lanes_avx512 *l) {
    for (int k = 0; k < 4; k++) {
        l->s[k] = l->e[k] = l->d1[k] = l->d2[k] = _mm512_setzero_pd();
        l->lo64[k] = _mm512_set1_pd(INFINITY);
        l->hi64[k] = _mm512_set1_pd(-INFINITY);
    }
    for (int k = 0; k < 2; k++) {
        l->lo[k] = _mm512_set1_ps(INFINITY);
        l->hi[k] = _mm512_set1_ps(-INFINITY);
    }
}

// Adds the 32 doubles `x` (TwoSum for float64) to the lane sums, and x − shift (zero where
// `mask` is clear) with its square to the shifted sums.
MS_AVX512 __attribute__((always_inline))
static inline void add32(const int format, const __m512d x[4], uint32_t mask, __m512d shift, lanes_avx512 *l) {
    for (int k = 0; k < 4; k++) {
        if (format == MS_VALUES_FLOAT64) {
            const __m512d t = _mm512_add_pd(l->s[k], x[k]), z = _mm512_sub_pd(t, l->s[k]);
            l->e[k] = _mm512_add_pd(l->e[k], _mm512_add_pd(_mm512_sub_pd(l->s[k], _mm512_sub_pd(t, z)), _mm512_sub_pd(x[k], z)));
            l->s[k] = t;
        } else {
            l->s[k] = _mm512_add_pd(l->s[k], x[k]);
        }
        const __m512d d = mask == 0xffffffffu ? _mm512_sub_pd(x[k], shift)
                                              : _mm512_maskz_sub_pd((__mmask8)(mask >> (8 * k)), x[k], shift);
        l->d1[k] = _mm512_add_pd(l->d1[k], d);
        l->d2[k] = _mm512_fmadd_pd(d, d, l->d2[k]);
    }
}

// First pass over a group of 32 assumed finite: no masks. A non-finite element (or, for
// float64, an overflow) leaves a lane sum non-finite, and the caller then repeats the sub-block
// with `first_pass32_masked`, which gives the same bits on finite data.
MS_AVX512 __attribute__((always_inline))
static inline void first_pass32(const int format, const void *p, __m512d shift, lanes_avx512 *l) {
    __m512 a, b;
    __m512d v[4];
    load32(format, p, &a, &b, v);
    if (format == MS_VALUES_FLOAT64) {
        for (int k = 0; k < 4; k++) {
            l->lo64[k] = _mm512_min_pd(v[k], l->lo64[k]);
            l->hi64[k] = _mm512_max_pd(v[k], l->hi64[k]);
        }
    } else {
        l->lo[0] = _mm512_min_ps(a, l->lo[0]);
        l->hi[0] = _mm512_max_ps(a, l->hi[0]);
        l->lo[1] = _mm512_min_ps(b, l->lo[1]);
        l->hi[1] = _mm512_max_ps(b, l->hi[1]);
    }
    add32(format, v, 0xffffffffu, shift, l);
}

// First pass over the group of 32 at `p` of which `valid` are present, leaving out the
// non-finite: returns the finite mask (bit l: lane l).
MS_AVX512 __attribute__((always_inline))
static inline uint32_t first_pass32_masked(const int format, const void *p, uint32_t valid, __m512d shift,
                                           lanes_avx512 *l) {
    __m512 a, b;
    __m512d v[4];
    load32(format, p, &a, &b, v);
    uint32_t mask = 0;
    for (int k = 0; k < 4; k++) {
        const __mmask8 ok = (__mmask8)(~_mm512_fpclass_pd_mask(v[k], NON_FINITE_CLASSES) & (valid >> (8 * k)));
        mask |= (uint32_t)ok << (8 * k);
        v[k] = _mm512_maskz_mov_pd(ok, v[k]);
    }
    if (format == MS_VALUES_FLOAT64) {
        for (int k = 0; k < 4; k++) {
            l->lo64[k] = _mm512_mask_min_pd(l->lo64[k], (__mmask8)(mask >> (8 * k)), v[k], l->lo64[k]);
            l->hi64[k] = _mm512_mask_max_pd(l->hi64[k], (__mmask8)(mask >> (8 * k)), v[k], l->hi64[k]);
        }
    } else {
        l->lo[0] = _mm512_mask_min_ps(l->lo[0], (__mmask16)mask, a, l->lo[0]);
        l->hi[0] = _mm512_mask_max_ps(l->hi[0], (__mmask16)mask, a, l->hi[0]);
        l->lo[1] = _mm512_mask_min_ps(l->lo[1], (__mmask16)(mask >> 16), b, l->lo[1]);
        l->hi[1] = _mm512_mask_max_ps(l->hi[1], (__mmask16)(mask >> 16), b, l->hi[1]);
    }
    add32(format, v, mask, shift, l);
    return mask;
}

// Second pass over the group: m += (x − mean)² for the elements of `mask`.
MS_AVX512 __attribute__((always_inline))
static inline void second_pass32(const int format, const void *p, uint32_t mask, __m512d mean, lanes_avx512 *l) {
    __m512 a, b;
    __m512d v[4];
    load32(format, p, &a, &b, v);
    for (int k = 0; k < 4; k++) {
        const __m512d d = mask == 0xffffffffu ? _mm512_sub_pd(v[k], mean)
                                              : _mm512_maskz_sub_pd((__mmask8)(mask >> (8 * k)), v[k], mean);
        l->m[k] = _mm512_fmadd_pd(d, d, l->m[k]);
    }
}

MS_AVX512 __attribute__((always_inline))
static inline int all_finite(const lanes_avx512 *l) {
    __mmask8 bad = 0;
    for (int k = 0; k < 4; k++)
        bad |= _mm512_fpclass_pd_mask(l->s[k], NON_FINITE_CLASSES) | _mm512_fpclass_pd_mask(l->e[k], NON_FINITE_CLASSES);
    return bad == 0;
}

MS_AVX512 __attribute__((always_inline))
static inline void sub_block_avx512(const int format, const void *values, ptrdiff_t start, ptrdiff_t count,
                                    double shift_value, sub_block *b) {
    const size_t width = format == MS_VALUES_FLOAT64 ? 8 : format == MS_VALUES_FLOAT32 ? 4 : 2;
    const char *base = (const char *)values + (size_t)start * width;
    const ptrdiff_t whole = count / LANES * LANES;
    const __m512d shift = _mm512_set1_pd(shift_value);
    // The last partial group of 32, copied into zeros (the absent elements are masked off).
    uint8_t tail[LANES * 8] __attribute__((aligned(64)));
    const uint32_t tail_valid = (uint32_t)(((uint64_t)1 << (count - whole)) - 1);
    if (whole < count) {
        memset(tail, 0, sizeof tail);
        memcpy(tail, base + (size_t)whole * width, (size_t)(count - whole) * width);
    }
    // With a non-finite element: the finite mask of every whole group of 32, for the second pass.
    uint32_t masks[MS_VALUES_SUBBLOCK / LANES];
    lanes_avx512 l;
    reset_first_pass(&l);
    for (ptrdiff_t i = 0; i < whole; i += LANES) first_pass32(format, base + (size_t)i * width, shift, &l);
    ptrdiff_t finite = whole;
    const int clean = all_finite(&l);
    if (!clean) {
        reset_first_pass(&l);
        finite = 0;
        for (ptrdiff_t i = 0, group = 0; i < whole; i += LANES, group++) {
            masks[group] = first_pass32_masked(format, base + (size_t)i * width, 0xffffffffu, shift, &l);
            finite += __builtin_popcount(masks[group]);
        }
    }
    uint32_t tail_mask = 0;
    if (whole < count) {
        tail_mask = first_pass32_masked(format, tail, tail_valid, shift, &l);
        finite += __builtin_popcount(tail_mask);
    }
    double sums[LANES], errors[LANES], shifted[LANES], shifted_squares[LANES], minima[LANES], maxima[LANES];
    for (int k = 0; k < 4; k++) {
        _mm512_storeu_pd(sums + 8 * k, l.s[k]);
        _mm512_storeu_pd(errors + 8 * k, l.e[k]);
        _mm512_storeu_pd(shifted + 8 * k, l.d1[k]);
        _mm512_storeu_pd(shifted_squares + 8 * k, l.d2[k]);
    }
    if (format == MS_VALUES_FLOAT64) {
        for (int k = 0; k < 4; k++) {
            _mm512_storeu_pd(minima + 8 * k, l.lo64[k]);
            _mm512_storeu_pd(maxima + 8 * k, l.hi64[k]);
        }
    } else {
        float low[LANES], high[LANES];
        for (int k = 0; k < 2; k++) {
            _mm512_storeu_ps(low + 16 * k, l.lo[k]);
            _mm512_storeu_ps(high + 16 * k, l.hi[k]);
        }
        for (int lane = 0; lane < LANES; lane++) {
            minima[lane] = (double)low[lane];
            maxima[lane] = (double)high[lane];
        }
    }
    b->finite = finite;
    b->non_finite = count - finite;
    combine_first_pass(sums, errors, minima, maxima, b);
    if (!shifted_moments(shifted, shifted_squares, b)) {
        const __m512d mean = _mm512_set1_pd(b->mean);
        for (int k = 0; k < 4; k++) l.m[k] = _mm512_setzero_pd();
        for (ptrdiff_t i = 0, group = 0; i < whole; i += LANES, group++)
            second_pass32(format, base + (size_t)i * width, clean ? 0xffffffffu : masks[group], mean, &l);
        if (whole < count) second_pass32(format, tail, tail_mask, mean, &l);
        double deviations[LANES];
        for (int k = 0; k < 4; k++) _mm512_storeu_pd(deviations + 8 * k, l.m[k]);
        b->m2 = combine_lanes(deviations);
    }
    finish_moments(b);
}

// The shift K of each sub-block's first pass: 0 for the first, then the mean of the last
// sub-block that had a finite element (neighbouring values of a tensor tend to share a mean).
MS_AVX512
static void statistics_avx512(const int format, const void *values, ptrdiff_t count, ms_value_statistics *r) {
    double shift = 0;
    for (ptrdiff_t start = 0; start < count; start += MS_VALUES_SUBBLOCK) {
        const ptrdiff_t n = count - start < MS_VALUES_SUBBLOCK ? count - start : MS_VALUES_SUBBLOCK;
        sub_block b;
        switch (format) {
        case MS_VALUES_FLOAT16: sub_block_avx512(MS_VALUES_FLOAT16, values, start, n, shift, &b); break;
        case MS_VALUES_BFLOAT16: sub_block_avx512(MS_VALUES_BFLOAT16, values, start, n, shift, &b); break;
        case MS_VALUES_FLOAT64: sub_block_avx512(MS_VALUES_FLOAT64, values, start, n, shift, &b); break;
        default: sub_block_avx512(MS_VALUES_FLOAT32, values, start, n, shift, &b); break;
        }
        merge(r, &b);
        if (b.finite > 0 && isfinite(b.mean)) shift = b.mean;
    }
}

static int has_avx512(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq");
}
#endif

static void statistics_portable(const int format, const void *values, ptrdiff_t count, ms_value_statistics *r) {
    double shift = 0;
    for (ptrdiff_t start = 0; start < count; start += MS_VALUES_SUBBLOCK) {
        const ptrdiff_t n = count - start < MS_VALUES_SUBBLOCK ? count - start : MS_VALUES_SUBBLOCK;
        sub_block b;
        sub_block_portable(format, values, start, n, shift, &b);
        merge(r, &b);
        if (b.finite > 0 && isfinite(b.mean)) shift = b.mean;
    }
}

void ms_value_statistics_isa(int isa, int format, const void *values, ptrdiff_t count, ms_value_statistics *result) {
    ms_value_statistics r = {0};
    r.minimum = INFINITY;
    r.maximum = -INFINITY;
    if (count > 0) {
#if defined(__x86_64__)
        if (isa >= 2 && has_avx512()) statistics_avx512(format, values, count, &r);
        else
#endif
            statistics_portable(format, values, count, &r);
    }
    *result = r;
}
