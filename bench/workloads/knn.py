"""TwoNN and MLE (k = 20) on 20000 × 384 float32 points on a smooth 8-dimensional manifold.

Input (seeded, deterministic): latent z uniform in the unit cube [0, 1]^8, mapped into R^384 by a
fixed random smooth map x = z·A + 0.3·sin(z·W + b) with A (8 × 384) standard normal / √8, W
(8 × 384) standard normal × 2 and phases b uniform in [0, 2π): an embedded, curved 8-d manifold
with the statistics of an embedding table (dense, every coordinate informative). Computed in
float64, stored as float32 `.npy` (31 MB).

Three workloads (`--workloads knn` runs all three):
- `knn`: TwoNN. mindspace `id --estimator twonn` (whole process) against the cost of the
  neighbour search alone, FAISS `IndexFlatL2` k = 3 (add + search, timed inside Python; the
  reference), and the TwoNN of scikit-dimension and DADApy (load + estimate, timed inside Python).
- `knn-mle`: Levina–Bickel MLE with k = 20, mindspace `id --estimator mle --k 20` against
  scikit-dimension's `MLE().fit(X, n_neighbors=20)` (the reference), with FAISS k = 21 (the
  search alone) for context.
- `knn-sphere`: TwoNN on 20000 × 384 standard normal points against the same FAISS search: data
  that fill their space, where mindspace's projection bound declines and the blocked products run
  (target ≤ 0.45×, issue 18; with `knn-words` and `knn-cosine` in knn_gemm.py, the three kinds of
  data on which the search is bounded by GEMM speed).

Targets (from the issue): mindspace's TwoNN in ≤ 0.6× the FAISS search time, and peak RSS within
2 × the input plus N·k·8 bytes (a 4-byte distance and a 4-byte index per neighbour).
"""
import pathlib
import statistics

import numpy as np

from harness import OPENBLAS_TUNING, Tool, Workload, saved_points

N, D, LATENT = 20000, 384, 8
TWONN_K = 2           # neighbours TwoNN uses per point
MLE_K = 20
#: mindspace's TwoNN time relative to FAISS's k = 3 search alone (the issue's target).
TIME_TARGET = 0.6
#: Largest relative difference allowed between mindspace's TwoNN and another TwoNN least-squares
#: fit (scikit-dimension, DADApy, and the fit on FAISS's distances) on the same float32 points.
#: All fit the same line to the same sorted ratios; they differ only in how the distances are
#: rounded: scikit-learn upcasts float32 to float64, FAISS computes ‖x‖² + ‖y‖² − 2x·y in float32.
#: On this input ‖x‖² ≈ 150 and the nearest-neighbour r² ≈ 7 (smallest 0.47), so float32 rounding
#: (a few ε₃₂ · ‖x‖² ≈ 4e-5) perturbs r² by ~5e-6 relative (1e-4 for the closest pairs) and
#: log μ ≈ 0.13 by ~4e-5 relative, with random signs that average out over 18000 ratios; a swap
#: of two nearly equal ratios at the 90% cut moves the fit by O(1/N). Measured from mindspace:
#: FAISS-based 2e-7 to 5e-7 (depending on the kernels of FAISS's BLAS), scikit-dimension and DADApy
#: 1.2e-8. 1e-5 leaves a 20-fold margin over the pure float32 path, while a real difference
#: (another discard rule, a wrong neighbour) moves the estimate by more than 1e-3.
TWONN_TOLERANCE = 1e-5
#: Same reasoning for MLE k = 20 (log(r_k / r_j) over 19 neighbours per point, harmonic pooling;
#: the log ratios are larger than TwoNN's, so rounding matters less). Measured: 1.3e-8.
MLE_TOLERANCE = 1e-5


def input_path(work: pathlib.Path, seed: int) -> pathlib.Path:
    return work / f"knn_{N}x{D}_d{LATENT}_seed{seed}.npy"


def prepare(work: pathlib.Path, seed: int) -> dict:
    def generate():
        rng = np.random.default_rng(seed)
        a = rng.standard_normal((LATENT, D)) / np.sqrt(LATENT)
        w = rng.standard_normal((LATENT, D)) * 2.0
        b = rng.uniform(0.0, 2.0 * np.pi, D)
        z = rng.uniform(0.0, 1.0, (N, LATENT))
        return (z @ a + 0.3 * np.sin(z @ w + b)).astype(np.float32)
    wanted = {"n": N, "d": D, "latent": LATENT, "seed": seed, "dtype": "float32", "version": 1}
    return saved_points(input_path(work, seed), wanted, generate)


def sphere_path(work: pathlib.Path, seed: int) -> pathlib.Path:
    return work / f"knn_sphere_{N}x{D}_seed{seed}.npy"


def prepare_sphere(work: pathlib.Path, seed: int) -> dict:
    """The null model of `knn-sphere`: N standard normal points in R^D (they fill their space)."""
    wanted = {"n": N, "d": D, "model": "standard normal", "seed": seed, "dtype": "float32", "version": 1}
    return saved_points(sphere_path(work, seed), wanted,
                        lambda: np.random.default_rng(seed).standard_normal((N, D)).astype(np.float32))


