"""Peer for the checkpoints workload: NumPy loads one tensor of every checkpoint into memory
and takes the SVD (in float64, as mindspace computes) of the centred checkpoints × parameters matrix (what one does without a
streaming tool). Times loading + centring + SVD INSIDE this process, after the imports.
Prints one JSON line: {"seconds", "load_seconds", "svd_seconds", "n", "p", "explained_variance_ratio"}.
"""
import argparse
import json
import pathlib
import re
import time

import numpy as np
from safetensors.numpy import load_file


def natural_key(path):
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", path.name)]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("folder")
    parser.add_argument("--tensor", required=True)
    args = parser.parse_args()
    files = sorted(pathlib.Path(args.folder).glob("*.safetensors"), key=natural_key)

    start = time.perf_counter()
    first = None
    for index, path in enumerate(files):
        values = load_file(str(path))[args.tensor].ravel()
        if first is None:
            first = np.empty((len(files), values.size), dtype=values.dtype)
        first[index] = values
    loaded = time.perf_counter()
    x = first.astype(np.float64)
    x -= x.mean(axis=0)
    s = np.linalg.svd(x, full_matrices=False, compute_uv=False)
    done = time.perf_counter()

    variance = s.astype(np.float64) ** 2
    print(json.dumps({
        "seconds": done - start, "load_seconds": loaded - start, "svd_seconds": done - loaded,
        "n": int(x.shape[0]), "p": int(x.shape[1]),
        "explained_variance_ratio": [float(v) for v in variance / variance.sum()],
    }))


if __name__ == "__main__":
    main()
