// Single-precision matrix products with AVX-512F micro-kernels (see
// Sources/MindSpaceNumerics/Linalg/SinglePrecisionProducts.swift, the one Swift file that imports
// this module). Written for MindSpace.
//
// Both products are blocked the classical way (Goto & van de Geijn 2008, "Anatomy of
// high-performance matrix multiplication", ACM TOMS 34(3)): the inner dimension is cut into
// blocks of MS_PRODUCT_KC, operands are packed into panels of 12 (broadcast) and 32 (vector)
// lanes, and a 12 × 32 register tile is accumulated in float32 with fused multiply-adds.
//
// Every element is summed in the same order whatever part of C a call covers, so splitting C
// between calls (threads) never changes a bit. The AVX-512 and portable versions may differ in
// the last bits (fused against separate multiply and add).
#ifndef MINDSPACE_PRODUCT_KERNELS_H
#define MINDSPACE_PRODUCT_KERNELS_H

#include <stddef.h>

/// The inner-dimension block: float32 partial sums run over at most this many terms.
#define MS_PRODUCT_KC 256

/// Whether the AVX-512F micro-kernels run on this processor (else the portable loops do).
int ms_products_accelerated(void);

/// Bytes of scratch a call of `ms_products_*` needs for `m` rows of C (i1 − i0, or m) and `k`
/// terms: one packed block of B, every panel of A for one block of terms, and one register tile,
/// 64-byte aligned by the callee within the buffer given.
size_t ms_products_scratch_bytes(ptrdiff_t m, ptrdiff_t k);

/// C[i][j] += Σ_r A[r][i]·B[r][j] for i in [i0, i1), j in [j0, j1) (Aᵀ·B, "TN"): A is k × m and
/// B k × n, float32 row-major with row strides lda, ldb; C is double, row-major, stride ldc.
/// The sum over r runs in blocks of MS_PRODUCT_KC rows: within a block in float32 (FMA, in row
/// order), then each block's total is added to C in double, block after block. When `upper` is
/// set only register tiles that reach on or above the diagonal (j ≥ i) are computed (the other
/// entries of C may or may not be written: mirror the upper triangle afterwards). `scratch` holds
/// ms_products_scratch_bytes(i1 − i0, k) bytes. `isa`: 0 portable, 2 AVX-512 (if available).
void ms_products_tn_f64(int isa, ptrdiff_t k, const float *a, ptrdiff_t lda, ptrdiff_t i0, ptrdiff_t i1,
                        const float *b, ptrdiff_t ldb, ptrdiff_t j0, ptrdiff_t j1, int upper,
                        double *c, ptrdiff_t ldc, void *scratch);

/// C[i][j] = Σ_r X[i][r]·Y[j][r] for i < m, j < n (X·Yᵀ, "NT"): X is m × k and Y n × k, float32
/// row-major with strides ldx, ldy; C float32 row-major, stride ldc. Summed in float32 (FMA) in
/// order of r, in passes of up to 1024 terms whose totals are added in float32 (one pass for
/// k ≤ 1024). `scratch` holds ms_products_scratch_bytes(m, k) bytes.
void ms_products_nt_f32(int isa, ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, const float *x, ptrdiff_t ldx,
                        const float *y, ptrdiff_t ldy, float *c, ptrdiff_t ldc, void *scratch);

#endif
