"""Peer for the knn workload: DADApy's TwoNN, `Data(X).compute_id_2NN()`, on a .npy file.

Times `np.load` + `Data(coordinates=X)` + `compute_id_2NN()` INSIDE this process (imports and
interpreter start excluded), with DADApy's defaults: the neighbour search stores maxk =
min(100, N − 1) neighbours per point (scikit-learn NearestNeighbors), then the least-squares fit
on the 90% smallest ratios (mu_fraction = 0.9).
Prints one JSON line: {"seconds", "load_seconds", "fit_seconds", "dimension", "n", "d", "threadpool"}.
"""
import argparse
import contextlib
import io
import json
import time
import warnings

import numpy as np
import threadpoolctl
from dadapy import Data


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("input")
    args = parser.parse_args()

    start = time.perf_counter()
    x = np.load(args.input)
    loaded = time.perf_counter()
    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
        warnings.simplefilter("ignore")
        data = Data(coordinates=x)
        dimension, _, _ = data.compute_id_2NN()
    done = time.perf_counter()
    print(json.dumps({
        "seconds": done - start,
        "load_seconds": loaded - start,
        "fit_seconds": done - loaded,
        "dimension": float(dimension),
        "maxk": int(data.maxk),
        "n": int(x.shape[0]),
        "d": int(x.shape[1]),
        "threadpool": threadpoolctl.threadpool_info(),
    }))


if __name__ == "__main__":
    main()
