"""Writes the PyTorch checkpoint fixtures with real torch.save, and torch's answers for them.

Run from anywhere:  /work/venv-torch/bin/python make_fixtures.py
(needs torch, numpy and safetensors; VERSIONS.txt records the versions that made the files).

Files (all small):
  zip/state.pt           torch.save (zip layout) of a nested dict: every dtype MindSpace reads
                         (f64 f32 f16 bf16 fp8 e4m3fn/e5m2 i64 i32 i16 i8 u8 bool), a tensor with
                         a storage offset (a slice), a transposed view, a strided slice, tied
                         weights (two names, one storage), a scalar, an empty tensor, a list of
                         tensors and a nested module state dict
  legacy/state.pt        the same object without the FP8 tensors (torch cannot load those from
                         this layout) with _use_new_zipfile_serialization=False
  big_endian.pt          zip/state.pt's float tensors rewritten as torch does on a big-endian
                         machine (byteorder = "big", storages byte-swapped); torch.load reads it
                         back to the same values (checked below)
  lightning.ckpt         a Lightning-style checkpoint dict: epoch, global_step, state_dict,
                         optimizer_states (Adam moments), lr_schedulers, hyper_parameters
  sharded/               pytorch_model.bin.index.json + pytorch_model-0000{1,2}-of-00002.bin
  trajectory_pt/         ../checkpoints/trajectory/step_*.safetensors re-saved with torch.save,
                         encoder.weight as a transposed (non-contiguous) view of the same values,
                         odd steps in the legacy layout; trajectory_ckpt/ the same as Lightning
                         .ckpt files (state_dict + optimizer state)
  escaped_names.pt       keys holding an ESC sequence and a newline
  malicious/             pickles that run code when unpickled (each one's payload is checked
                         here to work under pickle.load, creating its sentinel file):
                         os_system.pt (posix.system), eval.pt (builtins.eval), popen.pt
                         (subprocess.Popen), user_class.pt (a class of __main__), legacy_os_system.pt,
                         eval_protocol4.pt (STACK_GLOBAL; the others are protocol 2, whose
                         globals Python writes under Python 2 names: __builtin__.eval),
                         deep_list.pt (200,000 nested lists, hand-built: Python's pickler recurses)
  malformed/             truncated.pt (zip cut short), missing_storage.pt (the pickle names
                         storage 7, absent), short_storage.pt (a storage member shorter than its
                         declared size), view_past_storage.pt (shape/strides/offset past the
                         storage), unknown_opcode.pt
expected.json: per file, per tensor: dtype (as MindSpace presents it), shape, and torch's
values (float64, repr strings) and stats (count, sum, min, max, mean, std (ddof 0), l2), all
computed by torch from torch.load of the file itself.
"""
import collections
import io
import json
import os
import pickle
import platform
import shutil
import struct
import subprocess
import sys
import tempfile
import zipfile

import numpy as np
import safetensors
import torch
from safetensors.torch import load_file, save_file

HERE = os.path.dirname(os.path.abspath(__file__))
SENTINEL = "/tmp/mindspace-pickle-sentinel"
torch.manual_seed(0)


def nested_state():
    g = torch.Generator().manual_seed(1)
    base = torch.randn(6, 5, generator=g)
    embed = torch.randn(7, 4, generator=g)
    return {
        "model": collections.OrderedDict([
            ("encoder.layer.0.weight", torch.randn(4, 3, generator=g, dtype=torch.float64)),
            ("encoder.layer.0.bias", torch.randn(4, generator=g)),
            ("half", torch.randn(3, 2, generator=g).half()),
            ("bf16", torch.randn(2, 3, generator=g).bfloat16()),
            ("fp8_e4m3", torch.tensor([0.0, -0.0, 1.5, -448.0, 0.001953125, 0.3, 240.0], dtype=torch.float8_e4m3fn)),
            ("fp8_e5m2", torch.tensor([0.0, 1.5, -57344.0, 1.52587890625e-05, 0.3], dtype=torch.float8_e5m2)),
            ("embed.weight", embed),
            ("head.weight", embed),  # tied: the same tensor under two names
            ("sliced", base[2:5]),  # storage offset 10
            ("transposed", base.t()),  # strides (1, 5)
            ("strided", base[::2, 1::2]),  # offset 1, strides (10, 2)
            ("scalar", torch.tensor(3.25)),
            ("empty", torch.zeros(0, 3)),
        ]),
        "ints": {
            "i64": torch.tensor([-(2 ** 40), 0, 7], dtype=torch.int64),
            "i32": torch.tensor([-5, 2 ** 30], dtype=torch.int32),
            "i16": torch.tensor([-300, 300], dtype=torch.int16),
            "i8": torch.tensor([-128, 127], dtype=torch.int8),
            "u8": torch.tensor([0, 255], dtype=torch.uint8),
            "mask": torch.tensor([True, False, True]),
        },
        "history": [torch.arange(3, dtype=torch.float32), torch.ones(2, 2)],
        "step": 12,
        "note": "hello",
    }


