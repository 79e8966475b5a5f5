"""`mindspace layers` against scikit-dimension + NumPy: a 13-layer profile of 10,000 × 768
activations (TwoNN, neighbourhood overlap and linear CKA between consecutive layers). Goal
(issue 16): mindspace ≤ 0.2× the peer's time; peak RSS reported.

Input (seeded, float32 `.npz`, 13 arrays `layer00` … `layer12`): a 16-d latent z (uniform in the
unit cube) mapped into 768 dimensions (x₀ = z·A + 0.3·sin(z·W + b)), then each layer a residual
update x_{l+1} = x_l + 0.5·tanh(x_l·M_l)/√768-scaled random maps, plus small noise: a chain of
smooth, slowly changing representations of one curved manifold, like a residual network's.

mindspace computes more than the peer: intervals for every number (ID analytic, overlap by a
200-resample bootstrap, CKA by a jackknife) and the full layer × layer CKA matrix with its three
images; the peer computes the bare numbers.
"""
import json
import pathlib

import numpy as np

from harness import OPENBLAS_TUNING, Tool, Workload

N, D, LAYERS, LATENT = 10000, 768, 13, 16


def prepare(work: pathlib.Path, seed: int) -> dict:
    folder = work / "layers"
    folder.mkdir(parents=True, exist_ok=True)
    meta, path = folder / "meta.json", folder / f"layers_{LAYERS}x{N}x{D}.npz"
    wanted = {"n": N, "d": D, "layers": LAYERS, "latent": LATENT, "seed": seed, "version": 1}
    if not (meta.exists() and json.loads(meta.read_text()) == wanted and path.exists()):
        rng = np.random.default_rng(seed)
        z = rng.uniform(0, 1, (N, LATENT))
        x = z @ (rng.standard_normal((LATENT, D)) / np.sqrt(LATENT)) + 0.3 * np.sin(
            z @ (2 * rng.standard_normal((LATENT, D))) + rng.uniform(0, 2 * np.pi, D))
        arrays = {}
        for layer in range(LAYERS):
            arrays[f"layer{layer:02d}"] = (x + 0.01 * rng.standard_normal((N, D))).astype(np.float32)
            x = x + 0.5 * np.tanh(x @ (rng.standard_normal((D, D)) / np.sqrt(D)))
        np.savez(path, **arrays)
        meta.write_text(json.dumps(wanted))
    return {"input": path, "folder": folder, "size_mb": path.stat().st_size / 1e6}


MINDSPACE = "mindspace layers --estimator twonn"
PEER = "scikit-dimension TwoNN + NumPy overlap and CKA"


def check(outputs: dict) -> str:
    mind, peer = outputs.get(MINDSPACE), outputs.get(PEER)
    if not mind or not peer:
        return "not checked (a tool's output is missing)"
    layers = mind["layers"]
    twonn = max(abs(l["estimates"][0]["dimension"] - p) / p for l, p in zip(layers, peer["twonn"]))
    overlap = max(abs(l["overlap_next"]["value"] - p) for l, p in zip(layers, peer["overlap"]))
    cka = max(abs(l["cka_next"]["value"] - p) for l, p in zip(layers, peer["cka"]))
    verdict = "agree" if twonn <= 1e-6 and overlap <= 1e-3 and cka <= 1e-5 else "DIFFER"
    return (f"{verdict}: TwoNN largest relative difference {twonn:.1e} (threshold 1e-6), overlap largest "
            f"difference {overlap:.1e} (1e-3: float32 peer distances may break near-ties otherwise), CKA {cka:.1e} (1e-5)")


WORKLOAD = Workload(
    name="layers",
    title=f"Layer profile, {LAYERS} layers of {N} × {D} float32",
    description=(f"{LAYERS} layers of {N:,} × {D} float32 activations in one .npz ({LAYERS * N * D * 4 / 1e6:.0f} MB), a "
                 "residual chain over one curved 16-d manifold. Goal (issue 16): mindspace ≤ 0.2× scikit-dimension + "
                 "NumPy computing TwoNN per layer and overlap and CKA between consecutive layers; peak RSS reported."),
    prepare=prepare,
    tools=[
        Tool(MINDSPACE, lambda ctx: [ctx.mindspace, "layers", ctx.inputs["input"], "--estimator", "twonn", "--quiet",
                                     "--json", "--out", ctx.out],
             timing="process", is_mindspace=True,
             note="whole process: reading, per layer TwoNN (analytic interval), PCA counts, overlap (bootstrap interval), "
                  "CKA to the next (jackknife interval), the full CKA matrix, three images, layers.json"),
        Tool(PEER, lambda ctx: [ctx.python, ctx.root / "bench" / "peers" / "skdim_numpy_layers.py", ctx.inputs["input"]],
             timing="reported", env_unset=OPENBLAS_TUNING,
             note="np.load, skdim TwoNN per layer, N × N distances + argpartition for the overlap, feature-space CKA; "
                  "timed inside Python"),
    ],
    reference=PEER,
    mindspace_command="layers",
    maximum_runs=2,
    check=check,
)
