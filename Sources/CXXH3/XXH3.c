// Streaming XXH3-64 with seed 0 and the default secret; see include/XXH3.h. Written for MindSpace
// from xxHash's specification (doc/xxhash_spec.md, "XXH3 Algorithm Description"), whose
// section names the comments below follow. The constants are the specification's.
//
// Inputs of at most 240 bytes are hashed whole by the short and medium formulas. Longer inputs
// go through the long-input path: 64-byte stripes accumulated into eight 64-bit lanes, the
// lanes scrambled after every block of 16 stripes, then a final stripe made of the input's last
// 64 bytes and a merge. Streaming keeps the last input byte unconsumed (the final stripe and the
// last block need the end of the input), so a stripe is consumed only once a later byte exists.
// The stripe loop has an AVX-512F, an AVX2 and a portable version; all three compute the same
// integer arithmetic, so digests are identical.
#include "XXH3.h"

#include <string.h>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

enum isa { ISA_PORTABLE = 0, ISA_AVX2 = 1, ISA_AVX512 = 2 };

enum {
    STRIPE_BYTES = 64,
    SECRET_BYTES = 192,
    STRIPES_PER_BLOCK = (SECRET_BYTES - STRIPE_BYTES) / 8,  // 16: a block is 1024 bytes
    SCRAMBLE_SECRET_OFFSET = SECRET_BYTES - STRIPE_BYTES,   // 128
    LAST_STRIPE_SECRET_OFFSET = SECRET_BYTES - 71,          // 121
    MERGE_SECRET_OFFSET = 11,
    MEDIUM_MAX = 240,                                       // longest input hashed whole
    PENDING_BYTES = 256,                                    // ≥ MEDIUM_MAX, a whole number of stripes
};

static const uint64_t PRIME32_1 = 0x9E3779B1u;
static const uint64_t PRIME32_2 = 0x85EBCA77u;
static const uint64_t PRIME32_3 = 0xC2B2AE3Du;
static const uint64_t PRIME64_1 = 0x9E3779B185EBCA87u;
static const uint64_t PRIME64_2 = 0xC2B2AE3D27D4EB4Fu;
static const uint64_t PRIME64_3 = 0x165667B19E3779F9u;
static const uint64_t PRIME64_4 = 0x85EBCA77C2B2AE63u;
static const uint64_t PRIME64_5 = 0x27D4EB2F165667C5u;
static const uint64_t PRIME_MX1 = 0x165667919E3779F9u;
static const uint64_t PRIME_MX2 = 0x9FB21C651E98DF25u;

// The specification's default secret (its "Seed and Secret" section).
static const uint8_t default_secret[SECRET_BYTES] = {
    0xb8, 0xfe, 0x6c, 0x39, 0x23, 0xa4, 0x4b, 0xbe, 0x7c, 0x01, 0x81, 0x2c, 0xf7, 0x21, 0xad, 0x1c,
    0xde, 0xd4, 0x6d, 0xe9, 0x83, 0x90, 0x97, 0xdb, 0x72, 0x40, 0xa4, 0xa4, 0xb7, 0xb3, 0x67, 0x1f,
    0xcb, 0x79, 0xe6, 0x4e, 0xcc, 0xc0, 0xe5, 0x78, 0x82, 0x5a, 0xd0, 0x7d, 0xcc, 0xff, 0x72, 0x21,
    0xb8, 0x08, 0x46, 0x74, 0xf7, 0x43, 0x24, 0x8e, 0xe0, 0x35, 0x90, 0xe6, 0x81, 0x3a, 0x26, 0x4c,
    0x3c, 0x28, 0x52, 0xbb, 0x91, 0xc3, 0x00, 0xcb, 0x88, 0xd0, 0x65, 0x8b, 0x1b, 0x53, 0x2e, 0xa3,
    0x71, 0x64, 0x48, 0x97, 0xa2, 0x0d, 0xf9, 0x4e, 0x38, 0x19, 0xef, 0x46, 0xa9, 0xde, 0xac, 0xd8,
    0xa8, 0xfa, 0x76, 0x3f, 0xe3, 0x9c, 0x34, 0x3f, 0xf9, 0xdc, 0xbb, 0xc7, 0xc7, 0x0b, 0x4f, 0x1d,
    0x8a, 0x51, 0xe0, 0x4b, 0xcd, 0xb4, 0x59, 0x31, 0xc8, 0x9f, 0x7e, 0xc9, 0xd9, 0x78, 0x73, 0x64,
    0xea, 0xc5, 0xac, 0x83, 0x34, 0xd3, 0xeb, 0xc3, 0xc5, 0x81, 0xa0, 0xff, 0xfa, 0x13, 0x63, 0xeb,
    0x17, 0x0d, 0xdd, 0x51, 0xb7, 0xf0, 0xda, 0x49, 0xd3, 0x16, 0x55, 0x26, 0x29, 0xd4, 0x68, 0x9e,
    0x2b, 0x16, 0xbe, 0x58, 0x7d, 0x47, 0xa1, 0xfc, 0x8f, 0xf8, 0xb8, 0xd1, 0x7a, 0xd0, 0x31, 0xce,
    0x45, 0xcb, 0x3a, 0x8f, 0x95, 0x16, 0x04, 0x28, 0xaf, 0xd7, 0xfb, 0xca, 0xbb, 0x4b, 0x40, 0x7e,
};

