"""Peer fixtures for MindSpace's neighbour-based intrinsic-dimension estimators (GRIDE, the
TwoNN and GRIDE scale curves, MOM, TLE, MADA, KNN, CorrInt).

Run with the peers' virtual environment from this folder:

    /work/venv-peers/bin/python make_fixtures.py

Reads the point sets of ../id/ (cube5, manifold3in10, gauss4in30: raw little-endian float64,
shapes in ../id/peers.json) and writes, next to this script:
  * peers.json     the peers' outputs on exactly those points:
                   scikit-dimension MOM, TLE, MADA (global and, for cube5, per point), CorrInt,
                   GRIDE; DADApy's GRIDE scale curve (return_id_scaling_gride) and its TwoNN
                   decimation curve (return_id_scaling_2NN) over 10 generator seeds; and
                   scikit-dimension KNN on subsets drawn exactly as it draws them (the drawn
                   indices are recorded so that the deterministic part can be compared)
  * hypercube.json mean and standard deviation of the peers' estimates on uniform hypercubes
                   (N = 2000, 15 seeds, d = 2, 5, 10), the reference for the accuracy tests
  * VERSIONS.txt   the versions of the packages used

Everything is seeded, so rerunning reproduces the files with the same versions.
"""

import json
import sys
import warnings
from importlib.metadata import version
from pathlib import Path

import numpy as np

import dadapy
import skdim

HERE = Path(__file__).resolve().parent
POINTS = HERE.parent / "id"

# Our KNNEstimator's default sample sizes (KNNEstimator.defaultSampleSizes): 8 sizes
# round(a * (N / a) ** (q / 7)), a = max(k + 1, round(N / 16)), repeats merged.
def knn_sizes(n, k=2):
    a = max(k + 1, int(np.floor(n / 16 + 0.5)))
    sizes = []
    for q in range(8):
        s = min(n, int(np.floor(a * (n / a) ** (q / 7) + 0.5)))
        if not sizes or sizes[-1] != s:
            sizes.append(s)
    return sizes


def load(name):
    meta = json.loads((POINTS / "peers.json").read_text())["sets"][name]
    X = np.frombuffer((POINTS / meta["file"]).read_bytes(), dtype="<f8")
    return X.reshape(meta["rows"], meta["columns"]).copy()


def knn_with_drawn_subsets(X, ps, M, seed, k=2):
    """skdim KNN with random_state=seed, plus the subsets it draws: its loop calls
    RandomState.randint(0, n, p) once per (size, replicate), sizes outer, replicates inner."""
    est = skdim.id.KNN(k=k, ps=np.array(ps), M=M, random_state=seed).fit(X)
    rng = np.random.RandomState(seed)
    drawn = [[rng.randint(0, len(X), p).tolist() for _ in range(M)] for p in ps]
    return {"k": k, "ps": list(map(int, ps)), "M": M, "seed": seed, "samples": drawn,
            "dimension": int(est.dimension_), "residual": float(est.residual_)}


def twonn_decimation(X, seeds=10, n_min=20):
    """DADApy's decimation curve over several generator seeds: the random subsets differ, so
    the Swift side compares with the spread."""
    ids, errs, scales = [], [], []
    sizes = None
    for seed in range(seeds):
        data = dadapy.Data(coordinates=X, verbose=False)
        data.rng = np.random.default_rng(seed)   # Data() does not pass rng_seed on
        i, e, s = data.return_id_scaling_2NN(n_min=n_min)
        data = dadapy.Data(coordinates=X, verbose=False)
        data.rng = np.random.default_rng(seed)
        _, _, sz = data.return_id_scaling_2NN(n_min=n_min, return_sizes=True)
        ids.append(i), errs.append(e), scales.append(s)
        sizes = sz
    ids, errs, scales = np.array(ids), np.array(errs), np.array(scales)
    return {"n_min": n_min, "seeds": seeds, "sizes": [int(v) for v in sizes],
            "id_mean": ids.mean(0).tolist(), "id_std": ids.std(0, ddof=1).tolist(),
            "error_mean": errs.mean(0).tolist(), "scale_mean": scales.mean(0).tolist(),
            "scale_std": scales.std(0, ddof=1).tolist(), "id_seed0": ids[0].tolist()}


