"""Writes the checkpoint fixtures for the CheckpointSet / trajectory tests, and NumPy's dense
answers for them.

Run from anywhere:  /work/venv-peers/bin/python make_fixtures.py
(needs numpy, safetensors and ml_dtypes; reads ../../../../datasets/trajectories for the
real-data answers, so run datasets/make_trajectories.py first).

Every set is a synthetic training trajectory with a known, well separated spectrum:
x_t = x_0 + Σ_k a_k(t)·d_k + noise, with random unit directions d_k, amplitudes 8, 3, 1, 0.3,
0.1 along smooth curves in t, and small isotropic noise. Values are stored rounded to their
dtype; the answers are computed from exactly the stored values widened to float64.

Sets (each a folder):
  trajectory/  step_1 … step_12 .safetensors (names not zero-padded: natural order needed);
               tensors encoder.weight F32 24×40, encoder.bias F32 24, head.weight F64 5×24,
               head.bias F32 5, plus counter I64 scalar and mask BOOL 3 (skipped by default)
  mixed/       the same 12 checkpoints, encoder.weight and head.weight stored as F16 in odd
               steps and BF16 in even steps (other tensors F32): F16/BF16 inputs and dtypes
               that differ between checkpoints
  sharded/     checkpoint-1 … checkpoint-4 as Hugging Face sharded checkpoints (index + 2
               shards, split differently in checkpoint-3), checkpoint-5 as one model.safetensors
  formats/     ckpt_1.npz, ckpt_2.safetensors, ckpt_3.npz (compressed), ckpt_4.safetensors
  npy/         w_1.npy … w_5.npy, one 6×7 float32 array each; w_3.npy big-endian
  mismatch/    base.safetensors (a F32 3×4, b F32 5) and one file per way of not matching it:
               missing (no b), extra (adds c), shape (a is 4×3), dtype (a is I32),
               nan (a[7] is NaN); fortran/base.npy (C order 3×4) and fortran/other.npy (Fortran)

expected.json, per set: the checkpoints in order, p, and from a dense NumPy computation
(X: n×p float64, Xc = X − mean over checkpoints, np.linalg.svd(Xc)): the eigenvalues s² of
Xc·Xcᵀ (descending, min(n−1, p) of them), explained variance (s²/(n−1)), ratios, total variance,
components_for (≥ fraction − 1e-12 on the cumulative sum of variances), coordinates U·S on the
first 3 components and (trajectory/ only) the first 3 unit directions Vᵀ (signs: u_last − u_first > 0, else the
largest |u| positive), norms ‖x_i‖, step distances ‖x_{i+1} − x_i‖, and the same spectrum per
tensor and per layer. The SVD route is checked here against numpy.linalg.eigh of Xc·Xcᵀ.
Numbers are Python repr strings (exact round trip).

digits_runs.json: the same dense answers for the real trajectories
datasets/trajectories/runs/subset0-seed0 (F32) and datasets/trajectories/bf16/subset0-seed0.
VERSIONS.txt: python, numpy, safetensors and ml_dtypes versions.
"""
import json
import os
import platform
import re
import shutil
import struct

import ml_dtypes
import numpy as np
import safetensors
from safetensors.numpy import load_file, save_file

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", "..", "..", ".."))

SHAPES = {"encoder.weight": (24, 40), "encoder.bias": (24,), "head.weight": (5, 24), "head.bias": (5,)}
DTYPES = {"encoder.weight": np.float32, "encoder.bias": np.float32, "head.weight": np.float64, "head.bias": np.float32}
ORDER = ["encoder.weight", "encoder.bias", "head.weight", "head.bias"]


def natural_key(name):
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", name)]


