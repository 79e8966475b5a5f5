#!/usr/bin/env bash
# `make sanitize`: the test suite under AddressSanitizer (with LeakSanitizer) and
# UndefinedBehaviorSanitizer, and the suites that share memory between threads under
# ThreadSanitizer. Each sanitizer builds into its own scratch folder (.build/sanitize-<name>), so
# the ordinary debug build is left alone. Results go to docs/reliability/sanitize.tsv, which
# `make reliability` turns into docs/reliability.md; logs to .build/sanitize-logs/.
#
#   SANITIZE=full (default)  address and undefined: the whole suite; thread: the parallel suites
#   SANITIZE=fast            address and undefined: the reader, core and C-kernel suites only
#                            (fast_suites below); thread: as in full
#   scripts/sanitize.sh address thread   only these sanitizers
#
# Every sanitizer is built to recover (ASan with -sanitize-recover=address), so one report does not
# stop the suite: the run goes on to the end, each report is counted, the distinct places they
# point at are recorded, and any report fails the run. UBSan instruments the C targets only (see
# ubsan_flags below).
set -euo pipefail
# The whole script is one block, read before it runs, so editing the file mid-run is safe.
{
cd "$(dirname "$0")/.."
mode=${SANITIZE:-full}
results=docs/reliability/sanitize.tsv
logs=.build/sanitize-logs
mkdir -p "$logs" "$(dirname "$results")"

# The suites that run work on several threads: the parallel loop itself, the exact neighbour
# engine (blocked products and the parallel selection scan), UMAP's parallel epochs, and the
# checkpoint streamer (parallel Gram passes, statistics), plus the thread-count determinism
# checks of the end-to-end suite.
parallel_suites='ParallelLoopTests|ExactNeighborsTests|ProjectionBoundSearchTests|UMAPTests|TrajectoryStreamingTests|GramKernelsTests|TensorStatisticsBlockwiseTests|ThreadCountDeterminismTests|SinglePrecisionProductsTests'
# The fast subset: every reader, the core types, and the suites that call our C kernels directly.
fast_suites='MindSpaceIOTests|MindSpaceCoreTests|GramKernelsTests|ExactNeighborsTests|ProjectionBoundSearchTests|TensorStatisticsTests|TensorStatisticsBlockwiseTests|SinglePrecisionProductsTests|ComponentCountBootstrapTests'

sanitizers=("${@:-address undefined thread}")
read -r -a sanitizers <<< "${sanitizers[*]}"

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:halt_on_error=0}
# Leaks in code that is not ours (XCTest's runner, swift-argument-parser) are suppressed; the
# file says which and why.
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$PWD/scripts/lsan-suppressions.txt:print_suppressions=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=0:print_stacktrace=1}
export TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=0:second_deadlock_stack=1}

# SwiftPM's --sanitize=undefined asks swiftc for -sanitize=undefined, which Swift on Linux does
# not support (Swift code has its own overflow and bounds checks in every build). UBSan is
# therefore given to the C targets (our kernels) alone, and its runtime linked by hand.
ubsan_runtime=$(find "$(dirname "$(dirname "$(readlink -f "$(command -v swift)")")")/lib/clang" \
  -name 'libclang_rt.ubsan_standalone-x86_64.so' 2>/dev/null | head -1)
ubsan_flags=(-Xcc -fsanitize=undefined -Xlinker -L"$(dirname "${ubsan_runtime:-/}")"
             -Xlinker -rpath -Xlinker "$(dirname "${ubsan_runtime:-/}")" -Xlinker -lclang_rt.ubsan_standalone-x86_64)

