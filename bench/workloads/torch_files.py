"""PyTorch files read in place (issue 13): `inspect --stats` on a 1 GB `pytorch_model.bin` against
`cat`, and `trajectory` over `.pt` checkpoints against the same checkpoints as safetensors.

Inputs, written here without torch (its wheel is 5 GB) in torch.save's zip layout, the one
`torch.save` uses since 1.6: `archive/data.pkl` (protocol 2; an OrderedDict of name →
`torch._utils._rebuild_tensor_v2(persistent storage, offset, shape, stride, False, OrderedDict())`,
storages as `('storage', torch.FloatStorage, key, 'cpu', numel)`), `archive/data/<key>` (raw
little-endian float32, stored uncompressed), `archive/byteorder` and `archive/version`. The test
suite's fixtures, written by real torch, check that MindSpace reads this layout as torch does;
here the layout only has to be the same, and `inspect` on the file checks it is read.
- `pytorch_model.bin`: 10 tensors × 25M float32 (1.0 GB), seeded normal values.
- 16 checkpoints × 8M float32 (32 MB each) of a seeded random walk, once as `.pt`, once as
  `.safetensors`, same values.
The page cache is warmed once (untimed) for every file, so every tool is measured warm.
"""
import collections
import json
import pickle
import struct
import subprocess
import sys
import types
import zipfile

import numpy as np

from harness import Tool, Workload

BIG_TENSORS, BIG_ELEMENTS = 10, 25_000_000
STEPS, STEP_ELEMENTS = 16, 8_000_000
CHUNK = 5_000_000


def _torch_stand_ins():
    """Module objects named like torch's, so pickle writes the globals torch.save writes."""
    torch = sys.modules.get("torch") or types.ModuleType("torch")
    utils = sys.modules.get("torch._utils") or types.ModuleType("torch._utils")

    class FloatStorage:
        pass

    def _rebuild_tensor_v2(*arguments):
        raise RuntimeError("never called: only pickled")

    FloatStorage.__module__, FloatStorage.__qualname__ = "torch", "FloatStorage"
    _rebuild_tensor_v2.__module__, _rebuild_tensor_v2.__qualname__ = "torch._utils", "_rebuild_tensor_v2"
    torch.FloatStorage, utils._rebuild_tensor_v2, torch._utils = FloatStorage, _rebuild_tensor_v2, utils
    sys.modules["torch"], sys.modules["torch._utils"] = torch, utils
    return FloatStorage, _rebuild_tensor_v2


class _Storage:
    def __init__(self, key, count):
        self.key, self.count = key, count


class _Tensor:
    def __init__(self, key, shape, rebuild):
        self.storage = _Storage(key, int(np.prod(shape)))
        self.shape, self.rebuild = tuple(shape), rebuild

    def __reduce__(self):
        stride = tuple(int(np.prod(self.shape[i + 1:])) for i in range(len(self.shape)))
        return (self.rebuild, (self.storage, 0, self.shape, stride, False, collections.OrderedDict()))


def write_torch_zip(path, shapes, values):
    """torch.save's zip layout; `values(index)` yields float32 chunks of tensor `index`."""
    storage_type, rebuild = _torch_stand_ins()

    class Pickler(pickle.Pickler):
        def persistent_id(self, obj):
            if isinstance(obj, _Storage):
                return ("storage", storage_type, obj.key, "cpu", obj.count)
            return None

    state = collections.OrderedDict((name, _Tensor(str(i), shape, rebuild)) for i, (name, shape) in enumerate(shapes))
    import io
    buffer = io.BytesIO()
    Pickler(buffer, protocol=2).dump(state)
    root = "archive"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as archive:
        archive.writestr(f"{root}/data.pkl", buffer.getvalue())
        archive.writestr(f"{root}/byteorder", "little")
        for index in range(len(shapes)):
            with archive.open(f"{root}/data/{index}", "w", force_zip64=True) as member:
                for chunk in values(index):
                    member.write(np.ascontiguousarray(chunk, dtype="<f4").tobytes())
        archive.writestr(f"{root}/version", "3\n")


def write_safetensors(path, name, values):
    data = np.ascontiguousarray(values, dtype="<f4")
    header = json.dumps({name: {"dtype": "F32", "shape": [data.size], "data_offsets": [0, data.nbytes]}},
                        separators=(",", ":")).encode()
    header += b" " * (-len(header) % 8)
    with open(path, "wb") as handle:
        handle.write(struct.pack("<Q", len(header)) + header + data.tobytes())