def trajectory(n, seed):
    """n checkpoints as dicts of float64 arrays (before rounding to storage dtypes)."""
    rng = np.random.default_rng(seed)
    p = sum(int(np.prod(s)) for s in SHAPES.values())
    start = rng.normal(0, 0.3, p)
    amplitudes = [8.0, 3.0, 1.0, 0.3, 0.1]
    directions = rng.normal(size=(len(amplitudes), p))
    directions /= np.linalg.norm(directions, axis=1, keepdims=True)
    t = np.linspace(0, 1, n)
    curves = [1 - np.exp(-3 * t), np.sin(np.pi * t), t ** 2 - t, np.cos(3 * t), np.sin(7 * t)]
    points = []
    for i in range(n):
        x = start + sum(a * c[i] * d for a, c, d in zip(amplitudes, curves, directions))
        x = x + rng.normal(0, 0.002, p)
        tensors, offset = {}, 0
        for name in ORDER:
            count = int(np.prod(SHAPES[name]))
            tensors[name] = x[offset:offset + count].reshape(SHAPES[name])
            offset += count
        points.append(tensors)
    return points


def stored(tensors, dtypes):
    """The arrays as they will be written (rounded to their dtypes)."""
    return {k: np.ascontiguousarray(v.astype(dtypes[k])) for k, v in tensors.items()}


def as_vector(tensors, names):
    return np.concatenate([np.asarray(tensors[k], dtype=np.float64).ravel() for k in names])


def signs_fixed(u):
    """Column signs: u[-1] − u[0] > 0 when |u[-1] − u[0]| > 1e-9, else largest |u| positive."""
    u = u.copy()
    for k in range(u.shape[1]):
        column = u[:, k]
        if column[np.argmax(np.abs(column))] < 0:
            column = -column
        if abs(column[-1] - column[0]) > 1e-9 and column[-1] < column[0]:
            column = -column
        u[:, k] = column
    return u


def components_for(variances, total, fraction):
    if fraction <= 0 or total <= 0:
        return 0
    cumulative = np.cumsum(variances)
    hits = np.nonzero(cumulative >= (fraction - 1e-12) * total)[0]
    return int(hits[0]) + 1 if len(hits) else len(variances)


def r(values):
    return [repr(float(v)) for v in np.asarray(values).ravel()]


def dense_answer(X, with_vectors=True, with_directions=False):
    """NumPy's dense PCA of the rows of X (n×p float64)."""
    n, p = X.shape
    Xc = X - X.mean(axis=0)
    u, s, vt = np.linalg.svd(Xc, full_matrices=False)
    rank = min(n - 1, p)
    eigenvalues = s[:rank] ** 2
    # Cross-check: the eigenvalues of the n×n Gram matrix by a second LAPACK route.
    check = np.sort(np.linalg.eigvalsh(Xc @ Xc.T))[::-1][:rank]
    assert np.allclose(check, eigenvalues, rtol=1e-9, atol=1e-12 * eigenvalues[0])
    total = float(np.trace(Xc @ Xc.T)) / (n - 1)
    variance = eigenvalues / (n - 1)
    answer = {
        "n": n, "parameters": p,
        "eigenvalues": r(eigenvalues),
        "explained_variance": r(variance),
        "explained_variance_ratio": r(variance / total),
        "total_variance": repr(total),
        "components_for": {key: components_for(variance, total, float(key)) for key in ("0.5", "0.9", "0.99")},
    }
    if with_vectors:
        k = min(3, rank)
        fixed = signs_fixed(u[:, :k])
        flip = np.sign(np.sum(fixed * u[:, :k], axis=0))
        answer["coordinates_top3"] = [r(row) for row in fixed * s[:k]]
        if with_directions:
            answer["directions_top3"] = [r(row) for row in (vt[:k] * flip[:, None])]
        answer["norms"] = r(np.linalg.norm(X, axis=1))
        answer["step_distances"] = r(np.linalg.norm(np.diff(X, axis=0), axis=1))
    return answer


