"""scikit-learn's PCA of datasets/digits.npy, the reference for PCACommandTests.

Run from the repository root with the pinned peers: python Tests/MindSpaceTestSupport/Fixtures/pca/make_digits_fixture.py
Writes digits_sklearn.json next to this script (versions recorded inside).
"""
import json
from pathlib import Path

import numpy as np
import sklearn
from sklearn.decomposition import PCA

root = Path(__file__).resolve().parents[4]
data = np.load(root / "datasets" / "digits.npy")
pca = PCA(svd_solver="covariance_eigh").fit(data)
components = pca.components_[:3].copy()
for row in components:  # MindSpace's sign rule: the largest-|loading| entry is positive
    if row[np.argmax(np.abs(row))] < 0:
        row *= -1
cumulative = np.cumsum(pca.explained_variance_) / np.sum(pca.explained_variance_)
counts = {str(f): int(np.searchsorted(cumulative, f - 1e-12) + 1) for f in (0.5, 0.9, 0.99)}
out = {
    "versions": {"numpy": np.__version__, "scikit-learn": sklearn.__version__},
    "n": int(data.shape[0]), "d": int(data.shape[1]),
    "explained_variance": [float.hex(float(v)) for v in pca.explained_variance_],
    "explained_variance_ratio": [float.hex(float(v)) for v in pca.explained_variance_ratio_],
    "components_first3": [[float.hex(float(v)) for v in row] for row in components],
    "components_for": counts,
}
(Path(__file__).parent / "digits_sklearn.json").write_text(json.dumps(out, indent=1) + "\n")
print(counts)
