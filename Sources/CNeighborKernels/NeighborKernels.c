// SIMD kernels of the exact neighbour engine; see include/NeighborKernels.h. Written for MindSpace.
// Every kernel has an AVX-512F and a portable version; `kernel_isa` picks one per call from the
// processor's features. The bound scans may round differently on the two versions (the AVX-512
// one uses fused multiply–adds): callers allow for that in their margins. The direct distances
// are bit-identical on both (element-wise IEEE operations in the same lanes, no contraction).
#include "NeighborKernels.h"

#include <immintrin.h>
#include <math.h>
#include <string.h>

#pragma STDC FP_CONTRACT OFF

enum isa { ISA_PORTABLE = 0, ISA_AVX512 = 2 };

static enum isa usable(int requested) {
#if defined(__x86_64__)
    __builtin_cpu_init();
    if (requested >= ISA_AVX512 && __builtin_cpu_supports("avx512f")) return ISA_AVX512;
#endif
    (void)requested;
    return ISA_PORTABLE;
}

// ---------------------------------------------------------------------------------------------
// Candidate lists: (bound, index) pairs compared by bound, then index (a strict total order, as
// indices are distinct), so "the keep smallest" is one well-defined set whatever the order of
// arrival.

static inline int precedes(float a, int32_t ia, float b, int32_t ib) { return a < b || (a == b && ia < ib); }

static inline void swap_entries(float *bound, int32_t *index, ptrdiff_t a, ptrdiff_t b) {
    const float tb = bound[a]; bound[a] = bound[b]; bound[b] = tb;
    const int32_t ti = index[a]; index[a] = index[b]; index[b] = ti;
}

// Moves the `keep` smallest of `count` entries (keep ≤ count) to the front (Hoare quickselect,
// median-of-three pivots) and returns the largest bound among them.
static float select_smallest(float *bound, int32_t *index, ptrdiff_t count, ptrdiff_t keep) {
    const ptrdiff_t target = keep - 1;
    ptrdiff_t lo = 0, hi = count - 1;
    while (lo < hi) {
        const ptrdiff_t mid = lo + (hi - lo) / 2;
        if (precedes(bound[mid], index[mid], bound[lo], index[lo])) swap_entries(bound, index, lo, mid);
        if (precedes(bound[hi], index[hi], bound[lo], index[lo])) swap_entries(bound, index, lo, hi);
        if (precedes(bound[hi], index[hi], bound[mid], index[mid])) swap_entries(bound, index, mid, hi);
        const float pivot = bound[mid];
        const int32_t pivot_index = index[mid];
        ptrdiff_t i = lo, j = hi;
        while (i <= j) {
            while (precedes(bound[i], index[i], pivot, pivot_index)) i++;
            while (precedes(pivot, pivot_index, bound[j], index[j])) j--;
            if (i <= j) { swap_entries(bound, index, i, j); i++; j--; }
        }
        if (target <= j) hi = j;
        else if (target >= i) lo = i;
        else break;
    }
    float largest = bound[0];
    for (ptrdiff_t e = 1; e < keep; e++) largest = bound[e] > largest ? bound[e] : largest;
    return largest;
}

// One query's list. Nearest mode (bound ≠ NULL): entries are admitted while their bound is ≤
// threshold; when the list nears its capacity it is cut back to the keep smallest and the
// threshold drops to the largest of those (it never rises, so every point turned away is worse
// than the final keep). Within mode (bound == NULL): the threshold is fixed, the indices are
// stored while they fit, and count goes on counting past the capacity.
typedef struct {
    float *bound;
    int32_t *index;
    ptrdiff_t count;
    ptrdiff_t capacity;
    ptrdiff_t keep;
    float threshold;
    int32_t self;
} candidate_list;

// Queries per scan: a tile's coordinates are loaded once for all of them.
#define MS_SCAN_QUERIES 8

static void finish_list(candidate_list *list, ptrdiff_t *count, float *boundary) {
    if (list->count >= list->keep) {
        *boundary = select_smallest(list->bound, list->index, list->count, list->keep);
        *count = list->keep;
    } else {
        *boundary = INFINITY;
        *count = list->count;
    }
}

// ---------------------------------------------------------------------------------------------
// Portable versions.

