"""Accuracy of every intrinsic-dimension estimator on scikit-dimension's 24 benchmark manifolds.

Inputs: `mindspace generate NAME --n 2500 --seed SEED` for each of the 24 BenchmarkManifolds
(M1_Sphere ... Mp3_Paraboloid, known d and D), one .npy each under bench/work/manifolds/.
For each estimator pair (PAIRS below: a `mindspace id --estimator NAME` and the scikit-dimension
call that estimates the same quantity) both tools see the SAME points:

- mindspace: one process per manifold, `mindspace id FILE --estimator NAME --json`, wall time of
  the whole process (start, reading, estimating, writing id.json) measured around it;
- scikit-dimension: one Python process per estimator (bench/peers/skdim_id.py) that loads each
  .npy and fits it, timed inside Python per manifold (imports and interpreter start excluded).

Reported per estimator: the mean relative error |d̂ − d| / d over the 24 manifolds (ours and
skdim's), the CI coverage (the fraction of manifolds whose true d lies inside mindspace's
confidence interval) and the total time of each tool. One run each: this workload is about
accuracy; the times are recorded but are single runs (noisy). A mindspace estimator that the
binary does not know yet (exit 64, "unknown estimator") is shown as "not yet available", so the
table fills in as estimators land; scikit-dimension's figures are computed regardless.

Set BENCH_ID_ESTIMATORS=twonn,mle,... to run only those pairs (development; BENCHMARKS.md then
shows only those rows). scikit-dimension's ESS needs about 50 minutes of CPU for the 24 sets
(5000 sampled simplices in each of 2500 × 24 neighbourhoods), so it runs only with
BENCH_ID_SLOW_PEERS=1; its row says so otherwise. So do scikit-dimension's local-PCA versions
other than FO (`fit_pw` fits 60000 neighbourhoods one by one: 7 minutes per version on the
loaded 2-core machine this was written on).

Files: bench/work/id-accuracy/results.json and results.csv (per manifold and estimator),
readme-table.md (the table for README.md, also printed at the end of the run). To re-render that
table from the last run without rerunning (e.g. only some families: see FAMILY_TITLES):
  cd bench && python -c "import json, workloads.id_accuracy as w; \
    print(w.readme_table(json.load(open('work/id-accuracy/results.json'))['summary']))"
"""
from __future__ import annotations

import csv
import dataclasses
import json
import math
import os
import pathlib
import re
import subprocess
import sys
from typing import Optional

from harness import OPENBLAS_TUNING, RunContext, Tool, Workload, json_report, measure, tool_environment

N_POINTS = 2500
#: The ID accuracy target of `auto` (mean relative error over the 24 manifolds), from the issue.
AUTO_TARGET = 0.08


@dataclasses.dataclass(frozen=True)
class Pair:
    """One row: mindspace's estimator and scikit-dimension's counterpart on the same points."""

    label: str                  # how the tables name the row
    ours: tuple                 # mindspace `--estimator` names, first one the binary knows is used
    peer: Optional[str]         # key of bench/peers/skdim_id.py ESTIMATORS (None: no counterpart)
    family: str
    #: scikit-dimension's estimator takes too long for every `make bench` (minutes of CPU per
    #: manifold); it runs only with BENCH_ID_SLOW_PEERS=1.
    slow_peer: str = ""


FAMILY_TITLES = {
    "neighbour": "Nearest-neighbour estimators",
    "global": "Graph, correlation, angle and separability estimators",
    "pca": "PCA of the whole point set",
    "lpca": "Local PCA (each point's 100 nearest neighbours, mean over points)",
    "auto": "Automatic choice",
}

_PCA_RULES = [("fo", "FO"), ("ratio", "ratio"), ("pr", "participation_ratio"), ("mp", "MP"),
              ("maxgap", "maxgap"), ("kaiser", "Kaiser"), ("broken-stick", "broken_stick"), ("fan", "Fan")]

