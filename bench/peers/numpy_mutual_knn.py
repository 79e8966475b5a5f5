"""Mutual k-NN alignment of two representations by NumPy, as platonic-rep's metrics.py computes
it (Huh et al. 2024, `AlignmentMetrics.mutual_knn`): rows L2-normalised, the full N × N inner
product matrix with its diagonal pushed to −1e8, every row sorted (argsort, descending) and its
first k kept, then the mean over rows of |kNN_A(i) ∩ kNN_B(i)| / k.

platonic-rep does this with torch on a GPU; this is the same algorithm in NumPy on the CPU, on the
arrays as stored (float32). Timed inside Python after the imports: loading plus the metric.
Prints one JSON line: seconds, load_seconds, value.
"""
import argparse
import json
import time

import numpy as np


def nearest_neighbors(features, k):
    features = features / np.linalg.norm(features, axis=1, keepdims=True)
    similarity = features @ features.T
    np.fill_diagonal(similarity, -1e8)
    return np.argsort(-similarity, axis=1)[:, :k]


def mutual_knn(a, b, k):
    knn_a, knn_b = nearest_neighbors(a, k), nearest_neighbors(b, k)
    n = len(a)
    mask_a = np.zeros((n, n), dtype=bool)
    mask_b = np.zeros((n, n), dtype=bool)
    rows = np.arange(n)[:, None]
    mask_a[rows, knn_a] = True
    mask_b[rows, knn_b] = True
    return float(((mask_a & mask_b).sum(axis=1) / k).mean())


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("a")
    parser.add_argument("b")
    parser.add_argument("--k", type=int, default=10)
    args = parser.parse_args()
    start = time.perf_counter()
    x, y = np.load(args.a), np.load(args.b)
    loaded = time.perf_counter()
    value = mutual_knn(x, y, args.k)
    done = time.perf_counter()
    print(json.dumps({"seconds": done - start, "load_seconds": loaded - start, "value": value}))


if __name__ == "__main__":
    main()
