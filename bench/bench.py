"""Benchmark driver: runs every registered workload and writes BENCHMARKS.md.

Usage (normally through bench/run.sh, which provides the venv with the peers):
  bench/run.sh [--workloads pca,...] [--runs 5] [--seed 0] [--mindspace PATH]
               [--output BENCHMARKS.md] [--peers-only] [--baseline PATH [--without-peers]]

`--baseline PATH` times a second mindspace binary (e.g. a build of the previous commit) beside the
first, interleaved on the same inputs, and adds its rows and the ratio of the two medians to each
section: the check that a refactoring slowed nothing. `--without-peers` then skips the peers
(and the checks that compare against them), for a quick before/after of mindspace alone.
"""
from __future__ import annotations

import argparse
import dataclasses
import datetime
import json
import os
import pathlib
import platform
import shutil
import statistics
import subprocess
import sys
from typing import Optional

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import harness  # noqa: E402
from workloads import ALL, ON_REQUEST  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workloads", default=",".join(w.name for w in ALL),
                        help="comma-separated names or groups (default: all: %(default)s; on request only: "
                             + ", ".join(w.name for w in ON_REQUEST) + ")")
    parser.add_argument("--runs", type=int, default=5, help="runs per tool (default 5)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the generated inputs")
    parser.add_argument("--mindspace", default=str(ROOT / ".build" / "release" / "mindspace"))
    parser.add_argument("--output", default=str(ROOT / "BENCHMARKS.md"))
    parser.add_argument("--peers-only", action="store_true",
                        help="run only the peers (to test the harness before mindspace has a command)")
    parser.add_argument("--baseline", default=None,
                        help="a second mindspace binary to time beside the first (before/after a change)")
    parser.add_argument("--without-peers", action="store_true",
                        help="with --baseline: time only the two mindspace binaries")
    args = parser.parse_args()
    if args.without_peers and not args.baseline:
        parser.error("--without-peers goes with --baseline")

    wanted = set(args.workloads.split(","))
    known = ALL + ON_REQUEST
    chosen = [w for w in known if w.name in wanted or (w.group and w.group in wanted)]
    unknown = wanted - {w.name for w in known} - {w.group for w in known if w.group}
    if unknown:
        print(f"bench: unknown workload(s) {sorted(unknown)}; known: {[w.name for w in ALL]}", file=sys.stderr)
        return 64
    mindspace = pathlib.Path(args.mindspace).absolute()
    baseline = pathlib.Path(args.baseline).absolute() if args.baseline else None
    for binary in ([mindspace] + ([baseline] if baseline else [])) if not args.peers_only else []:
        problem = mindspace_problem(binary, chosen)
        if problem:
            print(f"bench: {problem}", file=sys.stderr)
            print("bench: nothing measured; BENCHMARKS.md left as it was "
                  "(use --peers-only to time the peers alone)", file=sys.stderr)
            return 2

    work = HERE / "work"
    work.mkdir(exist_ok=True)
    started = datetime.datetime.now(datetime.timezone.utc)
    machine = machine_info(mindspace)
    load_before = os.getloadavg()
    sections = []
    for workload in chosen:
        print(f"bench: {workload.name}: preparing inputs (seed {args.seed})", file=sys.stderr)
        inputs = workload.prepare(work, args.seed)
        if workload.custom:
            out = work / "out" / workload.name
            out.mkdir(parents=True, exist_ok=True)
            ctx = harness.RunContext(ROOT, work, mindspace, sys.executable, inputs, 0, out)
            sections.append({"workload": workload, "ok": True, **workload.custom(ctx)})
            continue
        tools = [t for t in workload.tools if not (args.peers_only and t.is_mindspace)]
        if baseline:
            tools = with_baseline(tools, baseline, args.without_peers)
        section = run_workload(workload, tools, inputs, work, mindspace, args.runs,
                               run_check=not args.without_peers)
        sections.append(section)
    load_after = os.getloadavg()
    machine["warnings"] = blas_warnings(MINDSPACE_CORES)
    for warning in machine["warnings"]:
        print(f"bench: WARNING: {warning}", file=sys.stderr)
    try:
        text = render(machine, sections, started, load_before, load_after, args)
    except Exception:  # never lose a long run's numbers to a rendering bug
        import traceback
        traceback.print_exc()
        text = raw_results(sections)
        print("bench: rendering failed; writing the raw measurements instead", file=sys.stderr)
    pathlib.Path(args.output).write_text(text)
    print(f"bench: wrote {args.output}", file=sys.stderr)
    for s in sections:
        if s.get("print"):
            print(s["print"])
        for line in baseline_ratios(s) if s.get("results") else []:
            print(f"{s['workload'].name}: {line}")
    return 0 if all(s["ok"] for s in sections) else 1