// ---------------------------------------------------------------------------------------------
// Arithmetic helpers. Input and secret words are little-endian at any alignment.

static inline uint32_t read32(const uint8_t *p) {
    uint32_t v;
    memcpy(&v, p, sizeof v);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    v = __builtin_bswap32(v);
#endif
    return v;
}

static inline uint64_t read64(const uint8_t *p) {
    uint64_t v;
    memcpy(&v, p, sizeof v);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    v = __builtin_bswap64(v);
#endif
    return v;
}

static inline uint64_t rotate_left(uint64_t x, unsigned bits) { return (x << bits) | (x >> (64 - bits)); }

// The 128-bit product of a and b, its two halves xor-ed together.
static inline uint64_t multiply_fold(uint64_t a, uint64_t b) {
    const unsigned __int128 product = (unsigned __int128)a * b;
    return (uint64_t)product ^ (uint64_t)(product >> 64);
}

// The specification's avalanche_XXH64 (used by the empty and 1-3 byte cases).
static inline uint64_t avalanche_xxh64(uint64_t x) {
    x ^= x >> 33;
    x *= PRIME64_2;
    x ^= x >> 29;
    x *= PRIME64_3;
    x ^= x >> 32;
    return x;
}

// The specification's XXH3 avalanche.
static inline uint64_t avalanche(uint64_t x) {
    x ^= x >> 37;
    x *= PRIME_MX1;
    x ^= x >> 32;
    return x;
}

// mixStep: 16 input bytes against 16 secret bytes (seed 0).
static inline uint64_t mix16(const uint8_t *input, const uint8_t *secret) {
    return multiply_fold(read64(input) ^ read64(secret), read64(input + 8) ^ read64(secret + 8));
}

// ---------------------------------------------------------------------------------------------
// Small (0-16 bytes) and medium (17-240 bytes) inputs, hashed whole.

static uint64_t hash_0to16(const uint8_t *input, size_t length) {
    const uint8_t *secret = default_secret;
    if (length > 8) {
        const uint64_t low = (read64(secret + 24) ^ read64(secret + 32)) ^ read64(input);
        const uint64_t high = (read64(secret + 40) ^ read64(secret + 48)) ^ read64(input + length - 8);
        return avalanche((uint64_t)length + __builtin_bswap64(low) + high + multiply_fold(low, high));
    }
    if (length >= 4) {
        const uint64_t combined = (uint64_t)read32(input + length - 4) | ((uint64_t)read32(input) << 32);
        uint64_t value = (read64(secret + 8) ^ read64(secret + 16)) ^ combined;
        value ^= rotate_left(value, 49) ^ rotate_left(value, 24);
        value *= PRIME_MX2;
        value ^= (value >> 35) + (uint64_t)length;
        value *= PRIME_MX2;
        return value ^ (value >> 28);
    }
    if (length > 0) {
        const uint32_t combined = (uint32_t)input[length - 1] | ((uint32_t)length << 8) |
                                  ((uint32_t)input[0] << 16) | ((uint32_t)input[length >> 1] << 24);
        return avalanche_xxh64((uint64_t)(read32(secret) ^ read32(secret + 4)) ^ combined);
    }
    return avalanche_xxh64(read64(secret + 56) ^ read64(secret + 64));
}

static uint64_t hash_17to128(const uint8_t *input, size_t length) {
    uint64_t acc = (uint64_t)length * PRIME64_1;
    const size_t rounds = ((length - 1) >> 5) + 1;
    for (size_t i = 0; i < rounds; i++) {
        acc += mix16(input + 16 * i, default_secret + 32 * i);
        acc += mix16(input + length - 16 * i - 16, default_secret + 32 * i + 16);
    }
    return avalanche(acc);
}

