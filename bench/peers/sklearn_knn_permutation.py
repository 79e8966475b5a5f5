"""Peer for `mindspace groups` (issue 19): scikit-learn's k-NN classifier two-sample test on the
digits' classes 1 and 3, `permutation_test_score(KNeighborsClassifier(10), cv=StratifiedKFold(5),
n_permutations=999)`, timed inside Python. Run from the repository root:
    python bench/peers/sklearn_knn_permutation.py
and compare with `/usr/bin/time mindspace groups datasets/digits.npy --groups
datasets/digits-labels.tsv --pair 1,3 --permutations 999` (which also estimates every group's ID
and the mixing and within-share measures).
"""
import time, numpy as np
from sklearn.neighbors import KNeighborsClassifier
from sklearn.model_selection import permutation_test_score, StratifiedKFold
X = np.load("datasets/digits.npy"); y = np.loadtxt("datasets/digits-labels.tsv", dtype=str, skiprows=0)
if y.shape[0] != X.shape[0]: y = y[1:]
mask = (y == "1") | (y == "3")
t = time.perf_counter()
score, perm, p = permutation_test_score(KNeighborsClassifier(10), X[mask], y[mask], cv=StratifiedKFold(5, shuffle=True, random_state=0), n_permutations=999, random_state=0, n_jobs=1)
print(f"sklearn knn cv accuracy {score:.3f} p {p:.4f} in {time.perf_counter()-t:.2f} s")
