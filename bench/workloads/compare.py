"""`mindspace compare` against NumPy: linear CKA on 50,000 × 768 pairs and mutual k-NN on
20,000 × 384 pairs (issue 14's targets: ≤ 0.5× and ≤ 0.3× of NumPy's time, peak RSS reported).

Inputs (seeded, float32 `.npy`): two "models" that see the same inputs. A shared latent z
(uniform in [0, 1]^16) is mapped into D dimensions by two different random smooth maps,
x = z·A + 0.3·sin(z·W + b) + 0.05·noise (A, W, b drawn separately per model), so the pair has
real, nonlinear shared structure and the scores are far from both 0 and 1.

Tools: mindspace `compare --metric linear-cka` (and `mutual-knn --k 10`) with `--bootstrap 0
--permutations 0`, the same single number the peer computes (whole process: reading both files,
the metric, writing compare.json), against NumPy scripts timed inside Python (loading plus the
formula; bench/peers/numpy_linear_cka.py, numpy_mutual_knn.py).
"""
import pathlib

import numpy as np

from harness import OPENBLAS_TUNING, Tool, Workload

LATENT = 16


def pair(work: pathlib.Path, n: int, d: int, seed: int) -> dict:
    import json
    folder = work / f"compare_{n}x{d}"
    folder.mkdir(parents=True, exist_ok=True)
    meta = folder / "meta.json"
    wanted = {"n": n, "d": d, "latent": LATENT, "seed": seed, "version": 1}
    a, b = folder / "a.npy", folder / "b.npy"
    if not (meta.exists() and json.loads(meta.read_text()) == wanted and a.exists() and b.exists()):
        rng = np.random.default_rng(seed)
        z = rng.uniform(0, 1, (n, LATENT))
        for path in (a, b):
            linear = rng.standard_normal((LATENT, d)) / np.sqrt(LATENT)
            w = 2 * rng.standard_normal((LATENT, d))
            phase = rng.uniform(0, 2 * np.pi, d)
            x = z @ linear + 0.3 * np.sin(z @ w + phase) + 0.05 * rng.standard_normal((n, d))
            np.save(path, x.astype(np.float32))
        meta.write_text(json.dumps(wanted))
    return {"a": a, "b": b, "folder": folder, "size_mb": (a.stat().st_size + b.stat().st_size) / 1e6}


def mindspace_command(metric, extra=()):
    def command(ctx):
        return [ctx.mindspace, "compare", ctx.inputs["a"], ctx.inputs["b"], "--metric", metric, *extra,
                "--bootstrap", "0", "--permutations", "0", "--quiet", "--json", "--out", ctx.out]
    return command


def peer_command(script, extra=()):
    def command(ctx):
        return [ctx.python, ctx.root / "bench" / "peers" / script, ctx.inputs["a"], ctx.inputs["b"], *extra]
    return command


def checker(mindspace: str, peer: str, tolerance: float):
    def check(outputs: dict) -> str:
        mind, other = outputs.get(mindspace), outputs.get(peer)
        if not mind or not other:
            return "not checked (a tool's output is missing)"
        ours, theirs = mind["scores"][0]["value"], other["value"]
        worst = abs(ours - theirs) / max(abs(theirs), 1e-300)
        verdict = "agree" if worst <= tolerance else "DIFFER"
        return (f"scores {ours:.8g} (mindspace) and {theirs:.8g} (NumPy) {verdict} "
                f"(relative difference {worst:.1e}; threshold {tolerance:g})")
    return check


CKA_MINDSPACE = "mindspace compare --metric linear-cka"
CKA_PEER = "NumPy feature_space_linear_cka (float32)"
KNN_MINDSPACE = "mindspace compare --metric mutual-knn --k 10"
KNN_PEER = "NumPy mutual_knn, full argsort (platonic-rep's algorithm)"

CKA_WORKLOAD = Workload(
    name="compare-cka",
    group="compare",
    title="Linear CKA, 50,000 × 768 against 50,000 × 768",
    description=("Two float32 representations (50,000 × 768 each, 154 MB) of the same inputs, two random smooth "
                 "maps of one 16-d latent. Goal (issue 14): mindspace ≤ 0.5× NumPy's feature-space formula; "
                 "peak RSS reported."),
    prepare=lambda work, seed: pair(work, 50000, 768, seed),
    tools=[
        Tool(CKA_MINDSPACE, mindspace_command("linear-cka"), timing="process", is_mindspace=True,
             note="whole process: reading both files, centring, the three products, writing compare.json"),
        Tool(CKA_PEER, peer_command("numpy_linear_cka.py"), timing="reported", env_unset=OPENBLAS_TUNING,
             note="np.load of both, centring, ‖yᵀx‖², ‖xᵀx‖, ‖yᵀy‖ in float32 (syrk for xᵀx); timed inside Python"),
    ],
    reference=CKA_PEER,
    mindspace_command="compare",
    check=checker(CKA_MINDSPACE, CKA_PEER, 1e-4),
)

KNN_WORKLOAD = Workload(
    name="compare-knn",
    group="compare",
    title="Mutual k-NN (k = 10), 20,000 × 384 against 20,000 × 384",
    description=("Two float32 representations (20,000 × 384 each, 31 MB) of the same inputs, two random smooth "
                 "maps of one 16-d latent. Goal (issue 14): mindspace ≤ 0.3× a NumPy implementation that sorts the "
                 "full similarity matrix, as platonic-rep does; peak RSS reported."),
    prepare=lambda work, seed: pair(work, 20000, 384, seed),
    tools=[
        Tool(KNN_MINDSPACE, mindspace_command("mutual-knn", ("--k", "10")), timing="process", is_mindspace=True,
             note="whole process: reading both files, exact k-NN of each, the overlap, writing compare.json"),
        Tool(KNN_PEER, peer_command("numpy_mutual_knn.py", ("--k", "10")), timing="reported", env_unset=OPENBLAS_TUNING,
             note="np.load, row normalisation, N × N inner products, full argsort per row, overlap; timed inside Python"),
    ],
    reference=KNN_PEER,
    mindspace_command="compare",
    maximum_runs=3,
    # The peer ranks neighbours by float32 inner products, mindspace by exact distances: near-ties
    # can fall either way, so a handful of the N·k = 200,000 neighbour slots may differ (one slot
    # moves the score by 1/200,000 = 5e-6).
    check=checker(KNN_MINDSPACE, KNN_PEER, 5e-5),
)

WORKLOADS = [CKA_WORKLOAD, KNN_WORKLOAD]
