"""NumPy's answer for the displacement subspace of the shipped training runs.

For every run in datasets/trajectories/runs (checkpoints in natural order, the floating-point
tensors flattened, as `mindspace trajectory` selects them by default), with X the n x p matrix
of checkpoints in float64 and Xc its column-centred form:
  U, S, Vt = numpy.linalg.svd(Xc, full_matrices=False)
  d = X[-1] - X[0]                      the net displacement
  projections = Vt[:r] @ d              r = min(n - 1, p) components
  displacement_share[k] = sum(projections[:k+1]**2) / (d @ d)
  displacement_components_for[f] = the smallest k with share >= f - 1e-12
Also recorded: explained_variance_ratio (S**2 / sum(S**2)) and the smallest relative gap
between consecutive eigenvalues among the first r (it bounds how much round-off can move a
cumulative share). Numbers are Python repr strings (exact round trip).

Run: /work/venv-peers/bin/python make_displacement.py (from any folder); writes
displacement_runs.json and VERSIONS.txt beside this script.
"""
import json
import os
import platform
import re

import numpy as np
import safetensors
from safetensors.numpy import load_file

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", "..", "..", ".."))
RUNS = os.path.join("datasets", "trajectories", "runs")


def natural_key(name):
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", name)]


def main():
    answers = {}
    for run in sorted(os.listdir(os.path.join(REPO, RUNS)), key=natural_key):
        folder = os.path.join(RUNS, run)
        names = sorted((f for f in os.listdir(os.path.join(REPO, folder)) if f.endswith(".safetensors")), key=natural_key)
        rows = []
        for name in names:
            tensors = load_file(os.path.join(REPO, folder, name))
            floats = [np.asarray(v, dtype=np.float64).ravel() for k, v in sorted(tensors.items())
                      if np.issubdtype(v.dtype, np.floating)]
            rows.append(np.concatenate(floats))
        x = np.stack(rows)
        n, p = x.shape
        r = min(n - 1, p)
        xc = x - x.mean(axis=0)
        _, s, vt = np.linalg.svd(xc, full_matrices=False)
        d = x[-1] - x[0]
        projections = vt[:r] @ d
        share = np.cumsum(projections ** 2) / (d @ d)
        eigenvalues = s[:r] ** 2
        gaps = (eigenvalues[:-1] - eigenvalues[1:]) / eigenvalues[0]
        components_for = {key: int(np.argmax(share >= f - 1e-12) + 1) for key, f in (("0.5", 0.5), ("0.9", 0.9), ("0.99", 0.99))}
        answers[run] = {
            "checkpoints": [os.path.join(folder, name) for name in names],
            "parameters": int(p),
            "net_displacement": repr(float(np.sqrt(d @ d))),
            "displacement_share": [repr(float(v)) for v in share],
            "displacement_components_for": components_for,
            "explained_variance_ratio": [repr(float(v)) for v in eigenvalues / np.sum(s ** 2)],
            "smallest_relative_gap": repr(float(gaps.min())) if len(gaps) else None,
        }
    with open(os.path.join(HERE, "displacement_runs.json"), "w") as f:
        json.dump(answers, f, indent=1, sort_keys=True)
        f.write("\n")
    with open(os.path.join(HERE, "VERSIONS.txt"), "w") as f:
        f.write(f"python=={platform.python_version()}\nnumpy=={np.__version__}\nsafetensors=={safetensors.__version__}\n")


if __name__ == "__main__":
    main()
