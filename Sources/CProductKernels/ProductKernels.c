// Single-precision products; see include/ProductKernels.h. Written for MindSpace.
#include "ProductKernels.h"

#include <immintrin.h>
#include <stdint.h>
#include <string.h>

#pragma STDC FP_CONTRACT OFF

#define KC MS_PRODUCT_KC
// Columns of B packed at once for Aᵀ·B (KC × NC floats, 384 KiB: within a second-level cache).
#define NC 384
// X·Yᵀ sums up to KMAX terms per pass (one pass for the neighbour engine's widths), packing
// fewer rows of Y at once so that the packed block keeps its KC × NC floats.
#define KMAX 1024
// Register tile: MR broadcast lanes (rows of C) × NR vector lanes (columns of C, two zmm).
#define MR 12
#define NR 32

enum isa { ISA_PORTABLE = 0, ISA_AVX512 = 2 };

static enum isa usable(int requested) {
#if defined(__x86_64__)
    __builtin_cpu_init();
    if (requested >= ISA_AVX512 && __builtin_cpu_supports("avx512f")) return ISA_AVX512;
#endif
    (void)requested;
    return ISA_PORTABLE;
}

int ms_products_accelerated(void) { return usable(ISA_AVX512) == ISA_AVX512; }

static ptrdiff_t min_pd(ptrdiff_t a, ptrdiff_t b) { return a < b ? a : b; }

// The inner block of a product with k terms: KC for Aᵀ·B, up to KMAX for X·Yᵀ; scratch covers both.
static ptrdiff_t scratch_block(ptrdiff_t k) { return k > KMAX ? KMAX : (k < KC ? KC : k); }

size_t ms_products_scratch_bytes(ptrdiff_t m, ptrdiff_t k) {
    const ptrdiff_t panels = (m < 1 ? 1 : m) / MR + 1;
    // + 64 bytes to align the start, + 64 to align the tile after the A panels.
    return (size_t)(KC * NC + panels * MR * scratch_block(k) + MR * NR) * sizeof(float) + 128;
}

// ---------------------------------------------------------------------------------------------
// Packing. A panel holds `kc` rows of MR floats (the broadcast operand, rows of C); a B block
// holds ⌈nc/NR⌉ panels of `kc` rows of NR floats (the vector operand, columns of C). Lanes past
// the edge of the matrix are zero, so they add exact zeros and are never stored.

// Aᵀ·B: lane t of row rr is a[(kb + rr)·lda + i + t] (a row-major k × m operand).
static void pack_rows(const float *a, ptrdiff_t lda, ptrdiff_t kb, ptrdiff_t kc, ptrdiff_t first, ptrdiff_t width,
                      ptrdiff_t lanes, float *dst) {
    for (ptrdiff_t rr = 0; rr < kc; rr++) {
        const float *src = a + (kb + rr) * lda + first;
        float *out = dst + rr * lanes;
        memcpy(out, src, (size_t)width * sizeof(float));
        for (ptrdiff_t t = width; t < lanes; t++) out[t] = 0;
    }
}

// X·Yᵀ: lane t of row rr is x[(first + t)·ldx + kb + rr] (the rows of a row-major m × k operand).
static void pack_transposed(const float *x, ptrdiff_t ldx, ptrdiff_t kb, ptrdiff_t kc, ptrdiff_t first, ptrdiff_t width,
                            ptrdiff_t lanes, float *dst) {
    for (ptrdiff_t t = 0; t < width; t++) {
        const float *src = x + (first + t) * ldx + kb;
        for (ptrdiff_t rr = 0; rr < kc; rr++) dst[rr * lanes + t] = src[rr];
    }
    for (ptrdiff_t t = width; t < lanes; t++) {
        for (ptrdiff_t rr = 0; rr < kc; rr++) dst[rr * lanes + t] = 0;
    }
}