static uint64_t hash_129to240(const uint8_t *input, size_t length) {
    uint64_t acc = (uint64_t)length * PRIME64_1;
    for (size_t i = 0; i < 8; i++) acc += mix16(input + 16 * i, default_secret + 16 * i);
    acc = avalanche(acc);
    const size_t chunks = length >> 4;
    for (size_t i = 8; i < chunks; i++) acc += mix16(input + 16 * i, default_secret + 16 * (i - 8) + 3);
    acc += mix16(input + length - 16, default_secret + 136 - 17);
    return avalanche(acc);
}

static uint64_t hash_short(const uint8_t *input, size_t length) {
    if (length <= 16) return hash_0to16(input, length);
    if (length <= 128) return hash_17to128(input, length);
    return hash_129to240(input, length);
}

// ---------------------------------------------------------------------------------------------
// Long inputs: the stripe loop. Each version consumes `stripes` whole stripes from `input`,
// continuing a block that already holds `*stripes_in_block` stripes, and scrambles the
// accumulators whenever a block fills:
//   accumulate: for lane i, v = stripe[i] ^ secret[8·s + i]; acc[i ^ 1] += stripe[i];
//               acc[i] += low32(v) · high32(v)             (s = the stripe's place in its block)
//   scramble:   acc[i] = ((acc[i] ^ (acc[i] >> 47)) ^ secret[128 + i]) · PRIME32_1
// Between two scrambles only additions (mod 2^64) touch the accumulators, so each version sums
// the products and the raw stripes of a run of stripes separately and adds both once, the raw
// sum with its neighbouring lanes swapped: the same value with one shuffle per run instead of
// one per stripe, and no chain of dependent additions through the accumulators.

static inline void accumulate_stripe_portable(uint64_t acc[8], const uint8_t *stripe, const uint8_t *secret) {
    for (int lane = 0; lane < 8; lane++) {
        const uint64_t data = read64(stripe + 8 * lane);
        const uint64_t mixed = data ^ read64(secret + 8 * lane);
        acc[lane ^ 1] += data;
        acc[lane] += (mixed & 0xFFFFFFFFu) * (mixed >> 32);
    }
}

static inline void scramble_portable(uint64_t acc[8]) {
    const uint8_t *secret = default_secret + SCRAMBLE_SECRET_OFFSET;
    for (int lane = 0; lane < 8; lane++) {
        uint64_t a = acc[lane];
        a ^= a >> 47;
        a ^= read64(secret + 8 * lane);
        acc[lane] = a * PRIME32_1;
    }
}

static void consume_portable(uint64_t acc[8], const uint8_t *input, size_t stripes, uint64_t *stripes_in_block) {
    uint64_t place = *stripes_in_block;
    while (stripes > 0) {
        const size_t run = stripes < STRIPES_PER_BLOCK - place ? stripes : STRIPES_PER_BLOCK - place;
        uint64_t products[8] = {0}, raw[8] = {0};
        for (size_t n = 0; n < run; n++) {
            const uint8_t *stripe = input + STRIPE_BYTES * n, *secret = default_secret + 8 * (place + n);
            for (int lane = 0; lane < 8; lane++) {
                const uint64_t data = read64(stripe + 8 * lane);
                const uint64_t mixed = data ^ read64(secret + 8 * lane);
                raw[lane] += data;
                products[lane] += (mixed & 0xFFFFFFFFu) * (mixed >> 32);
            }
        }
        for (int lane = 0; lane < 8; lane++) acc[lane] += products[lane] + raw[lane ^ 1];
        input += STRIPE_BYTES * run;
        stripes -= run;
        place += run;
        if (place == STRIPES_PER_BLOCK) {
            scramble_portable(acc);
            place = 0;
        }
    }
    *stripes_in_block = place;
}