static void admit_portable(candidate_list *list, float b, int32_t j) {
    if (!(b <= list->threshold) || j == list->self) return;
    if (list->bound) {
        list->bound[list->count] = b;
        list->index[list->count] = j;
        list->count++;
        if (list->count == list->capacity) {
            list->threshold = select_smallest(list->bound, list->index, list->count, list->keep);
            list->count = list->keep;
        }
    } else {
        if (list->count < list->capacity) list->index[list->count] = j;
        list->count++;
    }
}

// The tiles in the order start, start + 1, start − 1, start + 2, start − 2, … (those that exist):
// with the points sorted so that nearby points sit in nearby tiles, the queries' nearest points
// come first and their thresholds settle after a few tiles.
static inline ptrdiff_t tile_at(ptrdiff_t step, ptrdiff_t start, ptrdiff_t tile_count) {
    const ptrdiff_t below = start, above = tile_count - 1 - start;
    const ptrdiff_t paired = 2 * (below < above ? below : above);
    if (step <= paired) return step % 2 ? start + (step + 1) / 2 : start - step / 2;
    return below < above ? step : tile_count - 1 - step;
}

static void scan_portable(const float *tiles, const float *norms, ptrdiff_t tile_count, ptrdiff_t start,
                          const float *queries, const float *query_norms, candidate_list *lists) {
    for (ptrdiff_t step = 0; step < tile_count; step++) {
        const ptrdiff_t t = tile_at(step, start, tile_count);
        const float *tile = tiles + t * MS_BOUND_WIDTH * MS_BOUND_WIDTH;
        for (int r = 0; r < MS_SCAN_QUERIES; r++) {
            const float *query = queries + r * MS_BOUND_WIDTH;
            for (int lane = 0; lane < MS_BOUND_WIDTH; lane++) {
                float dot = 0.0f;
                for (int c = 0; c < MS_BOUND_WIDTH; c++) dot += query[c] * tile[c * MS_BOUND_WIDTH + lane];
                const float b = (query_norms[r] + norms[t * MS_BOUND_WIDTH + lane]) - 2.0f * dot;
                admit_portable(lists + r, b, (int32_t)(t * MS_BOUND_WIDTH + lane));
            }
        }
    }
}

static float squared_distance_f32_portable(const float *x, const float *y, ptrdiff_t dimension) {
    float lanes[32] = {0};
    for (ptrdiff_t i = 0; i < dimension; i++) {
        const float difference = x[i] - y[i];
        const float square = difference * difference;
        lanes[i & 31] = lanes[i & 31] + square;
    }
    for (int h = 16; h >= 1; h /= 2)
        for (int l = 0; l < h; l++) lanes[l] = lanes[l] + lanes[l + h];
    return lanes[0];
}

static double squared_distance_f64_portable(const double *x, const double *y, ptrdiff_t dimension) {
    double lanes[16] = {0};
    for (ptrdiff_t i = 0; i < dimension; i++) {
        const double difference = x[i] - y[i];
        const double square = difference * difference;
        lanes[i & 15] = lanes[i & 15] + square;
    }
    for (int h = 8; h >= 1; h /= 2)
        for (int l = 0; l < h; l++) lanes[l] = lanes[l] + lanes[l + h];
    return lanes[0];
}

// ---------------------------------------------------------------------------------------------
// AVX-512 versions. A tile's 16 coordinate vectors stay in registers while every query of the
// group is multiplied against them (two chains of 8 fused multiply–adds per query, so the
// queries' chains overlap); lanes whose bound passes the query's threshold are appended with
// compress-stores.

#if defined(__x86_64__)
// The 16 coordinate vectors of a tile, named so that they stay in registers.
#define MS_TILE_LOAD(tile)                                                                              \
    const __m512 c0 = _mm512_loadu_ps((tile) + 0), c1 = _mm512_loadu_ps((tile) + 16),                 \
                 c2 = _mm512_loadu_ps((tile) + 32), c3 = _mm512_loadu_ps((tile) + 48),                \
                 c4 = _mm512_loadu_ps((tile) + 64), c5 = _mm512_loadu_ps((tile) + 80),                \
                 c6 = _mm512_loadu_ps((tile) + 96), c7 = _mm512_loadu_ps((tile) + 112),               \
                 c8 = _mm512_loadu_ps((tile) + 128), c9 = _mm512_loadu_ps((tile) + 144),              \
                 c10 = _mm512_loadu_ps((tile) + 160), c11 = _mm512_loadu_ps((tile) + 176),            \
                 c12 = _mm512_loadu_ps((tile) + 192), c13 = _mm512_loadu_ps((tile) + 208),            \
                 c14 = _mm512_loadu_ps((tile) + 224), c15 = _mm512_loadu_ps((tile) + 240)