def mindspace_problem(mindspace: pathlib.Path, workloads) -> str | None:
    """Why mindspace cannot be benchmarked, or None."""
    if not mindspace.exists():
        return (f"mindspace binary not found at {mindspace}: build it with `make bench` "
                f"(runs `swift build -c release --static-swift-stdlib`) or pass --mindspace PATH")
    for command in sorted({w.mindspace_command for w in workloads if w.mindspace_command}):
        # ArgumentParser answers `--help` after an unknown subcommand with the root help (exit 0),
        # so the subcommand's own USAGE line is what proves that it exists.
        probe = subprocess.run([str(mindspace), command, "--help"], capture_output=True, text=True)
        if probe.returncode != 0 or f"mindspace {command}" not in probe.stdout:
            return (f"{mindspace} has no `{command}` command yet (`mindspace {command} --help` "
                    f"exited {probe.returncode} without a `mindspace {command}` usage line): "
                    f"merge the branch that adds it, rebuild with `make bench`, and rerun")
    return None


BASELINE_SUFFIX = " (baseline)"


def with_baseline(tools, baseline: pathlib.Path, without_peers: bool) -> list:
    """The tools with a twin of each mindspace tool that runs `baseline` instead; without the peers
    if asked."""
    result = []
    for tool in tools:
        if not tool.is_mindspace and without_peers:
            continue
        result.append(tool)
        if tool.is_mindspace:
            result.append(dataclasses.replace(
                tool, name=tool.name + BASELINE_SUFFIX, note=f"{tool.note}; the baseline binary {baseline}",
                command=lambda ctx, run=tool.command: run(dataclasses.replace(ctx, mindspace=baseline))))
    return result


def baseline_ratios(section) -> list:
    """'tool: new / baseline = r' for every mindspace tool timed against a baseline twin."""
    lines = []
    for name, runs in section["results"].items():
        twin = section["results"].get(name + BASELINE_SUFFIX)
        if name.endswith(BASELINE_SUFFIX) or not runs or not twin:
            continue
        new, old = (statistics.median(m.seconds for m in r) for r in (runs, twin))
        lines.append(f"{name}: {new:.3f} s against the baseline's {old:.3f} s, ratio {new / old:.3f}")
    return lines


