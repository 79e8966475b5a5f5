"""Peer for the id-accuracy workload: one scikit-dimension estimator on many .npy point sets.

For every NAME in --names, loads DIR/NAME.npy and fits the estimator chosen by --estimator (a key
of ESTIMATORS below), timing `np.load` + the fit INSIDE this process (imports excluded). Prints one
JSON line: {"estimator", "call", "results": {NAME: {"dimension", "seconds"} or {"error"}},
"seconds" (the sum), "threadpool"}.

How each estimator is called (scikit-dimension 0.5.0, defaults unless stated):
- global estimators (TwoNN, GRIDE, KNN, CorrInt, MiND_ML, FisherS, DANCo, lPCA): `.fit(X).dimension_`
  on the whole point set;
- local estimators (MLE, MOM, TLE, MADA, ESS; skdim's `LocalEstimator`): `.fit(X).dimension_`,
  which fits every point's neighbourhood (skdim's own default n_neighbors: 20 for MLE, TLE and
  MADA, 100 for MOM and ESS) and pools the pointwise values (MLE: harmonic mean, `comb="mle"`;
  the others: arithmetic mean, `comb="mean"`) -- the same defaults and pooling MindSpace uses;
- local PCA (`lPCA-<ver>-local`): skdim's `fit_pw(X, n_neighbors=100)` (PCA of each point's 100
  nearest neighbours), then the mean of `dimension_pw_`, which is what skdim offers for a local
  PCA estimate;
- estimators that draw random numbers get `random_state=0`.
"""
import argparse
import json
import pathlib
import time
import warnings

import numpy as np
import threadpoolctl
import skdim

_LPCA_VERSIONS = ["FO", "ratio", "participation_ratio", "MP", "maxgap", "Kaiser", "broken_stick", "Fan"]


def _global(factory):
    return lambda x: float(factory().fit(x).dimension_)


def _local_pca(version):
    def fit(x):
        estimator = skdim.id.lPCA(ver=version)
        estimator.fit_pw(x, n_neighbors=100)
        return float(np.mean(estimator.dimension_pw_))
    return fit


#: key → (the call as written in BENCHMARKS.md, function of the points returning the dimension)
ESTIMATORS = {
    "TwoNN": ("TwoNN()", _global(lambda: skdim.id.TwoNN())),
    "TwoNN-mle": ('TwoNN(method="mle")', _global(lambda: skdim.id.TwoNN(method="mle"))),
    "MLE": ("MLE().fit(X, n_neighbors=20)",
            lambda x: float(skdim.id.MLE().fit(x, n_neighbors=20).dimension_)),
    "GRIDE": ("GRIDE()", _global(lambda: skdim.id.GRIDE())),
    "MOM": ("MOM()", _global(lambda: skdim.id.MOM())),
    "TLE": ("TLE()", _global(lambda: skdim.id.TLE())),
    "MADA": ("MADA()", _global(lambda: skdim.id.MADA())),
    "KNN": ("KNN(random_state=0)", _global(lambda: skdim.id.KNN(random_state=0))),
    "CorrInt": ("CorrInt()", _global(lambda: skdim.id.CorrInt())),
    "ESS": ("ESS(random_state=0)", _global(lambda: skdim.id.ESS(random_state=0))),
    "MiND_ML": ("MiND_ML()", _global(lambda: skdim.id.MiND_ML())),
    "MiND_ML-MLi": ('MiND_ML(ver="MLi")', _global(lambda: skdim.id.MiND_ML(ver="MLi"))),
    "FisherS": ("FisherS()", _global(lambda: skdim.id.FisherS())),
    "DANCo": ("DANCo(random_state=0)", _global(lambda: skdim.id.DANCo(random_state=0))),
}
for _version in _LPCA_VERSIONS:
    ESTIMATORS[f"lPCA-{_version}"] = (f'lPCA(ver="{_version}")',
                                      _global(lambda v=_version: skdim.id.lPCA(ver=v)))
    ESTIMATORS[f"lPCA-{_version}-local"] = (f'lPCA(ver="{_version}").fit_pw(X, n_neighbors=100), mean',
                                            _local_pca(_version))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--estimator", required=True, choices=sorted(ESTIMATORS))
    parser.add_argument("--manifolds", required=True, help="folder with NAME.npy files")
    parser.add_argument("--names", required=True, help="comma-separated NAMEs")
    args = parser.parse_args()

    call, fit = ESTIMATORS[args.estimator]
    folder = pathlib.Path(args.manifolds)
    results = {}
    for name in args.names.split(","):
        start = time.perf_counter()
        try:
            x = np.load(folder / f"{name}.npy")
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                dimension = fit(x)
        except Exception as error:  # a peer failing on one manifold is reported, not fatal
            results[name] = {"error": f"{type(error).__name__}: {error}"[:300]}
            continue
        results[name] = {"dimension": dimension, "seconds": time.perf_counter() - start}
    print(json.dumps({
        "estimator": args.estimator,
        "call": call,
        "results": results,
        "seconds": sum(r.get("seconds", 0.0) for r in results.values()),
        "threadpool": threadpoolctl.threadpool_info(),
    }))


if __name__ == "__main__":
    main()