#if defined(__x86_64__)
// pack_transposed with AVX-512: 16 rows × 16 terms at a time, transposed in registers (unpack,
// then shuffles of 4 and of 128-bit lanes), stored as 16 rows of the panel. Rows past `width`
// load as zeros; a 12-lane panel stores 12 of the 16 lanes.
__attribute__((target("avx512f")))
static void pack_transposed_avx512(const float *x, ptrdiff_t ldx, ptrdiff_t kb, ptrdiff_t kc, ptrdiff_t first,
                                   ptrdiff_t width, ptrdiff_t lanes, float *dst) {
    const ptrdiff_t whole = kc / 16 * 16;
    for (ptrdiff_t t0 = 0; t0 < lanes; t0 += 16) {
        const ptrdiff_t present = width - t0 < 0 ? 0 : (width - t0 > 16 ? 16 : width - t0);
        const ptrdiff_t stored = lanes - t0 > 16 ? 16 : lanes - t0;
        const __mmask16 mask = (__mmask16)(stored == 16 ? 0xFFFF : (1u << stored) - 1);
        for (ptrdiff_t rr = 0; rr < whole; rr += 16) {
            __m512 r[16];
            for (int t = 0; t < 16; t++) {
                r[t] = t < present ? _mm512_loadu_ps(x + (first + t0 + t) * ldx + kb + rr) : _mm512_setzero_ps();
            }
            __m512 a[16], b[16], c[16];
            for (int p = 0; p < 8; p++) {
                a[2 * p] = _mm512_unpacklo_ps(r[2 * p], r[2 * p + 1]);
                a[2 * p + 1] = _mm512_unpackhi_ps(r[2 * p], r[2 * p + 1]);
            }
            for (int q = 0; q < 4; q++) {   // rows 4q … 4q + 3
                b[4 * q + 0] = _mm512_shuffle_ps(a[4 * q], a[4 * q + 2], 0x44);
                b[4 * q + 1] = _mm512_shuffle_ps(a[4 * q], a[4 * q + 2], 0xEE);
                b[4 * q + 2] = _mm512_shuffle_ps(a[4 * q + 1], a[4 * q + 3], 0x44);
                b[4 * q + 3] = _mm512_shuffle_ps(a[4 * q + 1], a[4 * q + 3], 0xEE);
            }
            // b[4q + j], lane L: term 4L + j of rows 4q … 4q + 3.
            for (int h = 0; h < 2; h++) {   // rows 0–7 (h = 0) and 8–15 (h = 1)
                for (int j = 0; j < 4; j++) {
                    c[8 * h + j] = _mm512_shuffle_f32x4(b[8 * h + j], b[8 * h + 4 + j], 0x88);
                    c[8 * h + 4 + j] = _mm512_shuffle_f32x4(b[8 * h + j], b[8 * h + 4 + j], 0xDD);
                }
            }
            // c[8h + j] holds terms j and 8 + j (j < 8: c[8h + 4 + i] holds terms 4 + i, 12 + i) of
            // rows 8h … 8h + 7; the last shuffles join rows 0–7 and 8–15.
            for (int j = 0; j < 8; j++) {
                _mm512_mask_storeu_ps(dst + (rr + j) * lanes + t0, mask, _mm512_shuffle_f32x4(c[j], c[8 + j], 0x88));
                _mm512_mask_storeu_ps(dst + (rr + j + 8) * lanes + t0, mask, _mm512_shuffle_f32x4(c[j], c[8 + j], 0xDD));
            }
        }
        for (ptrdiff_t rr = whole; rr < kc; rr++) {
            for (ptrdiff_t t = 0; t < stored; t++) {
                dst[rr * lanes + t0 + t] = t < present ? x[(first + t0 + t) * ldx + kb + rr] : 0.0f;
            }
        }
    }
}
#endif

static void pack_transposed_isa(enum isa isa, const float *x, ptrdiff_t ldx, ptrdiff_t kb, ptrdiff_t kc,
                                ptrdiff_t first, ptrdiff_t width, ptrdiff_t lanes, float *dst) {
#if defined(__x86_64__)
    if (isa == ISA_AVX512) {
        pack_transposed_avx512(x, ldx, kb, kc, first, width, lanes, dst);
        return;
    }
#endif
    pack_transposed(x, ldx, kb, kc, first, width, lanes, dst);
}

// ---------------------------------------------------------------------------------------------
// Micro-kernels: tile[t][u] = Σ_{rr < kc} ap[rr][t]·bp[rr][u], in order of rr.

