"""Reference values for MindSpace's row-based representation metrics (`mindspace compare`).

Run with a Python that has NumPy, SciPy and scikit-learn:  python make_cka_fixtures.py
Writes small seeded inputs as .npy (x: 60x12, y: 60x9, z: 60x9 correlated with x,
w: 20x30, v: 20x25 correlated with w, for the N < D route) and cka_reference.json: each metric
on the pairs (x, y), (x, z), (z, x), (w, v), with the numpy/scipy/scikit-learn versions.

Each function transcribes a public reference:
- gram_linear, gram_rbf, center_gram, cka, feature_space_linear_cka,
  _debiased_dot_product_similarity_helper: google-research/google-research,
  representation_similarity/Demo.ipynb (Kornblith et al. 2019), verbatim.
- svcca: minyoungg/platonic-rep, metrics.py AlignmentMetrics.svcca, with three documented
  changes: an exact SVD (numpy) in place of torch.svd_lowrank (randomised), the exact canonical
  correlations (singular values of U1^T U2, U orthonormal) in place of scikit-learn's iterative
  CCA, and no 1e-8 added to the standard deviation (a constant column stays 0). The verbatim
  scikit-learn route is recorded as svcca_sklearn for information only.
- pwcca: google/svcca, pwcca.compute_pwcca with cca_core.get_cca_similarity (epsilon=0), with
  three documented corrections: the directions are the canonical variates
  coef_x . invsqrt_xx . (acts - means) of Morcos et al. 2018 (the repo omits invsqrt_xx), the
  neuron means are not added back to them, and the y branch uses acts2 (the repo uses acts1).
  The verbatim repo function is recorded as pwcca_repo for information only.
- procrustes: Williams et al. 2021: centred, unit Frobenius norm, zero-padded to the same width,
  scipy.linalg.orthogonal_procrustes(X, Y)[1] (the sum of the singular values of X^T Y).
"""
import json

import numpy as np
import scipy
import scipy.linalg
import sklearn
from sklearn.cross_decomposition import CCA


# --- google-research representation_similarity (verbatim) ---
def gram_linear(x):
    return x.dot(x.T)


def gram_rbf(x, threshold=1.0):
    dot_products = x.dot(x.T)
    sq_norms = np.diag(dot_products)
    sq_distances = -2 * dot_products + sq_norms[:, None] + sq_norms[None, :]
    sq_median_distance = np.median(sq_distances)
    return np.exp(-sq_distances / (2 * threshold ** 2 * sq_median_distance))


def center_gram(gram, unbiased=False):
    if not np.allclose(gram, gram.T):
        raise ValueError('Input must be a symmetric matrix.')
    gram = gram.copy()
    if unbiased:
        n = gram.shape[0]
        np.fill_diagonal(gram, 0)
        means = np.sum(gram, 0, dtype=np.float64) / (n - 2)
        means -= np.sum(means) / (2 * (n - 1))
        gram -= means[:, None]
        gram -= means[None, :]
        np.fill_diagonal(gram, 0)
    else:
        means = np.mean(gram, 0, dtype=np.float64)
        means -= np.mean(means) / 2
        gram -= means[:, None]
        gram -= means[None, :]
    return gram


def cka(gram_x, gram_y, debiased=False):
    gram_x = center_gram(gram_x, unbiased=debiased)
    gram_y = center_gram(gram_y, unbiased=debiased)
    scaled_hsic = gram_x.ravel().dot(gram_y.ravel())
    normalization_x = np.linalg.norm(gram_x)
    normalization_y = np.linalg.norm(gram_y)
    return scaled_hsic / (normalization_x * normalization_y)


def _debiased_dot_product_similarity_helper(xty, sum_squared_rows_x, sum_squared_rows_y,
                                            squared_norm_x, squared_norm_y, n):
    return (xty - n / (n - 2.) * sum_squared_rows_x.dot(sum_squared_rows_y)
            + squared_norm_x * squared_norm_y / ((n - 1) * (n - 2)))


