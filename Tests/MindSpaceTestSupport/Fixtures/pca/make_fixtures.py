"""Writes the scikit-learn PCA fixtures that PCATests compares against.

Run with the peers' venv:  /work/venv-peers/bin/python make_fixtures.py
(from any directory; files are written beside this script).

Each case is a seeded Gaussian sample X = Z·diag(scales)·Q + offset (Q a random rotation), fitted
with scikit-learn's PCA(svd_solver="full") (LAPACK SVD of the centred data: the most accurate
reference). Outputs, all raw little-endian float64 row-major, named in cases.json:
  <case>_data.bin                       N×D input
  <case>_mean.bin                       mean_ (D)
  <case>_explained_variance.bin         explained_variance_ (min(N, D))
  <case>_explained_variance_ratio.bin   explained_variance_ratio_ (min(N, D))
  <case>_singular_values.bin            singular_values_ (min(N, D))
  <case>_components.bin                 components_ (min(N, D)×D), sign rule re-applied below
cases.json also records n_components_ of PCA(n_components=f) for f in 0.5, 0.9, 0.99, and the
number of components with nonzero variance (the rest are arbitrary directions, not compared).
"""
import json
import pathlib
import sys

import numpy as np
import scipy
import sklearn
from sklearn.decomposition import PCA

HERE = pathlib.Path(__file__).resolve().parent


def largest_loading_positive(components):
    """The sign rule of MindSpace's ComponentSigns (and sklearn's svd_flip on rows): the first
    entry of largest |value| in each row is made positive."""
    out = components.copy()
    for i, row in enumerate(out):
        j = int(np.argmax(np.abs(row)))
        if row[j] < 0:
            out[i] = -row
    return out


def tie_margin(components):
    """Smallest gap between the largest and second-largest |loading| over the rows."""
    margins = []
    for row in components:
        a = np.sort(np.abs(row))[::-1]
        margins.append(a[0] - a[1])
    return float(min(margins))


def write(name, array):
    path = HERE / name
    np.ascontiguousarray(array, dtype="<f8").tofile(path)
    return name


def make_case(name, n, d, scales, offset, seed):
    rng = np.random.default_rng(seed)
    q, _ = np.linalg.qr(rng.standard_normal((d, d)))
    z = rng.standard_normal((n, len(scales)))
    x = (z * np.asarray(scales)) @ q[: len(scales)] + offset * rng.standard_normal(d)
    pca = PCA(svd_solver="full").fit(x)
    components = largest_loading_positive(pca.components_)
    nonzero = int(np.sum(pca.explained_variance_ > 1e-9 * pca.explained_variance_[0]))
    margin = tie_margin(components[:nonzero])
    assert margin > 1e-3, f"{name}: near-tie in the sign rule (margin {margin})"
    counts = {}
    for fraction in (0.5, 0.9, 0.99):
        counts[str(fraction)] = int(PCA(n_components=fraction, svd_solver="full").fit(x).n_components_)
    return {
        "name": name,
        "n": n,
        "d": d,
        "nonzero_components": nonzero,
        "sign_tie_margin": margin,
        "components_for": counts,
        "data": write(f"{name}_data.bin", x),
        "mean": write(f"{name}_mean.bin", pca.mean_),
        "explained_variance": write(f"{name}_explained_variance.bin", pca.explained_variance_),
        "explained_variance_ratio": write(f"{name}_explained_variance_ratio.bin", pca.explained_variance_ratio_),
        "singular_values": write(f"{name}_singular_values.bin", pca.singular_values_),
        "components": write(f"{name}_components.bin", components),
    }


def main():
    cases = [
        # N > D: 12 well separated scales, a large offset (centring matters).
        make_case("tall", 200, 12, [10, 7, 5, 3.5, 2.5, 1.7, 1.2, 0.9, 0.6, 0.4, 0.25, 0.15], 100.0, 20240601),
        # D > N: 15 points in 50 dimensions, 8 strong directions + isotropic-ish rest from 50 scales.
        make_case("wide", 15, 50, [9, 6, 4, 3, 2, 1.5, 1.0, 0.7] + [0.2] * 42, 3.0, 20240602),
    ]
    (HERE / "cases.json").write_text(json.dumps({"cases": cases}, indent=2) + "\n")
    versions = (
        f"python {sys.version.split()[0]}\n"
        f"numpy=={np.__version__}\n"
        f"scipy=={scipy.__version__}\n"
        f"scikit-learn=={sklearn.__version__}\n"
    )
    (HERE / "VERSIONS.txt").write_text(versions)


if __name__ == "__main__":
    main()
