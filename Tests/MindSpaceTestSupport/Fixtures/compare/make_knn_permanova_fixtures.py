"""Fixtures for MindSpace's neighbour/anchor metrics and PERMANOVA (compare, issue 14).

Run with the peers' Python (NumPy, SciPy, scikit-bio):
    /work/venv-peers/bin/python make_knn_permanova_fixtures.py
Writes knn_permanova.json beside this script; the versions used are recorded in it and in
VERSIONS_knn_permanova.txt.

Sources transcribed (NumPy, float64):
- mutual_knn and cknna: platonic-rep (Huh et al. 2024), metrics.py `AlignmentMetrics.mutual_knn`,
  `AlignmentMetrics.cknna`, `hsic_unbiased`, `hsic_biased`, `compute_nearest_neighbors`; rows
  scaled to unit length first as measure_alignment.py `compute_score` does (F.normalize).
  `cknna` is recorded twice per unbiased setting: as the reference returns it (denominator
  sqrt(s_kk * s_ll) + 1e-6) and without the 1e-6 (what MindSpace computes).
- relative: Moschella et al. 2023, mean over rows of the cosine between the vectors of cosines
  to the anchor rows.
- permanova one-way: scikit-bio `skbio.stats.distance.permanova` (pseudo-F and p-value); R^2 is
  derived from F as F(g-1) / (F(g-1) + m - g) (skbio does not report it).
- permanova sequential: vegan's `adonis2(d ~ f1 + f2 + ..., by = "terms")`, i.e. `adonis0`
  (Gower-centred G = -GowerDblcen(d^2)/2, centred model matrix without intercept, QR with rank)
  and `permutest.cca(by = "terms")` under the reduced model (free permutation of rows; each
  term's F on G[p, p] against the full model's residual; P = (#{F_b >= F - sqrt(eps)} + 1)/(B + 1)).
  The sequential sums follow the older `adonis` R code (cumulative QR hat matrices, tol 1e-7),
  which decomposes the same way.
"""
import json
import platform

import numpy as np
import scipy
from scipy.spatial.distance import pdist, squareform

import skbio
from skbio import DistanceMatrix
from skbio.stats.distance import permanova


def unit(x):
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def nearest(feats, topk):
    sim = feats @ feats.T
    np.fill_diagonal(sim, -1e8)
    return np.argsort(-sim, axis=1, kind="stable")[:, :topk]


def mutual_knn(a, b, topk):
    a, b = unit(a), unit(b)
    knn_a, knn_b = nearest(a, topk), nearest(b, topk)
    n = a.shape[0]
    mask_a = np.zeros((n, n)); mask_b = np.zeros((n, n))
    rows = np.arange(n)[:, None]
    mask_a[rows, knn_a] = 1.0
    mask_b[rows, knn_b] = 1.0
    return float(((mask_a * mask_b).sum(axis=1) / topk).mean())


def hsic_unbiased(k, l):
    m = k.shape[0]
    kt = k.copy(); np.fill_diagonal(kt, 0)
    lt = l.copy(); np.fill_diagonal(lt, 0)
    value = (np.sum(kt * lt.T) + np.sum(kt) * np.sum(lt) / ((m - 1) * (m - 2))
             - 2 * np.sum(kt @ lt) / (m - 2))
    return value / (m * (m - 3))


def hsic_biased(k, l):
    h = np.eye(k.shape[0]) - 1 / k.shape[0]
    return np.trace(k @ h @ l @ h)