PAIRS = [
    Pair("TwoNN", ("twonn",), "TwoNN", "neighbour"),
    Pair("TwoNN-MLE", ("twonn-mle",), "TwoNN-mle", "neighbour"),
    Pair("GRIDE", ("gride",), "GRIDE", "neighbour"),
    Pair("MLE k=20", ("mle",), "MLE", "neighbour"),
    Pair("MOM", ("mom",), "MOM", "neighbour"),
    Pair("TLE", ("tle",), "TLE", "neighbour"),
    Pair("MADA", ("mada",), "MADA", "neighbour"),
    Pair("KNN", ("knn",), "KNN", "global"),
    Pair("CorrInt", ("corrint",), "CorrInt", "global"),
    Pair("ESS", ("ess",), "ESS", "global",
         slow_peer="≈ 50 min of CPU: 5000 sampled simplices in each of the 60000 neighbourhoods"),
    Pair("MiND-ML (MLk)", ("mind-mlk", "mind_ml", "mind-ml"), "MiND_ML", "global"),
    Pair("MiND-ML (MLi)", ("mind-mli",), "MiND_ML-MLi", "global"),
    Pair("FisherS", ("fishers",), "FisherS", "global"),
    Pair("DANCo", ("danco",), "DANCo", "global"),
    *[Pair(f"PCA-{rule}", (f"pca-{rule}",), f"lPCA-{ver}", "pca") for rule, ver in _PCA_RULES],
    *[Pair(f"lPCA-{rule}", (f"lpca-{rule}",), f"lPCA-{ver}-local", "lpca",
           slow_peer="" if rule == "fo" else "several minutes each: 60000 neighbourhood fits through skdim's fit_pw")
      for rule, ver in _PCA_RULES],
    Pair("auto", ("auto",), None, "auto"),
]

#: Rows of the per-manifold headline table in BENCHMARKS.md.
HEADLINE = ["TwoNN", "MLE k=20", "DANCo", "auto"]


def prepare(work: pathlib.Path, seed: int) -> dict:
    # The manifolds are written by `mindspace generate` inside run() (it needs the binary).
    return {"input": work / "manifolds", "size_mb": 0.0, "seed": seed}


# ---------------------------------------------------------------------------------------------
# Running


