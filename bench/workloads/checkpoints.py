"""Streaming PCA of a training trajectory: 32 checkpoints × 50M float32 parameters (6.4 GB).

Input: 32 `.safetensors` checkpoints of 10 tensors × 5M float32 parameters each, a seeded random
walk x_{t+1} = x_t + a_t·d1 + b_t·d2 + c·e_t (two fixed drift directions with decaying
coefficients plus fresh noise each step, so the spectrum has two strong components and a noise
floor), written chunk by chunk (memory ~200 MB whatever the size) into bench/work/checkpoints/
and reused when present. BENCH_CHECKPOINT_TENSORS (default 10) scales the size for a quick try.

Tools: `cat FILES > /dev/null` is the reference (reading the same bytes once; the page cache is
warmed by one untimed `cat` before timing, so both are measured warm); `mindspace trajectory`
on all of it; and, labelled as a subset because NumPy must hold everything in memory, NumPy
load-all + SVD of the first tensor (32 × 5M) beside `mindspace trajectory --tensors` on the
same tensor.
"""
import json
import os
import pathlib
import struct
import subprocess

import numpy as np

from harness import OPENBLAS_TUNING, Tool, Workload

CHECKPOINTS = 32
TENSOR_ROWS, TENSOR_COLUMNS = 2000, 2500          # 5M parameters per tensor
TENSORS = int(os.environ.get("BENCH_CHECKPOINT_TENSORS", "10"))
CHUNK = 1_000_000                                 # parameters generated at once (× 32 checkpoints)
SUBSET = "layers.0.weight"


def tensor_names():
    return [f"layers.{i}.weight" for i in range(TENSORS)]


