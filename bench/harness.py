"""The pieces every benchmark workload is made of, and how one process is measured.

A workload (one module in bench/workloads/) prepares its inputs and names its tools: `mindspace`
and one or more peers. The driver (bench/bench.py) runs every tool on the same input, interleaved
(tool A run 1, tool B run 1, ..., tool A run 2, ...), so a noisy machine slows all of them alike.
"""
from __future__ import annotations

import dataclasses
import json
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile
import time
from typing import Callable, Optional

#: Environment variables that tune Debian's OpenBLAS on this machine; unset for Python peers,
#: whose NumPy wheel bundles its own OpenBLAS that must pick its own kernel.
OPENBLAS_TUNING = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")


@dataclasses.dataclass
class RunContext:
    """What a tool's command line may use."""

    root: pathlib.Path          # repository root (working directory of every run)
    work: pathlib.Path          # bench/work
    mindspace: pathlib.Path     # the mindspace binary
    python: str                 # the bench venv's Python, for peers
    inputs: dict                # what the workload's prepare() returned
    run_index: int              # 0-based
    out: pathlib.Path           # an empty directory for this run's outputs


@dataclasses.dataclass
class Tool:
    """One contender in a workload."""

    name: str
    command: Callable[[RunContext], list]
    #: "process": the driver times the whole process (start, reading, computing, writing).
    #: "reported": the tool prints JSON with "seconds" on its last stdout line (peers that time
    #: themselves, excluding interpreter start and imports).
    timing: str = "process"
    env_unset: tuple = ()
    is_mindspace: bool = False
    note: str = ""


@dataclasses.dataclass
class Workload:
    """A benchmark: seeded inputs, tools, and the tool that ratios are taken against."""

    name: str
    title: str
    description: str
    prepare: Callable[[pathlib.Path, int], dict]
    tools: list
    reference: str
    #: The mindspace subcommand the workload needs (checked before running).
    mindspace_command: Optional[str] = None
    #: Compares the last run's outputs of all tools; returns one line for BENCHMARKS.md.
    check: Optional[Callable[[dict], str]] = None
    #: Judges the measurements ({tool name: [Measurement]}, e.g. peak RSS against a budget);
    #: returns one line for BENCHMARKS.md.
    check_measurements: Optional[Callable[[dict], str]] = None
    #: `--workloads GROUP` runs every workload of the group (e.g. "knn": its TwoNN and MLE tables).
    group: Optional[str] = None
    #: A workload that is not "each tool times one process" (e.g. many estimators on many inputs)
    #: runs itself: given a RunContext (out: its folder under bench/work/out), it returns
    #: {"markdown": [lines of its BENCHMARKS.md section], "ok": bool, "print": text for stdout}.
    custom: Optional[Callable[["RunContext"], dict]] = None
    #: At most this many runs per tool, whatever --runs says (for workloads whose peer takes
    #: minutes a run); None: --runs.
    maximum_runs: Optional[int] = None


def write_labelled_points(path: pathlib.Path, labels: pathlib.Path, meta: pathlib.Path, points,
                          names, wanted: dict) -> None:
    """Saves a generated input: the points as `.npy` (`points` is a NumPy array), one label per
    line (TensorBoard's single-column metadata.tsv) and, last, the metadata that marks the
    input as complete (a workload regenerates when it is missing or different)."""
    import numpy as np
    np.save(path, points)
    labels.write_text("\n".join(names) + "\n")
    meta.write_text(json.dumps(wanted))


def saved_points(path: pathlib.Path, wanted: dict, generate) -> dict:
    """A generated `.npy` input, made by `generate()` (returning the array to save) only when the
    file or its metadata (`path` with suffix `.json`, written last, equal to `wanted`) is
    missing or different. Returns the workload's inputs: the path and its size."""
    meta = path.with_suffix(".json")
    if not (path.exists() and meta.exists() and json.loads(meta.read_text()) == wanted):
        import numpy as np
        np.save(path, np.ascontiguousarray(generate()))
        meta.write_text(json.dumps(wanted))
    return {"input": path, "size_mb": path.stat().st_size / 1e6, "bytes": path.stat().st_size}


def labelled_points_inputs(path: pathlib.Path, labels: pathlib.Path) -> dict:
    """A workload's inputs for points with labels: both paths and their size in MB."""
    return {"input": path, "labels": labels, "size_mb": (path.stat().st_size + labels.stat().st_size) / 1e6}