def peer_estimates(name, X):
    out = {}
    mom = skdim.id.MOM().fit(X)
    out["skdim_mom_k100"] = float(mom.dimension_)
    out["skdim_mom_k20"] = float(skdim.id.MOM().fit(X, n_neighbors=20).dimension_)
    out["skdim_mom_k100_median"] = float(skdim.id.MOM().fit(X, comb="median").dimension_)
    tle = skdim.id.TLE().fit(X)
    out["skdim_tle_k20"] = float(tle.dimension_)
    out["skdim_tle_k10"] = float(skdim.id.TLE().fit(X, n_neighbors=10).dimension_)
    out["skdim_tle_k20_median"] = float(skdim.id.TLE().fit(X, comb="median").dimension_)
    mada = skdim.id.MADA().fit(X)
    out["skdim_mada_k20"] = float(mada.dimension_)
    out["skdim_mada_k10"] = float(skdim.id.MADA().fit(X, n_neighbors=10).dimension_)
    out["skdim_mada_k20_median"] = float(skdim.id.MADA().fit(X, comb="median").dimension_)
    out["skdim_corrint_10_20"] = float(skdim.id.CorrInt().fit(X).dimension_)
    out["skdim_corrint_5_15"] = float(skdim.id.CorrInt(k1=5, k2=15).fit(X).dimension_)
    for n1 in (1, 4):
        g = skdim.id.GRIDE(n1=n1).fit(X)
        out[f"skdim_gride_n1_{n1}"] = float(g.dimension_)
        out[f"skdim_gride_n1_{n1}_error"] = float(g.error_)
    entry = {"estimates": out}
    data = dadapy.Data(coordinates=X, verbose=False)
    ids, errs, rs = data.return_id_scaling_gride(range_max=64)
    data = dadapy.Data(coordinates=X, verbose=False)
    _, _, ranks = data.return_id_scaling_gride(range_max=64, return_ranks=True)
    entry["dadapy_gride_scaling"] = {"range_max": 64, "ids": ids.tolist(), "errors": errs.tolist(),
                                     "scales": rs.tolist(), "n2": [int(v) for v in ranks]}
    entry["dadapy_twonn_decimation"] = twonn_decimation(X)
    if name == "cube5":
        entry["skdim_mom_k100_pointwise"] = mom.dimension_pw_.tolist()
        entry["skdim_tle_k20_pointwise"] = tle.dimension_pw_.tolist()
        entry["skdim_mada_k20_pointwise"] = mada.dimension_pw_.tolist()
    if name in ("cube5", "manifold3in10"):
        entry["skdim_knn_drawn"] = knn_with_drawn_subsets(X, knn_sizes(len(X)), M=2, seed=7)
    return entry


def hypercube_reference(n=2000, seeds=15):
    """Mean and sd of the peers on uniform d-cubes. Cubes have boundaries, so every estimator
    reads low at d = 10; the Swift tests check that MindSpace lands where the peers do."""
    cases = {}
    for d in (2, 5, 10):
        values = {key: [] for key in ("mom", "tle", "mada", "corrint", "gride_n1_1", "gride_n1_4",
                                      "knn_with_replacement")}
        for seed in range(seeds):
            X = np.random.default_rng(5000 + 100 * d + seed).random((n, d))
            values["mom"].append(skdim.id.MOM().fit(X).dimension_)
            values["tle"].append(skdim.id.TLE().fit(X).dimension_)
            values["mada"].append(skdim.id.MADA().fit(X).dimension_)
            values["corrint"].append(skdim.id.CorrInt().fit(X).dimension_)
            ids, _, _ = dadapy.Data(coordinates=X, verbose=False).return_id_scaling_gride(range_max=64)
            values["gride_n1_1"].append(ids[0])
            values["gride_n1_4"].append(ids[2])
            values["knn_with_replacement"].append(
                skdim.id.KNN(k=2, ps=np.array(knn_sizes(n)), M=4, random_state=seed).fit(X).dimension_)
        cases[str(d)] = {name: {"mean": float(np.mean(v)), "std": float(np.std(v, ddof=1)),
                                "min": float(np.min(v)), "max": float(np.max(v))}
                         for name, v in values.items()}
    return {"n": n, "seeds": seeds, "knn_sizes": knn_sizes(n), "cases": cases}


def main():
    warnings.filterwarnings("ignore")
    report = {"sets": {name: peer_estimates(name, load(name))
                       for name in ("cube5", "manifold3in10", "gauss4in30")}}
    (HERE / "peers.json").write_text(json.dumps(report) + "\n")
    (HERE / "hypercube.json").write_text(json.dumps(hypercube_reference(), indent=1) + "\n")
    versions = [f"python=={sys.version.split()[0]}"] + [
        f"{pkg}=={version(pkg)}"
        for pkg in ("numpy", "scipy", "scikit-learn", "scikit-dimension", "dadapy")
    ]
    (HERE / "VERSIONS.txt").write_text("\n".join(versions) + "\n")


if __name__ == "__main__":
    main()
