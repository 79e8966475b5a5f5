#!/usr/bin/env python3
"""Mean relative error of `mindspace id` estimators on the 24 benchmark manifolds.

For every seed and every manifold this runs

    mindspace generate NAME --n N --seed SEED --json
    mindspace id NAME.npy --estimator E1 --estimator E2 ... --seed SEED --json

and prints, per estimator, |estimate - true d| / true d for each manifold and its mean over
the 24 manifolds (per seed and over all seeds), the share of intervals that contain the true d,
and the wall time of the id runs. Only the Python standard library is used.

Seed 0 is the README's held-out benchmark; develop and tune on other seeds, e.g.

    swift build -c release
    scripts/evaluate_auto.py --seeds 1,2,3,4,5            # development
    scripts/evaluate_auto.py --seeds 0                    # the held-out benchmark
    scripts/evaluate_auto.py --seeds 0 --json results.json

Options: --n (default 2500), --estimators (default auto,twonn,mle), --binary (default
.build/release/mindspace), --work (scratch folder, default a temporary one), --json (write
every estimate, interval and time to a file).
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

MANIFOLDS = [
    "M1_Sphere", "M2_Affine_3to5", "M3_Nonlinear_4to6", "M4_Nonlinear", "M5a_Helix1d", "M5b_Helix2d",
    "M6_Nonlinear", "M7_Roll", "M8_Nonlinear", "M9_Affine", "M10a_Cubic", "M10b_Cubic", "M10c_Cubic",
    "M10d_Cubic", "M11_Moebius", "M12_Norm", "M13a_Scurve", "M13b_Spiral", "Mbeta", "Mn1_Nonlinear",
    "Mn2_Nonlinear", "Mp1_Paraboloid", "Mp2_Paraboloid", "Mp3_Paraboloid",
]


def run_json(command):
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"failed ({result.returncode}): {' '.join(command)}\n{result.stderr.strip()}")
    return json.loads(result.stdout)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", default="1,2,3,4,5", help="comma-separated seeds (0 is the held-out benchmark)")
    parser.add_argument("--n", type=int, default=2500, help="points per manifold")
    parser.add_argument("--estimators", default="auto,twonn,mle", help="comma-separated estimator names")
    parser.add_argument("--binary", default=".build/release/mindspace", help="the mindspace executable")
    parser.add_argument("--work", default=None, help="scratch folder (default: a temporary one)")
    parser.add_argument("--json", default=None, help="write all results to this file")
    args = parser.parse_args()

    seeds = [int(s) for s in args.seeds.split(",") if s.strip()]
    estimators = [e.strip() for e in args.estimators.split(",") if e.strip()]
    if not os.path.exists(args.binary):
        sys.exit(f"{args.binary} not found: run 'swift build -c release' first or pass --binary")
    work = args.work or tempfile.mkdtemp(prefix="mindspace-evaluate-auto-")
    os.makedirs(work, exist_ok=True)

    records = []
    for seed in seeds:
        print(f"seed {seed}, n = {args.n}")
        print(f"  {'manifold':18s} {'d':>3s} " + " ".join(f"{e:>22s}" for e in estimators) + "   id time")
        for name in MANIFOLDS:
            folder = os.path.join(work, f"seed{seed}")
            generated = run_json([args.binary, "generate", name, "--n", str(args.n), "--seed", str(seed),
                                  "--out", folder, "--json", "--quiet"])
            truth = generated["true_id"]
            command = [args.binary, "id", generated["path"], "--seed", str(seed), "--json", "--quiet",
                       "--out", os.path.join(folder, f"{name}-id")]
            for estimator in estimators:
                command += ["--estimator", estimator]
            started = time.perf_counter()
            report = run_json(command)
            elapsed = time.perf_counter() - started
            by_name = {e["estimator"]: e for e in report["estimates"]}
            cells = []
            for estimator in estimators:
                estimate = by_name.get(estimator)
                if estimate is None:
                    cells.append(f"{'skipped':>22s}")
                    records.append(dict(seed=seed, manifold=name, truth=truth, estimator=estimator, dimension=None))
                    continue
                low, high = estimate["ci"]
                records.append(dict(seed=seed, manifold=name, truth=truth, estimator=estimator,
                                    dimension=estimate["dimension"], ci=[low, high], seconds=elapsed,
                                    relative_error=abs(estimate["dimension"] - truth) / truth,
                                    covered=low <= truth <= high))
                cells.append(f"{estimate['dimension']:7.2f} [{low:6.2f},{high:6.2f}]")
            print(f"  {name:18s} {truth:3d} " + " ".join(cells) + f"   {elapsed:5.2f} s", flush=True)

    print()
    print(f"mean relative error over the {len(MANIFOLDS)} manifolds (interval coverage of the true d)")
    header = f"  {'estimator':10s} " + " ".join(f"{'seed ' + str(s):>14s}" for s in seeds) + f" {'all seeds':>14s}"
    print(header)
    for estimator in estimators:
        cells = []
        for subset in [[s] for s in seeds] + [seeds]:
            rows = [r for r in records if r["estimator"] == estimator and r["seed"] in subset and r["dimension"] is not None]
            if len(rows) < len(MANIFOLDS) * len(subset):
                cells.append(f"{'incomplete':>14s}")
                continue
            error = sum(r["relative_error"] for r in rows) / len(rows)
            coverage = sum(r["covered"] for r in rows) / len(rows)
            cells.append(f"{error:7.3f} ({coverage:4.0%})")
        print(f"  {estimator:10s} " + " ".join(cells))
    seconds = sorted({(r["seed"], r["manifold"]): r.get("seconds", 0) for r in records}.values())
    print(f"id wall time per manifold (all estimators together): median {seconds[len(seconds) // 2]:.2f} s, "
          f"max {seconds[-1]:.2f} s")
    if args.json:
        with open(args.json, "w") as handle:
            json.dump(dict(n=args.n, seeds=seeds, estimators=estimators, records=records), handle, indent=1)


if __name__ == "__main__":
    main()