@dataclasses.dataclass
class Measurement:
    seconds: float
    peak_rss_kb: int
    returncode: int
    stdout: str
    stderr: str
    reported: Optional[dict] = None


def rss_method() -> str:
    """How peak RSS is measured: GNU time's %M when /usr/bin/time exists, else getrusage."""
    return "time" if shutil.which("time") and os.path.exists("/usr/bin/time") else "getrusage"


# Fallback when /usr/bin/time is missing: a fresh Python child runs the command and reports
# getrusage(RUSAGE_CHILDREN).ru_maxrss, which then covers exactly that one command.
_RUSAGE_WRAPPER = r"""
import json, resource, subprocess, sys, time
report, argv = sys.argv[1], sys.argv[2:]
start = time.perf_counter()
code = subprocess.call(argv)
seconds = time.perf_counter() - start
rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
open(report, "w").write(json.dumps({"seconds": seconds, "rss_kb": rss, "code": code}))
"""


def measure(argv: list, env: dict, cwd: pathlib.Path) -> Measurement:
    """Runs `argv` once; wall seconds around the process and its peak resident set size."""
    with tempfile.TemporaryDirectory(prefix="bench-") as scratch:
        report = os.path.join(scratch, "rss")
        if rss_method() == "time":
            wrapped = ["/usr/bin/time", "-f", "%M", "-o", report] + [str(a) for a in argv]
            start = time.perf_counter()
            done = subprocess.run(wrapped, env=env, cwd=cwd, capture_output=True, text=True)
            seconds = time.perf_counter() - start
            text = pathlib.Path(report).read_text().strip().splitlines()
            # GNU time writes "Command exited with non-zero status N" before %M on failure.
            rss = int(text[-1]) if text and text[-1].isdigit() else 0
            code = done.returncode
        else:
            wrapped = [sys.executable, "-c", _RUSAGE_WRAPPER, report] + [str(a) for a in argv]
            done = subprocess.run(wrapped, env=env, cwd=cwd, capture_output=True, text=True)
            data = json.loads(pathlib.Path(report).read_text())
            seconds, rss, code = data["seconds"], data["rss_kb"], data["code"]
    return Measurement(seconds, rss, code, done.stdout, done.stderr)


def json_report(text: str) -> Optional[dict]:
    """The JSON object a tool printed: the whole of stdout (mindspace --json pretty-prints one
    object), else its last line that parses as an object (peers print logs before it), else None."""
    try:
        whole = json.loads(text)
        if isinstance(whole, dict):
            return whole
    except json.JSONDecodeError:
        pass
    for line in reversed(text.strip().splitlines()):
        line = line.strip()
        if line.startswith("{"):
            try:
                return json.loads(line)
            except json.JSONDecodeError:
                return None
    return None


def best_openblas_core() -> Optional[str]:
    """The fastest OpenBLAS kernel family whose instructions this CPU has (the same rule as
    MindSpace's `OpenBLASCoreSelection.bestCore`): Cooperlake, SkylakeX, Haswell, SandyBridge."""
    try:
        flags = set(next((l for l in open("/proc/cpuinfo") if l.startswith("flags")), "").split())
    except OSError:
        return None
    avx512 = {"avx512f", "avx512bw", "avx512vl", "avx512dq", "avx512cd"} <= flags
    if avx512 and "avx512_bf16" in flags:
        return "Cooperlake"
    if avx512:
        return "SkylakeX"
    if {"avx2", "fma"} <= flags:
        return "Haswell"
    if "avx" in flags:
        return "SandyBridge"
    return None


def tool_environment(tool: Tool) -> dict:
    """The peers run with the best kernels their OpenBLAS has for this CPU: machine-wide
    OPENBLAS_* settings are removed and OPENBLAS_CORETYPE names the best core family (NumPy's
    bundled OpenBLAS 0.3.23 does not recognise some newer CPUs and would otherwise fall back to
    its generic SSE3 kernels). mindspace runs in the environment as it is (it picks its kernels
    itself and reports them)."""
    env = dict(os.environ)
    for name in tool.env_unset:
        env.pop(name, None)
    if tool.env_unset:
        best = best_openblas_core()
        if best:
            env["OPENBLAS_CORETYPE"] = best
    return env