def feature_space_linear_cka(features_x, features_y, debiased=False):
    features_x = features_x - np.mean(features_x, 0, keepdims=True)
    features_y = features_y - np.mean(features_y, 0, keepdims=True)
    dot_product_similarity = np.linalg.norm(features_x.T.dot(features_y)) ** 2
    normalization_x = np.linalg.norm(features_x.T.dot(features_x))
    normalization_y = np.linalg.norm(features_y.T.dot(features_y))
    if debiased:
        n = features_x.shape[0]
        sum_squared_rows_x = np.einsum('ij,ij->i', features_x, features_x)
        sum_squared_rows_y = np.einsum('ij,ij->i', features_y, features_y)
        squared_norm_x = np.sum(sum_squared_rows_x)
        squared_norm_y = np.sum(sum_squared_rows_y)
        dot_product_similarity = _debiased_dot_product_similarity_helper(
            dot_product_similarity, sum_squared_rows_x, sum_squared_rows_y,
            squared_norm_x, squared_norm_y, n)
        normalization_x = np.sqrt(_debiased_dot_product_similarity_helper(
            normalization_x ** 2, sum_squared_rows_x, sum_squared_rows_x,
            squared_norm_x, squared_norm_x, n))
        normalization_y = np.sqrt(_debiased_dot_product_similarity_helper(
            normalization_y ** 2, sum_squared_rows_y, sum_squared_rows_y,
            squared_norm_y, squared_norm_y, n))
    return dot_product_similarity / (normalization_x * normalization_y)


# --- platonic-rep svcca (exact SVD and CCA; see the docstring) ---
def _standardise(act):
    act = act - act.mean(0)
    std = act.std(0, ddof=1)  # torch.std is unbiased
    return np.divide(act, std, out=np.zeros_like(act), where=std > 0)


def _top_left_singular_vectors(act, k):
    u, _, _ = np.linalg.svd(act, full_matrices=False)
    return u[:, :k]


def svcca(feats_a, feats_b, cca_dim=10):
    u1 = _top_left_singular_vectors(_standardise(feats_a), cca_dim)
    u2 = _top_left_singular_vectors(_standardise(feats_b), cca_dim)
    return float(np.mean(np.linalg.svd(u1.T @ u2, compute_uv=False)))


def svcca_sklearn(feats_a, feats_b, cca_dim=10):
    u1 = _top_left_singular_vectors(_standardise(feats_a), cca_dim)
    u2 = _top_left_singular_vectors(_standardise(feats_b), cca_dim)
    model = CCA(n_components=cca_dim, max_iter=5000, tol=1e-12)
    model.fit(u1, u2)
    c1, c2 = model.transform(u1, u2)
    return float(np.mean([np.corrcoef(c1[:, i], c2[:, i])[0, 1] for i in range(cca_dim)]))


# --- google/svcca cca_core + pwcca (epsilon = 0) ---
def positivedef_matrix_sqrt(array):
    w, v = np.linalg.eigh(array)
    wsqrt = np.sqrt(w)
    return np.dot(v, np.dot(np.diag(wsqrt), np.conj(v).T))


def cca_similarity(acts1, acts2):
    """cca_core.get_cca_similarity's covariance, rescaling and compute_ccas, epsilon = 0."""
    numx, numy = acts1.shape[0], acts2.shape[0]
    covariance = np.cov(acts1, acts2)
    sigmaxx = covariance[:numx, :numx]
    sigmaxy = covariance[:numx, numx:]
    sigmayy = covariance[numx:, numx:]
    xmax, ymax = np.max(np.abs(sigmaxx)), np.max(np.abs(sigmayy))
    sigmaxx /= xmax
    sigmayy /= ymax
    sigmaxy /= np.sqrt(xmax * ymax)
    invsqrt_xx = positivedef_matrix_sqrt(np.linalg.pinv(sigmaxx))
    invsqrt_yy = positivedef_matrix_sqrt(np.linalg.pinv(sigmayy))
    arr = np.dot(invsqrt_xx, np.dot(sigmaxy, invsqrt_yy))
    u, s, v = np.linalg.svd(arr)
    return u, np.abs(s), v, invsqrt_xx, invsqrt_yy


