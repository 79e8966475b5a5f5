"""Peer fixtures for MindSpace's nonlinear projections (MDS, Isomap, UMAP, t-SNE) and
trustworthiness.

Run from the repository root with the peers' virtual environment:

    /work/venv-peers/bin/python Tests/MindSpaceTestSupport/Fixtures/projection/make_fixtures.py

Writes, next to this script:
  * peers.json            umap-learn's and scikit-learn's results the tests compare against:
                          - "digits": trustworthiness (k = 10, sklearn.manifold.trustworthiness) of
                            umap-learn UMAP() (defaults, n_jobs=1) on datasets/digits.npy for
                            random_state 0..4, and of sklearn TSNE() (defaults) for random_state 0;
                            wall times of umap-learn's first (JIT-compiling) and second run
                          - "umap_ab": umap.umap_.find_ab_params(spread, min_dist) for a few pairs
                          - "trustworthiness": sklearn's trustworthiness of trust_y.npy as an
                            embedding of trust_x.npy for several k (checked to 1e-12)
                          - "swiss_roll": the Isomap parameters used for swiss_roll_isomap.npy
  * trust_x.npy, trust_y.npy     a fixed 120 × 6 data set and a noisy 2-D view of it (float64)
  * swiss_roll.npy               1000 points of sklearn.datasets.make_swiss_roll (random_state 0)
  * swiss_roll_parameters.npy    their true parameters: column 0 the roll's position t, column 1
                                 the height (the y coordinate)
  * swiss_roll_isomap.npy        sklearn Isomap(n_neighbors=10, n_components=2) of those points
  * VERSIONS.txt                 versions of the packages used

Everything is seeded; umap-learn's values depend on its own (numba) arithmetic and may move in
the last digits across versions, which is why the tests compare with a tolerance.
"""

import json
import sys
import time
from importlib.metadata import version
from pathlib import Path

import numpy as np
from sklearn.datasets import make_swiss_roll
from sklearn.manifold import TSNE, Isomap, trustworthiness

import umap
from umap.umap_ import find_ab_params

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[3]


def digits_values():
    digits = np.load(ROOT / "datasets" / "digits.npy")
    out = {"n": int(digits.shape[0]), "d": int(digits.shape[1]), "k": 10}
    runs = []
    times = []
    for seed in range(5):
        start = time.perf_counter()
        embedding = umap.UMAP(random_state=seed, n_jobs=1).fit_transform(digits)
        times.append(time.perf_counter() - start)
        runs.append(float(trustworthiness(digits, embedding, n_neighbors=10)))
    out["umap_trustworthiness"] = runs
    out["umap_seconds"] = times
    start = time.perf_counter()
    tsne = TSNE(random_state=0).fit_transform(digits)
    out["tsne_seconds"] = time.perf_counter() - start
    out["tsne_trustworthiness"] = float(trustworthiness(digits, tsne, n_neighbors=10))
    return out


def ab_values():
    pairs = [(1.0, 0.1), (1.0, 0.0), (1.0, 0.5), (2.0, 0.25), (0.5, 0.05)]
    out = []
    for spread, min_dist in pairs:
        a, b = find_ab_params(spread, min_dist)
        out.append({"spread": spread, "min_dist": min_dist, "a": float(a), "b": float(b)})
    return out


def trust_values():
    rng = np.random.default_rng(20010101)
    x = rng.standard_normal((120, 6)) * np.array([5.0, 3.0, 2.0, 1.0, 0.5, 0.25])
    y = x[:, :2] + 0.8 * rng.standard_normal((120, 2))
    np.save(HERE / "trust_x.npy", x)
    np.save(HERE / "trust_y.npy", y)
    return {str(k): float(trustworthiness(x, y, n_neighbors=k)) for k in (1, 5, 10, 25, 59)}


def swiss_roll_values():
    points, t = make_swiss_roll(n_samples=1000, random_state=0)
    np.save(HERE / "swiss_roll.npy", points)
    np.save(HERE / "swiss_roll_parameters.npy", np.stack([t, points[:, 1]], axis=1))
    embedding = Isomap(n_neighbors=10, n_components=2).fit_transform(points)
    np.save(HERE / "swiss_roll_isomap.npy", embedding)
    return {"n_samples": 1000, "random_state": 0, "n_neighbors": 10}


def main():
    out = {
        "umap_ab": ab_values(),
        "trustworthiness": trust_values(),
        "swiss_roll": swiss_roll_values(),
        "digits": digits_values(),
    }
    (HERE / "peers.json").write_text(json.dumps(out, indent=1) + "\n")
    names = ["umap-learn", "numba", "scikit-learn", "scipy", "numpy", "pynndescent"]
    lines = [f"python=={sys.version.split()[0]}"] + [f"{name}=={version(name)}" for name in names]
    (HERE / "VERSIONS.txt").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