def mindspace_command(estimator, k=None):
    def command(ctx):
        argv = [ctx.mindspace, "id", ctx.inputs["input"], "--estimator", estimator]
        if k is not None:
            argv += ["--k", str(k)]
        return argv + ["--out", ctx.out, "--json"]
    return command


def peer_command(script, *extra):
    def command(ctx):
        return [ctx.python, ctx.root / "bench" / "peers" / script, ctx.inputs["input"], *extra]
    return command


def ours(outputs: dict, estimator: str):
    report = outputs.get("mindspace") or {}
    for estimate in report.get("estimates") or []:
        if estimate.get("estimator") == estimator:
            return estimate.get("dimension")
    return None


def agreement(name: str, value, reference, tolerance: float) -> str:
    if value is None or reference is None:
        return f"{name}: not checked (missing)"
    difference = abs(value - reference) / abs(reference)
    verdict = "agree" if difference <= tolerance else "DIFFER"
    return f"{name} {reference:.4f}: {verdict} (relative difference {difference:.1e}, tolerance {tolerance:g})"


def twonn_check(outputs: dict) -> str:
    mine = ours(outputs, "twonn")
    if mine is None:
        return "not checked (mindspace's TwoNN is missing)"
    skdim = (outputs.get("scikit-dimension TwoNN()") or {}).get("dimension")
    dadapy = (outputs.get("DADApy Data(X).compute_id_2NN()") or {}).get("dimension")
    faiss = outputs.get("FAISS IndexFlatL2 k=3 (search alone)") or {}
    parts = [agreement("scikit-dimension", mine, skdim, TWONN_TOLERANCE),
             agreement("DADApy", mine, dadapy, TWONN_TOLERANCE),
             agreement("the same fit on FAISS's float32 distances", mine, faiss.get("twonn_from_distances"),
                       TWONN_TOLERANCE)]
    text = (f"mindspace's TwoNN {mine:.4f} (latent dimension {LATENT}; TwoNN reads low on a bounded, "
            f"curved 8-d set of 20000 points); against " + "; ".join(parts))
    kernel = faiss.get("faiss_blas_kernel")
    if kernel:
        text += f"; FAISS's bundled OpenBLAS ran its `{kernel}` kernels"
        if kernel.lower() == "prescott":
            text += " (**generic SSE3: the reference is slower than it should be**)"
    return text


def mle_check(outputs: dict) -> str:
    mine = ours(outputs, "mle")
    if mine is None:
        return "not checked (mindspace's MLE is missing)"
    skdim = (outputs.get(f"scikit-dimension MLE().fit(X, n_neighbors={MLE_K})") or {}).get("dimension")
    return f"mindspace's MLE k={MLE_K} {mine:.4f}; against " + agreement("scikit-dimension", mine, skdim, MLE_TOLERANCE)


def budget_mb(k: int, n: int = N, d: int = D) -> float:
    """2 × the input (float32 n × d) plus n·k·(4 + 4) bytes, in MiB like the RSS column."""
    return (2 * n * d * 4 + n * k * 8) / 2**20


def resources_check(k: int, reference: str, time_target=None, n: int = N, d: int = D):
    def check(results: dict) -> str:
        runs = results.get("mindspace") or []
        if not runs:
            return ""
        rss = max(m.peak_rss_kb for m in runs) / 1024
        budget = budget_mb(k, n, d)
        parts = [f"mindspace peak RSS {rss:.0f} MB against the budget 2 × input + N·k·8 B = {budget:.0f} MB "
                 f"(k = {k}): {'within' if rss <= budget else 'OVER'}"]
        reference_runs = results.get(reference) or []
        if time_target and reference_runs:
            ratio = statistics.median(m.seconds for m in runs) / statistics.median(m.seconds for m in reference_runs)
            verdict = f"(target ≤ {time_target}): {'met' if ratio <= time_target else 'NOT met'}" \
                if isinstance(time_target, float) else f"({time_target})"
            parts.append(f"time {ratio:.2f}× the FAISS search alone {verdict}")
        return "; ".join(parts)
    return check


FAISS_NOTE = ("index.add + index.search(X, k) alone, timed inside Python (no load, no imports, no "
              "estimator); all cores (OpenMP)")
DESCRIPTION = (f"{N} × {D} float32 points on a smooth {LATENT}-dimensional manifold: latent z uniform in "
               f"[0, 1]^{LATENT}, x = z·A + 0.3·sin(z·W + b) with a fixed seeded random A, W, b "
               f"(`bench/workloads/knn.py`), 31 MB. Timings on a shared, loaded machine are noisy: "
               f"compare tools within one run (they are interleaved), not across runs.")

