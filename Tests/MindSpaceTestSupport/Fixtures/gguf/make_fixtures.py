"""Writes the GGUF fixtures for GGUFReaderTests, the inspect and trajectory end-to-end tests.

Run from anywhere:  /work/venv-peers/bin/python make_fixtures.py
Every file is written by gguf-py's GGUFWriter (the `gguf` package on PyPI, llama.cpp's
gguf-py); expected values are gguf-py's own `gguf.quants.dequantize` output. Writes, next to
this script:
  types.gguf          GGUF v3: every tensor type MindSpace reads (F32, F16, BF16, F64, I8, I16,
                      I32, I64, Q8_0, Q4_0, Q4_1, Q5_0, Q5_1, Q2_K, Q3_K, Q4_K, Q5_K, Q6_K; the
                      quantized ones as random but valid blocks: random bytes with every f16
                      scale field a random finite half; the legacy quants also once through
                      gguf.quants.quantize), and metadata of all 13 value types, a nested
                      array, an empty string, a string with control bytes and a long string
  types.npz           the expected values: one float32 array per tensor (float64 for F64 and
                      the integer types), in NumPy shape (GGUF's ne reversed), named like the
                      tensor; `types.json` lists name, ggml type and shape as gguf-py's
                      GGUFReader reads them back, and NumPy's statistics of the expected values
  unsupported.gguf    an F32 tensor beside IQ4_NL and TQ2_0 ones (listed, refused when read)
  v2.gguf             a small file with general.alignment = 64 whose version field is patched to
                      2 (gguf-py writes v3 only; v2 and v3 are the same layout for little-endian
                      files); `v2.npz` its expected values
  malformed/          files that must be refused with exit 65 (see MALFORMED below)
  trajectory/         step_1..step_4.gguf: a tiny model's checkpoints with F32, F16, Q8_0 and
                      Q4_K tensors; trajectory_safetensors/ the same checkpoints' dequantized
                      float32 values as safetensors (names equal, same order)
  VERSIONS.txt        python, numpy, gguf and safetensors versions used
"""
import json
import os
import platform
import shutil
import struct

import gguf
import numpy as np
import safetensors
from gguf import GGMLQuantizationType as T
from gguf import GGUFValueType as V
from gguf.constants import GGML_QUANT_SIZES
from safetensors.numpy import save_file

HERE = os.path.dirname(os.path.abspath(__file__))
RNG = np.random.default_rng(20240613)

# Byte offsets of the f16 scale fields inside one block of each quantized type (ggml-common.h).
F16_FIELDS = {
    T.Q4_0: [0], T.Q4_1: [0, 2], T.Q5_0: [0], T.Q5_1: [0, 2], T.Q8_0: [0],
    T.Q2_K: [80, 82], T.Q3_K: [108], T.Q4_K: [0, 2], T.Q5_K: [0, 2], T.Q6_K: [208],
    T.IQ4_NL: [0],
}


def random_finite_halves(count):
    """Random binary16 bit patterns, every one finite (exponent field below 31)."""
    bits = RNG.integers(0, 1 << 16, size=count, dtype=np.uint16)
    exponent = (bits >> 10) & 0x1F
    return np.where(exponent == 0x1F, bits & np.uint16(0x83FF), bits).astype(np.uint16)


