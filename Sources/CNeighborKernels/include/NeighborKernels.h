// SIMD kernels of the exact neighbour engine (see Sources/MindSpaceNumerics/Neighbors/NeighborKernels.swift,
// the one Swift file that imports this module). Each kernel picks, at run time, the widest
// instruction set the processor has (AVX-512F or portable C).
#ifndef MINDSPACE_NEIGHBOR_KERNELS_H
#define MINDSPACE_NEIGHBOR_KERNELS_H

#include <stddef.h>
#include <stdint.h>

// Each kernel takes `isa`, the version to run: 0 portable C, 2 AVX-512F; a version the processor
// lacks runs the widest one it has (so 2 means "the best available").

/// Width of the bound embedding: every point is a vector of 16 floats.
#define MS_BOUND_WIDTH 16

// Bound embeddings are stored twice: as rows (point i at z + 16·i) for the queries, and as
// tiles for the scan: tile t holds points 16t … 16t + 15 transposed, tiles[256·t + 16·c + l] =
// coordinate c of point 16t + l; `norms` (16 per tile) are their squared norms, +inf for the
// padding points past the last one (whose coordinates are 0). The bound of a query q (squared
// norm qn) against point j is b_j = (qn + norms[j]) − 2·q·z_j, in float.

/// For each of `rows` (1 … 8) queries (queries + 16·r, norms query_norms[r], own index self[r]),
/// scanning the tiles outward from start_tile (start_tile, +1, −1, +2, …; results do not depend on
/// it, the time does: start where the queries' near points are):
/// the `keep` points j ≠ self[r] smallest by (b_j, j), in any order, at
/// candidate_bounds/candidate_indices + r·capacity (capacity ≥ keep + 16 entries per query;
/// 2·keep + 16 keeps the reselections rare). counts[r] is the number found (keep, or fewer when
/// fewer points qualify). boundaries[r] is the largest bound among them when counts[r] == keep,
/// so that every point not returned has b_j ≥ boundaries[r]; +inf when all points were returned.
void ms_bound_nearest_isa(int isa, const float *tiles, const float *norms, ptrdiff_t tile_count,
                          ptrdiff_t start_tile, const float *queries, const float *query_norms, const int32_t *self, int rows,
                          ptrdiff_t keep, ptrdiff_t capacity, float *candidate_bounds, int32_t *candidate_indices,
                          ptrdiff_t *counts, float *boundaries);

/// For each of `rows` (1 … 8) queries (as above, own index self[r]): the points j ≠ self[r] with
/// b_j ≤ thresholds[r], in ascending j. The first `capacity` of them are stored at
/// indices + r·capacity; counts[r] is how many there are (call again with a larger buffer for a
/// query whose count exceeds capacity).
void ms_bound_within_isa(int isa, const float *tiles, const float *norms, ptrdiff_t tile_count,
                         const float *queries, const float *query_norms, const int32_t *self,
                         const float *thresholds, int rows, int32_t *indices, ptrdiff_t capacity,
                         ptrdiff_t *counts);

/// out[c] = Σ_i (x_i − p_i)² for p = points + dimension·indices[c], c < count: element i goes to
/// partial-sum lane i mod 32 (float) or i mod 16 (double), each lane summed in index order
/// without fused multiply–add, and the lanes combined by halving (lane l += lane l + h for
/// h = 16 (float only), 8, 4, 2, 1). Bit-identical on every version.
void ms_squared_distances_f32_isa(int isa, const float *x, const float *points, ptrdiff_t dimension,
                                  const int32_t *indices, ptrdiff_t count, float *out);
void ms_squared_distances_f64_isa(int isa, const double *x, const double *points, ptrdiff_t dimension,
                                  const int32_t *indices, ptrdiff_t count, double *out);

#endif
