"""Peer fixtures for MindSpace's synthetic data (`mindspace generate`).

Run with the peers' virtual environment from this folder:

    /work/venv-peers/bin/python make_fixtures.py

Writes, next to this script:
  * benchmark.json  scikit-dimension's own BenchmarkManifolds table (name, intrinsic dimension d,
                    number of variables D, description, in skdim's order) and, for every
                    manifold, distribution statistics of one large sample drawn by skdim itself
                    (BenchmarkManifolds(random_state=0).generate("all", n=20000), i.e. the table's
                    d and D and skdim's default zero noise), plus the same statistics for skdim's
                    hyperBall / hyperSphere and NumPy's uniform cube and Gaussian (the uniform
                    shapes MindSpace also generates), and the face of every row of two small
                    M10 samples (skdim's face order and allocation per face)
  * VERSIONS.txt    the versions of the packages used

Statistics of a sample x (n rows, D columns), all with divisor n:
  mean[j]  = mean of x[:, j]              se_mean[j]  = sqrt(var[j] / n)
  var[j]   = mean of (x[:, j] - mean)^2   se_var[j]   = sqrt((m4[j] - var[j]^2) / n)
  cross[j] = mean of x[:, j] * x[:, j+1]  se_cross[j] = std(x[:, j] * x[:, j+1]) / sqrt(n)
  msn      = mean of |x|^2                se_msn      = std(|x|^2) / sqrt(n)
where m4 is the fourth central moment. The standard errors are the usual large-sample ones (the
delta method for the variance); MindSpace's tests compare its own sample's statistics with these
within a multiple of the combined standard error of the two independent samples.

Everything is seeded, so rerunning reproduces the file byte for byte with the same versions.
"""

import json
import platform
from importlib.metadata import version
from pathlib import Path

import numpy as np
import skdim

HERE = Path(__file__).resolve().parent
N = 20000
SEED = 0


def rounded(values):
    """Twelve significant digits: far below the sampling error, keeps the file small."""
    return [float(f"{v:.12g}") for v in np.atleast_1d(values)]


def statistics(x):
    x = np.asarray(x, dtype=np.float64)
    n = x.shape[0]
    mean = x.mean(axis=0)
    centred = x - mean
    var = (centred**2).mean(axis=0)
    m4 = (centred**4).mean(axis=0)
    products = x[:, :-1] * x[:, 1:]
    squared_norm = (x**2).sum(axis=1)
    return {
        "n": n,
        "columns": x.shape[1],
        "mean": rounded(mean),
        "se_mean": rounded(np.sqrt(var / n)),
        "var": rounded(var),
        "se_var": rounded(np.sqrt(np.maximum(m4 - var**2, 0) / n)),
        "cross": rounded(products.mean(axis=0)),
        "se_cross": rounded(products.std(axis=0) / np.sqrt(n)),
        "msn": rounded(squared_norm.mean())[0],
        "se_msn": rounded(squared_norm.std() / np.sqrt(n))[0],
    }


def main():
    benchmark = skdim.datasets.BenchmarkManifolds(random_state=SEED)
    table = [
        {"name": name, "d": int(d), "D": int(D), "description": description}
        for name, (d, D, description) in benchmark._dict_truth.items()
    ]
    samples = benchmark.generate(name="all", n=N)
    manifolds = {}
    for row in table:
        data = samples[row["name"]]
        assert data.shape == (N, row["D"]), (row["name"], data.shape)
        manifolds[row["name"]] = statistics(data)

    # The uniform shapes: skdim's hyperBall (d = 5) and hyperSphere (S^4 in R^5), NumPy's cube
    # [0, 1)^6 and standard Gaussian in R^7.
    rng = np.random.default_rng(SEED)
    shapes = {
        "ball_5": statistics(skdim.datasets.hyperBall(N, 5, random_state=SEED)),
        "sphere_4": statistics(skdim.datasets.hyperSphere(N, 4, random_state=SEED)),
        "hypercube_6": statistics(rng.random((N, 6))),
        "gaussian_7": statistics(rng.standard_normal((N, 7))),
    }

    # Which face each row of a cube-boundary sample lies on, as skdim orders and allocates them
    # (n = 100: for M10a the last two faces get no point, for M10d only the first 100 faces get
    # one point each). Code 2·axis + value for every coordinate exactly 0.0 or 1.0.
    faces = {}
    for name, d, D in [("M10a_Cubic", 10, 11), ("M10d_Cubic", 70, 71)]:
        cube = skdim.datasets.BenchmarkManifolds(random_state=1).generate(name=name, n=100, dim=D, d=d)
        faces[name] = [
            [int(2 * axis + value) for axis in range(D) for value in (0, 1) if row[axis] == float(value)]
            for row in cube
        ]

    document = {
        "generator": "skdim.datasets.BenchmarkManifolds(random_state=0).generate(name='all', n=20000)",
        "n": N,
        "seed": SEED,
        "table": table,
        "manifolds": manifolds,
        "shapes": shapes,
        "cubic_faces": faces,
    }
    (HERE / "benchmark.json").write_text(json.dumps(document, indent=1, ensure_ascii=False) + "\n")
    packages = ["numpy", "scipy", "scikit-learn", "scikit-dimension", "pandas"]
    lines = [f"python=={platform.python_version()}"] + [f"{name}=={version(name)}" for name in packages]
    (HERE / "VERSIONS.txt").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