def run_workload(workload, tools, inputs, work, mindspace, runs, run_check=True) -> dict:
    """Runs the tools interleaved `runs` times; returns the section's data. `run_check`: run the
    workload's output check (it compares against the peers)."""
    results = {t.name: [] for t in tools}
    if workload.maximum_runs is not None:
        runs = min(runs, workload.maximum_runs)
    failures = {}
    outputs = {}
    commands = {}
    for run in range(runs):
        for tool in tools:
            if tool.name in failures:
                continue
            out = work / "out" / workload.name / slug(tool.name) / f"run{run}"
            shutil.rmtree(out, ignore_errors=True)
            out.mkdir(parents=True)
            ctx = harness.RunContext(ROOT, work, mindspace, sys.executable, inputs, run, out)
            argv = [str(a) for a in tool.command(ctx)]
            commands[tool.name] = argv
            m = harness.measure(argv, harness.tool_environment(tool), ROOT)
            if m.returncode != 0:
                tail = (m.stderr.strip().splitlines() or ["no stderr"])[-1]
                failures[tool.name] = f"exit {m.returncode}: {tail}"
                print(f"bench: {workload.name}: {tool.name} FAILED ({failures[tool.name]})", file=sys.stderr)
                continue
            m.reported = harness.json_report(m.stdout)
            if tool.is_mindspace and m.reported:
                core = (m.reported.get("provenance") or {}).get("blas_core")
                if core:
                    MINDSPACE_CORES.add(core)
            if tool.timing == "reported":
                if not m.reported or "seconds" not in m.reported:
                    failures[tool.name] = "did not report its time as JSON"
                    continue
                m.seconds = float(m.reported["seconds"])
            results[tool.name].append(m)
            outputs[tool.name] = m.reported
            print(f"bench: {workload.name}: run {run + 1}/{runs} {tool.name}: {m.seconds:.3f} s, "
                  f"{m.peak_rss_kb / 1024:.0f} MB", file=sys.stderr)
    check = workload.check(outputs) if workload.check and run_check else ""
    if workload.check_measurements:
        check = "; ".join(c for c in (check, workload.check_measurements(results)) if c)
    return {"workload": workload, "tools": tools, "inputs": inputs, "results": results,
            "failures": failures, "commands": commands, "check": check, "ok": not failures}


# The OpenBLAS kernel families mindspace reported in its JSON (provenance.blas_core).
MINDSPACE_CORES: set = set()


def slug(name: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in name).strip("-").lower()


def machine_info(mindspace: pathlib.Path) -> dict:
    info = {
        "nproc": os.cpu_count(),
        "cpu": cpu_model(),
        "memory_gb": memory_gb(),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "openblas_env": {k: os.environ.get(k) for k in harness.OPENBLAS_TUNING},
        "rss_method": harness.rss_method(),
    }
    info["git"] = git_describe()
    if mindspace.exists():
        version = subprocess.run([str(mindspace), "--version"], capture_output=True, text=True)
        info["mindspace_version"] = (version.stdout or version.stderr).strip()
    info["mindspace_blas"] = system_openblas_info(mindspace)
    info["peer_versions"] = peer_versions()
    return info


def cpu_model() -> str:
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def memory_gb() -> float:
    try:
        for line in open("/proc/meminfo"):
            if line.startswith("MemTotal"):
                return round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return 0.0


def git_describe() -> str:
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                              text=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT,
                               capture_output=True, text=True).stdout.strip()
        return head + (" (with uncommitted changes)" if dirty else "")
    except OSError:
        return "unknown"


def system_openblas_info(mindspace: pathlib.Path) -> list:
    """threadpoolctl's view of the OpenBLAS that mindspace links (Debian's), loaded in a child
    with mindspace's environment (OPENBLAS_* variables as they are)."""
    library = "libopenblas.so.0"
    if mindspace.exists():
        ldd = subprocess.run(["ldd", str(mindspace)], capture_output=True, text=True).stdout
        for line in ldd.splitlines():
            if "libopenblas" in line and "=>" in line:
                library = line.split("=>")[1].split("(")[0].strip()
    probe = ("import ctypes, json, threadpoolctl; ctypes.CDLL(%r); "
             "print(json.dumps(threadpoolctl.threadpool_info()))" % library)
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    try:
        return json.loads(done.stdout)
    except json.JSONDecodeError:
        return []


def blas_warnings(cores: set) -> list:
    """mindspace re-launches itself with OPENBLAS_CORETYPE when Debian's OpenBLAS 0.3.21 falls back
    to its generic `Prescott` (SSE3) kernels on a CPU it does not recognise. If a run still
    reports Prescott on a CPU with vector units, say so rather than publish such numbers silently."""
    best = harness.best_openblas_core()
    if best and any(c.lower() == "prescott" for c in cores):
        return [f"mindspace ran with OpenBLAS's generic Prescott kernels although this CPU supports {best}"]
    return []


