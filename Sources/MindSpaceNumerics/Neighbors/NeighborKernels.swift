import CNeighborKernels

/// The SIMD kernels of the exact neighbour engine (`Sources/CNeighborKernels`; this is the one
/// Swift file that imports them): the scans of the projection bound (`ProjectionBoundSearch`)
/// and batches of direct squared distances. Each runs the widest version the processor has
/// (AVX-512F or portable C), chosen per call; `version` asks for a narrower one (for tests).
enum NeighborKernels {
    /// A version of the kernels.
    enum InstructionSet: Int32, CaseIterable {
        case portable = 0, avx512 = 2
    }

    /// Coordinates per point of a bound embedding.
    static let boundWidth = Int(MS_BOUND_WIDTH)

    /// The `keep` points j ≠ `own[r]` with the smallest bounds (bᵢⱼ, j) for each of up to 8
    /// queries (see `BoundEmbedding` for the layouts; j and `own` are tile positions), scanning
    /// the tiles outward from `startTile`: entries `r·capacity ..< r·capacity + counts[r]` of
    /// `candidateBounds`/`candidateIndices`, in no order; `boundaries[r]` is the largest bound
    /// among them (every other point has a bound at least as large), or +∞ when every point was
    /// returned. `capacity ≥ keep + 16`.
    static func nearestBounds(tiles: UnsafePointer<Float>, norms: UnsafePointer<Float>, tileCount: Int,
                              startTile: Int, queries: UnsafePointer<Float>, queryNorms: UnsafePointer<Float>,
                              own: UnsafePointer<Int32>, rows: Int, keep: Int, capacity: Int,
                              candidateBounds: UnsafeMutablePointer<Float>,
                              candidateIndices: UnsafeMutablePointer<Int32>,
                              counts: UnsafeMutablePointer<Int>, boundaries: UnsafeMutablePointer<Float>,
                              version: InstructionSet? = nil) {
        precondition(rows >= 1 && rows <= 8 && keep >= 1 && capacity >= keep + boundWidth)
        ms_bound_nearest_isa((version ?? .avx512).rawValue, tiles, norms, tileCount, startTile, queries, queryNorms,
                             own, Int32(rows), keep, capacity, candidateBounds, candidateIndices, counts, boundaries)
    }

    /// For each of up to 8 queries, the points j ≠ `own[r]` (tile positions) whose bound is ≤
    /// `thresholds[r]`, ascending: the first `capacity` are stored at `indices + r·capacity`;
    /// `counts[r]` is how many there are.
    static func boundsWithin(tiles: UnsafePointer<Float>, norms: UnsafePointer<Float>, tileCount: Int,
                             queries: UnsafePointer<Float>, queryNorms: UnsafePointer<Float>, own: UnsafePointer<Int32>,
                             thresholds: UnsafePointer<Float>, rows: Int, indices: UnsafeMutablePointer<Int32>,
                             capacity: Int, counts: UnsafeMutablePointer<Int>, version: InstructionSet? = nil) {
        precondition(rows >= 1 && rows <= 8)
        ms_bound_within_isa((version ?? .avx512).rawValue, tiles, norms, tileCount, queries, queryNorms, own,
                            thresholds, Int32(rows), indices, capacity, counts)
    }

    /// `out[c]` = Σᵢ (xᵢ − pᵢ)² for the rows p = `points` + `columns`·`indices[c]`: 32 partial-sum
    /// lanes (element i in lane i mod 32), combined by halving; bit-identical on every version.
    static func squaredDistances(from x: UnsafePointer<Float>, to points: UnsafePointer<Float>, columns: Int,
                                 indices: UnsafePointer<Int32>, count: Int, into out: UnsafeMutablePointer<Float>,
                                 version: InstructionSet? = nil) {
        ms_squared_distances_f32_isa((version ?? .avx512).rawValue, x, points, columns, indices, count, out)
    }

    /// The float64 `squaredDistances`: 16 partial-sum lanes (element i in lane i mod 16).
    static func squaredDistances(from x: UnsafePointer<Double>, to points: UnsafePointer<Double>, columns: Int,
                                 indices: UnsafePointer<Int32>, count: Int, into out: UnsafeMutablePointer<Double>,
                                 version: InstructionSet? = nil) {
        ms_squared_distances_f64_isa((version ?? .avx512).rawValue, x, points, columns, indices, count, out)
    }
}
