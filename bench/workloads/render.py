"""Rendering: 1,000,000 labelled 2-D points to a 1600 × 1200 PNG.

Input: a seeded mixture of five groups (four Gaussian blobs of different sizes and shapes and a
thin ring), rows shuffled so the groups are interleaved, saved as an N × 2 float64 `.npy` plus a
labels file with one group name per line (TensorBoard metadata.tsv, single column, no header).

The project's target (rendering issue): mindspace's whole `project` process at ≤ 0.5× the time of
matplotlib's Agg `scatter(s=1, alpha=0.3)` + `savefig` measured in the same run.
"""
import importlib.util
import json
import pathlib
import struct

import numpy as np

from harness import Tool, Workload, labelled_points_inputs, write_labelled_points

N, WIDTH, HEIGHT, DPI = 1_000_000, 1600, 1200, 200

#: (name, share of the points, centre, standard deviations along x and y, or None for the ring).
GROUPS = [
    ("blob-a", 0.30, (-6.0, 2.5), (1.3, 0.8)),
    ("blob-b", 0.25, (6.0, 2.5), (1.0, 1.0)),
    ("blob-c", 0.20, (-6.0, -2.5), (0.8, 1.1)),
    ("blob-d", 0.15, (6.0, -2.5), (1.2, 0.6)),
    ("ring", 0.10, (0.0, 0.0), None),
]
RING_RADIUS, RING_WIDTH = 2.5, 0.12


def prepare(work: pathlib.Path, seed: int) -> dict:
    stem = f"render_{N}x2_seed{seed}"
    path, labels, meta = work / f"{stem}.npy", work / f"{stem}_labels.tsv", work / f"{stem}.json"
    wanted = {"n": N, "seed": seed, "groups": [list(map(str, g)) for g in GROUPS],
              "ring": [RING_RADIUS, RING_WIDTH], "version": 1}
    if not (path.exists() and labels.exists() and meta.exists() and json.loads(meta.read_text()) == wanted):
        rng = np.random.default_rng(seed)
        counts = [int(round(share * N)) for _, share, _, _ in GROUPS]
        counts[-1] = N - sum(counts[:-1])
        parts, names = [], []
        for (name, _, centre, spread), count in zip(GROUPS, counts):
            if spread is None:
                angle = rng.uniform(0.0, 2.0 * np.pi, count)
                radius = RING_RADIUS + RING_WIDTH * rng.standard_normal(count)
                block = np.column_stack([radius * np.cos(angle), radius * np.sin(angle)])
            else:
                block = rng.standard_normal((count, 2)) * np.asarray(spread)
            parts.append(block + np.asarray(centre))
            names += [name] * count
        order = rng.permutation(N)
        write_labelled_points(path, labels, meta, np.ascontiguousarray(np.concatenate(parts)[order], dtype=np.float64),
                              np.asarray(names)[order], wanted)
    return labelled_points_inputs(path, labels)


def mindspace_command(ctx):
    return [ctx.mindspace, "project", ctx.inputs["input"], "--groups", ctx.inputs["labels"],
            "--method", "pca", "--width", str(WIDTH), "--height", str(HEIGHT), "--dpi", str(DPI),
            "--out", ctx.out, "--json"]


def peer_command(script, *extra):
    def command(ctx):
        return [ctx.python, ctx.root / "bench" / "peers" / script, ctx.inputs["input"],
                ctx.inputs["labels"], "--out", ctx.out / "figure.png",
                "--width", str(WIDTH), "--height", str(HEIGHT), "--dpi", str(DPI), *extra]
    return command


# ---- the check: PNG size from the IHDR chunk (struct), and a look at the pixels (Pillow) -----

def png_size(path: pathlib.Path):
    """(width, height) from the PNG signature and IHDR chunk, or None if it is not a PNG."""
    with open(path, "rb") as f:
        head = f.read(24)
    if len(head) < 24 or head[:8] != b"\x89PNG\r\n\x1a\n" or head[12:16] != b"IHDR":
        return None
    return struct.unpack(">II", head[16:24])


