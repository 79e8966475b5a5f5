"""TwoNN per layer of datasets/text-layers.npz by scikit-dimension, for `layers`' test.

Run from the repository root with scikit-dimension 0.5.0 and NumPy 1.26.4 (bench/requirements.txt):
    python Tests/MindSpaceTestSupport/Fixtures/layers/make_twonn_fixture.py

Each layer (600 × 384 float16) is widened to float64 and given to `skdim.id.TwoNN()` (its
defaults: discard_fraction 0.1, dist=False) — the estimate `mindspace layers --estimator twonn`
must reproduce. Writes twonn.json: {"versions": {...}, "layers": {"layer00": d, ...}}.
"""
import json
import pathlib

import numpy as np
import skdim

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parents[3]

data = np.load(ROOT / "datasets" / "text-layers.npz")
result = {}
for name in sorted(data.files):
    x = data[name].astype(np.float64)
    assert len(np.unique(x, axis=0)) == len(x), "the fixture assumes distinct rows"
    result[name] = float(skdim.id.TwoNN().fit(x).dimension_)
versions = {"numpy": np.__version__, "scikit-dimension": skdim.__version__}
(HERE / "twonn.json").write_text(json.dumps({"versions": versions, "layers": result}, indent=1, sort_keys=True) + "\n")
print(result)
