"""Fixtures for MindSpace's linear assignment solver, made by SciPy.

Run with a Python that has NumPy and SciPy:  python make_lap_fixtures.py
Writes lap_scipy.json: square score matrices (seeded Gaussian, at two scales)
and scipy.optimize.linear_sum_assignment(C, maximize=True)'s column per row and its value.
"""
import json

import numpy as np
import scipy
from scipy.optimize import linear_sum_assignment

rng = np.random.default_rng(20230501)
cases = []
for n in [1, 2, 3, 5, 8, 13, 32]:
    for scale in [1.0, 1000.0]:
        c = rng.standard_normal((n, n)) * scale
        rows, cols = linear_sum_assignment(c, maximize=True)
        assert list(rows) == list(range(n))
        cases.append({
            "n": n,
            "matrix": [float(x) for x in c.ravel()],
            "assignment": [int(j) for j in cols],
            "value": float(c[rows, cols].sum()),
        })

with open("lap_scipy.json", "w") as f:
    json.dump({"numpy": np.__version__, "scipy": scipy.__version__, "cases": cases}, f)
