#!/usr/bin/env bash
# `make fuzz`: builds the libFuzzer harnesses of Fuzz/ (one per parser entry point) and runs each
# for FUZZ_SECONDS (default 60) from a seed corpus made from the test fixtures, then records per
# harness the executions, corpus size, coverage and findings in docs/reliability/fuzz.tsv, which
# `make reliability` turns into docs/reliability.md.
#
#   scripts/fuzz.sh                  every harness
#   scripts/fuzz.sh FuzzNpy FuzzGGUF only these
#
# Environment: FUZZ_SECONDS (per harness), FUZZ_RSS_MB (libFuzzer -rss_limit_mb, default 2048),
# FUZZ_TIMEOUT (seconds for one input, default 10), FUZZ_WORK (default Fuzz/.build/fuzz-work:
# corpora, which grow from run to run, and crash artifacts).
#
# A finding (crash, ASan report, leak, timeout, out-of-memory) stops that harness; its input is
# kept as FUZZ_WORK/findings/<harness>/<kind>-<sha1>, the log beside it, the other harnesses
# still run, and the script exits 1. Fix it, then copy the input to
# Tests/MindSpaceTestSupport/Fixtures/fuzz-regressions/<harness>/ (the test suite reads every file
# there through the same entry point, and the next run seeds from it).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
seconds=${FUZZ_SECONDS:-60}
rss_mb=${FUZZ_RSS_MB:-2048}
timeout=${FUZZ_TIMEOUT:-10}
work=${FUZZ_WORK:-$root/Fuzz/.build/fuzz-work}
fixtures=Tests/MindSpaceTestSupport/Fixtures
regressions=$fixtures/fuzz-regressions
results=docs/reliability/fuzz.tsv

all=(FuzzNpy FuzzNpz FuzzSafetensors FuzzShardIndex FuzzDelimitedText FuzzGroupLabels
     FuzzFactorTable FuzzPyTorch FuzzGGUF FuzzPNGText)
harnesses=("${@:-${all[@]}}")

# libFuzzer supplies the driver (-parse-as-library: no top-level code); -enable-testing lets a
# harness reach an internal entry point that the tests use too (DelimitedTextReader's chunks).
flags=(-Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library -Xswiftc -enable-testing)
echo "fuzz: building ${#all[@]} harnesses (release, -sanitize=fuzzer,address)"
swift build --package-path Fuzz -c release "${flags[@]}" 2>&1 | grep -v "warning: Cannot export local symbol" | tail -3
bin=$(swift build --package-path Fuzz -c release "${flags[@]}" --show-bin-path)

# Seed files (small fixtures and datasets) for a harness, one path a line.
small() { find "$fixtures" datasets -type f -size -256k "$@" 2>/dev/null | grep -v /fuzz-regressions/ | sort; }
seeds() {
  case $1 in
    FuzzNpy) small -name '*.npy' ;;
    FuzzNpz) small -name '*.npz' ;;
    FuzzSafetensors) small -name '*.safetensors' ;;
    FuzzShardIndex) small -name '*.index.json' ;;
    FuzzDelimitedText|FuzzGroupLabels|FuzzFactorTable) small \( -name '*.tsv' -o -name '*.csv' \) ;;
    FuzzPyTorch) small \( -name '*.pt' -o -name '*.pth' -o -name '*.ckpt' -o -name '*.bin' \) ;;
    FuzzGGUF) small -name '*.gguf' ;;
    FuzzPNGText) ;;
  esac
}