def pwcca(feats_a, feats_b, repo_verbatim=False):
    acts1, acts2 = feats_a.T, feats_b.T  # (neurons, datapoints)
    u, s, v, invsqrt_xx, invsqrt_yy = cca_similarity(acts1, acts2)
    means1 = np.mean(acts1, axis=1, keepdims=True)
    means2 = np.mean(acts2, axis=1, keepdims=True)
    if acts1.shape[0] <= acts2.shape[0]:
        if repo_verbatim:
            dirns = np.dot(u.T, acts1 - means1) + means1
        else:
            dirns = np.dot(np.dot(u.T, invsqrt_xx), acts1 - means1)
        acts = acts1
    else:
        if repo_verbatim:
            dirns = np.dot(v, acts1 - means2) + means2
        else:
            dirns = np.dot(np.dot(v, invsqrt_yy), acts2 - means2)
        acts = acts2
    p, _ = np.linalg.qr(dirns.T)
    weights = np.sum(np.abs(np.dot(p.T, acts.T)), axis=1)
    weights = weights / np.sum(weights)
    return float(np.sum(weights * s))


# --- Procrustes (Williams et al. 2021) by SciPy ---
def procrustes(feats_a, feats_b):
    x = feats_a - feats_a.mean(0)
    y = feats_b - feats_b.mean(0)
    x /= np.linalg.norm(x)
    y /= np.linalg.norm(y)
    width = max(x.shape[1], y.shape[1])
    x = np.pad(x, ((0, 0), (0, width - x.shape[1])))
    y = np.pad(y, ((0, 0), (0, width - y.shape[1])))
    return float(scipy.linalg.orthogonal_procrustes(x, y)[1])


def main():
    rng = np.random.default_rng(20250614)
    x = rng.standard_normal((60, 12)) * np.linspace(0.5, 3.0, 12) + 1.5
    y = rng.standard_normal((60, 9)) - 0.7
    z = x[:, :9] @ rng.standard_normal((9, 9)) + 0.8 * rng.standard_normal((60, 9)) + 2.0
    w = rng.standard_normal((20, 30)) * np.linspace(0.2, 2.0, 30)
    v = w[:, :25] @ rng.standard_normal((25, 25)) * 0.3 + rng.standard_normal((20, 25))
    data = {"x": x, "y": y, "z": z, "w": w, "v": v}
    for name, value in data.items():
        np.save(f"{name}.npy", value)

    cases = []
    for a, b in [("x", "y"), ("x", "z"), ("z", "x"), ("w", "v")]:
        fa, fb = data[a], data[b]
        case = {
            "a": a, "b": b,
            "linear_cka": float(feature_space_linear_cka(fa, fb)),
            "linear_cka_gram": float(cka(gram_linear(fa), gram_linear(fb))),
            "linear_cka_debiased": float(feature_space_linear_cka(fa, fb, debiased=True)),
            "linear_cka_debiased_gram": float(cka(gram_linear(fa), gram_linear(fb), debiased=True)),
            "rbf_cka": float(cka(gram_rbf(fa, 1.0), gram_rbf(fb, 1.0))),
            "rbf_cka_half": float(cka(gram_rbf(fa, 0.5), gram_rbf(fb, 0.5))),
            "svcca5": svcca(fa, fb, 5),
            "svcca5_sklearn": svcca_sklearn(fa, fb, 5),
            "procrustes": procrustes(fa, fb),
        }
        if fa.shape[0] > max(fa.shape[1], fb.shape[1]):
            case["pwcca"] = pwcca(fa, fb)
            if fa.shape[1] <= fb.shape[1]:  # the repo's y branch fails (it reads acts1)
                case["pwcca_repo"] = pwcca(fa, fb, repo_verbatim=True)
        cases.append(case)

    with open("cka_reference.json", "w") as f:
        json.dump({"numpy": np.__version__, "scipy": scipy.__version__,
                   "scikit_learn": sklearn.__version__, "cases": cases}, f, indent=1)


if __name__ == "__main__":
    main()