// b = (qn + column norms) − 2·q·c, the dot product in two chains of 8 fused multiply–adds.
#define MS_TILE_BOUND(q, qn, column_norms)                                                              \
    ({                                                                                                  \
        __m512 even_ = _mm512_mul_ps(_mm512_set1_ps((q)[0]), c0);                                       \
        __m512 odd_ = _mm512_mul_ps(_mm512_set1_ps((q)[1]), c1);                                        \
        even_ = _mm512_fmadd_ps(_mm512_set1_ps((q)[2]), c2, even_);                                     \
        odd_ = _mm512_fmadd_ps(_mm512_set1_ps((q)[3]), c3, odd_);                                       \
        even_ = _mm512_fmadd_ps(_mm512_set1_ps((q)[4]), c4, even_);                                     \
        odd_ = _mm512_fmadd_ps(_mm512_set1_ps((q)[5]), c5, odd_);                                       \
        even_ = _mm512_fmadd_ps(_mm512_set1_ps((q)[6]), c6, even_);                                     \
        odd_ = _mm512_fmadd_ps(_mm512_set1_ps((q)[7]), c7, odd_);                                       \
        even_ = _mm512_fmadd_ps(_mm512_set1_ps((q)[8]), c8, even_);                                     \
        odd_ = _mm512_fmadd_ps(_mm512_set1_ps((q)[9]), c9, odd_);                                       \
        even_ = _mm512_fmadd_ps(_mm512_set1_ps((q)[10]), c10, even_);                                   \
        odd_ = _mm512_fmadd_ps(_mm512_set1_ps((q)[11]), c11, odd_);                                     \
        even_ = _mm512_fmadd_ps(_mm512_set1_ps((q)[12]), c12, even_);                                   \
        odd_ = _mm512_fmadd_ps(_mm512_set1_ps((q)[13]), c13, odd_);                                     \
        even_ = _mm512_fmadd_ps(_mm512_set1_ps((q)[14]), c14, even_);                                   \
        odd_ = _mm512_fmadd_ps(_mm512_set1_ps((q)[15]), c15, odd_);                                     \
        _mm512_fnmadd_ps(_mm512_set1_ps(2.0f), _mm512_add_ps(even_, odd_),                              \
                         _mm512_add_ps(_mm512_set1_ps(qn), (column_norms)));                            \
    })

// Order-preserving map of a float's bits to an unsigned key (negatives below positives).
__attribute__((target("avx512f"), always_inline))
static inline __m512i ordered_keys(__m512 values) {
    const __m512i bits = _mm512_castps_si512(values);
    const __mmask16 negative = _mm512_cmplt_epi32_mask(bits, _mm512_setzero_si512());
    const __m512i flipped = _mm512_xor_si512(bits, _mm512_set1_epi32((int)0x80000000u));
    return _mm512_mask_mov_epi32(flipped, negative, _mm512_xor_si512(bits, _mm512_set1_epi32(-1)));
}