def cknna(a, b, topk, unbiased, epsilon):
    a, b = unit(a), unit(b)
    n = a.shape[0]
    kmat, lmat = a @ a.T, b @ b.T

    def similarity(k, l):
        if unbiased:
            k_hat = k.copy(); np.fill_diagonal(k_hat, -np.inf)
            l_hat = l.copy(); np.fill_diagonal(l_hat, -np.inf)
        else:
            k_hat, l_hat = k, l
        top_k = np.argsort(-k_hat, axis=1, kind="stable")[:, :topk]
        top_l = np.argsort(-l_hat, axis=1, kind="stable")[:, :topk]
        mask_k = np.zeros((n, n)); mask_l = np.zeros((n, n))
        rows = np.arange(n)[:, None]
        mask_k[rows, top_k] = 1
        mask_l[rows, top_l] = 1
        mask = mask_k * mask_l
        hsic = hsic_unbiased if unbiased else hsic_biased
        return hsic(mask * k, mask * l)

    kl, kk, ll = similarity(kmat, lmat), similarity(kmat, kmat), similarity(lmat, lmat)
    return float(kl / (np.sqrt(kk * ll) + epsilon))


def relative(a, b, anchors):
    def vectors(x):
        x = unit(x)
        r = x @ x[anchors].T
        return unit(r)
    return float(np.mean(np.sum(vectors(a) * vectors(b), axis=1)))


rng = np.random.default_rng(20240514)
metric_cases = []
for name, n, d, noise in [("related", 40, 8, 0.3), ("unrelated", 40, 8, None), ("wide", 60, 30, 1.0)]:
    a = rng.standard_normal((n, d))
    b = a @ np.linalg.qr(rng.standard_normal((d, d)))[0] + noise * rng.standard_normal((n, d)) \
        if noise is not None else rng.standard_normal((n, d))
    anchors = sorted(rng.choice(n, size=7, replace=False).tolist())
    case = {"name": name, "n": n, "d": d, "a": a.ravel().tolist(), "b": b.ravel().tolist(),
            "anchors": anchors, "relative": relative(a, b, anchors), "k": {}}
    for k in [3, 5, 10]:
        case["k"][str(k)] = {
            "mutual_knn": mutual_knn(a, b, k),
            "cknna_unbiased": cknna(a, b, k, True, 0.0),
            "cknna_unbiased_reference": cknna(a, b, k, True, 1e-6),
            "cknna_biased": cknna(a, b, k, False, 0.0),
            "cknna_biased_reference": cknna(a, b, k, False, 1e-6),
        }
    metric_cases.append(case)

# --- PERMANOVA -------------------------------------------------------------------------------

def one_way_cases():
    cases = []
    for name, m, groups, effect, metric in [("three_groups_effect", 15, 3, 1.0, "euclidean"),
                                            ("two_groups_null", 12, 2, 0.0, "euclidean"),
                                            ("four_groups_cityblock", 16, 4, 0.7, "cityblock")]:
        labels = [f"g{i % groups}" for i in range(m)]
        x = rng.standard_normal((m, 5))
        for i in range(m):
            x[i, i % groups % 5] += effect * 2
        dist = squareform(pdist(x, metric=metric))
        result = permanova(DistanceMatrix(dist), labels, permutations=999, seed=7) \
            if "seed" in permanova.__code__.co_varnames else permanova(DistanceMatrix(dist), labels, permutations=999)
        f = float(result["test statistic"])
        g = groups
        cases.append({"name": name, "m": m, "labels": labels, "distances": dist.ravel().tolist(),
                      "pseudo_f": f, "r_squared": f * (g - 1) / (f * (g - 1) + m - g),
                      "p_value": float(result["p-value"]), "permutations": 999})
    return cases


def gower(dist):
    a = -0.5 * dist ** 2
    m = a.shape[0]
    c = np.eye(m) - np.ones((m, m)) / m
    return c @ a @ c


def treatment_columns(labels):
    levels = sorted(set(labels))
    return np.array([[1.0 if lab == lev else 0.0 for lev in levels[1:]] for lab in labels])


def cumulative_hats(factors, m):
    """adonis: H for intercept + factors 1..t, with R's pivoted-QR rank (tol 1e-7)."""
    hats, ranks = [], []
    columns = [np.ones((m, 1))]
    for labels in factors:
        columns.append(treatment_columns(labels))
        x = np.hstack(columns)
        # rank-revealing QR with column pivoting, tolerance as R's qr(tol = 1e-7)
        q, r, piv = scipy.linalg.qr(x, pivoting=True, mode="economic")
        diag = np.abs(np.diag(r))
        rank = int(np.sum(diag > 1e-7 * diag[0]))
        q = q[:, :rank]
        hats.append(q @ q.T)
        ranks.append(rank)
    return hats, ranks


