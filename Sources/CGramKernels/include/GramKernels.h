// Small SIMD kernels for the checkpoint stream (see Sources/MindSpaceCheckpoints/GramKernels.swift,
// the one Swift file that imports this module). Each kernel picks, at run time, the widest
// instruction set the processor has (AVX-512F, AVX2 with FMA, or portable C).
#ifndef MINDSPACE_GRAM_KERNELS_H
#define MINDSPACE_GRAM_KERNELS_H

#include <stddef.h>

// Each kernel takes `isa`, the version to run: 0 portable C, 1 AVX2+FMA, 2 AVX-512F; a version
// the processor lacks runs the widest one it has (so 2 means "the best available").

/// C[i][j] += sum_c A[i][c] * A[j][c] for 0 <= i <= j < n (the upper triangle of A·Aᵀ):
/// A is n × k row-major with row stride lda, C is n × n row-major with row stride ldc.
void ms_gram_upper_accumulate_isa(int isa, int n, ptrdiff_t k, const double *a, ptrdiff_t lda, double *c, ptrdiff_t ldc);

/// A Gram accumulation kept between calls, so that the partial sums are reduced once at the end
/// rather than per call: the workspace (64-byte aligned, zeroed before first use) holds
/// ms_gram_workspace_size_isa doubles in a layout of the version; accumulate adds the Gram
/// products of one more block of columns (as ms_gram_upper_accumulate_isa, A n × k rows lda
/// apart); flush adds every total into the upper triangle of C and zeroes the workspace.
/// The same isa and n must be used for all three.
ptrdiff_t ms_gram_workspace_size_isa(int isa, int n);
void ms_gram_workspace_accumulate_isa(int isa, int n, ptrdiff_t k, const double *a, ptrdiff_t lda, double *workspace);
void ms_gram_workspace_flush_isa(int isa, int n, double *workspace, double *c, ptrdiff_t ldc);

/// Widens count float32 values to double (exact).
void ms_widen_float32_isa(int isa, const float *src, double *dst, ptrdiff_t count);

/// Centres the columns c < width of a row-major block of `rows` rows `ld` apart: subtracts from
/// each its mean, (Σ over rows, in row order) × (1.0 / rows).
void ms_centre_columns_isa(int isa, double *block, ptrdiff_t ld, int rows, ptrdiff_t width);

/// One row of a tile: v = the count float32 values of src widened (exact) when src is not NULL,
/// else the count doubles already in values; writes v − reference (reference not NULL) or v to
/// values, and returns Σ v and Σ v² in 32 partial-sum lanes (lane l takes the elements with
/// index ≡ l mod 32) combined in order. Identical on every version.
void ms_difference_row_isa(int isa, const float *src, double *values, const double *reference, ptrdiff_t count,
                           double *sum, double *squares);

#endif