def run(ctx: RunContext) -> dict:
    seed = ctx.inputs["seed"]
    folder = pathlib.Path(ctx.inputs["input"])
    manifolds = generate_manifolds(ctx.mindspace, folder, seed)
    names = [m["name"] for m in manifolds]
    known = known_estimators(ctx.mindspace, folder / f"{names[0]}.npy")
    only = {s.strip() for s in os.environ.get("BENCH_ID_ESTIMATORS", "").split(",") if s.strip()}
    pairs = [p for p in PAIRS if not only or set(p.ours) & only or p.label in only]

    rows = []  # one per (pair, manifold)
    summary = []
    for pair in pairs:
        ours_name = next((n for n in pair.ours if known is None or n in known), None)
        ours = run_ours(ctx, pair, ours_name, folder, names, seed) if ours_name else None
        peer = None
        if pair.peer and pair.slow_peer and os.environ.get("BENCH_ID_SLOW_PEERS") != "1":
            peer = {"results": {}, "skipped": f"not run ({pair.slow_peer}; set BENCH_ID_SLOW_PEERS=1)"}
        elif pair.peer:
            peer = run_peer(ctx, pair, folder, names)
        summary.append(summarise(pair, ours_name, ours, peer, manifolds))
        for m in manifolds:
            o = (ours or {}).get("results", {}).get(m["name"], {})
            p = (peer or {}).get("results", {}).get(m["name"], {})
            rows.append({"estimator": pair.label, "mindspace_name": ours_name or "",
                         "skdim_call": (peer or {}).get("call", ""), "manifold": m["name"],
                         "d": m["d"], "D": m["D"],
                         "ours": o.get("dimension"), "ci_low": (o.get("ci") or [None, None])[0],
                         "ci_high": (o.get("ci") or [None, None])[1], "ours_seconds": o.get("seconds"),
                         "ours_error": o.get("error"), "reported_as": o.get("reported_as"),
                         "skdim": p.get("dimension"), "skdim_seconds": p.get("seconds"),
                         "skdim_error": p.get("error") or non_finite(p.get("dimension"))})
            rows[-1]["ours_error"] = rows[-1]["ours_error"] or non_finite(o.get("dimension"))

    out = ctx.work / "id-accuracy"
    out.mkdir(exist_ok=True)
    (out / "results.json").write_text(json.dumps({"n": N_POINTS, "seed": seed, "manifolds": manifolds,
                                                  "summary": summary, "rows": rows}, indent=1))
    with open(out / "results.csv", "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0].keys()) if rows else ["estimator"])
        writer.writeheader()
        writer.writerows(rows)
    readme = readme_table(summary, seed)
    (out / "readme-table.md").write_text(readme + "\n")
    failed = [s["label"] for s in summary if s.get("ours_failures") == len(manifolds)]
    return {"markdown": markdown(summary, rows, manifolds, seed, ctx),
            "ok": not failed,
            "print": "README table (bench/work/id-accuracy/readme-table.md):\n\n" + readme}


def non_finite(value) -> Optional[str]:
    """Why an estimate that was returned is unusable (NaN or infinite), else None."""
    return f"returned {value}" if isinstance(value, float) and not math.isfinite(value) else None


def generate_manifolds(mindspace: pathlib.Path, folder: pathlib.Path, seed: int) -> list:
    """The 24 benchmark manifolds as .npy files (regenerated unless present with this n and seed);
    returns [{"name", "d", "D"}] in the catalogue's order."""
    listing = subprocess.run([str(mindspace), "generate", "list", "--json"], capture_output=True, text=True)
    if listing.returncode != 0:
        raise RuntimeError(f"`mindspace generate list --json` exited {listing.returncode}: {listing.stderr.strip()}")
    catalogue = [g for g in json.loads(listing.stdout)["generators"] if g["kind"] == "benchmark"]
    folder.mkdir(parents=True, exist_ok=True)
    manifolds = []
    for entry in catalogue:
        name = entry["name"]
        report = folder / f"{name}.json"
        current = json.loads(report.read_text()) if report.exists() else {}
        if not ((folder / f"{name}.npy").exists() and current.get("n") == N_POINTS and current.get("seed") == seed):
            done = subprocess.run([str(mindspace), "generate", name, "--n", str(N_POINTS), "--seed", str(seed),
                                   "--out", str(folder), "--json"], capture_output=True, text=True)
            if done.returncode != 0:
                raise RuntimeError(f"`mindspace generate {name}` exited {done.returncode}: {done.stderr.strip()}")
            current = json.loads(done.stdout)
        manifolds.append({"name": name, "d": int(current.get("true_id", entry["d"])),
                          "D": int(current.get("d", entry["D"]))})
    return manifolds


def known_estimators(mindspace: pathlib.Path, some_file: pathlib.Path) -> Optional[set]:
    """The names `mindspace id --estimator` accepts, read from its usage error for an unknown
    name ("unknown estimator 'x'; choose from: a, b, all"); None if that message is not found
    (then every name is tried and exit 64 marks it unavailable)."""
    probe = subprocess.run([str(mindspace), "id", str(some_file), "--estimator", "__bench_probe__"],
                           capture_output=True, text=True)
    found = re.search(r"choose from: ([^\n]*)", probe.stderr)
    if probe.returncode != 64 or not found:
        return None
    return {n.strip().rstrip(".") for n in found.group(1).split(",")} - {"all"}


def run_ours(ctx: RunContext, pair: Pair, name: str, folder: pathlib.Path, names: list, seed: int) -> dict:
    """mindspace on every manifold; {"results": {manifold: {...}}, "unavailable": bool}."""
    tool = Tool("mindspace", lambda c: [], is_mindspace=True)
    results = {}
    for manifold in names:
        out = ctx.out / "mindspace" / name / manifold
        out.mkdir(parents=True, exist_ok=True)
        argv = [str(ctx.mindspace), "id", str(folder / f"{manifold}.npy"), "--estimator", name,
                "--seed", str(seed), "--out", str(out), "--json"]
        m = measure(argv, tool_environment(tool), ctx.root)
        if m.returncode == 64 and "unknown estimator" in m.stderr:
            return {"results": {}, "unavailable": True}
        if m.returncode != 0:
            tail = (m.stderr.strip().splitlines() or ["no stderr"])[-1]
            results[manifold] = {"error": f"exit {m.returncode}: {tail}"[:300], "seconds": m.seconds}
            continue
        report = json.loads(m.stdout)
        estimates = report.get("estimates") or []
        chosen = next((e for e in estimates if e.get("estimator") == name), estimates[0] if estimates else None)
        if chosen is None:
            results[manifold] = {"error": "no estimate in the report", "seconds": m.seconds}
            continue
        results[manifold] = {"dimension": chosen["dimension"], "ci": chosen.get("ci"),
                             "reported_as": chosen.get("estimator"), "parameters": chosen.get("parameters"),
                             "seconds": m.seconds, "peak_rss_kb": m.peak_rss_kb}
    print(f"bench: id-accuracy: mindspace {name}: {sum(r.get('seconds', 0) for r in results.values()):.1f} s",
          file=sys.stderr)
    return {"results": results, "unavailable": False}


def run_peer(ctx: RunContext, pair: Pair, folder: pathlib.Path, names: list) -> dict:
    tool = Tool("skdim", lambda c: [], env_unset=OPENBLAS_TUNING)
    argv = [ctx.python, str(ctx.root / "bench" / "peers" / "skdim_id.py"), "--estimator", pair.peer,
            "--manifolds", str(folder), "--names", ",".join(names)]
    m = measure(argv, tool_environment(tool), ctx.root)
    if m.returncode != 0:
        tail = (m.stderr.strip().splitlines() or ["no stderr"])[-1]
        print(f"bench: id-accuracy: skdim {pair.peer} FAILED: {tail}", file=sys.stderr)
        return {"results": {}, "failed": f"exit {m.returncode}: {tail}"}
    report = json_report(m.stdout) or {}
    print(f"bench: id-accuracy: skdim {pair.peer}: {report.get('seconds', 0):.1f} s", file=sys.stderr)
    return report


# ---------------------------------------------------------------------------------------------
# Summaries and tables


def relative_errors(results: dict, manifolds: list) -> list:
    errors = []
    for m in manifolds:
        value = results.get(m["name"], {}).get("dimension")
        if value is not None and math.isfinite(value):
            errors.append(abs(value - m["d"]) / m["d"])
    return errors


def summarise(pair: Pair, ours_name: Optional[str], ours: Optional[dict], peer: Optional[dict],
              manifolds: list) -> dict:
    total = len(manifolds)
    s = {"label": pair.label, "family": pair.family, "mindspace_name": ours_name or pair.ours[0], "skdim_call": None,
         "available": bool(ours and not ours.get("unavailable")), "manifolds": total}
    if s["available"]:
        results = ours["results"]
        errors = relative_errors(results, manifolds)
        covered = [m for m in manifolds
                   if results.get(m["name"], {}).get("ci")
                   and results[m["name"]]["ci"][0] <= m["d"] <= results[m["name"]]["ci"][1]]
        with_ci = [m for m in manifolds if results.get(m["name"], {}).get("ci")]
        s.update(ours_error=sum(errors) / len(errors) if errors else None, ours_count=len(errors),
                 ours_failures=total - len(errors),
                 coverage=len(covered) / len(with_ci) if with_ci else None, coverage_count=len(covered),
                 ours_seconds=sum(r.get("seconds", 0.0) for r in results.values()),
                 ours_peak_rss_mb=max((r.get("peak_rss_kb", 0) for r in results.values()), default=0) / 1024)
        reported = {r.get("reported_as") for r in results.values() if r.get("reported_as")}
        if reported - {ours_name}:
            s["reported_as"] = sorted(reported)
    if peer is not None:
        errors = relative_errors(peer.get("results", {}), manifolds)
        s.update(skdim_call=peer.get("call"), skdim_error=sum(errors) / len(errors) if errors else None,
                 skdim_count=len(errors), skdim_seconds=peer.get("seconds"), skdim_failed=peer.get("failed"),
                 skdim_skipped=peer.get("skipped"))
    return s


def _error(value, count, total) -> str:
    if value is None:
        return "—"
    return f"{value:.3f}" + ("" if count == total else f" ({count}/{total})")


def _seconds(value) -> str:
    return "—" if value is None else (f"{value:.1f}" if value >= 10 else f"{value:.2f}")


def readme_table(summary: list, seed: int = 0, families: Optional[list] = None) -> str:
    """The Markdown table README.md shows: mean relative error |d̂ − d|/d over the 24 manifolds
    (n = 2500, seed `seed`) per estimator, mindspace beside scikit-dimension on the same points,
    mindspace's CI coverage and both total times. `families` (keys of FAMILY_TITLES) limits the
    rows; estimators mindspace does not have yet say "not yet available"."""
    lines = ["| estimator | MindSpace | error | CI covers d | time | scikit-dimension 0.5.0 | error | time |",
             "|---|---|---:|---:|---:|---|---:|---:|"]
    for s in summary:
        if families and s["family"] not in families:
            continue
        total = s["manifolds"]
        if s["available"]:
            name = f"`{s['mindspace_name']}`"
            ours = _error(s.get("ours_error"), s.get("ours_count"), total)
            if s["family"] == "auto" and s.get("ours_error") is not None:
                ours += f" (target ≤ {AUTO_TARGET})"
            coverage = f"{s['coverage_count']}/{total}" if s.get("coverage") is not None else "—"
            ours_time = _seconds(s.get("ours_seconds")) + " s"
        else:
            name, ours, coverage, ours_time = f"`{s['mindspace_name']}`: not yet available", "—", "—", "—"
        if s.get("skdim_skipped"):
            peer_name, peer, peer_time = "not run here (slow)", "—", "—"
        elif s.get("skdim_call"):
            peer_name = f"`{s['skdim_call']}`"
            peer = _error(s.get("skdim_error"), s.get("skdim_count"), total)
            peer_time = _seconds(s.get("skdim_seconds")) + " s"
        else:
            peer_name, peer, peer_time = "—", "—", "—"
        lines.append(f"| {s['label']} | {name} | {ours} | {coverage} | {ours_time} | {peer_name} | {peer} | {peer_time} |")
    lines.append("")
    lines.append(f"Mean relative error |d̂ − d| / d over scikit-dimension's 24 benchmark manifolds "
                 f"(`mindspace generate NAME --n {N_POINTS} --seed {seed}`; both libraries estimate on the same "
                 f"points, each with its default parameters); CI covers d: manifolds whose true d lies in "
                 f"MindSpace's 95% interval; time: all 24 sets, one run (MindSpace: whole processes; "
                 f"scikit-dimension: load + fit inside Python). Produced by "
                 f"`./bench/run.sh --workloads id-accuracy` (details in BENCHMARKS.md).")
    return "\n".join(lines)


def markdown(summary: list, rows: list, manifolds: list, seed: int, ctx: RunContext) -> list:
    total = len(manifolds)
    lines = ["| estimator | mindspace `--estimator` | scikit-dimension 0.5.0 | mean rel. error mindspace | "
             "mean rel. error skdim | mindspace CI covers d | mindspace s (24 sets) | skdim s (24 sets) |",
             "|---|---|---|---:|---:|---:|---:|---:|"]
    for s in summary:
        if s["available"]:
            ours_name = f"`{s['mindspace_name']}`" + (f" (reports {', '.join(s['reported_as'])})"
                                                       if s.get("reported_as") else "")
            ours_err = _error(s.get("ours_error"), s.get("ours_count"), total)
            coverage = f"{s['coverage_count']}/{total}" if s.get("coverage") is not None else "—"
            ours_s = _seconds(s.get("ours_seconds"))
        else:
            ours_name, ours_err, coverage, ours_s = f"`{s['mindspace_name']}`: not yet available", "—", "—", "—"
        peer_call = (f"`{s['skdim_call']}`" if s.get("skdim_call") else
                     f"failed: {s['skdim_failed']}" if s.get("skdim_failed") else
                     s["skdim_skipped"] if s.get("skdim_skipped") else "—")
        lines.append(f"| {s['label']} | {ours_name} | {peer_call} | {ours_err} | "
                     f"{_error(s.get('skdim_error'), s.get('skdim_count'), total)} | {coverage} | {ours_s} | "
                     f"{_seconds(s.get('skdim_seconds'))} |")
    auto = next((s for s in summary if s["family"] == "auto"), None)
    if auto and auto["available"] and auto.get("ours_error") is not None:
        verdict = "met" if auto["ours_error"] <= AUTO_TARGET else "NOT met"
        lines += ["", f"Target for `auto`: mean relative error ≤ {AUTO_TARGET}: {verdict} ({auto['ours_error']:.3f})."]
    failures = [(r["estimator"], r["manifold"], r["ours_error"]) for r in rows if r.get("ours_error")]
    failures += [(r["estimator"] + " (skdim)", r["manifold"], r["skdim_error"]) for r in rows if r.get("skdim_error")]
    lines += ["",
              "- One run per tool and manifold: this workload measures accuracy; the times are single runs "
              "on whatever load the machine had (see the load average above) and only indicative. "
              "mindspace's time is the sum of its 24 processes (start, read, estimate, write `id.json`); "
              "scikit-dimension's is the sum of `np.load` + fit inside one Python process (no interpreter "
              "start, no imports).",
              f"- Inputs: `mindspace generate NAME --n {N_POINTS} --seed {seed}` → `bench/work/manifolds/NAME.npy` "
              "(float64); both tools read these files. mindspace: `mindspace id FILE --estimator NAME "
              f"--seed {seed} --json` with each estimator's default parameters (95% intervals). scikit-dimension: "
              "the call shown, with its defaults (`bench/peers/skdim_id.py` documents how local estimators are pooled).",
              "- Relative error |d̂ − d| / d; a count like (23/24) means the estimator gave no finite value on the "
              "other manifolds (listed below), and the mean is over those it answered.",
              "- Per manifold and estimator: `bench/work/id-accuracy/results.csv` (and `results.json`)."]
    if failures:
        lines += ["", "Failures:", ""]
        lines += [f"- {e} on {m}: {why}" for e, m, why in failures]
    lines += ["", "Per manifold (mindspace / scikit-dimension):", ""]
    lines += per_manifold_table([s for s in summary if s["label"] in HEADLINE], rows, manifolds)
    families = [f for f in FAMILY_TITLES if any(s["family"] == f and s["available"] for s in summary)]
    for family in families:
        chosen = [s for s in summary if s["family"] == family and s["available"]]
        lines += ["", f"<details><summary>{FAMILY_TITLES[family]}, per manifold</summary>", ""]
        lines += per_manifold_table(chosen, rows, manifolds)
        lines += ["", "</details>"]
    return lines


def per_manifold_table(chosen: list, rows: list, manifolds: list) -> list:
    if not chosen:
        return ["(no estimator of this group ran)"]
    index = {(r["estimator"], r["manifold"]): r for r in rows}
    header = "| manifold | d | D | " + " | ".join(s["label"] for s in chosen) + " |"
    lines = [header, "|---|---:|---:|" + "---:|" * len(chosen)]

    def value(v):
        return "—" if v is None or not math.isfinite(v) else f"{v:.2f}"

    for m in manifolds:
        cells = []
        for s in chosen:
            r = index.get((s["label"], m["name"]), {})
            ours = value(r.get("ours")) if s["available"] else "n/a"
            cells.append(f"{ours} / {value(r.get('skdim'))}" if s.get("skdim_call") else ours)
        lines.append(f"| {m['name']} | {m['d']} | {m['D']} | " + " | ".join(cells) + " |")
    lines.append("| **mean rel. error** | | | " + " | ".join(
        f"{_error(s.get('ours_error'), s.get('ours_count'), len(manifolds))}"
        + (f" / {_error(s.get('skdim_error'), s.get('skdim_count'), len(manifolds))}" if s.get("skdim_call") else "")
        for s in chosen) + " |")
    return lines


WORKLOAD = Workload(
    name="id-accuracy",
    title=f"intrinsic dimension on the 24 benchmark manifolds (n = {N_POINTS})",
    description=("scikit-dimension's 24 BenchmarkManifolds (known d, D from 3 to 96), generated by "
                 "`mindspace generate`; every mindspace estimator and its scikit-dimension counterpart "
                 "estimate d on the same points. Accuracy, not speed: one run each."),
    prepare=prepare,
    tools=[],
    reference="",
    mindspace_command="id",
    custom=run,
)
