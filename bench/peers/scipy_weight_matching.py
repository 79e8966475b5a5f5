"""Peer for the align workload: Git Re-Basin weight matching (Ainsworth et al. 2023, Algorithm 1)
of an MLP to a reference with NumPy and scipy.optimize.linear_sum_assignment, as one writes it
without MindSpace: load both safetensors files, then coordinate descent over the hidden layers
(seeded random order per sweep, float64 scores, a group changes only on a strict improvement)
until no group changes or --max-sweeps. Times loading + matching + permuting INSIDE this process,
after the imports. Prints one JSON line: {"seconds", "sweeps", "raw", "aligned"}.
"""
import argparse
import json
import time

import numpy as np
from safetensors.numpy import load_file
from scipy.optimize import linear_sum_assignment


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("reference")
    parser.add_argument("model")
    parser.add_argument("--layers", type=int, default=4)
    parser.add_argument("--max-sweeps", type=int, default=100)
    args = parser.parse_args()
    start = time.perf_counter()
    ref = {k: v.astype(np.float64) for k, v in load_file(args.reference).items()}
    mod = {k: v.astype(np.float64) for k, v in load_file(args.model).items()}
    names = [f"fc{i + 1}" for i in range(args.layers)]
    hidden = names[:-1]
    perms = {h: np.arange(ref[f"{h}.weight"].shape[0]) for h in hidden}
    rng = np.random.default_rng(0)

    def weight(layer):
        """The model's weight of `layer` with the output and input permutations applied."""
        w = mod[f"{layer}.weight"]
        i = names.index(layer)
        if layer in perms:
            w = w[perms[layer], :]
        if i > 0:
            w = w[:, perms[names[i - 1]]]
        return w

    sweeps = 0
    while sweeps < args.max_sweeps:
        sweeps += 1
        changed = False
        for g in rng.permutation(len(hidden)):
            h = hidden[g]
            i = names.index(h)
            nxt = names[i + 1]
            # Output side of layer h (its rows, input permuted), its bias, and the next layer's columns.
            w_in = mod[f"{h}.weight"]
            if i > 0:
                w_in = w_in[:, perms[names[i - 1]]]
            s = ref[f"{h}.weight"] @ w_in.T + np.outer(ref[f"{h}.bias"], mod[f"{h}.bias"])
            w_next = mod[f"{nxt}.weight"]
            if nxt in perms:
                w_next = w_next[perms[nxt], :]
            s += ref[f"{nxt}.weight"].T @ w_next
            _, cols = linear_sum_assignment(s, maximize=True)
            old = s[np.arange(len(cols)), perms[h]].sum()
            new = s[np.arange(len(cols)), cols].sum()
            if new > old + 1e-12 * max(1.0, abs(old)):
                perms[h] = cols
                changed = True
        if not changed:
            break

    raw = np.sqrt(sum(((ref[k] - mod[k]) ** 2).sum() for k in ref))
    aligned = 0.0
    for layer in names:
        aligned += ((ref[f"{layer}.weight"] - weight(layer)) ** 2).sum()
        b = mod[f"{layer}.bias"]
        aligned += ((ref[f"{layer}.bias"] - (b[perms[layer]] if layer in perms else b)) ** 2).sum()
    done = time.perf_counter()
    print(json.dumps({"seconds": done - start, "sweeps": sweeps, "raw": float(raw), "aligned": float(np.sqrt(aligned))}))


if __name__ == "__main__":
    main()
