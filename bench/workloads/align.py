"""Weight matching of two 50M-parameter MLP checkpoints (`mindspace align`).

Input: two float32 `.safetensors` MLPs of 4 layers of 3,536 units (fc1…fc4, each 3,536 × 3,536
with a bias: 50M parameters, 200 MB each). The reference is Gaussian (σ = 1/√3536); the model is
the reference with its hidden units permuted at random plus Gaussian noise of 0.3σ, so the
matching has a true answer to find. BENCH_ALIGN_UNITS scales the width for a quick try.

Tools: `mindspace align` (whole process: reading, matching, writing the aligned checkpoint and
align.json) and a NumPy + SciPy (`linear_sum_assignment`) script running the same coordinate
descent to a fixed point, timed inside Python after its imports. Goal: mindspace ≤ 0.5× the
peer's time.
"""
import json
import os
import pathlib

import numpy as np

from harness import OPENBLAS_TUNING, Tool, Workload

UNITS = int(os.environ.get("BENCH_ALIGN_UNITS", "3536"))
LAYERS = 4


def write(path: pathlib.Path, tensors: dict):
    from safetensors.numpy import save_file
    save_file(tensors, str(path))


def prepare(work: pathlib.Path, seed: int) -> dict:
    folder = work / "align"
    folder.mkdir(parents=True, exist_ok=True)
    meta = folder / "meta.json"
    wanted = {"units": UNITS, "layers": LAYERS, "seed": seed, "version": 1}
    reference, model = folder / "reference.safetensors", folder / "model.safetensors"
    if not (meta.exists() and json.loads(meta.read_text()) == wanted and reference.exists() and model.exists()):
        rng = np.random.default_rng(seed)
        sigma = 1 / np.sqrt(UNITS)
        ref = {}
        for i in range(LAYERS):
            ref[f"fc{i + 1}.weight"] = (sigma * rng.standard_normal((UNITS, UNITS))).astype(np.float32)
            ref[f"fc{i + 1}.bias"] = (sigma * rng.standard_normal(UNITS)).astype(np.float32)
        perms = [rng.permutation(UNITS) for _ in range(LAYERS - 1)]
        mod = {}
        for i in range(LAYERS):
            w, b = ref[f"fc{i + 1}.weight"], ref[f"fc{i + 1}.bias"]
            if i < LAYERS - 1:
                w, b = w[perms[i], :], b[perms[i]]
            if i > 0:
                w = w[:, perms[i - 1]]
            noise = 0.3 * sigma
            mod[f"fc{i + 1}.weight"] = (w + noise * rng.standard_normal(w.shape)).astype(np.float32)
            mod[f"fc{i + 1}.bias"] = (b + noise * rng.standard_normal(b.shape)).astype(np.float32)
        write(reference, ref)
        write(model, mod)
        meta.write_text(json.dumps(wanted))
    return {"folder": folder, "reference": reference, "model": model, "size_mb": 2 * reference.stat().st_size / 1e6}


def mindspace_command(ctx):
    return [ctx.mindspace, "align", ctx.inputs["reference"], ctx.inputs["model"], "--quiet", "--json", "--out", ctx.out]


def scipy_command(ctx):
    return [ctx.python, ctx.root / "bench" / "peers" / "scipy_weight_matching.py", ctx.inputs["reference"],
            ctx.inputs["model"], "--layers", str(LAYERS)]


MINDSPACE = "mindspace align"
PEER = "NumPy + SciPy linear_sum_assignment weight matching"


def check(outputs: dict) -> str:
    """Both find the planted permutation: the same aligned distance."""
    mind, peer = outputs.get(MINDSPACE), outputs.get(PEER)
    if not mind or not peer:
        return "not checked (a tool's output is missing)"
    ours = mind["pairs"][0]["distance"]["aligned"]
    theirs = peer["aligned"]
    worst = abs(ours - theirs) / max(theirs, 1e-300)
    verdict = "agree" if worst <= 1e-6 else "DIFFER"
    return (f"aligned distance {ours:.6g} (mindspace) and {theirs:.6g} (peer) {verdict} "
            f"(relative difference {worst:.1e}; threshold 1e-6); raw {mind['pairs'][0]['distance']['raw']:.6g}; "
            f"sweeps {mind['pairs'][0]['sweeps']} and {peer['sweeps']}")


WORKLOAD = Workload(
    name="align",
    title=f"Weight matching, two MLPs of {LAYERS} layers × {UNITS} units",
    description=(f"Two float32 MLPs of {LAYERS} layers of {UNITS} units ({LAYERS * UNITS * (UNITS + 1) / 1e6:.0f}M "
                 f"parameters each), the model a permuted, noisy copy of the reference. Goal: mindspace ≤ 0.5× the "
                 f"time of the NumPy + SciPy script doing the same coordinate descent; peak RSS reported."),
    prepare=prepare,
    tools=[
        Tool(MINDSPACE, mindspace_command, timing="process", is_mindspace=True,
             note="whole process: reading both checkpoints, weight matching to a fixed point, writing the aligned checkpoint and align.json"),
        Tool(PEER, scipy_command, timing="reported", env_unset=OPENBLAS_TUNING,
             note="safetensors load, float64 scores by NumPy matrix products, scipy.optimize.linear_sum_assignment per group, to a fixed point; timed inside Python"),
    ],
    reference=PEER,
    maximum_runs=3,
    mindspace_command="align",
    check=check,
)