def random_blocks(qtype, shape):
    """Random but valid blocks for a tensor of NumPy `shape`: random bytes, the f16 fields
    overwritten with random finite halves. Returns the raw uint8 array (rows × bytes per row)."""
    block_size, type_size = GGML_QUANT_SIZES[qtype]
    blocks = int(np.prod(shape)) // block_size
    raw = RNG.integers(0, 256, size=(blocks, type_size), dtype=np.uint8)
    for offset in F16_FIELDS[qtype]:
        raw[:, offset:offset + 2] = random_finite_halves(blocks).view(np.uint8).reshape(blocks, 2)
    return raw.reshape(*shape[:-1], shape[-1] // block_size * type_size)


def add_metadata(writer):
    writer.add_uint8("test.uint8", 200)
    writer.add_int8("test.int8", -100)
    writer.add_uint16("test.uint16", 60000)
    writer.add_int16("test.int16", -30000)
    writer.add_uint32("test.uint32", 4000000000)
    writer.add_int32("test.int32", -2000000000)
    writer.add_float32("test.float32", 0.15625)
    writer.add_bool("test.bool", True)
    writer.add_string("test.string", "héllo wörld")
    writer.add_key_value("test.empty_string", "", V.STRING)
    writer.add_string("test.control", "bell\x07 newline\n tab\t end")
    writer.add_string("test.long", "x" * 300)
    writer.add_uint64("test.uint64", 18000000000000000000)
    writer.add_int64("test.int64", -9000000000000000000)
    writer.add_float64("test.float64", -2.5e-300)
    writer.add_key_value("test.array_float32", [1.5, -2.25, 3.0], V.ARRAY, sub_type=V.FLOAT32)
    writer.add_key_value("test.array_uint8", [1, 2, 255], V.ARRAY, sub_type=V.UINT8)
    writer.add_key_value("test.array_int64", [-1, 2 ** 40], V.ARRAY, sub_type=V.INT64)
    writer.add_key_value("test.array_bool", [True, False], V.ARRAY, sub_type=V.BOOL)
    writer.add_key_value("test.array_string", ["a", "bc", ""], V.ARRAY, sub_type=V.STRING)
    writer.add_key_value("test.array_nested", [[1, 2], [3], [4, 5, 6]], V.ARRAY)


def plain_tensors():
    """name → (NumPy array as written, expected values)."""
    f32 = RNG.standard_normal((3, 4)).astype(np.float32)
    f16 = RNG.standard_normal((2, 3, 4)).astype(np.float16)
    f64 = RNG.standard_normal((5,)).astype(np.float64)
    i8 = RNG.integers(-128, 128, size=(2, 3), dtype=np.int8)
    i16 = RNG.integers(-30000, 30000, size=(2, 3), dtype=np.int16)
    i32 = RNG.integers(-2 ** 31, 2 ** 31, size=(2, 3), dtype=np.int32)
    i64 = RNG.integers(-2 ** 40, 2 ** 40, size=(2, 3), dtype=np.int64)
    return {
        "f32": (f32, f32), "f16": (f16, f16.astype(np.float32)), "f64": (f64, f64),
        "i8": (i8, i8.astype(np.float64)), "i16": (i16, i16.astype(np.float64)),
        "i32": (i32, i32.astype(np.float64)), "i64": (i64, i64.astype(np.float64)),
    }


def write_types():
    path = os.path.join(HERE, "types.gguf")
    writer = gguf.GGUFWriter(path, arch="mindspace-test")
    add_metadata(writer)
    expected = {}

    def add(name, array, raw_dtype, values):
        writer.add_tensor(name, array, raw_dtype=raw_dtype)
        expected[name] = values

    for name, (array, values) in plain_tensors().items():
        add(name, array, None, values)
    bf16_source = RNG.standard_normal((2, 8)).astype(np.float32)
    bf16 = gguf.quants.quantize(bf16_source, T.BF16)
    add("bf16", bf16, T.BF16, gguf.quants.dequantize(bf16, T.BF16))
    for qtype in (T.Q8_0, T.Q4_0, T.Q4_1, T.Q5_0, T.Q5_1):
        raw = random_blocks(qtype, (2, 64))
        add(qtype.name.lower(), raw, qtype, gguf.quants.dequantize(raw, qtype))
        quantized = gguf.quants.quantize(RNG.standard_normal((3, 32)).astype(np.float32), qtype)
        add(qtype.name.lower() + "_quantized", quantized, qtype, gguf.quants.dequantize(quantized, qtype))
    for qtype in (T.Q2_K, T.Q3_K, T.Q4_K, T.Q5_K, T.Q6_K):
        raw = random_blocks(qtype, (2, 512))
        add(qtype.name.lower(), raw, qtype, gguf.quants.dequantize(raw, qtype))

    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    np.savez(os.path.join(HERE, "types.npz"),
             **{name: np.ascontiguousarray(values) for name, values in expected.items()})
    # What gguf-py's own reader sees: name, type, NumPy shape (ne reversed), in file order.
    reader = gguf.GGUFReader(path)
    described = [{"name": t.name, "type": t.tensor_type.name,
                  "shape": [int(n) for n in reversed(t.shape.tolist())]} for t in reader.tensors]
    # NumPy's statistics of the expected values (float64, population std), for inspect --stats.
    for entry in described:
        if entry["name"] in expected:
            x = np.asarray(expected[entry["name"]], dtype=np.float64).ravel()
            entry["stats"] = {"count": int(x.size), "sum": repr(float(x.sum())), "min": repr(float(x.min())),
                              "max": repr(float(x.max())), "mean": repr(float(x.mean())),
                              "std": repr(float(x.std())), "l2": repr(float(np.sqrt((x * x).sum())))}
    with open(os.path.join(HERE, "types.json"), "w") as f:
        json.dump({"tensors": described}, f, indent=1)
        f.write("\n")


def write_unsupported():
    """IQ4_NL and TQ2_0 tensors beside a plain one: listed by inspect, refused when read."""
    writer = gguf.GGUFWriter(os.path.join(HERE, "unsupported.gguf"), arch="mindspace-test")
    writer.add_tensor("plain", np.arange(6, dtype=np.float32).reshape(2, 3))
    writer.add_tensor("iq4_nl", random_blocks(T.IQ4_NL, (1, 64)), raw_dtype=T.IQ4_NL)
    tq = RNG.integers(0, 256, size=(1, GGML_QUANT_SIZES[T.TQ2_0][1]), dtype=np.uint8)
    writer.add_tensor("tq2_0", tq, raw_dtype=T.TQ2_0)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()


def write_v2():
    path = os.path.join(HERE, "v2.gguf")
    writer = gguf.GGUFWriter(path, arch="mindspace-test")
    writer.add_custom_alignment(64)
    a = RNG.standard_normal((4, 3)).astype(np.float32)
    q = random_blocks(T.Q8_0, (2, 32))
    writer.add_tensor("a", a)
    writer.add_tensor("q", q, raw_dtype=T.Q8_0)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    with open(path, "r+b") as f:
        f.seek(4)
        f.write(struct.pack("<I", 2))
    np.savez(os.path.join(HERE, "v2.npz"), a=a, q=gguf.quants.dequantize(q, T.Q8_0))


def small_file_layout():
    """A tiny v3 file (one key, two tensors) and the offsets of its parts, for MALFORMED."""
    path = os.path.join(HERE, "malformed", "base.gguf")
    writer = gguf.GGUFWriter(path, arch="x")
    writer.add_tensor("w", np.arange(8, dtype=np.float32).reshape(2, 4))
    writer.add_tensor("q", random_blocks(T.Q4_0, (1, 32)), raw_dtype=T.Q4_0)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    with open(path, "rb") as f:
        data = f.read()
    # header: magic 4, version 4, n_tensors 8, n_kv 8 → 24; kv "general.architecture" = "x":
    # 8 + 20 (key) + 4 (type) + 8 + 1 (value) = 41 → tensor infos at 65.
    kv_at = 24
    key_length = struct.unpack_from("<Q", data, kv_at)[0]
    value_type_at = kv_at + 8 + key_length
    info_at = value_type_at + 4 + 8 + 1
    # info "w": 8 + 1 + 4 (n_dims) + 2*8 (ne) + 4 (type) + 8 (offset)
    w_ne_at = info_at + 8 + 1 + 4
    w_type_at = w_ne_at + 16
    w_offset_at = w_type_at + 4
    return data, {"kv": kv_at, "value_type": value_type_at, "info": info_at, "w_ne": w_ne_at,
                  "w_type": w_type_at, "w_offset": w_offset_at}


def patched(data, offset, fmt, value):
    out = bytearray(data)
    struct.pack_into(fmt, out, offset, value)
    return bytes(out)


def write_malformed():
    folder = os.path.join(HERE, "malformed")
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder)
    data, at = small_file_layout()
    os.remove(os.path.join(folder, "base.gguf"))
    MALFORMED = {
        "empty.gguf": b"",
        "bad_magic.gguf": b"GGUX" + data[4:],
        "version1.gguf": patched(data, 4, "<I", 1),
        "version4.gguf": patched(data, 4, "<I", 4),
        "truncated_header.gguf": data[:12],
        "truncated_kv.gguf": data[:at["kv"] + 15],
        "truncated_tensor_info.gguf": data[:at["info"] + 10],
        "truncated_data.gguf": data[:-20],
        "huge_tensor_count.gguf": patched(data, 8, "<Q", 1 << 62),
        "huge_kv_count.gguf": patched(data, 16, "<Q", 1 << 62),
        "huge_string_length.gguf": patched(data, at["kv"], "<Q", 1 << 62),
        "unknown_value_type.gguf": patched(data, at["value_type"], "<I", 99),
        "unknown_tensor_type.gguf": patched(data, at["w_type"], "<I", 99),
        "huge_dimension.gguf": patched(data, at["w_ne"], "<Q", 1 << 62),
        "misaligned_offset.gguf": patched(data, at["w_offset"], "<Q", 4),
        "data_past_end.gguf": patched(data, at["w_offset"], "<Q", 1 << 20),
    }
    for name, content in MALFORMED.items():
        with open(os.path.join(folder, name), "wb") as f:
            f.write(content)