failed=0
rows=()
for sanitizer in "${sanitizers[@]}"; do
  filter="" run_mode=$mode
  if [[ $sanitizer == thread ]]; then filter=$parallel_suites run_mode=parallel
  elif [[ $mode == fast ]]; then filter=$fast_suites; fi
  scratch=.build/sanitize-$sanitizer
  log=$logs/$sanitizer.log
  echo "sanitize: $sanitizer (${filter:-whole suite}); log $log"
  start=$(date +%s)
  build_status=0
  flags=(--sanitize="$sanitizer")
  if [[ $sanitizer == address ]]; then flags+=(-Xswiftc -sanitize-recover=address -Xcc -fsanitize-recover=address); fi
  if [[ $sanitizer == undefined ]]; then flags=("${ubsan_flags[@]}"); fi
  swift build --build-tests "${flags[@]}" --scratch-path "$scratch" > "$log.build" 2>&1 || build_status=$?
  built=$(date +%s)
  test_status=0
  if ((build_status == 0)); then
    swift test --skip-build "${flags[@]}" --scratch-path "$scratch" ${filter:+--filter "$filter"} \
      > "$log" 2>&1 || test_status=$?
  else
    tail -20 "$log.build"; cp "$log.build" "$log"; test_status=$build_status
  fi
  done_at=$(date +%s)
  reports=$(grep -acE 'ERROR: AddressSanitizer|ERROR: LeakSanitizer|runtime error:|WARNING: ThreadSanitizer' "$log" || true)
  # Swift Testing's summary ("Test run with N tests in M suites passed/failed") and XCTest's.
  tests=$(grep -aoE 'Test run with [0-9]+ tests?' "$log" | tail -1 | grep -aoE '[0-9]+' || true)
  xctests=$(grep -aoE 'Executed [0-9]+ tests?' "$log" | tail -1 | grep -aoE '[0-9]+' || true)
  failures=$(grep -aE '^✘ Test .* failed after' "$log" | grep -acv '^✘ Test run with' || true)
  # The distinct places reported ("SUMMARY: AddressSanitizer: heap-buffer-overflow Sources/…:240:31
  # in shrink_avx512"), paths relative to the repository.
  sites=$(grep -aoE 'SUMMARY: [A-Za-z]+Sanitizer: .*' "$log" | sed -E "s#SUMMARY: [A-Za-z]+Sanitizer: ##; s#$PWD/##g" \
    | grep -v 'leaked in' | sort | uniq -c | sort -rn | awk '{c=$1; $1=""; printf "%s%s (%d×)", (NR>1?"; ":""), substr($0,2), c}' || true)
  outcome=passed
  if ((test_status != 0 || reports > 0)); then outcome=failed; failed=1; fi
  echo "sanitize: $sanitizer $outcome: ${tests:-0} Swift Testing tests, ${xctests:-0} XCTest tests, $failures failing, $reports sanitizer reports; build $((built - start)) s, tests $((done_at - built)) s"
  if [[ $outcome == failed ]]; then
    grep -aE '^✘' "$log" | head -10 || true
    echo "sanitize: reported at: ${sites:-(see the log)}"
  fi
  rows+=("$sanitizer	$run_mode	${filter:-all}	${tests:-0}	$failures	$reports	$outcome	$((built - start))	$((done_at - built))	${sites:-none}")
done

{
  printf '# make sanitize, %s, %s, %s\n' "$(date -u +%Y-%m-%d)" "$(swift --version 2>/dev/null | head -1 | sed 's/ (.*//')" "$(nproc) cores"
  printf 'sanitizer\tmode\tsuites\ttests\tfailing\treports\toutcome\tbuild_seconds\ttest_seconds\tsites\n'
  # One row per sanitizer and mode: a fast run does not replace the full run's figures.
  for key in "address	full" "address	fast" "undefined	full" "undefined	fast" "thread	parallel"; do
    row=""
    for r in "${rows[@]}"; do [[ $r == "$key	"* ]] && row=$r; done
    if [[ -z $row && -f $results ]]; then row=$(grep -P "^$key\t" "$results" || true); fi
    [[ -n $row ]] && printf '%s\n' "$row"
  done
} > "$results.new"
mv "$results.new" "$results"
echo "sanitize: results in $results"
((failed == 0))
exit
}
