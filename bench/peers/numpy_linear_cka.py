"""Linear CKA of two representations by NumPy, the feature-space formula of the google-research
representation_similarity notebook (Kornblith et al. 2019), `feature_space_linear_cka(x, y)`:

    x -= mean(x); y -= mean(y)
    cka = ‖yᵀx‖²_F / (‖xᵀx‖_F · ‖yᵀy‖_F)

on the arrays as stored (float32 stays float32, NumPy's best speed; `x.T @ x` runs as syrk).
Timed inside Python after the imports: the two np.load calls plus the formula. Prints one JSON
line: seconds, load_seconds, value.
"""
import argparse
import json
import time

import numpy as np


def feature_space_linear_cka(x, y):
    x = x - x.mean(axis=0, keepdims=True)
    y = y - y.mean(axis=0, keepdims=True)
    similarity = np.linalg.norm(x.T @ y) ** 2
    return float(similarity / (np.linalg.norm(x.T @ x) * np.linalg.norm(y.T @ y)))


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("a")
    parser.add_argument("b")
    args = parser.parse_args()
    start = time.perf_counter()
    x, y = np.load(args.a), np.load(args.b)
    loaded = time.perf_counter()
    value = feature_space_linear_cka(x, y)
    done = time.perf_counter()
    print(json.dumps({"seconds": done - start, "load_seconds": loaded - start, "value": value}))


if __name__ == "__main__":
    main()