def flatten(obj, prefix=""):
    """(name, tensor) pairs as MindSpace names them (dotted paths; dict order, list indexes)."""
    if isinstance(obj, torch.Tensor):
        yield (prefix or "tensor"), obj
    elif isinstance(obj, dict):
        for key, value in obj.items():
            yield from flatten(value, f"{prefix}.{key}" if prefix else str(key))
    elif isinstance(obj, (list, tuple)):
        for index, value in enumerate(obj):
            yield from flatten(value, f"{prefix}.{index}" if prefix else str(index))


PRESENTED = {torch.float8_e4m3fn: "float32", torch.float8_e5m2: "float32"}


def answer(path):
    obj = torch.load(path, weights_only=True)
    tensors = {}
    order = []
    for name, tensor in flatten(obj):
        values = tensor.detach().to(torch.float64).reshape(-1)
        entry = {
            "dtype": PRESENTED.get(tensor.dtype, str(tensor.dtype).replace("torch.", "")),
            "shape": list(tensor.shape),
            "values": [repr(float(v)) for v in values.tolist()],
        }
        if values.numel() > 0:
            entry["stats"] = {
                "count": values.numel(), "sum": repr(values.sum().item()), "min": repr(values.min().item()),
                "max": repr(values.max().item()), "mean": repr(values.mean().item()),
                "std": repr(values.std(unbiased=False).item()), "l2": repr(values.norm().item()),
            }
        tensors[name] = entry
        order.append(name)
    return {"order": order, "tensors": tensors}


def rewrite_zip(source, target, replace):
    """Copies a torch zip, members stored (uncompressed) as torch writes them, `replace(name,
    data)` returning new bytes or None to drop the member."""
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_STORED) as zout:
        for info in zin.infolist():
            data = replace(info.filename, zin.read(info.filename))
            if data is not None:
                zout.writestr(info.filename, data)


def torch_zip_with_pickle(target, pickle_bytes, storages=None):
    with zipfile.ZipFile(target, "w", zipfile.ZIP_STORED) as z:
        z.writestr("archive/data.pkl", pickle_bytes)
        z.writestr("archive/byteorder", "little")
        for key, data in (storages or {}).items():
            z.writestr(f"archive/data/{key}", data)
        z.writestr("archive/version", "3\n")


class StorageMarker:
    def __init__(self, storage_type, key, numel):
        self.storage_type, self.key, self.numel = storage_type, key, numel


class TensorPickler(pickle.Pickler):
    """Pickles StorageMarkers as torch's persistent ids."""
    def persistent_id(self, obj):
        if isinstance(obj, StorageMarker):
            return ("storage", obj.storage_type, obj.key, "cpu", obj.numel)
        return None


class FakeTensor:
    def __init__(self, storage, offset, size, stride):
        self.args = (storage, offset, size, stride, False, collections.OrderedDict())

    def __reduce__(self):
        return (torch._utils._rebuild_tensor_v2, self.args)


def tensor_pickle(obj):
    out = io.BytesIO()
    TensorPickler(out, protocol=2).dump(obj)
    return out.getvalue()


class OsSystem:
    def __reduce__(self):
        return (os.system, (f"touch {SENTINEL}-os-system",))


class Eval:
    def __reduce__(self):
        return (eval, (f"open('{SENTINEL}-eval', 'w').close()",))


class Popen:
    def __reduce__(self):
        return (subprocess.Popen, (["touch", f"{SENTINEL}-popen"],))


class Config:
    """A user class: unpickling imports __main__.Config; its __setstate__ writes the sentinel."""
    def __setstate__(self, state):
        open(f"{SENTINEL}-user-class", "w").close()