// Cuts a list back when it nears capacity, without branching on the data: the keep-th smallest
// bound v is found bit by bit (its key's bits from the top: a bit is 0 when at least keep keys
// lie at or below the prefix with that bit 0 and all lower bits 1), then every entry with a
// bound ≤ v is kept (compress-stores) and v becomes the threshold. Entries tied with v all stay,
// so when many bounds are equal (duplicate points) the exact selection cuts the list instead.
__attribute__((target("avx512f")))
static void shrink_avx512(candidate_list *list) {
    const ptrdiff_t count = list->count, vectors = (count + 15) / 16, keep = list->keep, capacity = list->capacity;
    __m512i keys[68];
    __mmask16 valid[68];
    for (ptrdiff_t v = 0; v < vectors; v++) {
        const ptrdiff_t left = count - 16 * v;
        valid[v] = left >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << (unsigned)left) - 1u);
        keys[v] = ordered_keys(_mm512_maskz_loadu_ps(valid[v], list->bound + 16 * v));
    }
    unsigned prefix = 0;
    for (int bit = 31; bit >= 0; bit--) {
        const unsigned test = prefix | ((1u << (unsigned)bit) - 1u);
        const __m512i limit = _mm512_set1_epi32((int)test);
        ptrdiff_t below = 0;
        for (ptrdiff_t v = 0; v < vectors; v++)
            below += __builtin_popcount((unsigned)_mm512_mask_cmple_epu32_mask(valid[v], keys[v], limit));
        if (below < keep) prefix |= 1u << (unsigned)bit;
    }
    const __m512i limit = _mm512_set1_epi32((int)prefix);
    ptrdiff_t kept = 0;
    for (ptrdiff_t v = 0; v < vectors; v++) {
        const __mmask16 stay = _mm512_mask_cmple_epu32_mask(valid[v], keys[v], limit);
        // Masked loads: the last vector may end past the list's entries and, for the last list
        // of a batch, past its buffer (AddressSanitizer found the full-width loads there).
        const __m512 bounds = _mm512_maskz_loadu_ps(valid[v], list->bound + 16 * v);
        const __m512i indices = _mm512_maskz_loadu_epi32(valid[v], list->index + 16 * v);
        _mm512_mask_compressstoreu_ps(list->bound + kept, stay, bounds);
        _mm512_mask_compressstoreu_epi32(list->index + kept, stay, indices);
        kept += __builtin_popcount((unsigned)stay);
    }
    if (kept > capacity - 2 * MS_BOUND_WIDTH) {
        list->threshold = select_smallest(list->bound, list->index, kept, keep);
        list->count = keep;
        return;
    }
    const unsigned bits = (prefix & 0x80000000u) ? (prefix ^ 0x80000000u) : ~prefix;
    float threshold;
    memcpy(&threshold, &bits, sizeof threshold);
    list->threshold = threshold;
    list->count = kept;
}

__attribute__((target("avx512f")))
static void admit_avx512(candidate_list *list, __m512 b, __mmask16 pass, int32_t first) {
    const int32_t own = list->self - first;
    if (own >= 0 && own < MS_BOUND_WIDTH) pass &= (__mmask16)~(1u << (unsigned)own);
    if (!pass) return;
    const __m512i lane_index = _mm512_set_epi32(15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0);
    const __m512i columns = _mm512_add_epi32(_mm512_set1_epi32(first), lane_index);
    const ptrdiff_t passed = __builtin_popcount((unsigned)pass);
    if (list->bound) {
        _mm512_mask_compressstoreu_ps(list->bound + list->count, pass, b);
        _mm512_mask_compressstoreu_epi32(list->index + list->count, pass, columns);
        list->count += passed;
        if (list->count > list->capacity - MS_BOUND_WIDTH) shrink_avx512(list);
    } else {
        if (list->count + passed <= list->capacity) {
            _mm512_mask_compressstoreu_epi32(list->index + list->count, pass, columns);
        } else if (list->count < list->capacity) {
            int32_t staged[MS_BOUND_WIDTH];
            _mm512_mask_compressstoreu_epi32(staged, pass, columns);
            memcpy(list->index + list->count, staged, (size_t)(list->capacity - list->count) * sizeof(int32_t));
        }
        list->count += passed;
    }
}

