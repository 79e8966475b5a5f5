"""Peer fixtures for MindSpace's local-PCA, global-PCA, ESS, MiND_ML, FisherS and DANCo
intrinsic-dimension estimators.

Run with the peers' virtual environment from this folder:

    /work/venv-peers/bin/python make_fixtures.py            # both files
    /work/venv-peers/bin/python make_fixtures.py peers      # peers.json only
    /work/venv-peers/bin/python make_fixtures.py hypercube  # hypercube.json only (~20 min idle: ESS)

Reads the float64 point sets of ../id/ (cube5, manifold3in10, gauss4in30; shapes in
../id/peers.json) and writes, next to this script:
  * peers.json      scikit-dimension's estimates on exactly those points: lPCA per version
                    (global fit, and the mean of fit_pw over 100-neighbour patches), ESS, MiND_ML,
                    FisherS, DANCo (the uncalibrated data statistics, one full run with its
                    calibration table and KL curve, and the spread over calibration seeds), plus
                    SciPy special-function values the Swift code re-implements
  * hypercube.json  mean and standard deviation of the same estimators over a few seeds of
                    uniform points in [0, 1]^d, d = 2, 5, 10: the reference for accuracy tests
  * VERSIONS.txt    the versions of the packages used

Everything is seeded, so rerunning reproduces the files with the same versions.
"""

import json
import sys
import time
import warnings
from importlib.metadata import version
from pathlib import Path

import numpy as np
import scipy
import scipy.special as sp
from scipy.interpolate import interp1d
from scipy.optimize import brentq, minimize_scalar
from sklearn.decomposition import PCA

import skdim
from skdim._commonfuncs import get_nn
from skdim.id._PCA import _mp_median

HERE = Path(__file__).resolve().parent
ID = HERE.parent / "id"

# lPCA versions MindSpace implements; 'ratio' is run with alphaRatio = 0.95 (MindSpace's default:
# keep 95 % of the variance) besides skdim's own default 0.05.
PCA_VERSIONS = ["FO", "ratio", "participation_ratio", "MP", "maxgap", "Kaiser", "broken_stick", "Fan"]
LOCAL_K = 100   # skdim's fit_pw default n_neighbors, also ESS's default neighbourhood


def load_sets():
    meta = json.loads((ID / "peers.json").read_text())["sets"]
    sets = {}
    for name, entry in meta.items():
        raw = np.frombuffer((ID / entry["file"]).read_bytes(), dtype="<f8")
        sets[name] = raw.reshape(entry["rows"], entry["columns"]).astype(float)
    return sets


def lpca(version, **extra):
    if version == "ratio":
        extra.setdefault("alphaRatio", 0.95)
    return skdim.id.lPCA(ver=version, **extra)


def lpca_estimates(X, knn):
    out = {}
    for v in PCA_VERSIONS:
        out[f"lpca_global_{v}"] = float(lpca(v).fit(X).dimension_)
        pw = lpca(v).fit_pw(X, precomputed_knn=knn, n_neighbors=LOCAL_K).dimension_pw_
        out[f"lpca_local_{v}"] = float(np.mean(pw))
    out["lpca_global_ratio_alpha0.05"] = float(skdim.id.lPCA(ver="ratio").fit(X).dimension_)
    out["lpca_local_ratio_alpha0.05"] = float(np.mean(
        skdim.id.lPCA(ver="ratio").fit_pw(X, precomputed_knn=knn, n_neighbors=LOCAL_K).dimension_pw_))
    out["lpca_global_FO_alpha0.1"] = float(skdim.id.lPCA(ver="FO", alphaFO=0.1).fit(X).dimension_)
    return out


