"""Computes the hidden layer of every shipped training run on all 1797 digits: representations
of the same inputs by six real models, for `mindspace compare` (and to check the demo, which
computes the same activations itself).

Run with NumPy 1.26.4 and safetensors 0.8.0 (VERSIONS.txt records what made the shipped files):
    python datasets/make_digit_representations.py

For each run in datasets/trajectories/runs/subset{S}-seed{K}/, its final checkpoint
(epoch_20.safetensors) gives h = ReLU(x·W₁ᵀ + b₁), x = pixels / 16 (float32), exactly the forward
pass of make_trajectories.py, computed in float32 with the same operation order as the demo
(sum over the 64 pixels of (x/16)·w in pixel order, then + b, then ReLU).

Writes into datasets/digit-representations/:
    subset{S}-seed{K}.npy   1797 × 32 float32, rows in the order of digits.npy
    factors.tsv             run, data (subset0/subset1), seed (seed0/1/2): the design a
                            PERMANOVA decomposes (runs with the same seed share their
                            initialisation; runs with the same subset, their training data)
    VERSIONS.txt
"""
import platform
from pathlib import Path

import numpy as np
import safetensors
from safetensors.numpy import load_file

HERE = Path(__file__).resolve().parent
RUNS = HERE / "trajectories" / "runs"
OUT = HERE / "digit-representations"


def hidden(images, weight, bias):
    x = images / np.float32(16)
    out = np.zeros((len(images), weight.shape[0]), dtype=np.float32)
    # Pixel by pixel, in order, as the demo's Swift loop accumulates (float32 sums).
    for pixel in range(images.shape[1]):
        out += x[:, pixel:pixel + 1] * weight[:, pixel][None, :]
    return np.maximum(out + bias[None, :], np.float32(0))


def main():
    images = np.load(HERE / "digits.npy").astype(np.float32)
    OUT.mkdir(exist_ok=True)
    rows = ["run\tdata\tseed"]
    for run in sorted(p.name for p in RUNS.iterdir() if p.is_dir()):
        tensors = load_file(str(RUNS / run / "epoch_20.safetensors"))
        h = hidden(images, tensors["fc1.weight"], tensors["fc1.bias"])
        np.save(OUT / f"{run}.npy", h)
        subset, seed = run.split("-")
        rows.append(f"{run}\t{subset}\t{seed}")
        print(run, h.shape, f"dead units {(h.max(axis=0) == 0).sum()}")
    (OUT / "factors.tsv").write_text("\n".join(rows) + "\n")
    (OUT / "VERSIONS.txt").write_text(f"python=={platform.python_version()}\nnumpy=={np.__version__}\n"
                                      f"safetensors=={safetensors.__version__}\n")


if __name__ == "__main__":
    main()
