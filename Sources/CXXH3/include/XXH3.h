// Streaming XXH3-64 (seed 0, default secret) for content fingerprints; see
// Sources/MindSpaceCore/XXH3Hash.swift, the one Swift file that imports this module. Written for
// MindSpace from xxHash's algorithm specification (doc/xxhash_spec.md, "XXH3 Algorithm
// Description"); digests equal libxxhash's XXH3_64bits() for every input and every chunking.
#ifndef MINDSPACE_XXH3_H
#define MINDSPACE_XXH3_H

#include <stddef.h>
#include <stdint.h>

/// A hash in progress: fixed size (about 420 bytes), no heap, copyable by value. Its fields
/// belong to XXH3.c; callers only pass it to the functions below.
typedef struct ms_xxh3_state {
    /// The eight accumulators of the long-input path (valid once a stripe has been consumed).
    uint64_t accumulators[8];
    /// Bytes added so far.
    uint64_t total_length;
    /// Stripes accumulated since the last scramble (0...15).
    uint64_t stripes_in_block;
    /// Bytes waiting in `pending` (0...256); never 0 once a stripe has been consumed.
    uint64_t pending_length;
    /// The instruction set the accumulate loop runs (0 portable, 1 AVX2, 2 AVX-512F).
    int32_t isa;
    /// The last 64 bytes consumed into the accumulators (the final stripe may reach into them).
    uint8_t last_consumed[64];
    /// Bytes not yet consumed: the whole input while it is at most 256 bytes, later the tail.
    uint8_t pending[256];
} ms_xxh3_state;

/// Starts an empty hash. `isa` picks the accumulate loop: 0 portable C, 1 AVX2, 2 AVX-512F; a
/// version the processor lacks runs the widest one it has (so 2 means "the best available").
/// Every version gives the same digests.
void ms_xxh3_init(ms_xxh3_state *state, int isa);

/// Adds `length` bytes (`bytes` may be NULL when `length` is 0). Any split of the input gives
/// the same digest. Large updates are hashed straight from `bytes`; at most 256 bytes are copied.
void ms_xxh3_update(ms_xxh3_state *state, const void *bytes, size_t length);

/// XXH3-64 of everything added so far; the state is not changed, so hashing can go on.
uint64_t ms_xxh3_digest(const ms_xxh3_state *state);

#endif