#if defined(__x86_64__)
__attribute__((target("avx512f")))
static void micro_avx512(ptrdiff_t kc, const float *restrict ap, const float *restrict bp, float *restrict tile) {
#define MS_TILE_ROW(t) __m512 c##t##a = _mm512_setzero_ps(), c##t##b = _mm512_setzero_ps();
    MS_TILE_ROW(0) MS_TILE_ROW(1) MS_TILE_ROW(2) MS_TILE_ROW(3) MS_TILE_ROW(4) MS_TILE_ROW(5)
    MS_TILE_ROW(6) MS_TILE_ROW(7) MS_TILE_ROW(8) MS_TILE_ROW(9) MS_TILE_ROW(10) MS_TILE_ROW(11)
#undef MS_TILE_ROW
    for (ptrdiff_t rr = 0; rr < kc; rr++) {
        const __m512 b0 = _mm512_load_ps(bp), b1 = _mm512_load_ps(bp + 16);
#define MS_TILE_STEP(t) { const __m512 av = _mm512_set1_ps(ap[t]); \
        c##t##a = _mm512_fmadd_ps(av, b0, c##t##a); c##t##b = _mm512_fmadd_ps(av, b1, c##t##b); }
        MS_TILE_STEP(0) MS_TILE_STEP(1) MS_TILE_STEP(2) MS_TILE_STEP(3) MS_TILE_STEP(4) MS_TILE_STEP(5)
        MS_TILE_STEP(6) MS_TILE_STEP(7) MS_TILE_STEP(8) MS_TILE_STEP(9) MS_TILE_STEP(10) MS_TILE_STEP(11)
#undef MS_TILE_STEP
        ap += MR;
        bp += NR;
    }
#define MS_TILE_STORE(t) _mm512_store_ps(tile + (t) * NR, c##t##a); _mm512_store_ps(tile + (t) * NR + 16, c##t##b);
    MS_TILE_STORE(0) MS_TILE_STORE(1) MS_TILE_STORE(2) MS_TILE_STORE(3) MS_TILE_STORE(4) MS_TILE_STORE(5)
    MS_TILE_STORE(6) MS_TILE_STORE(7) MS_TILE_STORE(8) MS_TILE_STORE(9) MS_TILE_STORE(10) MS_TILE_STORE(11)
#undef MS_TILE_STORE
}

// C (double) += tile, rows t < rows, all NR columns present.
__attribute__((target("avx512f")))
static void add_tile_f64_avx512(const float *tile, int rows, double *c, ptrdiff_t ldc) {
    for (int t = 0; t < rows; t++) {
        double *out = c + t * ldc;
        for (int u = 0; u < NR; u += 8) {
            const __m512d wide = _mm512_cvtps_pd(_mm256_load_ps(tile + t * NR + u));
            _mm512_storeu_pd(out + u, _mm512_add_pd(_mm512_loadu_pd(out + u), wide));
        }
    }
}
// C (float) = tile or C += tile, rows t < rows, all NR columns present.
__attribute__((target("avx512f")))
static void store_tile_f32_avx512(const float *tile, int rows, float *c, ptrdiff_t ldc, int accumulate) {
    for (int t = 0; t < rows; t++) {
        float *out = c + t * ldc;
        __m512 low = _mm512_load_ps(tile + t * NR), high = _mm512_load_ps(tile + t * NR + 16);
        if (accumulate) {
            low = _mm512_add_ps(_mm512_loadu_ps(out), low);
            high = _mm512_add_ps(_mm512_loadu_ps(out + 16), high);
        }
        _mm512_storeu_ps(out, low);
        _mm512_storeu_ps(out + 16, high);
    }
}
#endif

