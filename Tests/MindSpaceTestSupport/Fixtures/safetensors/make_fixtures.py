"""Writes the safetensors fixtures for SafetensorsReaderTests and ShardedCheckpointReaderTests.

Run from anywhere:  /work/venv-peers/bin/python make_fixtures.py
Writes, next to this script:
  all_dtypes.safetensors     every dtype MindSpace reads (written by safetensors.numpy.save_file;
                             bfloat16 through ml_dtypes), plus a scalar, a zero-size tensor and
                             __metadata__
  sharded/                   a two-shard checkpoint in Hugging Face's save_pretrained layout,
                             plus deliberately broken index files
  malformed/                 files that must be refused (see MALFORMED below)
  expected.json              what the reader must report: per tensor its dtype, shape and every
                             element as float64 (Python repr strings, so the values round-trip
                             exactly; "nan"/"inf" allowed), the file order from the header's
                             data_offsets (parsed here with Python's json), and the metadata
  VERSIONS.txt               python, numpy, ml_dtypes and safetensors versions used
"""
import json
import os
import platform
import shutil
import struct

import ml_dtypes
import numpy as np
import safetensors
from safetensors.numpy import save_file

HERE = os.path.dirname(os.path.abspath(__file__))


def values_as_strings(array):
    """Every element as float64, exactly (float16/bfloat16 widen exactly; integers as numpy
    casts them, that is, rounded to nearest), as repr strings."""
    flat = np.asarray(array).astype(np.float64).ravel()
    return [repr(float(x)) for x in flat]


def header_of(path):
    with open(path, "rb") as f:
        (n,) = struct.unpack("<Q", f.read(8))
        return json.loads(f.read(n))


def describe(path, arrays):
    """The expected description of a file the library wrote: tensors in data-offset order."""
    header = header_of(path)
    names = sorted((k for k in header if k != "__metadata__"),
                   key=lambda k: (header[k]["data_offsets"][0], header[k]["data_offsets"][1], k))
    return {
        "metadata": header.get("__metadata__", {}),
        "tensors": [
            {
                "name": name,
                "dtype": header[name]["dtype"],
                "shape": list(arrays[name].shape),
                "values": values_as_strings(arrays[name]),
            }
            for name in names
        ],
    }


def all_dtypes():
    rng = np.random.default_rng(20240601)
    arrays = {
        "f64": np.array([[0.1, -2.5, 1e300], [5e-324, -0.0, np.pi]], dtype=np.float64),
        "f32": rng.standard_normal((3, 4)).astype(np.float32),
        # float16 specials: max, min subnormal, -inf, inf, nan, and ordinary values.
        "f16": np.array([1.0, -2.0, 65504.0, 2.0 ** -24, -np.inf, np.inf, np.nan, 0.333],
                        dtype=np.float16).reshape(2, 4),
        "bf16": np.array([1.0, -3.140625, 3.0e38, 1e-40, 0.1, -7.5], dtype=ml_dtypes.bfloat16).reshape(3, 2),
        "i64": np.array([-(2 ** 63), 2 ** 63 - 1, 0, -1, 2 ** 53 + 1], dtype=np.int64),
        "i32": np.array([[-(2 ** 31), 2 ** 31 - 1], [7, -7]], dtype=np.int32),
        "i16": np.array([-32768, 32767, 12], dtype=np.int16),
        "i8": np.array([-128, 127, 0, -5], dtype=np.int8),
        "u8": np.arange(0, 256, 51, dtype=np.uint8),
        "u16": np.array([0, 65535, 1000], dtype=np.uint16),
        "u32": np.array([0, 2 ** 32 - 1], dtype=np.uint32),
        "u64": np.array([0, 2 ** 64 - 1, 2 ** 53], dtype=np.uint64),
        "bool": np.array([[True, False, True]], dtype=bool),
        "scalar": np.array(42.5, dtype=np.float64),
        "empty": np.zeros((0, 3), dtype=np.float32),
    }
    path = os.path.join(HERE, "all_dtypes.safetensors")
    save_file(arrays, path, metadata={"format": "np", "note": "ünïcode ✓", "step": "1000"})
    return describe(path, arrays)


