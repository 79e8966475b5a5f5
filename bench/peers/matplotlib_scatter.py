"""Peer for the render workload: matplotlib's Agg scatter of labelled 2-D points to a PNG.

Times loading (`np.load` + the labels file) and drawing (figure, one `scatter(s=1, alpha=0.3,
linewidths=0)` call per group in that group's colour, `savefig`) INSIDE this process, after the
imports: interpreter start and `import numpy/matplotlib` are excluded.

Why this form: it was the fastest of the forms we tried with matplotlib 3.11.2 (so the stricter
reference). In our CPU-time measurements one scatter with per-point colours (`c=` an N × 4
array) was about 7× slower, and the default marker edge (`linewidths` unset: a 1.5 pt edge in the
face colour) about doubled the time and made the dots fatter. Groups are drawn in label order, so the
last group lies on top where groups overlap.

Prints one JSON line:
  {"seconds", "load_seconds", "fit_seconds" (= drawing and saving), "n", "groups", "image",
   "width", "height"}
"""
import argparse
import json
import time

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

#: Okabe–Ito, the colours mindspace gives up to eight groups (in label order).
OKABE_ITO = ["#0072B2", "#D55E00", "#009E73", "#E69F00", "#56B4E9", "#CC79A7", "#F0E442", "#000000"]


def group_codes(labels):
    """(sorted distinct labels, each point's index into them): a dict pass, O(n), much faster
    than np.unique's sort of a million strings."""
    first_seen = {}
    codes = np.fromiter((first_seen.setdefault(label, len(first_seen)) for label in labels),
                        dtype=np.intp, count=len(labels))
    names = sorted(first_seen)
    remap = np.empty(len(names), dtype=np.intp)
    for rank, name in enumerate(names):
        remap[first_seen[name]] = rank
    return names, remap[codes]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("input", help="N × 2 .npy")
    parser.add_argument("labels", help="one group label per line")
    parser.add_argument("--out", required=True, help="the PNG to write")
    parser.add_argument("--width", type=int, default=1600)
    parser.add_argument("--height", type=int, default=1200)
    parser.add_argument("--dpi", type=float, default=200)
    args = parser.parse_args()

    start = time.perf_counter()
    points = np.load(args.input)
    with open(args.labels, encoding="utf-8") as f:
        labels = f.read().splitlines()
    names, codes = group_codes(labels)
    loaded = time.perf_counter()

    palette = matplotlib.colors.to_rgba_array([OKABE_ITO[i % len(OKABE_ITO)] for i in range(len(names))])
    fig = plt.figure(figsize=(args.width / args.dpi, args.height / args.dpi), dpi=args.dpi)
    ax = fig.add_subplot()
    for group, name in enumerate(names):
        members = codes == group
        ax.scatter(points[members, 0], points[members, 1], s=1, alpha=0.3, color=palette[group],
                   linewidths=0, label=name)
    ax.set_title("render benchmark — matplotlib")
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.legend(loc="upper right", markerscale=8)
    fig.savefig(args.out)
    done = time.perf_counter()
    plt.close(fig)

    print(json.dumps({
        "seconds": done - start,
        "load_seconds": loaded - start,
        "fit_seconds": done - loaded,
        "n": int(points.shape[0]),
        "groups": [str(n) for n in names],
        "image": str(args.out),
        "width": args.width,
        "height": args.height,
    }))


if __name__ == "__main__":
    main()
