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
    if (fabs(*total) >= fabs(value)) *compensation += (*total - next) + value;
    else *compensation += (value - next) + *total;
    *total = next;
}

// The sub-block's Σx (lane sums by Neumaier in lane order, plus the lanes' TwoSum errors),
// minimum and maximum (lane order; ties keep the earlier lane) and its mean.
static void combine_first_pass(const double *sums, const double *errors, const double *minima, const double *maxima,
                               sub_block *b) {
    double total = 0, compensation = 0, minimum = INFINITY, maximum = -INFINITY;
    for (int lane = 0; lane < LANES; lane++) {
        neumaier_add(&total, &compensation, sums[lane]);
        compensation += errors[lane];
        if (minima[lane] < minimum) minimum = minima[lane];
        if (maxima[lane] > maximum) maximum = maxima[lane];
    }
    b->sum = total;
    b->sum_compensation = compensation;
    b->minimum = minimum;
    b->maximum = maximum;
    b->mean = b->finite > 0 ? (total + compensation) / (double)b->finite : 0.0;
}

// M2 of the sub-block (its 32 lanes of squared deviations, in lane order) and Σx² = M2 + n·mean²
// (two non-negative terms: no cancellation).
static void finish_second_pass(const double *deviations, sub_block *b) {
    double m2 = 0;
    for (int lane = 0; lane < LANES; lane++) m2 += deviations[lane];
    b->m2 = m2;
    b->squares = m2 + (double)b->finite * (b->mean * b->mean);
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

static void sub_block_portable(const int format, const void *values, ptrdiff_t start, ptrdiff_t count, sub_block *b) {
    double sums[LANES] = {0}, errors[LANES] = {0}, minima[LANES], maxima[LANES];
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
        if (x < minima[lane]) minima[lane] = x;
        if (x > maxima[lane]) maxima[lane] = x;
    }
    b->finite = finite;
    b->non_finite = count - finite;
    combine_first_pass(sums, errors, minima, maxima, b);
    double deviations[LANES] = {0};
    for (ptrdiff_t i = 0; i < count; i++) {
        const double x = value_at(format, values, start + i);
        if (!isfinite(x)) continue;
        const double d = x - b->mean;
        deviations[i & (LANES - 1)] = fma(d, d, deviations[i & (LANES - 1)]);
    }
    finish_second_pass(deviations, b);
}

// ---------------------------------------------------------------------------------------------
// AVX-512 version. Lanes 0…31 are two vectors of 16 floats (minimum, maximum: float32, float16
// and bfloat16 compare exactly as float32) and four vectors of 8 doubles (vector k element j is
// lane 8k + j).

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

// The four double vectors of 32 elements at `p` (exact), given the narrow ones as two float
// vectors `a`, `b` (float32 is widened from memory instead).
MS_AVX512 __attribute__((always_inline))
static inline void widen32(const int format, const void *p, __m512 a, __m512 b, __m512d v[4]) {
    if (format == MS_VALUES_FLOAT32) {
        const __m256 *f = (const __m256 *)p;
        for (int k = 0; k < 4; k++) v[k] = _mm512_cvtps_pd(_mm256_loadu_ps((const float *)(f + k)));
        return;
    }
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
    widen32(format, p, *a, *b, v);
}

typedef struct {
    __m512d s[4], e[4], m[4];
    __m512 lo[2], hi[2];
    __m512d lo64[4], hi64[4];
} lanes_avx512;

MS_AVX512 __attribute__((always_inline))
static inline void reset_first_pass(lanes_avx512 *l) {
    for (int k = 0; k < 4; k++) {
        l->s[k] = l->e[k] = _mm512_setzero_pd();
        l->lo64[k] = _mm512_set1_pd(INFINITY);
        l->hi64[k] = _mm512_set1_pd(-INFINITY);
    }
    for (int k = 0; k < 2; k++) {
        l->lo[k] = _mm512_set1_ps(INFINITY);
        l->hi[k] = _mm512_set1_ps(-INFINITY);
    }
}

// Adds the 32 doubles `x` (TwoSum for float64) to the lane sums.
MS_AVX512 __attribute__((always_inline))
static inline void add32(const int format, const __m512d x[4], lanes_avx512 *l) {
    for (int k = 0; k < 4; k++) {
        if (format == MS_VALUES_FLOAT64) {
            const __m512d t = _mm512_add_pd(l->s[k], x[k]), z = _mm512_sub_pd(t, l->s[k]);
            l->e[k] = _mm512_add_pd(l->e[k], _mm512_add_pd(_mm512_sub_pd(l->s[k], _mm512_sub_pd(t, z)), _mm512_sub_pd(x[k], z)));
            l->s[k] = t;
        } else {
            l->s[k] = _mm512_add_pd(l->s[k], x[k]);
        }
    }
}

// First pass over a group of 32 assumed finite: no masks. A non-finite element (or, for
// float64, an overflow) leaves a lane sum non-finite, and the caller then repeats the sub-block
// with `first_pass32_masked`, which gives the same bits on finite data.
MS_AVX512 __attribute__((always_inline))
static inline void first_pass32(const int format, const void *p, lanes_avx512 *l) {
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
    add32(format, v, l);
}

