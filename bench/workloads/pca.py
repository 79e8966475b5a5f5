"""PCA of a 20000 × 1024 float64 matrix, 10 components.

Input: a seeded low-rank signal plus noise, X = Z·diag(s)·Wᵀ + 0.5·E + c (rank 32, decaying
scales s, W orthonormal, E standard normal, c a per-column offset), saved as .npy.
"""
import pathlib

import numpy as np

from harness import OPENBLAS_TUNING, Tool, Workload, saved_points

N, D, RANK, COMPONENTS = 20000, 1024, 32, 10


def prepare(work: pathlib.Path, seed: int) -> dict:
    def generate():
        rng = np.random.default_rng(seed)
        w, _ = np.linalg.qr(rng.standard_normal((D, RANK)))
        z = rng.standard_normal((N, RANK)) * (10.0 * 0.85 ** np.arange(RANK))
        x = z @ w.T
        x += 0.5 * rng.standard_normal((N, D))
        x += rng.uniform(-5.0, 5.0, D)
        return x.astype(np.float64)
    wanted = {"n": N, "d": D, "rank": RANK, "seed": seed, "dtype": "float64", "version": 1}
    return saved_points(work / f"pca_{N}x{D}_seed{seed}.npy", wanted, generate)


def mindspace_command(ctx):
    return [ctx.mindspace, "pca", ctx.inputs["input"], "--components", str(COMPONENTS),
            "--out", ctx.out, "--json"]


def sklearn_command(solver):
    def command(ctx):
        return [ctx.python, ctx.root / "bench" / "peers" / "sklearn_pca.py", ctx.inputs["input"],
                "--components", str(COMPONENTS), "--solver", solver]
    return command


def check(outputs: dict) -> str:
    """mindspace's explained-variance ratios against scikit-learn's (both exact methods)."""
    mind = outputs.get("mindspace")
    peer = outputs.get('scikit-learn PCA(svd_solver="covariance_eigh")')
    if not mind or not peer:
        return "not checked (a tool's output is missing)"
    ours = mind.get("explained_variance_ratio", [])[:COMPONENTS]
    theirs = peer.get("explained_variance_ratio", [])[:COMPONENTS]
    if len(ours) != COMPONENTS or len(theirs) != COMPONENTS:
        return f"not checked (got {len(ours)} and {len(theirs)} ratios)"
    worst = max(abs(a - b) / max(abs(b), 1e-300) for a, b in zip(ours, theirs))
    verdict = "agree" if worst <= 1e-6 else "DIFFER"
    return (f"explained-variance ratios of the {COMPONENTS} components {verdict} with scikit-learn "
            f"(largest relative difference {worst:.1e}; threshold 1e-6)")


WORKLOAD = Workload(
    name="pca",
    title=f"PCA, {N} × {D} float64, {COMPONENTS} components",
    description=(f"Seeded rank-{RANK} signal plus noise and per-column offsets, stored as a "
                 f"{N} × {D} float64 `.npy` (164 MB). Every tool computes the full spectrum "
                 f"and {COMPONENTS} components with their scores."),
    prepare=prepare,
    tools=[
        Tool("mindspace", mindspace_command, timing="process", is_mindspace=True,
             note="whole process: start, read .npy, PCA and scores, write components/scores/mean .npy and pca.json, JSON report on stdout"),
        Tool('scikit-learn PCA(svd_solver="covariance_eigh")', sklearn_command("covariance_eigh"),
             timing="reported", env_unset=OPENBLAS_TUNING,
             note="np.load + fit_transform, timed inside Python (no interpreter start, no imports)"),
        Tool('scikit-learn PCA(svd_solver="full")', sklearn_command("full"),
             timing="reported", env_unset=OPENBLAS_TUNING,
             note="np.load + fit_transform (LAPACK SVD of the centred data), timed inside Python"),
    ],
    reference='scikit-learn PCA(svd_solver="covariance_eigh")',
    mindspace_command="pca",
    check=check,
)
