"""Peer fixtures for MindSpace's intrinsic-dimension estimators.

Run with the peers' virtual environment from this folder:

    /work/venv-peers/bin/python make_fixtures.py

Writes, next to this script:
  * <name>.bin   raw little-endian float64 points, row-major, shape recorded in peers.json
  * peers.json   shapes and the peers' estimates on exactly those float64 points:
                 scikit-dimension TwoNN (linear fit and closed-form MLE), DADApy compute_id_2NN
                 ('base' and 'ml'), scikit-dimension MLE (Levina-Bickel, MacKay-Ghahramani
                 pooling), plus scikit-learn's exact 5-NN of one set and SciPy Gamma quantiles
  * hypercube.json  mean and standard deviation of the same peers' estimates on uniform
                 hypercubes (20 seeds per case), the reference for the accuracy tests
  * VERSIONS.txt the versions of the packages used

Everything is seeded, so rerunning reproduces the files byte for byte with the same versions.
"""

import json
import sys
import warnings
from importlib.metadata import version
from pathlib import Path

import numpy as np
import scipy
import scipy.stats
import sklearn
from sklearn.neighbors import NearestNeighbors

import dadapy
import skdim

HERE = Path(__file__).resolve().parent


def cube5():
    """Uniform points in the unit 5-cube, N = 1000, D = 5 (true ID 5)."""
    return np.random.default_rng(20170901).random((1000, 5))


def manifold3in10():
    """A curved 3-manifold in R^10, N = 2000 (true ID 3): ten smooth features of
    u in [0,1]^3, then a random rotation so that no coordinate is special."""
    rng = np.random.default_rng(20040101)
    u = rng.random((2000, 3))
    a, b, c = u[:, 0], u[:, 1], u[:, 2]
    features = np.stack(
        [a, b, c, np.sin(2 * np.pi * a), np.cos(2 * np.pi * b), a * b,
         c ** 2, np.sin(np.pi * (a + c)), b * c, np.cos(np.pi * a * b)],
        axis=1,
    )
    rotation, _ = np.linalg.qr(rng.standard_normal((10, 10)))
    return features @ rotation


def gauss4in30():
    """A 4-d standard Gaussian linearly embedded in R^30, N = 800 (true ID 4). D > 25 sends
    scikit-dimension's TwoNN down its pairwise-distance path rather than its tree path."""
    rng = np.random.default_rng(19750101)
    latent = np.zeros((800, 30))
    latent[:, :4] = rng.standard_normal((800, 4))
    rotation, _ = np.linalg.qr(rng.standard_normal((30, 30)))
    return latent @ rotation


def peer_estimates(X):
    """Every peer value the Swift tests compare against, on the float64 points X."""
    out = {}
    out["skdim_twonn_default"] = float(skdim.id.TwoNN().fit(X).dimension_)
    out["skdim_twonn_discard_0.1"] = float(skdim.id.TwoNN(discard_fraction=0.1).fit(X).dimension_)
    out["skdim_twonn_discard_0.2"] = float(skdim.id.TwoNN(discard_fraction=0.2).fit(X).dimension_)
    out["skdim_twonn_mle_discard_0"] = float(
        skdim.id.TwoNN(method="mle", discard_fraction=0.0).fit(X).dimension_)
    out["skdim_twonn_mle_discard_0.1"] = float(
        skdim.id.TwoNN(method="mle", discard_fraction=0.1).fit(X).dimension_)
    data = dadapy.Data(coordinates=X, verbose=False)
    out["dadapy_2nn_base"] = float(data.compute_id_2NN()[0])
    out["dadapy_2nn_ml"] = float(data.compute_id_2NN(algorithm="ml")[0])
    # scikit-dimension's MLE defaults: n_neighbors = 20 (self excluded), comb = "mle"
    # (1 / mean(1 / local)), unbiased = False (local = (k - 1) / sum_j log(T_k / T_j)).
    mle = skdim.id.MLE().fit(X)
    out["skdim_mle_k20"] = float(mle.dimension_)
    out["skdim_mle_k20_unbiased"] = float(skdim.id.MLE(unbiased=True).fit(X).dimension_)
    out["skdim_mle_k10"] = float(skdim.id.MLE().fit(X, n_neighbors=10).dimension_)
    out["skdim_mle_k20_mean"] = float(skdim.id.MLE().fit(X, comb="mean").dimension_)
    return out, mle.dimension_pw_


def hypercube_reference(n=4000, seeds=20):
    """Mean and standard deviation of the peers' estimates on uniform d-cubes (d = 2, 5, 10).
    Cubes have boundaries, so all these estimators read low at d = 10 (boundary points see
    fewer neighbours on one side); the Swift tests check MindSpace lands in the same place."""
    cases = {}
    for d in (2, 5, 10):
        values = {"twonn": [], "twonn_mle": [], "mle_k20": []}
        for seed in range(seeds):
            X = np.random.default_rng(1000 + seed).random((n, d))
            values["twonn"].append(skdim.id.TwoNN().fit(X).dimension_)
            values["twonn_mle"].append(
                skdim.id.TwoNN(method="mle", discard_fraction=0.0).fit(X).dimension_)
            values["mle_k20"].append(skdim.id.MLE().fit(X).dimension_)
        cases[str(d)] = {
            name: {"mean": float(np.mean(v)), "std": float(np.std(v, ddof=1))}
            for name, v in values.items()
        }
    return {"n": n, "seeds": seeds, "cases": cases}


def main():
    warnings.filterwarnings("ignore")
    sets = {"cube5": cube5(), "manifold3in10": manifold3in10(), "gauss4in30": gauss4in30()}
    report = {"sets": {}}
    for name, X in sets.items():
        X = np.ascontiguousarray(X, dtype="<f8")
        (HERE / f"{name}.bin").write_bytes(X.tobytes())
        estimates, pointwise = peer_estimates(X)
        entry = {"file": f"{name}.bin", "rows": X.shape[0], "columns": X.shape[1],
                 "estimates": estimates}
        if name == "cube5":
            entry["skdim_mle_k20_pointwise"] = [float(v) for v in pointwise]
            dist, ind = NearestNeighbors(n_neighbors=5).fit(X).kneighbors()
            entry["sklearn_knn5_indices"] = ind.tolist()
            entry["sklearn_knn5_distances"] = dist.tolist()
        report["sets"][name] = entry
    report["gamma_quantiles"] = [
        {"shape": a, "p": p, "quantile": float(scipy.stats.gamma.ppf(p, a))}
        for a in (1.0, 2.5, 10.0, 999.0, 20000.0) for p in (0.025, 0.5, 0.975)
    ]
    (HERE / "peers.json").write_text(json.dumps(report, indent=1) + "\n")
    (HERE / "hypercube.json").write_text(json.dumps(hypercube_reference(), indent=1) + "\n")
    versions = [f"python=={sys.version.split()[0]}"] + [
        f"{pkg}=={version(pkg)}"
        for pkg in ("numpy", "scipy", "scikit-learn", "scikit-dimension", "dadapy")
    ]
    (HERE / "VERSIONS.txt").write_text("\n".join(versions) + "\n")


if __name__ == "__main__":
    main()
