// Summary statistics of a run of stored floating-point values, for `TensorStatistics` (see
// Sources/MindSpaceCheckpoints/GramKernels.swift, the one Swift file that imports this module).
// Picks at run time AVX-512 (F + DQ) or portable C; both give bit-identical results.
#ifndef MINDSPACE_VALUE_STATISTICS_H
#define MINDSPACE_VALUE_STATISTICS_H

#include <stddef.h>

/// The stored element formats the kernel reads (native byte order): IEEE binary32, binary16,
/// bfloat16 (the top 16 bits of a binary32) and binary64. Each is widened to double exactly.
enum { MS_VALUES_FLOAT32 = 0, MS_VALUES_FLOAT16 = 1, MS_VALUES_BFLOAT16 = 2, MS_VALUES_FLOAT64 = 3 };

/// Elements per sub-block: the unit of the two-pass moments (32 KiB of float32, in L1).
enum { MS_VALUES_SUBBLOCK = 8192 };

/// Statistics of the finite values of a run (NaN and ±Inf are counted in non_finite and left
/// out of everything else). sum + sum_compensation is Σx (Neumaier 1974), squares +
/// squares_compensation is Σx², mean and m2 the mean and the sum of squared deviations about it
/// (zero when finite == 0); minimum/maximum are +Inf/−Inf when finite == 0.
typedef struct {
    double sum, sum_compensation;
    double squares, squares_compensation;
    double mean, m2;
    double minimum, maximum;
    ptrdiff_t finite, non_finite;
} ms_value_statistics;

/// Statistics of the `count` elements at `values` in `format` (an MS_VALUES_* constant).
/// The run is cut into sub-blocks of MS_VALUES_SUBBLOCK elements from its first element. In each
/// sub-block, 32 lanes (lane l takes the elements with index ≡ l mod 32) accumulate Σx (with
/// Knuth's TwoSum for float64, keeping each lane's rounding errors; plain double sums for the
/// narrow formats, whose values are exact in double), the minimum and maximum, and the shifted
/// sums S1 = Σ(x − K), S2 = Σ(x − K)² about K = the previous sub-block's mean (0 for the first).
/// M2 = S2 − S1²/n when S1²/n ≤ S2/2 (at most one bit cancels); otherwise a second pass over the
/// sub-block (still in cache) sums (x − m)² about its mean m. The lanes are combined by a fixed
/// pairwise tree (TwoSum for Σx), Σx² = M2 + n·m², and the sub-blocks merged in order: sums by
/// Neumaier (1974), moments by Chan, Golub & LeVeque's (1979) update
/// M2 = M2a + M2b + δ²·na·nb/(na + nb). `isa`: 0 portable C, 2 AVX-512 (the best available if
/// the processor lacks it); every version gives the same bits.
void ms_value_statistics_isa(int isa, int format, const void *values, ptrdiff_t count, ms_value_statistics *result);

#endif