def png_pixels(path: pathlib.Path):
    """The image as an H × W × 3 uint8 array composited over white, decoded by Pillow (a
    dependency of matplotlib, so already in the bench venv); None if Pillow is missing."""
    try:
        from PIL import Image
    except ImportError:
        return None
    with Image.open(path) as image:
        rgba = np.asarray(image.convert("RGBA"), dtype=np.float32)
    alpha = rgba[..., 3:] / 255
    return (rgba[..., :3] * alpha + 255 * (1 - alpha)).round().astype(np.uint8)


#: The colours mindspace gives five groups (Okabe–Ito, in label order); the peers use the same.
OKABE_ITO = ["#0072B2", "#D55E00", "#009E73", "#E69F00", "#56B4E9"]


def srgb_to_linear(values):
    """sRGB-encoded values in 0…255 to linear light in 0…1 (IEC 61966-2-1)."""
    v = np.asarray(values, dtype=np.float32) / 255
    return np.where(v <= 0.04045, v / 12.92, ((v + 0.055) / 1.055) ** 2.4)


def group_pixels(image) -> list:
    """Pixels per group colour. A translucent or density-shaded pixel of one group over white is
    white + α·(colour − white): its "ink" (white − pixel) points the same way as the colour's,
    in sRGB values when the drawing blends in sRGB (matplotlib's Agg, datashader) and in linear
    light when it blends there (mindspace). A pixel counts for the group whose ink direction it
    matches best, in either encoding, when the cosine is ≥ 0.995 (≈ 6°, several times what 8-bit
    rounding does to a pixel with ≥ 10 % of the colour's ink) and its ink is ≥ 10 % of the
    colour's.
    Text and grid lines (grey: cosine ≤ 0.986 with every group in either encoding) and most
    mixtures of groups are not counted."""
    pixels = image.reshape(-1, 3)
    colors = np.array([[int(h[i:i + 2], 16) for i in (1, 3, 5)] for h in OKABE_ITO], dtype=np.float32)
    best_cosine = np.full((len(pixels), len(colors)), -1.0, dtype=np.float32)
    fraction = np.zeros_like(best_cosine)
    for ink, reference in ((255.0 - pixels.astype(np.float32), 255.0 - colors),
                           (1.0 - srgb_to_linear(pixels), 1.0 - srgb_to_linear(colors))):
        length = np.linalg.norm(ink, axis=1)
        norms = np.linalg.norm(reference, axis=1)
        cosine = (ink @ (reference / norms[:, None]).T) / np.maximum(length, 1e-9)[:, None]
        better = cosine > best_cosine
        best_cosine = np.where(better, cosine, best_cosine)
        fraction = np.where(better, length[:, None] / norms[None, :], fraction)
    best = np.argmax(best_cosine, axis=1)
    rows = np.arange(len(best))
    counted = (best_cosine[rows, best] >= 0.995) & (fraction[rows, best] >= 0.1)
    return [int(np.count_nonzero(counted & (best == g))) for g in range(len(colors))]


def check(outputs: dict) -> str:
    """Every tool's PNG: exists, is WIDTH × HEIGHT (IHDR read with struct), is not blank, and shows
    every group."""
    verdicts = []
    for tool, report in outputs.items():
        image_path = (report or {}).get("image")
        if not image_path or not pathlib.Path(image_path).exists():
            verdicts.append(f"{tool}: NO PNG")
            continue
        size = png_size(pathlib.Path(image_path))
        if size != (WIDTH, HEIGHT):
            verdicts.append(f"{tool}: WRONG SIZE {size}")
            continue
        pixels = png_pixels(pathlib.Path(image_path))
        if pixels is None:
            verdicts.append(f"{tool}: {WIDTH} × {HEIGHT}, pixels not checked (Pillow missing)")
            continue
        inked = float(np.mean(np.any(pixels < 250, axis=2)))
        per_group = group_pixels(pixels)
        missing = [GROUPS[i][0] for i, count in enumerate(per_group) if count < 100]
        state = "BLANK" if inked < 0.02 else ("MISSING " + ", ".join(missing)) if missing else "ok"
        verdicts.append(f"{tool}: {state} ({WIDTH} × {HEIGHT}, {100 * inked:.0f} % of pixels not white, "
                        f"pixels in each group's colour {'/'.join(str(c) for c in per_group)})")
    return "; ".join(verdicts) if verdicts else "not checked (no tool produced output)"