def prepare(work, seed):
    folder = work / "torch_files"
    meta = folder / "meta.json"
    wanted = {"big": [BIG_TENSORS, BIG_ELEMENTS], "steps": [STEPS, STEP_ELEMENTS], "seed": seed, "version": 1}
    big = folder / "pytorch_model.bin"
    pt, st = folder / "run_pt", folder / "run_safetensors"
    if not (meta.exists() and json.loads(meta.read_text()) == wanted):
        for sub in (pt, st):
            sub.mkdir(parents=True, exist_ok=True)
            for old in sub.iterdir():
                old.unlink()

        def big_values(index):
            rng = np.random.default_rng([seed, index])
            for start in range(0, BIG_ELEMENTS, CHUNK):
                yield rng.standard_normal(min(CHUNK, BIG_ELEMENTS - start), dtype=np.float32)

        write_torch_zip(big, [(f"encoder.layer.{i}.weight", [5000, 5000]) for i in range(BIG_TENSORS)], big_values)
        rng = np.random.default_rng([seed, 99])
        x = rng.standard_normal(STEP_ELEMENTS, dtype=np.float32)
        direction = rng.standard_normal(STEP_ELEMENTS, dtype=np.float32)
        for step in range(STEPS):
            x = x + 0.05 * 0.9 ** step * direction + 0.01 * rng.standard_normal(STEP_ELEMENTS, dtype=np.float32)
            write_torch_zip(pt / f"step_{step}.pt", [("weight", [STEP_ELEMENTS])], lambda _index, x=x: [x])
            write_safetensors(st / f"step_{step}.safetensors", "weight", x)
        meta.write_text(json.dumps(wanted))
    files = [big] + sorted(pt.glob("*.pt")) + sorted(st.glob("*.safetensors"))
    subprocess.run(["sh", "-c", 'cat "$@" > /dev/null', "warm"] + [str(f) for f in files], check=True)
    return {"folder": folder, "size_mb": sum(f.stat().st_size for f in files) / 1e6, "big": big, "pt": pt, "safetensors": st,
            "pt_files": sorted(pt.glob("*.pt")), "safetensors_files": sorted(st.glob("*.safetensors"))}


def cat(key):
    def command(ctx):
        files = ctx.inputs[key] if isinstance(ctx.inputs[key], list) else [ctx.inputs[key]]
        return ["sh", "-c", 'cat "$@" > /dev/null', "cat"] + [str(f) for f in files]
    return command


def inspect_command(ctx):
    return [ctx.mindspace, "inspect", "--stats", "--json", ctx.inputs["big"]]


def trajectory(key):
    def command(ctx):
        return [ctx.mindspace, "trajectory", ctx.inputs[key], "--null", "none", "--quiet", "--json", "--out", ctx.out]
    return command


CAT_BIN = "cat pytorch_model.bin > /dev/null (1.0 GB)"
INSPECT = "mindspace inspect --stats pytorch_model.bin"
TRAJECTORY_ST = "mindspace trajectory, 16 × 32 MB .safetensors"
TRAJECTORY_PT = "mindspace trajectory, the same 16 as .pt"


def check(outputs):
    """The .pt trajectory equals the safetensors one; inspect read every tensor."""
    lines = []
    pt, st = outputs.get(TRAJECTORY_PT), outputs.get(TRAJECTORY_ST)
    if pt and st:
        same = pt.get("explained_variance_ratio") == st.get("explained_variance_ratio")
        lines.append("the .pt and .safetensors trajectories' explained-variance ratios are "
                     + ("identical" if same else "DIFFERENT"))
    report = outputs.get(INSPECT)
    if report:
        tensors = report.get("files", [{}])[0].get("tensors", [])
        counts = sum(t.get("stats", {}).get("count", 0) for t in tensors)
        lines.append(f"inspect read {len(tensors)} tensors, {counts} values"
                     + (" (all)" if counts == BIG_TENSORS * BIG_ELEMENTS else " (NOT all)"))
    return "; ".join(lines) or "not checked (outputs missing)"


WORKLOAD = Workload(
    name="torch_files",
    title="PyTorch files read in place: inspect --stats on 1 GB, trajectory .pt against .safetensors",
    description=("A 1.0 GB `pytorch_model.bin` (torch.save zip layout, 10 × 25M float32) and 16 checkpoints "
                 "× 8M float32 saved both as `.pt` and as `.safetensors`, page cache warm. Goals (issue 13): "
                 "`inspect --stats` ≤ 1.3× `cat` of the file; `trajectory` over `.pt` within 10% of the same "
                 "checkpoints as `.safetensors`. Ratios are against `cat` of the 1 GB file; compare the two "
                 "trajectory rows with each other."),
    prepare=prepare,
    tools=[
        Tool(CAT_BIN, cat("big"), timing="process", note="reads every byte once from the page cache"),
        Tool(INSPECT, inspect_command, timing="process", is_mindspace=True,
             note="whole process: zip directory, pickle (nothing executed), then count, non-finite count, min, max, mean, std, sum and L2 per tensor: fixed blocks read with pread on every core, a SIMD kernel per block (one pass over the bytes, a second in cache where a sub-block's mean jumps), blocks merged in order"),
        Tool(TRAJECTORY_ST, trajectory("safetensors"), timing="process", is_mindspace=True,
             note="--null none: only the streaming pass and the PCA"),
        Tool(TRAJECTORY_PT, trajectory("pt"), timing="process", is_mindspace=True,
             note="the same values read from the zip members in place"),
    ],
    reference=CAT_BIN,
    mindspace_command="inspect",
    check=check,
)