#if defined(__x86_64__)
// One 512-bit register holds all eight lanes. `_mm512_mul_epu32` multiplies the low 32 bits of
// each lane, so low32(v)·high32(v) is mul_epu32(v, v with its 32-bit halves swapped) (a
// shuffle, which runs on another port than the multiply; a shift would compete with it). The
// scramble's 64 × 32-bit product is split into 32 × 32-bit ones, as AVX-512F lacks a 64-bit lane
// multiply. Shuffling 32-bit words (2, 3, 0, 1) in each 128-bit lane swaps neighbouring 64-bit
// lanes (the acc[i ^ 1] term).
__attribute__((target("avx512f")))
static void consume_avx512(uint64_t acc[8], const uint8_t *input, size_t stripes, uint64_t *stripes_in_block) {
    __m512i lanes = _mm512_loadu_si512((const void *)acc);
    const __m512i scramble_secret = _mm512_loadu_si512((const void *)(default_secret + SCRAMBLE_SECRET_OFFSET));
    const __m512i prime = _mm512_set1_epi64((long long)PRIME32_1);
    uint64_t place = *stripes_in_block;
    while (stripes > 0) {
        const size_t run = stripes < STRIPES_PER_BLOCK - place ? stripes : STRIPES_PER_BLOCK - place;
        __m512i products = _mm512_setzero_si512(), raw = _mm512_setzero_si512();
        for (size_t n = 0; n < run; n++) {
            const __m512i data = _mm512_loadu_si512((const void *)(input + STRIPE_BYTES * n));
            const __m512i key = _mm512_loadu_si512((const void *)(default_secret + 8 * (place + n)));
            const __m512i mixed = _mm512_xor_si512(data, key);
            const __m512i high = _mm512_shuffle_epi32(mixed, (_MM_PERM_ENUM)0xB1);
            products = _mm512_add_epi64(products, _mm512_mul_epu32(mixed, high));
            raw = _mm512_add_epi64(raw, data);
        }
        const __m512i swapped = _mm512_shuffle_epi32(raw, (_MM_PERM_ENUM)0x4E);
        lanes = _mm512_add_epi64(lanes, _mm512_add_epi64(products, swapped));
        input += STRIPE_BYTES * run;
        stripes -= run;
        place += run;
        if (place == STRIPES_PER_BLOCK) {
            __m512i a = _mm512_xor_si512(lanes, _mm512_srli_epi64(lanes, 47));
            a = _mm512_xor_si512(a, scramble_secret);
            const __m512i low = _mm512_mul_epu32(a, prime);
            const __m512i high = _mm512_mul_epu32(_mm512_srli_epi64(a, 32), prime);
            lanes = _mm512_add_epi64(low, _mm512_slli_epi64(high, 32));
            place = 0;
        }
    }
    _mm512_storeu_si512((void *)acc, lanes);
    *stripes_in_block = place;
}

// The AVX2 version: the same steps on two 256-bit registers of four lanes each (lanes 0-3, 4-7);
// neighbouring lanes never straddle the two.
__attribute__((target("avx2")))
static void consume_avx2(uint64_t acc[8], const uint8_t *input, size_t stripes, uint64_t *stripes_in_block) {
    __m256i lanes[2] = {_mm256_loadu_si256((const __m256i *)acc), _mm256_loadu_si256((const __m256i *)(acc + 4))};
    const uint8_t *scramble = default_secret + SCRAMBLE_SECRET_OFFSET;
    const __m256i scramble_secret[2] = {_mm256_loadu_si256((const __m256i *)scramble),
                                        _mm256_loadu_si256((const __m256i *)(scramble + 32))};
    const __m256i prime = _mm256_set1_epi64x((long long)PRIME32_1);
    uint64_t place = *stripes_in_block;
    while (stripes > 0) {
        const size_t run = stripes < STRIPES_PER_BLOCK - place ? stripes : STRIPES_PER_BLOCK - place;
        __m256i products[2] = {_mm256_setzero_si256(), _mm256_setzero_si256()};
        __m256i raw[2] = {_mm256_setzero_si256(), _mm256_setzero_si256()};
        for (size_t n = 0; n < run; n++) {
            for (int half = 0; half < 2; half++) {
                const __m256i data = _mm256_loadu_si256((const __m256i *)(input + STRIPE_BYTES * n + 32 * half));
                const __m256i key = _mm256_loadu_si256((const __m256i *)(default_secret + 8 * (place + n) + 32 * half));
                const __m256i mixed = _mm256_xor_si256(data, key);
                products[half] = _mm256_add_epi64(products[half], _mm256_mul_epu32(mixed, _mm256_srli_epi64(mixed, 32)));
                raw[half] = _mm256_add_epi64(raw[half], data);
            }
        }
        for (int half = 0; half < 2; half++) {
            const __m256i swapped = _mm256_shuffle_epi32(raw[half], 0x4E);
            lanes[half] = _mm256_add_epi64(lanes[half], _mm256_add_epi64(products[half], swapped));
        }
        input += STRIPE_BYTES * run;
        stripes -= run;
        place += run;
        if (place == STRIPES_PER_BLOCK) {
            for (int half = 0; half < 2; half++) {
                __m256i a = _mm256_xor_si256(lanes[half], _mm256_srli_epi64(lanes[half], 47));
                a = _mm256_xor_si256(a, scramble_secret[half]);
                const __m256i low = _mm256_mul_epu32(a, prime);
                const __m256i high = _mm256_mul_epu32(_mm256_srli_epi64(a, 32), prime);
                lanes[half] = _mm256_add_epi64(low, _mm256_slli_epi64(high, 32));
            }
            place = 0;
        }
    }
    _mm256_storeu_si256((__m256i *)acc, lanes[0]);
    _mm256_storeu_si256((__m256i *)(acc + 4), lanes[1]);
    *stripes_in_block = place;
}
#endif