# Copies the seeds into corpus folder $2; the text harnesses take a first byte choosing the mode
# (0: tab-separated, 1: comma-separated, see their doc comments), so it is prefixed here.
make_seed_corpus() {
  local harness=$1 folder=$2 file n=0
  mkdir -p "$folder"
  while IFS= read -r file; do
    n=$((n + 1))
    case $harness in
      FuzzDelimitedText|FuzzGroupLabels|FuzzFactorTable)
        if [[ $file == *.csv ]]; then printf '\001'; else printf '\000'; fi | cat - "$file" > "$folder/seed-$n" ;;
      *) cp "$file" "$folder/seed-$n" ;;
    esac
  done < <(seeds "$harness")
  if [[ $harness == FuzzPNGText ]]; then
    printf 'Software\000mindspace 0.1\000Source\000datasets/digits.npy\000' > "$folder/seed-1"
    printf 'Title\000Caf\303\251 \342\234\223 \033]0;x\007\000' > "$folder/seed-2"
  fi
  if [[ -d $regressions/$harness ]]; then cp "$regressions/$harness"/* "$folder/" 2>/dev/null || true; fi
}

mkdir -p "$work" "$(dirname "$results")"
open_findings=0
rows=()
for harness in "${harnesses[@]}"; do
  corpus=$work/corpus/$harness
  seedset=$work/seeds/$harness
  findings=$work/findings/$harness
  log=$work/logs/$harness.log
  rm -rf "$seedset"
  mkdir -p "$corpus" "$findings" "$(dirname "$log")"
  make_seed_corpus "$harness" "$seedset"
  seed_count=$(find "$seedset" -type f | wc -l)
  echo "fuzz: $harness for ${seconds}s from $seed_count seeds"
  status=0
  # libFuzzer writes new inputs to the first folder (the growing corpus) and reads the seeds.
  ASAN_OPTIONS=detect_leaks=1 "$bin/$harness" \
    -max_total_time="$seconds" -rss_limit_mb="$rss_mb" -malloc_limit_mb="$rss_mb" -timeout="$timeout" \
    -print_final_stats=1 -artifact_prefix="$findings/" "$corpus" "$seedset" > "$log" 2>&1 || status=$?
  # The scratch folders (Fuzz/Sources/FuzzSupport/ScratchFile.swift) of harness processes that
  # have ended; a folder is named by its process id, so a running harness's is left alone.
  for folder in /dev/shm/mindspace-fuzz-*; do
    [[ -d $folder ]] && ! kill -0 "${folder##*-}" 2>/dev/null && rm -rf "$folder"
  done
  execs=$(grep -o 'stat::number_of_executed_units: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*$' || true)
  # The last status line: "#N  DONE|pulse|NEW ... cov: C ft: F corp: U/Sb ...".
  last=$(grep -E '^#[0-9]+' "$log" | grep 'cov:' | tail -1 || true)
  cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<< "$last")
  ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<< "$last")
  units=$(sed -n 's/.* corp: \([0-9]*\)\/.*/\1/p' <<< "$last")
  size=$(sed -n 's/.* corp: [0-9]*\/\([0-9]*[a-zA-Z]*\).*/\1/p' <<< "$last")
  if [[ -z $execs ]]; then execs=$(sed -n 's/^#\([0-9]*\).*/\1/p' <<< "$last"); fi
  found=$(find "$findings" -type f -newer "$seedset" | wc -l)
  if ((status != 0)) || ((found > 0)); then
    open_findings=$((open_findings + 1))
    echo "fuzz: $harness FOUND a problem (exit $status); input in $findings, log $log"
    grep -E 'ERROR|SUMMARY|Fatal error|property failed|non-MindSpaceError|artifact' "$log" | head -5 || true
  fi
  fixed=$( (find "$regressions/$harness" -type f 2>/dev/null || true) | wc -l)
  echo "fuzz: $harness execs=${execs:-0} cov=${cov:-0} ft=${ft:-0} corpus=${units:-0} (${size:-0}) findings=$found"
  rows+=("$harness	$seconds	${execs:-0}	$seed_count	${units:-0}	${size:-0}	${cov:-0}	${ft:-0}	$found	$fixed")
done

# Record the rows of the harnesses that ran, keeping the other harnesses' last rows.
{
  printf '# make fuzz, %s, %s, %s\n' "$(date -u +%Y-%m-%d)" "$(swift --version 2>/dev/null | head -1 | sed 's/ (.*//')" "$(nproc) cores"
  printf 'harness\tseconds\texecutions\tseeds\tcorpus\tcorpus_bytes\tcov\tft\topen_findings\tregression_fixtures\n'
  for harness in "${all[@]}"; do
    row=""
    for r in "${rows[@]}"; do [[ ${r%%	*} == "$harness" ]] && row=$r; done
    if [[ -z $row && -f $results ]]; then row=$(grep -P "^$harness\t" "$results" || true); fi
    [[ -n $row ]] && printf '%s\n' "$row"
  done
} > "$results.new"
mv "$results.new" "$results"
echo "fuzz: results in $results; $open_findings harness(es) with open findings"
((open_findings == 0))