def write_trajectory():
    gguf_folder = os.path.join(HERE, "trajectory")
    st_folder = os.path.join(HERE, "trajectory_safetensors")
    for folder in (gguf_folder, st_folder):
        shutil.rmtree(folder, ignore_errors=True)
        os.makedirs(folder)
    base = {
        "a.weight": RNG.standard_normal((4, 8)).astype(np.float32),
        "b.weight": RNG.standard_normal((3, 8)).astype(np.float32),
        "c.weight": RNG.standard_normal((2, 64)).astype(np.float32),
        "d.weight": RNG.standard_normal((1, 256)).astype(np.float32),
    }
    types = {"a.weight": T.F32, "b.weight": T.F16, "c.weight": T.Q8_0, "d.weight": T.Q4_K}
    for step in range(1, 5):
        writer = gguf.GGUFWriter(os.path.join(gguf_folder, f"step_{step}.gguf"), arch="tiny")
        values = {}
        for name in sorted(base):
            base[name] = base[name] + np.float32(0.3) * RNG.standard_normal(base[name].shape).astype(np.float32)
            qtype = types[name]
            if qtype == T.F32:
                stored, values[name] = base[name], base[name]
            elif qtype == T.F16:
                stored = base[name].astype(np.float16)
                values[name] = stored.astype(np.float32)
            elif qtype == T.Q8_0:
                stored = gguf.quants.quantize(base[name], qtype)
                values[name] = gguf.quants.dequantize(stored, qtype)
            else:
                stored = random_blocks(qtype, base[name].shape)
                values[name] = gguf.quants.dequantize(stored, qtype)
            writer.add_tensor(name, stored, raw_dtype=None if qtype in (T.F32, T.F16) else qtype)
        writer.write_header_to_file()
        writer.write_kv_data_to_file()
        writer.write_tensors_to_file()
        writer.close()
        save_file({k: np.ascontiguousarray(v, dtype=np.float32) for k, v in values.items()},
                  os.path.join(st_folder, f"step_{step}.safetensors"))


def main():
    write_types()
    write_unsupported()
    write_v2()
    write_malformed()
    write_trajectory()
    from importlib.metadata import version
    with open(os.path.join(HERE, "VERSIONS.txt"), "w") as f:
        f.write(f"python=={platform.python_version()}\nnumpy=={np.__version__}\n"
                f"gguf=={version('gguf')}\nsafetensors=={safetensors.__version__}\n")


if __name__ == "__main__":
    main()