def header_bytes() -> bytes:
    """The safetensors header: 8-byte little-endian length, JSON padded to 8 bytes."""
    size = TENSOR_ROWS * TENSOR_COLUMNS * 4
    entries = {name: {"dtype": "F32", "shape": [TENSOR_ROWS, TENSOR_COLUMNS],
                      "data_offsets": [i * size, (i + 1) * size]} for i, name in enumerate(tensor_names())}
    text = json.dumps(entries, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    return struct.pack("<Q", len(text)) + text


def generate(folder: pathlib.Path, seed: int) -> list:
    folder.mkdir(parents=True, exist_ok=True)
    header = header_bytes()
    paths = [folder / f"step_{t * 100}.safetensors" for t in range(CHECKPOINTS)]
    handles = [open(p, "wb") for p in paths]
    try:
        for h in handles:
            h.write(header)
        per_tensor = TENSOR_ROWS * TENSOR_COLUMNS
        steps = np.arange(CHECKPOINTS - 1, dtype=np.float32)
        a = (0.02 * 0.9 ** steps)[:, None]
        b = (0.01 * np.sin(steps / 4))[:, None]
        for tensor in range(TENSORS):
            for start in range(0, per_tensor, CHUNK):
                width = min(CHUNK, per_tensor - start)
                rng = np.random.default_rng([seed, tensor, start])
                x = 0.02 * rng.standard_normal(width, dtype=np.float32)
                d1 = rng.standard_normal(width, dtype=np.float32)
                d2 = rng.standard_normal(width, dtype=np.float32)
                handles[0].write(x.tobytes())
                for t in range(1, CHECKPOINTS):
                    x += a[t - 1] * d1 + b[t - 1] * d2
                    x += 0.002 * rng.standard_normal(width, dtype=np.float32)
                    handles[t].write(x.tobytes())
    finally:
        for h in handles:
            h.close()
    return paths


def prepare(work: pathlib.Path, seed: int) -> dict:
    folder = work / "checkpoints"
    meta = folder / "meta.json"
    wanted = {"checkpoints": CHECKPOINTS, "tensors": TENSORS, "shape": [TENSOR_ROWS, TENSOR_COLUMNS],
              "seed": seed, "dtype": "float32", "version": 1}
    if not (meta.exists() and json.loads(meta.read_text()) == wanted):
        for old in folder.glob("*.safetensors"):
            old.unlink()
        generate(folder, seed)
        meta.write_text(json.dumps(wanted))
    files = sorted(folder.glob("*.safetensors"))
    # Warm the page cache once, untimed, so cat and mindspace are both measured on cached files.
    subprocess.run(["sh", "-c", 'cat "$@" > /dev/null', "warm"] + [str(f) for f in files], check=True)
    size = sum(f.stat().st_size for f in files)
    return {"folder": folder, "files": files, "size_mb": size / 1e6}


def cat_command(ctx):
    return ["sh", "-c", 'cat "$@" > /dev/null', "cat"] + list(ctx.inputs["files"])


def mindspace_command(subset: bool):
    def command(ctx):
        argv = [ctx.mindspace, "trajectory", ctx.inputs["folder"], "--quiet", "--json", "--out", ctx.out]
        return argv + (["--tensors", f"^{SUBSET}$"] if subset else [])
    return command


def numpy_command(ctx):
    return [ctx.python, ctx.root / "bench" / "peers" / "numpy_checkpoints_svd.py", ctx.inputs["folder"],
            "--tensor", SUBSET]


NUMPY = f"NumPy load-all + SVD (subset: {SUBSET}, 32 × 5M)"
MINDSPACE_SUBSET = f"mindspace trajectory --tensors {SUBSET} (same subset)"


def check(outputs: dict) -> str:
    """mindspace's explained-variance ratios on the subset against NumPy's SVD."""
    mind, peer = outputs.get(MINDSPACE_SUBSET), outputs.get(NUMPY)
    if not mind or not peer:
        return "not checked (a tool's output is missing)"
    ours = mind.get("explained_variance_ratio", [])[:5]
    theirs = peer.get("explained_variance_ratio", [])[:5]
    if len(ours) != 5 or len(theirs) != 5:
        return f"not checked (got {len(ours)} and {len(theirs)} ratios)"
    worst = max(abs(a - b) / max(abs(b), 1e-300) for a, b in zip(ours, theirs))
    verdict = "agree" if worst <= 1e-6 else "DIFFER"
    # 1e-6: both work in float64 on the same float32 values; ratio k carries a relative error of
    # about ε·λ₁/λₖ ≈ 1e-16 × 2000 for the noise-floor components here, far below the threshold.
    return (f"subset: the first 5 explained-variance ratios {verdict} with NumPy's SVD "
            f"(largest relative difference {worst:.1e}; threshold 1e-6)")


WORKLOAD = Workload(
    name="checkpoints",
    title=f"Trajectory PCA, {CHECKPOINTS} checkpoints × {TENSORS * 5}M float32 parameters",
    description=(f"{CHECKPOINTS} seeded random-walk checkpoints of {TENSORS} tensors × 5M float32 "
                 f"({CHECKPOINTS * TENSORS * 20 / 1000:.1f} GB of safetensors), page cache warm. "
                 f"Goal: mindspace ≤ 1.5× the time of `cat` reading the same files, peak RSS ≤ 512 MB. "
                 f"NumPy must hold every checkpoint in memory, so it runs on one tensor per checkpoint "
                 f"(32 × 5M), beside mindspace on that same subset."),
    prepare=prepare,
    tools=[
        Tool("cat FILES > /dev/null", cat_command, timing="process",
             note="reads every byte once from the page cache: the floor for any tool that reads the files"),
        Tool("mindspace trajectory", mindspace_command(False), timing="process", is_mindspace=True,
             note="whole process: headers, one streaming pass (each core reads a column range of every checkpoint and widens it to float64 differences from the first checkpoint for the SIMD Gram kernel), eigen-decomposition, report and PNGs"),
        Tool(MINDSPACE_SUBSET, mindspace_command(True), timing="process", is_mindspace=True,
             note="the same pass on the NumPy subset"),
        Tool(NUMPY, numpy_command, timing="reported", env_unset=OPENBLAS_TUNING,
             note="safetensors load of the subset into one 32 × 5M float32 array, widening to float64, centring, np.linalg.svd; timed inside Python"),
    ],
    reference="cat FILES > /dev/null",
    maximum_runs=3,
    mindspace_command="trajectory",
    check=check,
)
