"""A layer profile by scikit-dimension + NumPy: what `mindspace layers --estimator twonn` computes,
the way a researcher would glue it together today.

For every layer of an .npz (arrays in name order): TwoNN by `skdim.id.TwoNN()` (defaults);
with the next layer, the neighbourhood overlap of Doimo et al. 2020 (k = 10 nearest neighbours by
Euclidean distance, self excluded, from the full N × N distance matrix with `argpartition`) and
linear CKA by the feature-space formula (google-research `feature_space_linear_cka`) on the arrays
as stored. Timed inside Python after the imports: loading plus every estimate. Prints one JSON
line: seconds, twonn (per layer), overlap and cka (per transition).
"""
import argparse
import json
import time

import numpy as np
import skdim


def neighbours(x, k):
    x = x.astype(np.float64)
    squares = (x * x).sum(axis=1)
    distances = squares[:, None] + squares[None, :] - 2 * (x @ x.T)
    np.fill_diagonal(distances, np.inf)
    return np.argpartition(distances, k, axis=1)[:, :k]


def overlap(a, b):
    return float(np.mean([len(np.intersect1d(a[i], b[i], assume_unique=True)) for i in range(len(a))]) / a.shape[1])


def linear_cka(x, y):
    x = x - x.mean(axis=0, keepdims=True)
    y = y - y.mean(axis=0, keepdims=True)
    return float(np.linalg.norm(x.T @ y) ** 2 / (np.linalg.norm(x.T @ x) * np.linalg.norm(y.T @ y)))


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("npz")
    parser.add_argument("--k", type=int, default=10)
    args = parser.parse_args()
    start = time.perf_counter()
    data = np.load(args.npz)
    layers = [data[name] for name in sorted(data.files)]
    twonn = [float(skdim.id.TwoNN().fit(layer.astype(np.float64)).dimension_) for layer in layers]
    lists = [neighbours(layer, args.k) for layer in layers]
    overlaps = [overlap(lists[i], lists[i + 1]) for i in range(len(layers) - 1)]
    ckas = [linear_cka(layers[i], layers[i + 1]) for i in range(len(layers) - 1)]
    done = time.perf_counter()
    print(json.dumps({"seconds": done - start, "twonn": twonn, "overlap": overlaps, "cka": ckas}))


if __name__ == "__main__":
    main()