def check_payload(path, sentinel):
    """Proves the malicious file is live: loading it with plain pickle (or torch.load with
    weights_only=False) in a fresh interpreter creates its sentinel file."""
    if os.path.exists(sentinel):
        os.remove(sentinel)
    code = ("import torch, sys, subprocess, time\n"
            "sys.modules['__main__'].Config = type('Config', (), {'__setstate__': lambda self, s: open(%r, 'w').close()})\n"
            "try:\n    torch.load(%r, weights_only=False)\nexcept Exception as e:\n    print('load raised', e)\n"
            "time.sleep(0.5)\n") % (sentinel, path)
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)
    assert os.path.exists(sentinel), f"payload of {path} did not run"
    os.remove(sentinel)


def main():
    os.chdir(HERE)
    for folder in ["zip", "legacy", "sharded", "trajectory_pt", "trajectory_ckpt", "malicious", "malformed"]:
        shutil.rmtree(folder, ignore_errors=True)
        os.makedirs(folder)
    expected = {}

    state = nested_state()
    torch.save(state, "zip/state.pt")
    # torch.load cannot read FP8 back from the legacy layout (its untyped storage has no dtype),
    # so the legacy file leaves them out.
    legacy_state = {**state, "model": collections.OrderedDict(
        (k, v) for k, v in state["model"].items() if not k.startswith("fp8"))}
    torch.save(legacy_state, "legacy/state.pt", _use_new_zipfile_serialization=False)
    expected["zip/state.pt"] = answer("zip/state.pt")
    expected["legacy/state.pt"] = answer("legacy/state.pt")

    # Big-endian: what torch.save writes on a big-endian machine (byteorder "big", every
    # storage's elements byte-swapped). Element sizes come from the pickle's storage types.
    big = {"w64": torch.randn(3, 2, dtype=torch.float64), "w32": torch.randn(2, 3).t(),
           "h": torch.randn(4).half(), "b": torch.randn(3).bfloat16(), "i": torch.tensor([1, -2, 3]),
           "s": torch.tensor([-7, 8], dtype=torch.int16), "u": torch.tensor([1, 2], dtype=torch.uint8)}
    torch.save(big, "_tmp_little.pt")
    sizes = {"0": 8, "1": 4, "2": 2, "3": 2, "4": 8, "5": 2, "6": 1}

    def to_big(name, data):
        if name.endswith("/byteorder"):
            return b"big"
        key = name.split("/data/")[-1] if "/data/" in name else None
        if key is not None and key in sizes and sizes[key] > 1:
            width = sizes[key]
            return b"".join(data[i:i + width][::-1] for i in range(0, len(data), width))
        return data
    rewrite_zip("_tmp_little.pt", "big_endian.pt", to_big)
    os.remove("_tmp_little.pt")
    loaded = torch.load("big_endian.pt", weights_only=True)
    for key, tensor in big.items():
        assert torch.equal(loaded[key], tensor), key
    expected["big_endian.pt"] = answer("big_endian.pt")

    # Lightning-style checkpoint.
    model = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.Tanh(), torch.nn.Linear(3, 2))
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    model(torch.randn(5, 4)).sum().backward()
    optimizer.step()
    ckpt = {
        "epoch": 3, "global_step": 30, "pytorch-lightning_version": "2.4.0",
        "state_dict": model.state_dict(),
        "optimizer_states": [optimizer.state_dict()],
        "lr_schedulers": [],
        "hyper_parameters": {"hidden": 3, "lr": 1e-3, "name": "tiny"},
    }
    torch.save(ckpt, "lightning.ckpt")
    expected["lightning.ckpt"] = answer("lightning.ckpt")

    # Hugging Face sharded .bin with its index.
    weights = model.state_dict()
    names = list(weights)
    shards = {"pytorch_model-00001-of-00002.bin": names[:2], "pytorch_model-00002-of-00002.bin": names[2:]}
    weight_map = {}
    for shard, members in shards.items():
        torch.save({n: weights[n] for n in members}, f"sharded/{shard}")
        weight_map.update({n: shard for n in members})
    total = sum(t.numel() * t.element_size() for t in weights.values())
    with open("sharded/pytorch_model.bin.index.json", "w") as f:
        json.dump({"metadata": {"total_size": total}, "weight_map": weight_map}, f, indent=2)
    expected["sharded"] = {"order": [n for s in shards.values() for n in s]}

    # A run saved as .pt / .ckpt, equal value for value to ../checkpoints/trajectory.
    source = os.path.join(HERE, "..", "checkpoints", "trajectory")
    steps = sorted(os.listdir(source))
    for name in steps:
        tensors = load_file(os.path.join(source, name))
        stem = name[:-len(".safetensors")]
        view = dict(tensors)
        view["encoder.weight"] = tensors["encoder.weight"].t().contiguous().t()  # non-contiguous
        assert not view["encoder.weight"].is_contiguous()
        step = int(stem.split("_")[1])
        torch.save(view, f"trajectory_pt/{stem}.pt", _use_new_zipfile_serialization=step % 2 == 0)
        torch.save({"epoch": step, "state_dict": view,
                    "optimizer_states": [{"state": {0: {"exp_avg": torch.randn(3)}}, "param_groups": []}],
                    "hyper_parameters": {"lr": 0.1}}, f"trajectory_ckpt/{stem}.ckpt")

    torch.save({"ok": torch.ones(2), "evil\x1b[31m\nname": torch.zeros(2)}, "escaped_names.pt")

    # Malicious pickles, each in the torch zip layout (and one legacy) so they reach the reader.
    payloads = {"os_system": (OsSystem(), "posix.system", "-os-system"),
                "eval": (Eval(), "builtins.eval", "-eval"),
                "popen": (Popen(), "subprocess.Popen", "-popen"),
                "user_class": (None, "__main__.Config", "-user-class")}
    for name, (payload, global_name, suffix) in payloads.items():
        if payload is None:
            config = Config()
            config.__dict__["x"] = 1
            data = pickle.dumps({"weight": 1, "config": config}, protocol=2)
        else:
            data = pickle.dumps({"weight": payload}, protocol=2)
        torch_zip_with_pickle(f"malicious/{name}.pt", data)
        check_payload(f"malicious/{name}.pt", SENTINEL + suffix)
    legacy = io.BytesIO()
    for part in (0x1950a86a20f9469cfc6c, 1001, {"protocol_version": 1001, "little_endian": True, "type_sizes": {}}):
        pickle.dump(part, legacy, protocol=2)
    pickle.dump({"w": OsSystem()}, legacy, protocol=2)
    pickle.dump([], legacy, protocol=2)
    with open("malicious/legacy_os_system.pt", "wb") as f:
        f.write(legacy.getvalue())
    check_payload("malicious/legacy_os_system.pt", SENTINEL + "-os-system")
    depth = 200_000
    torch_zip_with_pickle("malicious/deep_list.pt", b"\x80\x02" + b"]" * depth + b"a" * (depth - 1) + b".")
    # Protocol 4 names globals with STACK_GLOBAL instead of GLOBAL.
    torch_zip_with_pickle("malicious/eval_protocol4.pt", pickle.dumps({"weight": Eval()}, protocol=4))
    check_payload("malicious/eval_protocol4.pt", SENTINEL + "-eval")
    expected["malicious"] = {k: v[1] for k, v in payloads.items()}

    # Malformed files.
    good = open("zip/state.pt", "rb").read()
    open("malformed/truncated.pt", "wb").write(good[: len(good) // 2])
    storage = StorageMarker(torch.FloatStorage, "0", 6)
    missing = StorageMarker(torch.FloatStorage, "7", 6)
    six = struct.pack("<6f", *range(6))
    torch_zip_with_pickle("malformed/missing_storage.pt",
                          tensor_pickle({"a": FakeTensor(storage, 0, (2, 3), (3, 1)), "b": FakeTensor(missing, 0, (6,), (1,))}),
                          {"0": six})
    torch_zip_with_pickle("malformed/short_storage.pt",
                          tensor_pickle({"a": FakeTensor(storage, 0, (2, 3), (3, 1))}), {"0": six[:12]})
    torch_zip_with_pickle("malformed/view_past_storage.pt",
                          tensor_pickle({"a": FakeTensor(storage, 2, (2, 3), (3, 1))}), {"0": six})
    torch_zip_with_pickle("malformed/unknown_opcode.pt", b"\x80\x02}\xff.")

    with open("expected.json", "w") as f:
        json.dump(expected, f, indent=1, sort_keys=True)
    with open("VERSIONS.txt", "w") as f:
        f.write(f"python=={platform.python_version()}\ntorch=={torch.__version__}\n"
                f"numpy=={np.__version__}\nsafetensors=={safetensors.__version__}\n")


if __name__ == "__main__":
    main()