#: The density peer runs only where datashader is installed (bench/requirements.txt pins it; an
#: environment given with BENCH_VENV may lack it).
HAVE_DATASHADER = importlib.util.find_spec("datashader") is not None

DATASHADER = Tool(
    "datashader count_cat + shade (warm)", peer_command("datashader_density.py"), timing="reported",
    note="np.load + labels, then Canvas.points(count_cat) + tf.shade(eq_hist) + PNG export; the second "
         "pass in the process (after numba's compilation), timed inside Python")

WORKLOAD = Workload(
    name="render",
    title=f"Rendering, {N:,} points to a {WIDTH} × {HEIGHT} PNG",
    description=(
        f"A seeded mixture of {len(GROUPS)} labelled groups (four Gaussian blobs of 30/25/20/15 % of "
        f"the points and a thin ring of 10 %), rows shuffled, stored as an {N:,} × 2 float64 `.npy` "
        f"(16 MB) plus a labels file (one group name per line, 7 MB). Target of the rendering issue: "
        f"mindspace at ≤ 0.5× matplotlib's time. mindspace runs `project --method pca`: it reads both "
        f"files, does a 2-D PCA (so its picture is the data rotated or mirrored onto its principal "
        f"axes), draws in density mode (chosen automatically at this N: per-pixel counts, "
        f"count-weighted group colour, opacity by histogram equalisation), with axes, title and "
        f"legend, and writes projection.png, coordinates.npy and project.json. matplotlib draws the "
        f"raw points with the Agg backend on an 8 × 6 inch figure at {DPI} dpi, with axes, title and "
        f"legend: one `scatter(s=1, alpha=0.3, linewidths=0)` per group in the same five colours, "
        f"the fastest form we found (one scatter with a per-point `c=` colour array was several "
        f"times slower, and the default 1.5 pt marker edge about doubles the time), so the stricter "
        f"reference. datashader (a datashader-style "
        f"density image, what umap.plot uses for large N) aggregates `count_cat` on a {WIDTH} × "
        f"{HEIGHT} canvas, shades with histogram equalisation on white and exports the PNG: its image "
        f"is the data area only, without axes, title or legend, and it is timed on a second pass in "
        f"the same process, because numba compiles its kernels on the first (the cold first pass is "
        f"recorded in the peer's JSON as `first_seconds`)."
        + ("" if HAVE_DATASHADER else " datashader is not installed in this Python environment, so "
           "it was not measured (bench/requirements.txt pins it).")),
    prepare=prepare,
    tools=[
        Tool("mindspace", mindspace_command, timing="process", is_mindspace=True,
             note="whole process: start, read .npy and labels, 2-D PCA, density rendering, write projection.png, coordinates.npy and project.json, JSON report on stdout"),
        Tool("matplotlib Agg scatter(s=1, alpha=0.3)", peer_command("matplotlib_scatter.py"),
             timing="reported",
             note="np.load + labels, then figure + one scatter(s=1, alpha=0.3, linewidths=0) per group + legend + savefig (Agg), timed inside Python (no interpreter start, no imports)"),
    ] + ([DATASHADER] if HAVE_DATASHADER else []),
    reference="matplotlib Agg scatter(s=1, alpha=0.3)",
    mindspace_command="project",
    check=check,
)