// First pass over the group of 32 at `p` of which `valid` are present, leaving out the
// non-finite: returns the finite mask (bit l: lane l).
MS_AVX512 __attribute__((always_inline))
static inline uint32_t first_pass32_masked(const int format, const void *p, uint32_t valid, lanes_avx512 *l) {
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
            // v[k] is zero where masked off, but the mask keeps those lanes' extremes as they were.
            l->lo64[k] = _mm512_mask_min_pd(l->lo64[k], (__mmask8)(mask >> (8 * k)), v[k], l->lo64[k]);
            l->hi64[k] = _mm512_mask_max_pd(l->hi64[k], (__mmask8)(mask >> (8 * k)), v[k], l->hi64[k]);
        }
    } else {
        l->lo[0] = _mm512_mask_min_ps(l->lo[0], (__mmask16)mask, a, l->lo[0]);
        l->hi[0] = _mm512_mask_max_ps(l->hi[0], (__mmask16)mask, a, l->hi[0]);
        l->lo[1] = _mm512_mask_min_ps(l->lo[1], (__mmask16)(mask >> 16), b, l->lo[1]);
        l->hi[1] = _mm512_mask_max_ps(l->hi[1], (__mmask16)(mask >> 16), b, l->hi[1]);
    }
    add32(format, v, l);
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
                                    sub_block *b) {
    const size_t width = format == MS_VALUES_FLOAT64 ? 8 : format == MS_VALUES_FLOAT32 ? 4 : 2;
    const char *base = (const char *)values + (size_t)start * width;
    const ptrdiff_t whole = count / LANES * LANES;
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
    for (ptrdiff_t i = 0; i < whole; i += LANES) first_pass32(format, base + (size_t)i * width, &l);
    ptrdiff_t finite = whole;
    const int clean = all_finite(&l);
    if (!clean) {
        reset_first_pass(&l);
        finite = 0;
        for (ptrdiff_t i = 0, group = 0; i < whole; i += LANES, group++) {
            masks[group] = first_pass32_masked(format, base + (size_t)i * width, 0xffffffffu, &l);
            finite += __builtin_popcount(masks[group]);
        }
    }
    uint32_t tail_mask = 0;
    if (whole < count) {
        tail_mask = first_pass32_masked(format, tail, tail_valid, &l);
        finite += __builtin_popcount(tail_mask);
    }
    double sums[LANES], errors[LANES], minima[LANES], maxima[LANES];
    for (int k = 0; k < 4; k++) {
        _mm512_storeu_pd(sums + 8 * k, l.s[k]);
        _mm512_storeu_pd(errors + 8 * k, l.e[k]);
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

    const __m512d mean = _mm512_set1_pd(b->mean);
    for (int k = 0; k < 4; k++) l.m[k] = _mm512_setzero_pd();
    if (clean) {
        for (ptrdiff_t i = 0; i < whole; i += LANES) second_pass32(format, base + (size_t)i * width, 0xffffffffu, mean, &l);
    } else {
        for (ptrdiff_t i = 0, group = 0; i < whole; i += LANES, group++)
            second_pass32(format, base + (size_t)i * width, masks[group], mean, &l);
    }
    if (whole < count) second_pass32(format, tail, tail_mask, mean, &l);
    double deviations[LANES];
    for (int k = 0; k < 4; k++) _mm512_storeu_pd(deviations + 8 * k, l.m[k]);
    finish_second_pass(deviations, b);
}

MS_AVX512
static void statistics_avx512(const int format, const void *values, ptrdiff_t count, ms_value_statistics *r) {
    for (ptrdiff_t start = 0; start < count; start += MS_VALUES_SUBBLOCK) {
        const ptrdiff_t n = count - start < MS_VALUES_SUBBLOCK ? count - start : MS_VALUES_SUBBLOCK;
        sub_block b;
        switch (format) {
        case MS_VALUES_FLOAT16: sub_block_avx512(MS_VALUES_FLOAT16, values, start, n, &b); break;
        case MS_VALUES_BFLOAT16: sub_block_avx512(MS_VALUES_BFLOAT16, values, start, n, &b); break;
        case MS_VALUES_FLOAT64: sub_block_avx512(MS_VALUES_FLOAT64, values, start, n, &b); break;
        default: sub_block_avx512(MS_VALUES_FLOAT32, values, start, n, &b); break;
        }
        merge(r, &b);
    }
}

static int has_avx512(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq");
}
#endif

static void statistics_portable(const int format, const void *values, ptrdiff_t count, ms_value_statistics *r) {
    for (ptrdiff_t start = 0; start < count; start += MS_VALUES_SUBBLOCK) {
        const ptrdiff_t n = count - start < MS_VALUES_SUBBLOCK ? count - start : MS_VALUES_SUBBLOCK;
        sub_block b;
        sub_block_portable(format, values, start, n, &b);
        merge(r, &b);
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