def sharded():
    """Two shards + index, as transformers' save_pretrained lays them out."""
    folder = os.path.join(HERE, "sharded")
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder)
    rng = np.random.default_rng(7)
    shard1 = {
        "embed.weight": rng.standard_normal((4, 3)).astype(np.float32),
        "layers.0.weight": rng.standard_normal((3, 3)).astype(np.float32),
        "layers.0.bias": rng.standard_normal(3).astype(np.float32),
    }
    shard2 = {
        "layers.1.weight": rng.standard_normal((3, 3)).astype(np.float16),
        "layers.1.bias": np.array([0.5, -0.25, 1.0], dtype=ml_dtypes.bfloat16),
        "head.weight": rng.standard_normal((2, 3)).astype(np.float32),
        # In the shard but deliberately left out of unlisted.index.json only.
    }
    names = ["model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors"]
    for name, arrays in zip(names, [shard1, shard2]):
        save_file(arrays, os.path.join(folder, name), metadata={"format": "pt"})
    weight_map = {k: names[0] for k in shard1}
    weight_map.update({k: names[1] for k in shard2})
    total = sum(a.nbytes for a in list(shard1.values()) + list(shard2.values()))

    def write_index(filename, mapping):
        index = {"metadata": {"total_size": total}, "weight_map": mapping}
        with open(os.path.join(folder, filename), "w") as f:
            f.write(json.dumps(index, indent=2, sort_keys=True) + "\n")

    write_index("model.safetensors.index.json", weight_map)
    write_index("missing_shard.index.json", {**weight_map, "extra.weight": "model-00003-of-00003.safetensors"})
    write_index("missing_tensor.index.json", {**weight_map, "ghost.weight": names[0]})
    write_index("escaping_shard.index.json", {**weight_map, "evil.weight": "../all_dtypes.safetensors"})
    write_index("absolute_shard.index.json", {**weight_map, "evil.weight": "/etc/hostname"})
    unlisted = dict(weight_map)
    del unlisted["head.weight"]
    write_index("unlisted.index.json", unlisted)

    both = {**shard1, **shard2}
    expected = {}
    order = []
    for name in names:
        described = describe(os.path.join(folder, name), both)
        order += [t["name"] for t in described["tensors"]]
        for t in described["tensors"]:
            expected[t["name"]] = t
    return {"order": order, "tensors": expected, "total_size": total, "shards": names}


def raw_file(path, header_bytes, data, declared_length=None):
    """A safetensors file written by hand: u64 little-endian length, header, data."""
    length = len(header_bytes) if declared_length is None else declared_length
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", length) + header_bytes + data)


def malformed():
    folder = os.path.join(HERE, "malformed")
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder)
    good = np.arange(6, dtype=np.float32).reshape(2, 3)
    data = good.tobytes()

    def header(entries):
        return json.dumps(entries, separators=(",", ":")).encode()

    ok = {"x": {"dtype": "F32", "shape": [2, 3], "data_offsets": [0, 24]}}
    cases = {
        # name: (header bytes, data, declared length or None)
        "too_short": None,
        "header_too_long": (header(ok), data, 10_000),
        "header_over_limit": (header(ok), data, 2 ** 63),
        "invalid_json": (b'{"x": {"dtype": "F32", "shape": [2, 3], "data_offsets": [0, 24]}', data, None),
        "not_object": (b"[1, 2, 3]", data, None),
        "duplicate_name": (b'{"x":{"dtype":"F32","shape":[6],"data_offsets":[0,24]},'
                           b'"x":{"dtype":"F32","shape":[6],"data_offsets":[0,24]}}', data, None),
        "bad_metadata": (header({"__metadata__": {"step": 3}, **ok}), data, None),
        "negative_shape": (header({"x": {"dtype": "F32", "shape": [-2, 3], "data_offsets": [0, 24]}}), data, None),
        "fractional_offset": (b'{"x":{"dtype":"F32","shape":[2,3],"data_offsets":[0,24.0]}}', data, None),
        "shape_overflow": (header({"x": {"dtype": "F64", "shape": [2 ** 40, 2 ** 40], "data_offsets": [0, 24]}}),
                           data, None),
        "offsets_out_of_bounds": (header({"x": {"dtype": "F32", "shape": [2, 3], "data_offsets": [8, 32]}}),
                                  data, None),
        "offsets_reversed": (header({"x": {"dtype": "F32", "shape": [0], "data_offsets": [24, 0]}}), data, None),
        "overlap": (header({"a": {"dtype": "F32", "shape": [4], "data_offsets": [0, 16]},
                            "b": {"dtype": "F32", "shape": [3], "data_offsets": [12, 24]}}), data, None),
        "size_mismatch": (header({"x": {"dtype": "F32", "shape": [2, 2], "data_offsets": [0, 24]}}), data, None),
        "missing_dtype": (header({"x": {"shape": [2, 3], "data_offsets": [0, 24]}}), data, None),
    }
    for name, spec in cases.items():
        path = os.path.join(folder, name + ".safetensors")
        if spec is None:
            with open(path, "wb") as f:
                f.write(b"\x05\x00\x00")
            continue
        raw_file(path, *spec)

    # Written by the library itself: an 8-bit float dtype MindSpace does not read.
    save_file({"w": np.array([1.0, -3.0], dtype=ml_dtypes.float8_e4m3fn)},
              os.path.join(folder, "unknown_dtype.safetensors"))
    # A valid library-written file with its last 10 bytes cut off.
    path = os.path.join(folder, "truncated.safetensors")
    save_file({"a": good, "b": good * 2}, path)
    with open(path, "rb") as f:
        content = f.read()
    with open(path, "wb") as f:
        f.write(content[:-10])
    return sorted(os.listdir(folder))


def main():
    expected = {
        "all_dtypes": all_dtypes(),
        "sharded": sharded(),
        "malformed": malformed(),
    }
    with open(os.path.join(HERE, "expected.json"), "w") as f:
        json.dump(expected, f, indent=1, ensure_ascii=False)
        f.write("\n")
    with open(os.path.join(HERE, "VERSIONS.txt"), "w") as f:
        f.write(f"python=={platform.python_version()}\n")
        f.write(f"numpy=={np.__version__}\n")
        f.write(f"ml_dtypes=={ml_dtypes.__version__}\n")
        f.write(f"safetensors=={safetensors.__version__}\n")


if __name__ == "__main__":
    main()
