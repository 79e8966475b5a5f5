"""Peer for the render workload: datashader's categorical density image of labelled 2-D points.

`Canvas(width, height).points(df, "x", "y", agg=count_cat("group"))`, `tf.shade` (histogram
equalisation, one colour per group), `tf.set_background("white")` and a PNG export: the
datashader-style rendering that umap.plot uses for large N. The image is the data area only
(no axes, title or legend).

numba compiles datashader's kernels on the first pass, so the whole pass (load + aggregate +
shade + export) runs twice in this process and the SECOND is the reported time; the first (cold)
is reported as `first_seconds`. Imports are excluded. Prints one JSON line:
  {"seconds", "load_seconds", "fit_seconds", "first_seconds", "n", "groups", "image", ...}
"""
import argparse
import json
import time

import datashader as ds
import datashader.transfer_functions as tf
import numpy as np
import pandas as pd

#: Okabe–Ito, the colours mindspace gives up to eight groups (in label order).
OKABE_ITO = ["#0072B2", "#D55E00", "#009E73", "#E69F00", "#56B4E9", "#CC79A7", "#F0E442", "#000000"]


def one_pass(args):
    """Load, aggregate, shade, export; returns (load seconds, total seconds, group names)."""
    start = time.perf_counter()
    points = np.load(args.input)
    with open(args.labels, encoding="utf-8") as f:
        labels = f.read().splitlines()
    frame = pd.DataFrame({"x": points[:, 0], "y": points[:, 1],
                          "group": pd.Categorical(labels)})
    loaded = time.perf_counter()
    names = list(frame["group"].cat.categories)
    canvas = ds.Canvas(plot_width=args.width, plot_height=args.height)
    counts = canvas.points(frame, "x", "y", agg=ds.count_cat("group"))
    key = {name: OKABE_ITO[i % len(OKABE_ITO)] for i, name in enumerate(names)}
    image = tf.set_background(tf.shade(counts, color_key=key, how="eq_hist"), "white")
    image.to_pil().save(args.out)
    done = time.perf_counter()
    return loaded - start, done - start, names, len(frame)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("input", help="N × 2 .npy")
    parser.add_argument("labels", help="one group label per line")
    parser.add_argument("--out", required=True, help="the PNG to write")
    parser.add_argument("--width", type=int, default=1600)
    parser.add_argument("--height", type=int, default=1200)
    parser.add_argument("--dpi", type=float, default=200, help="unused (datashader draws pixels)")
    args = parser.parse_args()

    _, first, _, _ = one_pass(args)       # cold: includes numba's compilation
    load, total, names, n = one_pass(args)  # warm: the reported time

    print(json.dumps({
        "seconds": total,
        "load_seconds": load,
        "fit_seconds": total - load,
        "first_seconds": first,
        "n": n,
        "groups": [str(g) for g in names],
        "image": str(args.out),
        "width": args.width,
        "height": args.height,
        "datashader": ds.__version__,
    }))


if __name__ == "__main__":
    main()
