"""The registered workloads, in the order BENCHMARKS.md shows them.

To add one (kNN/TwoNN, MLE, rendering, UMAP, checkpoints...): write `workloads/NAME.py` defining
`WORKLOAD = harness.Workload(...)` (seeded inputs, a `mindspace` tool and its peers, the reference
peer for ratios) and append it to ALL below; peer scripts go in bench/peers/.
"""
from workloads import checkpoints, pca, render

from workloads import align, compare, id_accuracy, knn, layers, torch_files, umap  # noqa: E402

ALL = [pca.WORKLOAD, *knn.WORKLOADS, render.WORKLOAD, checkpoints.WORKLOAD, torch_files.WORKLOAD, umap.WORKLOAD,
       id_accuracy.WORKLOAD, align.WORKLOAD, *compare.WORKLOADS, layers.WORKLOAD]