static void consume(ms_xxh3_state *state, const uint8_t *input, size_t stripes) {
    if (stripes == 0) return;
    switch ((enum isa)state->isa) {
#if defined(__x86_64__)
    case ISA_AVX512: consume_avx512(state->accumulators, input, stripes, &state->stripes_in_block); return;
    case ISA_AVX2: consume_avx2(state->accumulators, input, stripes, &state->stripes_in_block); return;
#endif
    default: consume_portable(state->accumulators, input, stripes, &state->stripes_in_block); return;
    }
}

// The widest version at most `requested` that this processor runs.
static enum isa usable_isa(int requested) {
    enum isa best = ISA_PORTABLE;
#if defined(__x86_64__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f")) best = ISA_AVX512;
    else if (__builtin_cpu_supports("avx2")) best = ISA_AVX2;
#endif
    if (requested < (int)ISA_PORTABLE) return ISA_PORTABLE;
    return requested < (int)best ? (enum isa)requested : best;
}

// ---------------------------------------------------------------------------------------------
// Streaming.

void ms_xxh3_init(ms_xxh3_state *state, int isa) {
    memset(state, 0, sizeof *state);
    const uint64_t initial[8] = {PRIME32_3, PRIME64_1, PRIME64_2, PRIME64_3, PRIME64_4, PRIME32_2, PRIME64_5, PRIME32_1};
    memcpy(state->accumulators, initial, sizeof initial);
    state->isa = (int32_t)usable_isa(isa);
}

void ms_xxh3_update(ms_xxh3_state *state, const void *bytes, size_t length) {
    if (length == 0) return;
    const uint8_t *input = bytes;
    state->total_length += length;
    if (state->pending_length + length <= PENDING_BYTES) {
        memcpy(state->pending + state->pending_length, input, length);
        state->pending_length += length;
        return;
    }
    // From here on at least one byte follows everything consumed below.
    if (state->pending_length > 0) {
        const size_t fill = PENDING_BYTES - (size_t)state->pending_length;
        memcpy(state->pending + state->pending_length, input, fill);
        input += fill;
        length -= fill;
        consume(state, state->pending, PENDING_BYTES / STRIPE_BYTES);
        memcpy(state->last_consumed, state->pending + PENDING_BYTES - STRIPE_BYTES, STRIPE_BYTES);
        state->pending_length = 0;
    }
    // Whole stripes straight from the caller's buffer, keeping back 1...64 bytes.
    const size_t stripes = (length - 1) / STRIPE_BYTES;
    if (stripes > 0) {
        consume(state, input, stripes);
        memcpy(state->last_consumed, input + STRIPE_BYTES * (stripes - 1), STRIPE_BYTES);
        input += STRIPE_BYTES * stripes;
        length -= STRIPE_BYTES * stripes;
    }
    memcpy(state->pending, input, length);
    state->pending_length = length;
}

uint64_t ms_xxh3_digest(const ms_xxh3_state *state) {
    const size_t pending = (size_t)state->pending_length;
    if (state->total_length <= MEDIUM_MAX) return hash_short(state->pending, pending);

    // Long input: the pending bytes' stripes except the last (the last block's stripes), then
    // the input's last 64 bytes as the final stripe, on a copy of the accumulators.
    ms_xxh3_state end = *state;
    consume(&end, state->pending, (pending - 1) / STRIPE_BYTES);
    uint8_t last_stripe[STRIPE_BYTES];
    if (pending >= STRIPE_BYTES) {
        memcpy(last_stripe, state->pending + pending - STRIPE_BYTES, STRIPE_BYTES);
    } else {
        memcpy(last_stripe, state->last_consumed + pending, STRIPE_BYTES - pending);
        memcpy(last_stripe + STRIPE_BYTES - pending, state->pending, pending);
    }
    accumulate_stripe_portable(end.accumulators, last_stripe, default_secret + LAST_STRIPE_SECRET_OFFSET);

    // finalMerge
    const uint8_t *secret = default_secret + MERGE_SECRET_OFFSET;
    uint64_t result = state->total_length * PRIME64_1;
    for (int pair = 0; pair < 4; pair++) {
        result += multiply_fold(end.accumulators[2 * pair] ^ read64(secret + 16 * pair),
                                end.accumulators[2 * pair + 1] ^ read64(secret + 16 * pair + 8));
    }
    return avalanche(result);
}