// All 8 queries against one tile, then one branch for the tile: the 8 dot-product chains are
// independent, so they overlap, and admissions (rare once the thresholds settle) recompute the
// bounds they need.
__attribute__((target("avx512f")))
static void scan_avx512(const float *tiles, const float *norms, ptrdiff_t tile_count, ptrdiff_t start,
                        const float *q, const float *qn, candidate_list *lists) {
    for (ptrdiff_t step = 0; step < tile_count; step++) {
        const ptrdiff_t t = tile_at(step, start, tile_count);
        const float *tile = tiles + t * MS_BOUND_WIDTH * MS_BOUND_WIDTH;
        MS_TILE_LOAD(tile);
        const __m512 cn = _mm512_loadu_ps(norms + t * MS_BOUND_WIDTH);
#define MS_QUERY_MASK(r)                                                                                \
    const __mmask16 m##r = _mm512_cmp_ps_mask(MS_TILE_BOUND(q + (r) * MS_BOUND_WIDTH, qn[r], cn),      \
                                              _mm512_set1_ps(lists[r].threshold), _CMP_LE_OQ)
        MS_QUERY_MASK(0); MS_QUERY_MASK(1); MS_QUERY_MASK(2); MS_QUERY_MASK(3);
        MS_QUERY_MASK(4); MS_QUERY_MASK(5); MS_QUERY_MASK(6); MS_QUERY_MASK(7);
#undef MS_QUERY_MASK
        if (!(m0 | m1 | m2 | m3 | m4 | m5 | m6 | m7)) continue;
        const int32_t first = (int32_t)(t * MS_BOUND_WIDTH);
#define MS_QUERY_ADMIT(r)                                                                               \
    if (m##r) admit_avx512(lists + (r), MS_TILE_BOUND(q + (r) * MS_BOUND_WIDTH, qn[r], cn), m##r, first)
        MS_QUERY_ADMIT(0); MS_QUERY_ADMIT(1); MS_QUERY_ADMIT(2); MS_QUERY_ADMIT(3);
        MS_QUERY_ADMIT(4); MS_QUERY_ADMIT(5); MS_QUERY_ADMIT(6); MS_QUERY_ADMIT(7);
#undef MS_QUERY_ADMIT
    }
}

__attribute__((target("avx512f")))
static float squared_distance_f32_avx512(const float *x, const float *y, ptrdiff_t dimension) {
    __m512 low = _mm512_setzero_ps(), high = _mm512_setzero_ps();
    ptrdiff_t i = 0;
    for (; i + 32 <= dimension; i += 32) {
        const __m512 a = _mm512_sub_ps(_mm512_loadu_ps(x + i), _mm512_loadu_ps(y + i));
        const __m512 b = _mm512_sub_ps(_mm512_loadu_ps(x + i + 16), _mm512_loadu_ps(y + i + 16));
        low = _mm512_add_ps(low, _mm512_mul_ps(a, a));
        high = _mm512_add_ps(high, _mm512_mul_ps(b, b));
    }
    float lanes[32];
    _mm512_storeu_ps(lanes, low);
    _mm512_storeu_ps(lanes + 16, high);
    for (; i < dimension; i++) {
        const float difference = x[i] - y[i];
        const float square = difference * difference;
        lanes[i & 31] = lanes[i & 31] + square;
    }
    for (int h = 16; h >= 1; h /= 2)
        for (int l = 0; l < h; l++) lanes[l] = lanes[l] + lanes[l + h];
    return lanes[0];
}

__attribute__((target("avx512f")))
static double squared_distance_f64_avx512(const double *x, const double *y, ptrdiff_t dimension) {
    __m512d low = _mm512_setzero_pd(), high = _mm512_setzero_pd();
    ptrdiff_t i = 0;
    for (; i + 16 <= dimension; i += 16) {
        const __m512d a = _mm512_sub_pd(_mm512_loadu_pd(x + i), _mm512_loadu_pd(y + i));
        const __m512d b = _mm512_sub_pd(_mm512_loadu_pd(x + i + 8), _mm512_loadu_pd(y + i + 8));
        low = _mm512_add_pd(low, _mm512_mul_pd(a, a));
        high = _mm512_add_pd(high, _mm512_mul_pd(b, b));
    }
    double lanes[16];
    _mm512_storeu_pd(lanes, low);
    _mm512_storeu_pd(lanes + 8, high);
    for (; i < dimension; i++) {
        const double difference = x[i] - y[i];
        const double square = difference * difference;
        lanes[i & 15] = lanes[i & 15] + square;
    }
    for (int h = 8; h >= 1; h /= 2)
        for (int l = 0; l < h; l++) lanes[l] = lanes[l] + lanes[l + h];
    return lanes[0];
}
#endif

// ---------------------------------------------------------------------------------------------
// Entry points.

