"""The registered workloads, in the order BENCHMARKS.md shows them.

To add one (kNN/TwoNN, MLE, rendering, UMAP, checkpoints...): write `workloads/NAME.py` defining
`WORKLOAD = harness.Workload(...)` (seeded inputs, a `mindspace` tool and its peers, the reference
peer for ratios) and append it to ALL below; peer scripts go in bench/peers/.
"""
from workloads import checkpoints, pca, render

from workloads import align, compare, id_accuracy, knn, knn_gemm, layers, torch_files, umap  # noqa: E402

ALL = [pca.WORKLOAD, *knn.WORKLOADS, *knn_gemm.WORKLOADS, render.WORKLOAD, checkpoints.WORKLOAD, torch_files.WORKLOAD, umap.WORKLOAD,
       id_accuracy.WORKLOAD, align.WORKLOAD, *compare.WORKLOADS, layers.WORKLOAD]

# Run only when named (`--workloads knn-large`): minutes, no peer.
ON_REQUEST = [knn_gemm.LARGE_WORKLOAD]
