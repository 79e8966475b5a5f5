"""Trains a small multilayer perceptron on the real handwritten digits in this folder and saves a
checkpoint after every epoch: real training trajectories for `mindspace trajectory` and `batch`.

Run with NumPy 1.26.4, safetensors 0.8.0 and ml_dtypes 0.5.4 installed (other versions train
the same network but may round differently):
    python datasets/make_trajectories.py

Data: datasets/digits.npy (1797 images × 64 pixels, values 0–16) and datasets/digits-labels.tsv.
Pixels are divided by 16. A fixed, seeded split keeps 297 images as a test set; the other 1500
are cut into two disjoint training subsets of 750 images ("subset0", "subset1").

Model (PyTorch's names and layouts, so the files look like real checkpoints):
    fc1.weight 32×64, fc1.bias 32, ReLU, fc2.weight 10×32, fc2.bias 10, softmax cross-entropy;
    2410 float parameters, plus `step` (int64 scalar: optimiser steps so far), which analyses
    skip because it is an integer.
Initialisation as torch.nn.Linear: U(−1/√fan_in, 1/√fan_in) for weights and biases.
Training: minibatch SGD with momentum 0.9, learning rate 0.05, batch 25 (30 steps per epoch), 20
epochs, weight decay 1e-4, all in float32; the seed sets the initialisation and the shuffles.

Writes into datasets/trajectories/:
    runs/subset{S}-seed{K}/epoch_{E}.safetensors   S ∈ {0, 1}, K ∈ {0, 1, 2}, E = 0 (the
        initialisation) … 20, F32; names are NOT zero-padded, so natural order (epoch_2 before
        epoch_10) is needed to read them in training order. `__metadata__` has one key, `training`,
        holding JSON with the run, subset, seed, epoch and accuracies.
    bf16/subset0-seed0/epoch_{E}.safetensors       the same checkpoints as runs/subset0-seed0
        rounded to bfloat16 (round to nearest even, by ml_dtypes), as mixed-precision training
        would store them.
    training-log.tsv   run, epoch, mean training loss, training and test accuracy.
    VERSIONS.txt       python, numpy, safetensors and ml_dtypes versions used.
and prints a Markdown table of final accuracies (copied into the READMEs).
"""
import json
import platform
import shutil
from pathlib import Path

import ml_dtypes
import numpy as np
import safetensors
from safetensors.numpy import save_file

HERE = Path(__file__).resolve().parent
OUT = HERE / "trajectories"
EPOCHS = 20
HIDDEN = 32
BATCH = 25
LEARNING_RATE = np.float32(0.05)
MOMENTUM = np.float32(0.9)
WEIGHT_DECAY = np.float32(1e-4)
SEEDS = (0, 1, 2)
SUBSETS = (0, 1)
TEST_SIZE = 297
SPLIT_SEED = 2024


def load_digits():
    images = np.load(HERE / "digits.npy").astype(np.float32) / np.float32(16)
    labels = np.array([int(line) for line in (HERE / "digits-labels.tsv").read_text().split()], dtype=np.int64)
    assert images.shape == (1797, 64) and labels.shape == (1797,)
    return images, labels


def split(images, labels):
    order = np.random.default_rng(SPLIT_SEED).permutation(len(labels))
    test, train = order[:TEST_SIZE], order[TEST_SIZE:]
    half = len(train) // 2
    subsets = (train[:half], train[half:])
    return (images[test], labels[test]), [(images[s], labels[s]) for s in subsets]


def initial_parameters(rng):
    def linear(fan_in, fan_out):
        bound = 1 / np.sqrt(fan_in)
        weight = rng.uniform(-bound, bound, size=(fan_out, fan_in)).astype(np.float32)
        bias = rng.uniform(-bound, bound, size=(fan_out,)).astype(np.float32)
        return weight, bias

    w1, b1 = linear(64, HIDDEN)
    w2, b2 = linear(HIDDEN, 10)
    return {"fc1.weight": w1, "fc1.bias": b1, "fc2.weight": w2, "fc2.bias": b2}


def forward(params, x):
    hidden = np.maximum(x @ params["fc1.weight"].T + params["fc1.bias"], 0)
    logits = hidden @ params["fc2.weight"].T + params["fc2.bias"]
    return hidden, logits


def loss_and_gradients(params, x, y):
    hidden, logits = forward(params, x)
    shifted = logits - logits.max(axis=1, keepdims=True)
    probabilities = np.exp(shifted)
    probabilities /= probabilities.sum(axis=1, keepdims=True)
    n = len(y)
    loss = float(-np.log(probabilities[np.arange(n), y] + 1e-12).mean())
    d_logits = probabilities
    d_logits[np.arange(n), y] -= 1
    d_logits /= n
    d_hidden = (d_logits @ params["fc2.weight"]) * (hidden > 0)
    gradients = {
        "fc2.weight": d_logits.T @ hidden,
        "fc2.bias": d_logits.sum(axis=0),
        "fc1.weight": d_hidden.T @ x,
        "fc1.bias": d_hidden.sum(axis=0),
    }
    return loss, {k: v.astype(np.float32) for k, v in gradients.items()}