def peer_versions() -> dict:
    from importlib import metadata
    names = ["numpy", "scipy", "scikit-learn", "scikit-dimension", "dadapy", "faiss-cpu", "umap-learn",
             "matplotlib", "datashader", "pillow", "safetensors", "threadpoolctl"]
    found = {}
    for name in names:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            pass
    return found


def describe_blas(entries: list, kernel: Optional[str] = None) -> str:
    """`kernel` overrides the architecture a library reports when loaded in the bench process
    (mindspace's own choice, from its JSON, is what its runs used)."""
    parts = []
    for e in entries:
        if e.get("user_api") != "blas":
            continue
        path = e.get("filepath", "")
        owner = ("NumPy's " if "numpy" in path else "SciPy's " if "scipy" in path else "")
        parts.append(f"{owner}{e.get('internal_api')} {e.get('version')} ({e.get('threading_layer')} threads), "
                     f"kernel `{kernel or e.get('architecture')}`, {e.get('num_threads')} threads, "
                     f"`{pathlib.Path(e.get('filepath', '')).name}`")
    return "; ".join(parts) or "not detected"


def render(machine, sections, started, load_before, load_after, args) -> str:
    peer_blas = "not measured"
    for s in sections:
        for name, runs in s.get("results", {}).items():
            if runs and runs[-1].reported and "threadpool" in runs[-1].reported:
                peer_blas = describe_blas(runs[-1].reported["threadpool"])
    env = ", ".join(f"{k}={v}" if v is not None else f"{k} unset" for k, v in machine["openblas_env"].items())
    lines = [
        "# Benchmarks",
        "",
        f"Written by `make bench` (`./bench/run.sh`) on {started.strftime('%Y-%m-%d %H:%M UTC')}; "
        "rerun it rather than editing this file.",
        "",
        "## Machine",
        "",
        "| | |",
        "|---|---|",
        f"| CPU | {machine['cpu']}, {machine['nproc']} logical CPUs (`nproc`) |",
        f"| memory | {machine['memory_gb']} GiB |",
        f"| kernel, Python | Linux {machine['kernel']}, Python {machine['python']} |",
        f"| load average (1 min) at start / end | {load_before[0]:.2f} / {load_after[0]:.2f} |",
        f"| repository | commit {machine['git']} |",
        f"| mindspace | {machine.get('mindspace_version', 'not run')} |",
        f"| BLAS of mindspace | {describe_blas(machine['mindspace_blas'], kernel=', '.join(sorted(MINDSPACE_CORES)) or None)}; "
        f"environment of the bench: {env} (mindspace chooses its kernel itself and reports it in its JSON) |",
        f"| BLAS of the Python peers | {peer_blas}. The wheels bundle their own OpenBLAS: NumPy's "
        f"serves `X.T @ X` and `numpy.linalg.eigh` (scikit-learn's covariance_eigh), SciPy's serves "
        f"`scipy.linalg.svd` (full). Machine-wide {' and '.join(harness.OPENBLAS_TUNING)} are removed for "
        f"the peer processes and OPENBLAS_CORETYPE={harness.best_openblas_core()} is set, the best "
        f"kernel family this CPU supports, so every peer runs with vector kernels |",
        *[f"| **warning** | {w} |" for w in machine["warnings"]],
        f"| peers | " + ", ".join(f"{k} {v}" for k, v in machine["peer_versions"].items()) + " |",
        "",
        "## How it is measured",
        "",
        f"- Command: `make bench` (= `swift build -c release --static-swift-stdlib`, then `./bench/run.sh"
        f"{(' ' + ' '.join(sys.argv[1:])) if sys.argv[1:] else ''}`).",
        f"- {args.runs} runs per tool on the same input (fewer where a workload caps them; each section lists its runs), interleaved (every tool's run 1, then every "
        "tool's run 2, ...) so that load from other processes hits all tools alike; the table shows "
        "the median time and the largest peak RSS over the runs.",
        "- `mindspace`: wall time of the whole process, measured around it by the driver: process "
        "start, reading the input file, the computation and writing every output.",
        "- Python peers: time measured inside the peer process around loading the input and the "
        "computation; interpreter start and imports are excluded (which favours the peers). Their peak "
        "RSS is the whole Python process, including the interpreter and imported libraries.",
        "- Peak RSS: " + ("GNU `/usr/bin/time -f %M` (maximum resident set size of the process)."
                          if machine["rss_method"] == "time" else
                          "`getrusage(RUSAGE_CHILDREN)` of a fresh wrapper process per run."),
        "- Ratio: the tool's median time divided by the reference peer's median time (below 1: faster).",
        "",
    ]
    for s in sections:
        w = s["workload"]
        if w.custom:
            lines += [f"## {w.name}: {w.title}", "", w.description, "", *s["markdown"], ""]
            continue
        lines += [f"## {w.name}: {w.title}", "", w.description, "",
                  f"Input: `{pathlib.Path(s['inputs'].get('input') or s['inputs']['folder']).relative_to(ROOT)}` "
                  f"({s['inputs']['size_mb']:.0f} MB), seed {args.seed}.", ""]
        reference = s["results"].get(w.reference) or []
        reference_median = statistics.median(m.seconds for m in reference) if reference else None
        lines += [f"| tool | median s | peak RSS MB | ratio vs {w.reference} |", "|---|---:|---:|---:|"]
        for tool in s["tools"]:
            runs = s["results"].get(tool.name) or []
            if not runs:
                why = s["failures"].get(tool.name, "not run")
                lines.append(f"| {tool.name} | — | — | — ({why}) |")
                continue
            median = statistics.median(m.seconds for m in runs)
            rss = max(m.peak_rss_kb for m in runs) / 1024
            ratio = f"{median / reference_median:.2f}" if reference_median else "—"
            lines.append(f"| {tool.name} | {median:.3f} | {rss:.0f} | {ratio} |")
        lines += ["", "Per tool: what is timed, every run's seconds, and the command line:", ""]
        for tool in s["tools"]:
            runs = s["results"].get(tool.name) or []
            times = ", ".join(f"{m.seconds:.3f}" for m in runs) or "—"
            extra = ""
            if runs and all(m.reported and "load_seconds" in m.reported and "fit_seconds" in m.reported
                            for m in runs):
                loads = statistics.median(m.reported["load_seconds"] for m in runs)
                fits = statistics.median(m.reported["fit_seconds"] for m in runs)
                extra = f" (median load {loads:.3f} s + compute {fits:.3f} s)"
            command = " ".join(short(a) for a in s["commands"].get(tool.name, []))
            lines.append(f"- {tool.name}: {tool.note}. Runs: {times}{extra}. `{command}`")
        if s["check"]:
            lines += ["", f"Check: {s['check']}."]
        ratios = baseline_ratios(s)
        if ratios:
            lines += ["", "Against the baseline build (median over median; above 1: slower than the baseline):", ""]
            lines += [f"- {line}" for line in ratios]
        lines.append("")
    return "\n".join(lines)


def raw_results(sections) -> str:
    """Every measurement as plain text, for when `render` fails."""
    lines = ["# Benchmarks (raw measurements; the report could not be rendered)", ""]
    for s in sections:
        lines.append(f"## {s['workload'].name}")
        for name, runs in (s.get("results") or {}).items():
            lines.append(f"- {name}: " + ", ".join(f"{m.seconds:.3f} s / {m.peak_rss_kb / 1024:.0f} MB" for m in runs))
        lines += s.get("markdown") or []
        if s.get("check"):
            lines.append(f"Check: {s['check']}")
        lines.append("")
    return "\n".join(lines)


def short(arg: str) -> str:
    """Paths relative to the repository root, so the command lines read as typed there."""
    try:
        return str(pathlib.Path(arg).absolute().relative_to(ROOT)) if "/" in arg else arg
    except ValueError:
        return "python" if arg == sys.executable else arg


if __name__ == "__main__":
    sys.exit(main())