// Runs one scan of up to 8 queries: pads the group to 8 with copies of the first query whose
// lists admit nothing (threshold −∞).
static void scan(int isa, const float *tiles, const float *norms, ptrdiff_t tile_count, ptrdiff_t start,
                 const float *queries, const float *query_norms, int rows, candidate_list *lists) {
    float q[MS_SCAN_QUERIES * MS_BOUND_WIDTH], qn[MS_SCAN_QUERIES];
    for (int r = 0; r < MS_SCAN_QUERIES; r++) {
        const int source = r < rows ? r : 0;
        memcpy(q + r * MS_BOUND_WIDTH, queries + source * MS_BOUND_WIDTH, sizeof(float) * MS_BOUND_WIDTH);
        qn[r] = query_norms[source];
        if (r >= rows) {
            lists[r] = lists[0];
            lists[r].threshold = -INFINITY;
        }
    }
#if defined(__x86_64__)
    if (usable(isa) == ISA_AVX512) { scan_avx512(tiles, norms, tile_count, start, q, qn, lists); return; }
#endif
    scan_portable(tiles, norms, tile_count, start, q, qn, lists);
}

void ms_bound_nearest_isa(int isa, const float *tiles, const float *norms, ptrdiff_t tile_count,
                          ptrdiff_t start_tile, const float *queries, const float *query_norms, const int32_t *self, int rows,
                          ptrdiff_t keep, ptrdiff_t capacity, float *candidate_bounds, int32_t *candidate_indices,
                          ptrdiff_t *counts, float *boundaries) {
    candidate_list lists[MS_SCAN_QUERIES];
    if (rows > MS_SCAN_QUERIES) rows = MS_SCAN_QUERIES;
    if (rows < 1) return;
    for (int r = 0; r < rows; r++) {
        lists[r] = (candidate_list){
            .bound = candidate_bounds + r * capacity, .index = candidate_indices + r * capacity, .count = 0,
            .capacity = capacity, .keep = keep,
            .threshold = 3.40282347e38f,   // FLT_MAX: admits every finite bound, never padding's +inf
            .self = self[r],
        };
    }
    scan(isa, tiles, norms, tile_count, start_tile, queries, query_norms, rows, lists);
    for (int r = 0; r < rows; r++) finish_list(lists + r, counts + r, boundaries + r);
}

void ms_bound_within_isa(int isa, const float *tiles, const float *norms, ptrdiff_t tile_count,
                         const float *queries, const float *query_norms, const int32_t *self,
                         const float *thresholds, int rows, int32_t *indices, ptrdiff_t capacity,
                         ptrdiff_t *counts) {
    candidate_list lists[MS_SCAN_QUERIES];
    if (rows > MS_SCAN_QUERIES) rows = MS_SCAN_QUERIES;
    if (rows < 1) return;
    for (int r = 0; r < rows; r++) {
        lists[r] = (candidate_list){
            .bound = NULL, .index = indices + r * capacity, .count = 0, .capacity = capacity, .keep = 0,
            .threshold = thresholds[r], .self = self[r],
        };
    }
    scan(isa, tiles, norms, tile_count, 0, queries, query_norms, rows, lists);
    for (int r = 0; r < rows; r++) counts[r] = lists[r].count;
}

void ms_squared_distances_f32_isa(int isa, const float *x, const float *points, ptrdiff_t dimension,
                                  const int32_t *indices, ptrdiff_t count, float *out) {
#if defined(__x86_64__)
    if (usable(isa) == ISA_AVX512) {
        for (ptrdiff_t c = 0; c < count; c++)
            out[c] = squared_distance_f32_avx512(x, points + dimension * indices[c], dimension);
        return;
    }
#endif
    for (ptrdiff_t c = 0; c < count; c++)
        out[c] = squared_distance_f32_portable(x, points + dimension * indices[c], dimension);
}

void ms_squared_distances_f64_isa(int isa, const double *x, const double *points, ptrdiff_t dimension,
                                  const int32_t *indices, ptrdiff_t count, double *out) {
#if defined(__x86_64__)
    if (usable(isa) == ISA_AVX512) {
        for (ptrdiff_t c = 0; c < count; c++)
            out[c] = squared_distance_f64_avx512(x, points + dimension * indices[c], dimension);
        return;
    }
#endif
    for (ptrdiff_t c = 0; c < count; c++)
        out[c] = squared_distance_f64_portable(x, points + dimension * indices[c], dimension);
}
