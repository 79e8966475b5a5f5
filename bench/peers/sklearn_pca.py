"""Peer for the PCA workload: scikit-learn's PCA on a .npy file.

Times `np.load` + `PCA(...).fit_transform` INSIDE this process, after the imports: interpreter
start and `import numpy/sklearn` are excluded. Prints one JSON line:
  {"seconds", "load_seconds", "fit_seconds", "n", "d", "explained_variance_ratio", "threadpool"}
"""
import argparse
import json
import time

import numpy as np
import threadpoolctl
from sklearn.decomposition import PCA


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("input")
    parser.add_argument("--components", type=int, default=10)
    parser.add_argument("--solver", default="covariance_eigh")
    args = parser.parse_args()

    start = time.perf_counter()
    x = np.load(args.input)
    loaded = time.perf_counter()
    pca = PCA(n_components=args.components, svd_solver=args.solver)
    scores = pca.fit_transform(x)
    done = time.perf_counter()

    assert scores.shape == (x.shape[0], args.components)
    print(json.dumps({
        "seconds": done - start,
        "load_seconds": loaded - start,
        "fit_seconds": done - loaded,
        "n": int(x.shape[0]),
        "d": int(x.shape[1]),
        "explained_variance_ratio": [float(v) for v in pca.explained_variance_ratio_],
        "threadpool": threadpoolctl.threadpool_info(),
    }))


if __name__ == "__main__":
    main()
