"""Writes datasets/digits.npy and datasets/digits-labels.tsv from scikit-learn's copy of the
UCI "Optical Recognition of Handwritten Digits" test set (1797 images of 8×8 pixels, values 0–16).

Run with the pinned peers (bench/requirements.txt):  python datasets/make_digits.py
"""
from pathlib import Path

import numpy as np
import sklearn
from sklearn.datasets import load_digits

here = Path(__file__).resolve().parent
digits = load_digits()
data = np.ascontiguousarray(digits.data, dtype=np.float64)  # 1797 × 64
np.save(here / "digits.npy", data)
with open(here / "digits-labels.tsv", "w", encoding="utf-8") as f:
    for label in digits.target:
        f.write(f"{label}\n")
print(f"digits.npy {data.shape} float64 from scikit-learn {sklearn.__version__}, numpy {np.__version__}")