def mind_ml(X, D):
    """skdim's MiND_ML (L-BFGS-B) and the exact maximiser of the same concave likelihood."""
    k = 20
    mlk = float(skdim.id.MiND_ML(D=D, ver="MLk").fit(X).dimension_)
    mli = float(skdim.id.MiND_ML(D=D, ver="MLi").fit(X).dimension_)
    dist, _ = get_nn(X, k + 1)
    rho = dist[:, 0] / dist[:, -1]
    n = len(rho)
    grad = lambda t: n / t + np.sum(np.log(rho) - (k - 1) * rho ** t * np.log(rho) / (1 - rho ** t))
    exact = D if grad(D) > 0 else brentq(grad, 1e-3, D, xtol=1e-14, rtol=1e-15)
    return mlk, mli, float(exact)


def danco_exact_fractal(kl, columns):
    """The minimum of skdim's interpolating spline of the KL curve over [de - 1, de + 1] within
    [1, D] (de = argmin), found by a dense scan refined with bounded Brent: what skdim's
    L-BFGS-B (tol 1e-3, started at de) approximates."""
    D = len(kl)
    de = int(np.argmin(kl)) + 1
    kind = "cubic" if columns > 3 else ("quadratic" if columns == 3 else "linear")
    f = interp1d(np.arange(1, D + 1), kl, kind=kind, bounds_error=False, fill_value=(1, D + 1))
    lo, hi = max(1, de - 1), min(D, de + 1)
    grid = np.linspace(lo, hi, 20001)
    values = f(grid)
    i = int(np.argmin(values))
    a, b = grid[max(i - 1, 0)], grid[min(i + 1, len(grid) - 1)]
    res = minimize_scalar(lambda x: float(f(x)), bounds=(a, b), method="bounded",
                          options={"xatol": 1e-13})
    best = min([(float(f(x)), float(x)) for x in (a, b, res.x)])
    return best[1]


def danco(X):
    out = {}
    est = skdim.id.DANCo(random_state=0)
    est.fit(X)   # sets _k, _D
    nocal = est._dancoDimEstNoCalibration(X, est._D)
    out["nocal"] = {k: float(v) for k, v in nocal.items()}
    cal = est.calibration_data_
    out["calibration"] = [{k: float(v) for k, v in c.items()} for c in cal["calibration_data"]]
    kl = np.array([est._KL(nocal, c) for c in cal["calibration_data"]])
    out["kl"] = [float(v) for v in kl]
    out["dimension_seed0"] = float(est.dimension_)
    out["exact_fractal_seed0"] = danco_exact_fractal(kl, X.shape[1])
    values = [float(skdim.id.DANCo(random_state=s).fit(X).dimension_) for s in range(5)]
    out["seeds"] = values
    out["mean"] = float(np.mean(values))
    out["std"] = float(np.std(values, ddof=1))
    return out


def peers():
    warnings.filterwarnings("ignore")
    report = {"sets": {}}
    for name, X in load_sets().items():
        t0 = time.time()
        _, knn = get_nn(X, LOCAL_K)
        e = lpca_estimates(X, knn)
        ess = skdim.id.ESS().fit(X)
        e["ess_a"] = float(ess.dimension_)
        e["ess_b"] = float(skdim.id.ESS(ver="b").fit(X).dimension_)
        e["mind_mlk_D10"], e["mind_mli_D10"], e["mind_exact_D10"] = mind_ml(X, 10)
        D = X.shape[1]
        e[f"mind_mlk_Dcols"], e[f"mind_mli_Dcols"], e[f"mind_exact_Dcols"] = mind_ml(X, D)
        e["fishers"] = float(skdim.id.FisherS().fit(X).dimension_)
        entry = {"estimates": e, "danco": danco(X)}
        if name == "cube5":
            entry["lpca_local_FO_pointwise"] = [int(v) for v in
                lpca("FO").fit_pw(X, precomputed_knn=knn, n_neighbors=LOCAL_K).dimension_pw_]
            entry["lpca_local_participation_ratio_pointwise"] = [float(v) for v in
                lpca("participation_ratio").fit_pw(X, precomputed_knn=knn, n_neighbors=LOCAL_K).dimension_pw_]
            entry["ess_a_pointwise"] = [float(v) for v in ess.dimension_pw_]
        report["sets"][name] = entry
        print(name, f"{time.time() - t0:.0f} s", flush=True)

    # Special functions the Swift code re-implements (SciPy's values are accurate to ~1e-15).
    report["special"] = {
        "mp_median": [{"beta": b, "value": float(_mp_median(b))} for b in (0.01, 0.1, 0.3, 0.7, 1.0)],
        "digamma": [{"x": x, "value": float(sp.digamma(x))} for x in (0.1, 1.0, 1.7, 5.5, 40.0, 1234.5)],
        "i0": [{"x": x, "value": float(sp.i0(x))} for x in (0.0, 0.3, 2.0, 9.5, 30.0, 200.0)],
        "i1": [{"x": x, "value": float(sp.i1(x))} for x in (0.0, 0.3, 2.0, 9.5, 30.0, 200.0)],
        "lambertw": [{"x": x, "value": float(np.real(sp.lambertw(x)))} for x in (1e-6, 0.5, 1.0, 10.0, 1e5, 1e20)],
    }
    (HERE / "peers.json").write_text(json.dumps(report, indent=1) + "\n")