def full_answer(checkpoints, names, with_directions=False):
    X = np.stack([as_vector(c, names) for c in checkpoints])
    answer = dense_answer(X, with_directions=with_directions)
    answer["tensors"] = list(names)  # the order of the parameters in directions_top3
    answer["per_tensor"] = {name: dense_answer(np.stack([as_vector(c, [name]) for c in checkpoints]), False)
                            for name in names}
    layers = {}
    for name in names:
        layers.setdefault(name.rsplit(".", 1)[0], []).append(name)
    answer["per_layer"] = {layer: dense_answer(np.stack([as_vector(c, members) for c in checkpoints]), False)
                           for layer, members in layers.items()}
    return answer


def extras(step):
    return {"counter": np.array(step, dtype=np.int64), "mask": np.array([True, False, True])}


def reset(folder):
    path = os.path.join(HERE, folder)
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(path)
    return path


def write_sharded(folder, tensors, split):
    """A save_pretrained-style sharded checkpoint: `split` = the names in shard 1."""
    os.makedirs(folder)
    shards = [{k: v for k, v in tensors.items() if k in split}, {k: v for k, v in tensors.items() if k not in split}]
    weight_map = {}
    for index, shard in enumerate(shards, start=1):
        name = f"model-{index:05d}-of-00002.safetensors"
        save_file(shard, os.path.join(folder, name))
        weight_map.update({k: name for k in shard})
    total = sum(v.nbytes for v in tensors.values())
    with open(os.path.join(folder, "model.safetensors.index.json"), "w") as f:
        json.dump({"metadata": {"total_size": total}, "weight_map": dict(sorted(weight_map.items()))}, f, indent=2)