def accuracy(params, x, y):
    return float((forward(params, x)[1].argmax(axis=1) == y).mean())


def checkpoint(params, step):
    tensors = {k: np.ascontiguousarray(v, dtype=np.float32) for k, v in params.items()}
    tensors["step"] = np.array(step, dtype=np.int64)
    return tensors


def save(tensors, path, metadata):
    """One metadata key holding sorted JSON: safetensors writes metadata from a Rust HashMap, in
    an order that changes between runs, so several keys would make the files differ byte-wise."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps({k: str(v) for k, v in metadata.items()}, sort_keys=True, separators=(",", ":"))
    save_file(tensors, str(path), metadata={"training": text})


def train(run, subset, seed, train_set, test_set, log):
    rng = np.random.default_rng(seed)
    params = initial_parameters(rng)
    velocity = {k: np.zeros_like(v) for k, v in params.items()}
    x, y = train_set
    step = 0
    history = []
    meta = {"run": run, "subset": subset, "seed": seed, "epoch": 0,
            "train_accuracy": f"{accuracy(params, x, y):.4f}",
            "test_accuracy": f"{accuracy(params, *test_set):.4f}"}
    history.append((checkpoint(params, step), dict(meta)))
    log.append((run, 0, float("nan"), accuracy(params, x, y), accuracy(params, *test_set)))
    for epoch in range(1, EPOCHS + 1):
        order = rng.permutation(len(y))
        losses = []
        for first in range(0, len(y), BATCH):
            batch = order[first:first + BATCH]
            loss, gradients = loss_and_gradients(params, x[batch], y[batch])
            losses.append(loss)
            for k in params:
                g = gradients[k] + WEIGHT_DECAY * params[k]
                velocity[k] = MOMENTUM * velocity[k] + g
                params[k] = (params[k] - LEARNING_RATE * velocity[k]).astype(np.float32)
            step += 1
        train_acc, test_acc = accuracy(params, x, y), accuracy(params, *test_set)
        meta.update(epoch=epoch, train_accuracy=f"{train_acc:.4f}", test_accuracy=f"{test_acc:.4f}")
        history.append((checkpoint(params, step), dict(meta)))
        log.append((run, epoch, float(np.mean(losses)), train_acc, test_acc))
    return history


def main():
    images, labels = load_digits()
    test_set, subsets = split(images, labels)
    if OUT.exists():
        shutil.rmtree(OUT / "runs", ignore_errors=True)
        shutil.rmtree(OUT / "bf16", ignore_errors=True)
    log = []
    finals = []
    for subset in SUBSETS:
        for seed in SEEDS:
            run = f"subset{subset}-seed{seed}"
            history = train(run, subset, seed, subsets[subset], test_set, log)
            for epoch, (tensors, meta) in enumerate(history):
                save(tensors, OUT / "runs" / run / f"epoch_{epoch}.safetensors", meta)
                if run == "subset0-seed0":
                    rounded = {k: (v.astype(ml_dtypes.bfloat16) if v.dtype == np.float32 else v)
                               for k, v in tensors.items()}
                    save(rounded, OUT / "bf16" / run / f"epoch_{epoch}.safetensors", dict(meta, dtype="bfloat16"))
            finals.append((run, history[-1][1]))
    with open(OUT / "training-log.tsv", "w", encoding="utf-8") as f:
        f.write("run\tepoch\ttrain_loss\ttrain_accuracy\ttest_accuracy\n")
        for run, epoch, loss, train_acc, test_acc in log:
            loss_text = "" if np.isnan(loss) else f"{loss:.6f}"
            f.write(f"{run}\t{epoch}\t{loss_text}\t{train_acc:.4f}\t{test_acc:.4f}\n")
    with open(OUT / "VERSIONS.txt", "w", encoding="utf-8") as f:
        f.write(f"python=={platform.python_version()}\nnumpy=={np.__version__}\n"
                f"safetensors=={safetensors.__version__}\nml_dtypes=={ml_dtypes.__version__}\n")
    print("| run | training images | final training accuracy | final test accuracy |")
    print("|---|---|---|---|")
    for run, meta in finals:
        print(f"| `{run}` | {len(subsets[int(meta['subset'])][1])} | {meta['train_accuracy']} | {meta['test_accuracy']} |")


if __name__ == "__main__":
    main()