def local_spectra(X, knn):
    """The PCA spectrum (explained_variance_) of each point's 100-neighbour patch, as lPCA.fit_pw
    computes it; the rules are then applied with lPCA(fit_explained_variance=True), which runs
    the same rule code on a precomputed spectrum (8 versions for the price of one PCA each)."""
    return [PCA().fit(X[i]).explained_variance_ for i in knn]


def hypercube(n=2500, seeds=3, ess_seeds=2):
    """Mean and sd of the peers' estimates on uniform d-cubes (seeds 1000 + s). Cubes have
    boundaries, so most estimators read low at d = 10; the Swift tests check that MindSpace
    lands where the peers do. ESS is slow in skdim (~2.5 min per run on an idle core): fewer
    seeds."""
    warnings.filterwarnings("ignore")
    cases = {}
    for d in (2, 5, 10):
        values = {}
        def add(key, value):
            values.setdefault(key, []).append(float(value))
        for seed in range(seeds):
            X = np.random.default_rng(1000 + seed).random((n, d))
            _, knn = get_nn(X, LOCAL_K)
            spectra = local_spectra(X, knn)
            for v in PCA_VERSIONS:
                extra = {"fit_explained_variance": True, "n_samples": LOCAL_K}
                add(f"lpca_local_{v}", np.mean([lpca(v, **extra).fit(ev).dimension_ for ev in spectra]))
                add(f"lpca_global_{v}", lpca(v).fit(X).dimension_)
            add("mind_mlk", skdim.id.MiND_ML(D=max(d, 10)).fit(X).dimension_)
            add("fishers", skdim.id.FisherS().fit(X).dimension_)
            add("danco", skdim.id.DANCo(random_state=seed).fit(X).dimension_)
            if seed < ess_seeds:
                add("ess_a", skdim.id.ESS().fit(X).dimension_)
            print("cube", d, seed, flush=True)
        cases[str(d)] = {k: {"mean": float(np.mean(v)), "std": float(np.std(v, ddof=1)), "runs": len(v)}
                         for k, v in values.items()}
    (HERE / "hypercube.json").write_text(json.dumps({"n": n, "cases": cases}, indent=1) + "\n")


def write_versions():
    versions = [f"python=={sys.version.split()[0]}"] + [
        f"{pkg}=={version(pkg)}" for pkg in ("numpy", "scipy", "scikit-learn", "scikit-dimension")
    ]
    (HERE / "VERSIONS.txt").write_text("\n".join(versions) + "\n")


if __name__ == "__main__":
    which = sys.argv[1] if len(sys.argv) > 1 else "all"
    if which in ("all", "peers"):
        peers()
    if which in ("all", "hypercube"):
        hypercube()
    write_versions()