static void micro_portable(ptrdiff_t kc, const float *ap, const float *bp, float *tile) {
    for (int i = 0; i < MR * NR; i++) tile[i] = 0;
    for (ptrdiff_t rr = 0; rr < kc; rr++) {
        for (int t = 0; t < MR; t++) {
            const float av = ap[rr * MR + t];
            for (int u = 0; u < NR; u++) tile[t * NR + u] += av * bp[rr * NR + u];
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The driver: C rows [i0, i1) × columns [j0, j1); `transposed` packs X·Yᵀ operands (rows of a
// and b), else Aᵀ·B operands (columns of a and b). Output: c64 += tiles, or c32 = tiles (first
// block) and c32 += tiles (later blocks).

static float *aligned(void *scratch) {
    return (float *)(((uintptr_t)scratch + 63) & ~(uintptr_t)63);
}

static void drive(enum isa isa, int transposed, ptrdiff_t k, const float *a, ptrdiff_t lda, ptrdiff_t i0, ptrdiff_t i1,
                  const float *b, ptrdiff_t ldb, ptrdiff_t j0, ptrdiff_t j1, int upper, double *c64, float *c32,
                  ptrdiff_t ldc, void *scratch) {
    if (i1 <= i0 || j1 <= j0) return;
    float *bpack = aligned(scratch);
    float *apack = bpack + KC * NC;
    // The tile is read and written with aligned vector moves: 64-byte aligned after the panels.
    float *tile = aligned(apack + ((i1 - i0) / MR + 1) * MR * scratch_block(k));
    if (k <= 0) {
        if (c32) for (ptrdiff_t i = i0; i < i1; i++) for (ptrdiff_t j = j0; j < j1; j++) c32[i * ldc + j] = 0;
        return;
    }
    // Aᵀ·B: blocks of KC rows (the float32 partial sums), NC columns packed at once. X·Yᵀ: up to
    // KMAX terms per pass and as many rows of Y as keep the packed block within KC × NC floats.
    const ptrdiff_t block = transposed ? min_pd(k, KMAX) : KC;
    const ptrdiff_t columns = transposed ? (KC * NC / block) / NR * NR : NC;
    for (ptrdiff_t kb = 0; kb < k; kb += block) {
        const ptrdiff_t kc = min_pd(block, k - kb);
        // Every A panel of the block is packed once, whatever the number of B chunks.
        for (ptrdiff_t ip = i0; ip < i1; ip += MR) {
            const ptrdiff_t rows = min_pd(MR, i1 - ip);
            float *panel = apack + (ip - i0) / MR * kc * MR;
            if (transposed) pack_transposed_isa(isa, a, lda, kb, kc, ip, rows, MR, panel);
            else pack_rows(a, lda, kb, kc, ip, rows, MR, panel);
        }
        for (ptrdiff_t jc = j0; jc < j1; jc += columns) {
            const ptrdiff_t nc = min_pd(columns, j1 - jc);
            if (upper && jc + nc - 1 < i0) continue;
            for (ptrdiff_t jp = jc; jp < jc + nc; jp += NR) {
                const ptrdiff_t width = min_pd(NR, jc + nc - jp);
                float *panel = bpack + (jp - jc) / NR * kc * NR;
                if (transposed) pack_transposed_isa(isa, b, ldb, kb, kc, jp, width, NR, panel);
                else pack_rows(b, ldb, kb, kc, jp, width, NR, panel);
            }
            for (ptrdiff_t ip = i0; ip < i1; ip += MR) {
                const ptrdiff_t rows = min_pd(MR, i1 - ip);
                if (upper && jc + nc - 1 < ip) continue;
                const float *apanel = apack + (ip - i0) / MR * kc * MR;
                for (ptrdiff_t jp = jc; jp < jc + nc; jp += NR) {
                    const ptrdiff_t width = min_pd(NR, jc + nc - jp);
                    if (upper && jp + width - 1 < ip) continue;
                    const float *panel = bpack + (jp - jc) / NR * kc * NR;
#if defined(__x86_64__)
                    if (isa == ISA_AVX512) micro_avx512(kc, apanel, panel, tile);
                    else micro_portable(kc, apanel, panel, tile);
#else
                    micro_portable(kc, apanel, panel, tile);
#endif
                    if (c64) {
#if defined(__x86_64__)
                        if (isa == ISA_AVX512 && width == NR) {
                            add_tile_f64_avx512(tile, (int)rows, c64 + ip * ldc + jp, ldc);
                            continue;
                        }
#endif
                        for (ptrdiff_t t = 0; t < rows; t++) {
                            for (ptrdiff_t u = 0; u < width; u++) c64[(ip + t) * ldc + jp + u] += (double)tile[t * NR + u];
                        }
                    } else if (kb == 0) {
#if defined(__x86_64__)
                        if (isa == ISA_AVX512 && width == NR) {
                            store_tile_f32_avx512(tile, (int)rows, c32 + ip * ldc + jp, ldc, 0);
                            continue;
                        }
#endif
                        for (ptrdiff_t t = 0; t < rows; t++) {
                            memcpy(c32 + (ip + t) * ldc + jp, tile + t * NR, (size_t)width * sizeof(float));
                        }
                    } else {
#if defined(__x86_64__)
                        if (isa == ISA_AVX512 && width == NR) {
                            store_tile_f32_avx512(tile, (int)rows, c32 + ip * ldc + jp, ldc, 1);
                            continue;
                        }
#endif
                        for (ptrdiff_t t = 0; t < rows; t++) {
                            for (ptrdiff_t u = 0; u < width; u++) c32[(ip + t) * ldc + jp + u] += tile[t * NR + u];
                        }
                    }
                }
            }
        }
    }
}

void ms_products_tn_f64(int isa, ptrdiff_t k, const float *a, ptrdiff_t lda, ptrdiff_t i0, ptrdiff_t i1,
                        const float *b, ptrdiff_t ldb, ptrdiff_t j0, ptrdiff_t j1, int upper,
                        double *c, ptrdiff_t ldc, void *scratch) {
    drive(usable(isa), 0, k, a, lda, i0, i1, b, ldb, j0, j1, upper, c, NULL, ldc, scratch);
}

void ms_products_nt_f32(int isa, ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, const float *x, ptrdiff_t ldx,
                        const float *y, ptrdiff_t ldy, float *c, ptrdiff_t ldc, void *scratch) {
    drive(usable(isa), 1, k, x, ldx, 0, m, y, ldy, 0, n, 0, NULL, c, ldc, scratch);
}
