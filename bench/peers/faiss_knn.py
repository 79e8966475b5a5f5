"""Peer (the reference) for the knn workloads: exact k-nearest-neighbour search with FAISS
`IndexFlatL2` on a float32 .npy file.

"seconds" is `index.add` + `index.search(X, k)` ALONE, timed inside this process: loading the
file, interpreter start and imports are excluded (`untimed_load_seconds` reports the load, not counted), so
this is the search cost any kNN-based estimator has to pay, without any estimator on top. FAISS
uses all cores (OpenMP). The query set is the data set itself, so each point's first hit is
itself: k = 3 gives the two neighbours TwoNN needs, k = 21 the twenty MLE needs.

After the timed part (not timed), the TwoNN least-squares estimate (10% largest ratios discarded,
line through the origin, as Facco et al. 2017 and scikit-dimension) is computed from FAISS's
distances, so the workload can check that the same neighbours give the same dimension.

Prints one JSON line: {"seconds", "untimed_load_seconds", "n", "d", "k", "twonn_from_distances",
"faiss_threads", "faiss_blas_kernel", "threadpool"}.
"""
import argparse
import json
import os
import time

# The faiss-cpu 1.15.1 wheel bundles its own OpenBLAS 0.3.15, which neither recognises this CPU
# (AVX-512 with bfloat16: "Cooperlake" to NumPy's newer OpenBLAS) nor accepts
# OPENBLAS_CORETYPE=Cooperlake (the harness's setting for the peers): it falls back to its generic
# SSE3 "Prescott" kernels, and its sgemm runs several times slower. It does accept "SkylakeX",
# whose AVX-512 sgemm kernels are the ones Cooperlake uses (Cooperlake only adds bfloat16), so
# the reference is measured with its best kernels. OpenBLAS reads the variable when it loads, so
# it is set before the imports. The kernel FAISS's OpenBLAS used is reported (faiss_blas_kernel).
if os.environ.get("OPENBLAS_CORETYPE", "").lower() == "cooperlake":
    os.environ["OPENBLAS_CORETYPE"] = "SkylakeX"

import faiss  # noqa: E402
import numpy as np  # noqa: E402
import threadpoolctl  # noqa: E402


def twonn_least_squares(r1, r2, discard_fraction=0.1):
    mu = np.sort(r2 / r1)
    n = len(mu)
    keep = int(n * (1 - discard_fraction))
    x = np.log(mu[:keep])
    y = -np.log(1 - np.arange(1, keep + 1) / n)
    return float(np.dot(x, y) / np.dot(x, x))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("input")
    parser.add_argument("--k", type=int, default=3)
    args = parser.parse_args()

    start = time.perf_counter()
    x = np.ascontiguousarray(np.load(args.input), dtype=np.float32)
    loaded = time.perf_counter()
    index = faiss.IndexFlatL2(x.shape[1])
    index.add(x)
    squared, neighbours = index.search(x, args.k)
    done = time.perf_counter()

    # Drop each point's own entry (normally the first column).
    own = neighbours == np.arange(len(x))[:, None]
    keep = ~own
    keep[own.sum(axis=1) == 0, -1] = False
    distances = np.sqrt(np.maximum(squared[keep].reshape(len(x), args.k - 1), 0.0)).astype(np.float64)
    estimate = None
    if args.k >= 3 and np.all(distances[:, 0] > 0):
        estimate = twonn_least_squares(distances[:, 0], distances[:, 1])
    pool = threadpoolctl.threadpool_info()
    print(json.dumps({
        "seconds": done - loaded,
        "untimed_load_seconds": loaded - start,
        "n": int(x.shape[0]),
        "d": int(x.shape[1]),
        "k": args.k,
        "twonn_from_distances": estimate,
        "faiss_threads": faiss.omp_get_max_threads(),
        "faiss_blas_kernel": next((i.get("architecture") for i in pool if "libopenblaso" in i.get("filepath", "")), None),
        "threadpool": pool,
    }))


if __name__ == "__main__":
    main()
