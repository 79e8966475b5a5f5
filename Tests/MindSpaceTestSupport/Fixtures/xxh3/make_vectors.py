"""Writes the XXH3-64 reference digests for XXH3HashTests.

Run from anywhere:  /work/venv-peers/bin/python make_vectors.py
Writes, next to this script:
  vectors.json   {"xxhash": package version, "libxxhash": bundled library version,
                  "vectors": [{"pattern", "length", "digest"} (and "word" for the "word" pattern)]}:
                 xxhash.xxh3_64(data).hexdigest() (seed 0, default secret) of the inputs below
  VERSIONS.txt   python and xxhash versions used

Inputs (the Swift test regenerates them from pattern and length):
  "arithmetic"  byte i = (7·i + 3) mod 256, for LENGTHS (every size class of the specification:
                0, 1-3, 4-8, 9-16, 17-128, 129-240 and the long path around one stripe (64 bytes),
                one block (1024 bytes) and many blocks). Every input is a prefix of the longest.
  "lcg"         byte i = the top 8 bits of x_(i+1), x_0 = 1, x_(n+1) = 6364136223846793005·x_n
                + 1442695040888963407 mod 2^64 (Knuth's MMIX generator), for the same LENGTHS:
                no period that could hide a wrong secret offset.
  "word"        the 4 little-endian bytes of k ("word"), for the smallest k whose digest starts with "00"
                (checks that hexDigest keeps leading zeros).
"""
import json
import os
import platform

import xxhash

HERE = os.path.dirname(os.path.abspath(__file__))

LENGTHS = [0, 1, 2, 3, 4, 5, 8, 9, 16, 17, 32, 33, 64, 127, 128, 129, 200, 239, 240, 241, 255, 256,
           257, 1023, 1024, 1025, 2048, 4095, 65536, 100003, 1000000]


def arithmetic(length):
    return bytes((7 * i + 3) % 256 for i in range(length))


def lcg(length):
    x, out = 1, bytearray(length)
    for i in range(length):
        x = (6364136223846793005 * x + 1442695040888963407) % 2**64
        out[i] = x >> 56
    return bytes(out)


def main():
    vectors = []
    for pattern, make in (("arithmetic", arithmetic), ("lcg", lcg)):
        for length in LENGTHS:
            vectors.append({"pattern": pattern, "length": length, "digest": xxhash.xxh3_64(make(length)).hexdigest()})
    k = 0
    while not xxhash.xxh3_64(k.to_bytes(4, "little")).hexdigest().startswith("00"):
        k += 1
    vectors.append({"pattern": "word", "length": 4, "word": k, "digest": xxhash.xxh3_64(k.to_bytes(4, "little")).hexdigest()})

    document = {"xxhash": xxhash.VERSION, "libxxhash": xxhash.XXHASH_VERSION, "vectors": vectors}
    with open(os.path.join(HERE, "vectors.json"), "w") as f:
        json.dump(document, f, indent=1)
        f.write("\n")
    with open(os.path.join(HERE, "VERSIONS.txt"), "w") as f:
        f.write(f"python=={platform.python_version()}\nxxhash=={xxhash.VERSION}\nlibxxhash=={xxhash.XXHASH_VERSION}\n")


if __name__ == "__main__":
    main()