def main():
    expected = {}
    base = trajectory(12, seed=7)

    # trajectory/
    folder = reset("trajectory")
    written = []
    for step, tensors in enumerate(base, start=1):
        arrays = stored(tensors, DTYPES)
        save_file({**arrays, **extras(step)}, os.path.join(folder, f"step_{step}.safetensors"))
        written.append(arrays)
    expected["trajectory"] = full_answer(written, ORDER, with_directions=True)
    expected["trajectory"]["checkpoints"] = [f"step_{i}.safetensors" for i in range(1, 13)]

    # mixed/: F16 and BF16
    folder = reset("mixed")
    written = []
    for step, tensors in enumerate(base, start=1):
        half = np.float16 if step % 2 else ml_dtypes.bfloat16
        dtypes = dict(DTYPES, **{"encoder.weight": half, "head.weight": half})
        arrays = stored(tensors, dtypes)
        save_file(arrays, os.path.join(folder, f"step_{step}.safetensors"))
        written.append({k: v.astype(np.float64) for k, v in arrays.items()})
    expected["mixed"] = full_answer(written, ORDER)
    expected["mixed"]["checkpoints"] = [f"step_{i}.safetensors" for i in range(1, 13)]

    # sharded/
    folder = reset("sharded")
    small = trajectory(5, seed=11)
    written = []
    for index, tensors in enumerate(small, start=1):
        arrays = stored(tensors, DTYPES)
        path = os.path.join(folder, f"checkpoint-{index}")
        if index == 5:
            os.makedirs(path)
            save_file(arrays, os.path.join(path, "model.safetensors"))
        else:
            split = {"head.weight", "head.bias"} if index == 3 else {"encoder.weight"}
            write_sharded(path, arrays, split)
        written.append(arrays)
    # safetensors orders a file's tensors by dtype then name, so the first checkpoint's order
    # (shard 1: encoder.weight; shard 2: head.weight (F64) first, then encoder.bias, head.bias)
    # decides the layout; the spectrum does not depend on the order.
    expected["sharded"] = full_answer(written, ORDER)
    expected["sharded"]["checkpoints"] = [f"checkpoint-{i}" for i in range(1, 6)]

    # formats/
    folder = reset("formats")
    small = trajectory(4, seed=13)
    written = []
    for index, tensors in enumerate(small, start=1):
        arrays = stored(tensors, DTYPES)
        path = os.path.join(folder, f"ckpt_{index}")
        if index == 1:
            np.savez(path + ".npz", **arrays)
        elif index == 3:
            np.savez_compressed(path + ".npz", **arrays)
        else:
            save_file(arrays, path + ".safetensors")
        written.append(arrays)
    expected["formats"] = full_answer(written, ORDER)
    expected["formats"]["checkpoints"] = ["ckpt_1.npz", "ckpt_2.safetensors", "ckpt_3.npz", "ckpt_4.safetensors"]

    # npy/
    folder = reset("npy")
    rng = np.random.default_rng(17)
    written = []
    for index in range(1, 6):
        array = (rng.normal(size=(6, 7)) + index * 0.5).astype(np.float32)
        if index == 3:
            np.save(os.path.join(folder, f"w_{index}.npy"), array.astype(">f4"))
        else:
            np.save(os.path.join(folder, f"w_{index}.npy"), array)
        written.append({"array": array})
    expected["npy"] = full_answer(written, ["array"])
    expected["npy"]["checkpoints"] = [f"w_{i}.npy" for i in range(1, 6)]

    # mismatch/
    folder = reset("mismatch")
    a = np.arange(12, dtype=np.float32).reshape(3, 4)
    b = np.linspace(0, 1, 5).astype(np.float32)
    save_file({"a": a, "b": b}, os.path.join(folder, "base.safetensors"))
    save_file({"a": a + 1}, os.path.join(folder, "missing.safetensors"))
    save_file({"a": a, "b": b, "c": np.ones(2, dtype=np.float32)}, os.path.join(folder, "extra.safetensors"))
    save_file({"a": np.ascontiguousarray(a.T), "b": b}, os.path.join(folder, "shape.safetensors"))
    save_file({"a": a.astype(np.int32), "b": b}, os.path.join(folder, "dtype.safetensors"))
    with_nan = a.copy()
    with_nan.ravel()[7] = np.nan
    save_file({"a": with_nan, "b": b}, os.path.join(folder, "nan.safetensors"))
    os.makedirs(os.path.join(folder, "fortran"))
    np.save(os.path.join(folder, "fortran", "base.npy"), a)
    np.save(os.path.join(folder, "fortran", "other.npy"), np.asfortranarray(a + 1))

    with open(os.path.join(HERE, "expected.json"), "w") as f:
        json.dump(expected, f, indent=1, sort_keys=True)
        f.write("\n")

    # Real data: the shipped digit-MLP trajectories.
    runs = {}
    for label, folder in (("f32", "datasets/trajectories/runs/subset0-seed0"),
                          ("bf16", "datasets/trajectories/bf16/subset0-seed0")):
        names = sorted(os.listdir(os.path.join(REPO, folder)), key=natural_key)
        checkpoints = [load_file(os.path.join(REPO, folder, name)) for name in names]
        floats = [k for k, v in checkpoints[0].items() if v.dtype.kind == "f" or v.dtype == ml_dtypes.bfloat16]
        # The first checkpoint's file order (safetensors sorts by dtype, then name).
        order = sorted(floats, key=lambda k: header_order(os.path.join(REPO, folder, names[0]))[k])
        widened = [{k: c[k].astype(np.float64) for k in order} for c in checkpoints]
        answer = dense_answer(np.stack([as_vector(c, order) for c in widened]))
        answer["checkpoints"] = [os.path.join(folder, name) for name in names]
        answer["tensors"] = order
        runs[label] = answer
    with open(os.path.join(HERE, "digits_runs.json"), "w") as f:
        json.dump(runs, f, indent=1, sort_keys=True)
        f.write("\n")

    with open(os.path.join(HERE, "VERSIONS.txt"), "w") as f:
        f.write(f"python=={platform.python_version()}\nnumpy=={np.__version__}\n"
                f"safetensors=={safetensors.__version__}\nml_dtypes=={ml_dtypes.__version__}\n")


def header_order(path):
    """Tensor name → data offset, from the safetensors header (the file order)."""
    with open(path, "rb") as f:
        (length,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(length))
    return {k: v["data_offsets"][0] for k, v in header.items() if k != "__metadata__"}


if __name__ == "__main__":
    main()