WORKLOAD = Workload(
    name="knn",
    title=f"TwoNN on {N} × {D} float32 (an {LATENT}-d manifold) against the FAISS k=3 search",
    description=DESCRIPTION + (" The reference is the exact k = 3 search alone (FAISS `IndexFlatL2`), the "
                               "floor for any TwoNN; mindspace's time is its whole process."),
    prepare=prepare,
    tools=[
        Tool("mindspace", mindspace_command("twonn"), timing="process", is_mindspace=True,
             note="whole process: start, read .npy, exact 2-NN search (float32; the projection bound "
                  "rules out most pairs, see README), TwoNN fit and interval, write id.json and "
                  "twonn-fit.png, JSON report on stdout"),
        Tool("FAISS IndexFlatL2 k=3 (search alone)", peer_command("faiss_knn.py", "--k", "3"),
             timing="reported", env_unset=OPENBLAS_TUNING, note=FAISS_NOTE),
        Tool("scikit-dimension TwoNN()", peer_command("skdim_twonn.py", "--estimator", "twonn"),
             timing="reported", env_unset=OPENBLAS_TUNING,
             note="np.load + TwoNN().fit(X), timed inside Python (no interpreter start, no imports)"),
        Tool("DADApy Data(X).compute_id_2NN()", peer_command("dadapy_twonn.py"),
             timing="reported", env_unset=OPENBLAS_TUNING,
             note="np.load + Data(coordinates=X).compute_id_2NN() (defaults: 100 neighbours stored), timed inside Python"),
    ],
    reference="FAISS IndexFlatL2 k=3 (search alone)",
    mindspace_command="id",
    check=twonn_check,
    check_measurements=resources_check(TWONN_K, "FAISS IndexFlatL2 k=3 (search alone)", TIME_TARGET),
    group="knn",
)

MLE_WORKLOAD = Workload(
    name="knn-mle",
    title=f"MLE k={MLE_K} on {N} × {D} float32 (an {LATENT}-d manifold)",
    description=DESCRIPTION + f" Same input as `knn`; the reference is scikit-dimension's MLE.",
    prepare=prepare,
    tools=[
        Tool("mindspace", mindspace_command("mle", MLE_K), timing="process", is_mindspace=True,
             note=f"whole process: start, read .npy, exact {MLE_K}-NN search (float32), MLE and interval, "
                  f"write id.json, JSON report on stdout"),
        Tool(f"scikit-dimension MLE().fit(X, n_neighbors={MLE_K})",
             peer_command("skdim_twonn.py", "--estimator", "mle", "--k", str(MLE_K)),
             timing="reported", env_unset=OPENBLAS_TUNING,
             note="np.load + MLE().fit(X, n_neighbors=20) (scikit-learn kNN, per-point loop, harmonic pooling), "
                  "timed inside Python"),
        Tool(f"FAISS IndexFlatL2 k={MLE_K + 1} (search alone)", peer_command("faiss_knn.py", "--k", str(MLE_K + 1)),
             timing="reported", env_unset=OPENBLAS_TUNING, note=FAISS_NOTE),
    ],
    reference=f"scikit-dimension MLE().fit(X, n_neighbors={MLE_K})",
    mindspace_command="id",
    check=mle_check,
    check_measurements=resources_check(MLE_K, f"scikit-dimension MLE().fit(X, n_neighbors={MLE_K})"),
    group="knn",
)

def sphere_check(outputs: dict) -> str:
    mine = ours(outputs, "twonn")
    if mine is None:
        return "not checked (mindspace's TwoNN is missing)"
    faiss = outputs.get("FAISS IndexFlatL2 k=3 (search alone)") or {}
    return (f"mindspace's TwoNN {mine:.2f} (the points fill all {D} dimensions; TwoNN reads far low at "
            f"N = {N}, as every estimator does); against "
            + agreement("the same fit on FAISS's float32 distances", mine, faiss.get("twonn_from_distances"),
                        TWONN_TOLERANCE))


SPHERE_WORKLOAD = Workload(
    name="knn-sphere",
    title=f"TwoNN on {N} × {D} float32 standard normal points (the sphere: no manifold to exploit)",
    description=(f"{N} × {D} float32 standard normal points (seeded, `bench/workloads/knn.py`), 31 MB: data "
                 f"that fill their space. The neighbour engine's projection bound rules out almost no pair "
                 f"here, so its pilot declines and the search runs the blocked products; this shows what "
                 f"that costs. Same reference as `knn`. Goal (issue 18): ≤ 0.45× FAISS's search alone."),
    prepare=prepare_sphere,
    tools=[
        Tool("mindspace", mindspace_command("twonn"), timing="process", is_mindspace=True,
             note="whole process, as in `knn`"),
        Tool("FAISS IndexFlatL2 k=3 (search alone)", peer_command("faiss_knn.py", "--k", "3"),
             timing="reported", env_unset=OPENBLAS_TUNING, note=FAISS_NOTE),
    ],
    reference="FAISS IndexFlatL2 k=3 (search alone)",
    mindspace_command="id",
    check=sphere_check,
    check_measurements=resources_check(TWONN_K, "FAISS IndexFlatL2 k=3 (search alone)", 0.45),
    group="knn",
)

WORKLOADS = [WORKLOAD, MLE_WORKLOAD, SPHERE_WORKLOAD]
