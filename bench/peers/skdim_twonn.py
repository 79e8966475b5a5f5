"""Peer for the knn workloads: scikit-dimension 0.5.0's TwoNN or MLE on a .npy file.

Times `np.load` + the fit INSIDE this process (imports and interpreter start excluded):
  --estimator twonn: `skdim.id.TwoNN().fit(X)` (least squares, 10% largest ratios discarded;
                     for D > 25 skdim sorts full rows of `pairwise_distances_chunked`);
  --estimator mle:   `skdim.id.MLE().fit(X, n_neighbors=K)` (Levina–Bickel per point on K
                     neighbours from scikit-learn's NearestNeighbors, pooled as the harmonic mean,
                     skdim's default comb="mle"; skdim's constructor argument `K` is only used with
                     neighborhood_based=False, so the neighbourhood size is fit's n_neighbors).
Prints one JSON line: {"seconds", "load_seconds", "fit_seconds", "dimension", "n", "d", "threadpool"}.
"""
import argparse
import json
import time
import warnings

import numpy as np
import threadpoolctl
import skdim


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("input")
    parser.add_argument("--estimator", choices=["twonn", "mle"], default="twonn")
    parser.add_argument("--k", type=int, default=20, help="neighbours for mle")
    args = parser.parse_args()

    start = time.perf_counter()
    x = np.load(args.input)
    loaded = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if args.estimator == "twonn":
            dimension = skdim.id.TwoNN().fit(x).dimension_
        else:
            dimension = skdim.id.MLE().fit(x, n_neighbors=args.k).dimension_
    done = time.perf_counter()
    print(json.dumps({
        "seconds": done - start,
        "load_seconds": loaded - start,
        "fit_seconds": done - loaded,
        "dimension": float(dimension),
        "n": int(x.shape[0]),
        "d": int(x.shape[1]),
        "threadpool": threadpoolctl.threadpool_info(),
    }))


if __name__ == "__main__":
    main()