def sequential(dist, factors, permutations, seed):
    m = dist.shape[0]
    g = gower(dist)
    hats, ranks = cumulative_hats(factors, m)
    total = np.trace(g)
    previous_hat, previous_rank = np.ones((m, m)) / m, 1
    term_hats, dfs = [], []
    for hat, rank in zip(hats, ranks):
        term_hats.append(hat - previous_hat)
        dfs.append(rank - previous_rank)
        previous_hat, previous_rank = hat, rank
    full = hats[-1]
    residual_df = m - ranks[-1]

    def stats(gm):
        ss = [float(np.sum(gm * h.T)) for h in term_hats]
        res = float(np.sum(gm * (np.eye(m) - full).T))
        return ss, res

    ss, res = stats(g)
    fs = [(s / d) / (res / residual_df) if d > 0 else None for s, d in zip(ss, dfs)]
    r = np.random.default_rng(seed)
    exceed = [0] * len(factors)
    eps = np.sqrt(np.finfo(float).eps)
    for _ in range(permutations):
        p = r.permutation(m)
        ssb, resb = stats(g[np.ix_(p, p)])
        for t, (s, d) in enumerate(zip(ssb, dfs)):
            if d > 0 and (s / d) / (resb / residual_df) >= fs[t] - eps:
                exceed[t] += 1
    terms = []
    for t in range(len(factors)):
        terms.append({"df": dfs[t], "sum_of_squares": ss[t], "r_squared": ss[t] / total,
                      "pseudo_f": fs[t],
                      "p_value": (exceed[t] + 1) / (permutations + 1) if dfs[t] > 0 else None})
    return {"terms": terms, "residual_df": residual_df, "residual_sum_of_squares": res,
            "residual_r_squared": res / total, "total_sum_of_squares": float(total),
            "permutations": permutations}


def sequential_cases():
    data = [f"d{i // 6}" for i in range(12)]
    process = [f"p{(i // 3) % 2}" for i in range(12)]
    seed = [f"s{i % 3}" for i in range(12)]
    run = [f"{a}-{b}" for a, b in zip(data, process)]
    alias = [{"d0": "cifar", "d1": "mnist"}[a] for a in data]
    x = rng.standard_normal((12, 6))
    for i in range(12):
        x[i, 0] += 1.5 * (data[i] == "d1")
        x[i, 1] += 0.8 * (process[i] == "p1")
        x[i, 2] += 0.6 * (data[i] == "d1") * (process[i] == "p1")
    cases = []
    for metric in ["euclidean", "cityblock"]:
        dist = squareform(pdist(x, metric=metric))
        for name, factors in [("data+process+seed", [("data", data), ("process", process), ("seed", seed)]),
                              ("data+process+run+seed", [("data", data), ("process", process), ("run", run),
                                                         ("seed", seed)]),
                              ("data+alias+process", [("data", data), ("alias", alias), ("process", process)])]:
            result = sequential(dist, [labels for _, labels in factors], 9999, 11)
            result.update({"name": f"{metric}:{name}", "m": 12, "distances": dist.ravel().tolist(),
                           "factors": [{"name": n, "labels": labels} for n, labels in factors]})
            cases.append(result)
    return cases


versions = {"python": platform.python_version(), "numpy": np.__version__, "scipy": scipy.__version__,
            "scikit-bio": skbio.__version__}
out = {"versions": versions, "metrics": metric_cases, "one_way": one_way_cases(),
       "sequential": sequential_cases()}
with open("knn_permanova.json", "w") as f:
    json.dump(out, f)
with open("VERSIONS_knn_permanova.txt", "w") as f:
    for key, value in versions.items():
        f.write(f"{key}=={value}\n")
