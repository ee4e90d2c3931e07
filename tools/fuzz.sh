#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, ASan + UBSan) and runs each one: first over its committed
# regression inputs and seed corpus (must pass), then fuzzing for FUZZ_SECONDS on a scratch copy.
#
#   tools/fuzz.sh                 build, replay, fuzz every target for FUZZ_SECONDS (default 60)
#   tools/fuzz.sh TARGET...       the same for the named targets only (e.g. fuzz_jsonrpc)
#   tools/fuzz.sh --merge [T...]  fuzz, then merge new coverage into the committed corpus
#
# Environment: FUZZ_BUILD_DIR (default build-fuzz), FUZZ_SECONDS, FUZZ_JOBS (build parallelism,
# default 2), FUZZ_MAX_LEN (default 131072), CXX (default clang++).
set -euo pipefail
shopt -s nullglob

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${FUZZ_BUILD_DIR:-$ROOT/build-fuzz}"
SECONDS_PER_TARGET="${FUZZ_SECONDS:-60}"
JOBS="${FUZZ_JOBS:-2}"
# Long enough for nesting tens of thousands of levels deep, the class of input that overflowed the
# stack; libFuzzer's own guess (from the corpus) stays near 4 KB.
MAX_LEN="${FUZZ_MAX_LEN:-131072}"
FUZZ_DIR="$ROOT/tests/fuzz"
ALL_TARGETS=(fuzz_jsonrpc fuzz_tool_arguments fuzz_http_request fuzz_upstream_response)

merge=false
targets=()
for arg in "$@"; do
  case "$arg" in
    --merge) merge=true ;;
    -h|--help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    fuzz_*) targets+=("$arg") ;;
    *) echo "fuzz.sh: unknown argument '$arg' (try --help)" >&2; exit 2 ;;
  esac
done
[[ ${#targets[@]} -gt 0 ]] || targets=("${ALL_TARGETS[@]}")

CXX="${CXX:-clang++}"
if ! command -v "$CXX" >/dev/null; then
  echo "fuzz.sh: $CXX not found; libFuzzer needs clang (apt-get install clang)" >&2
  exit 1
fi

SANITIZE="-fsanitize=address,undefined,fuzzer-no-link -fno-sanitize=function"
started=$(date +%s)
run_id="$(date +%Y%m%d-%H%M%S)"
echo "== configuring and building the fuzz targets in $BUILD_DIR"
CXX="$CXX" cmake -S "$ROOT" -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Debug \
  -DACMCP_BUILD_TESTS=OFF -DACMCP_FUZZ=ON \
  -DCMAKE_CXX_FLAGS="$SANITIZE -fno-omit-frame-pointer -O1 -g" >/dev/null
cmake --build "$BUILD_DIR" -j "$JOBS" --target "${targets[@]}"
echo "== built in $(( $(date +%s) - started )) s"

# Leaks are reported by LeakSanitizer at exit; UBSan findings stop the run like a crash.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}"
DICT="$FUZZ_DIR/json_http.dict"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
failed=()

for target in "${targets[@]}"; do
  binary="$BUILD_DIR/tests/fuzz/$target"
  corpus="$FUZZ_DIR/corpus/$target"
  regressions="$FUZZ_DIR/regressions/$target"
  artifacts="$BUILD_DIR/fuzz-artifacts/$run_id/$target/"  # outlives the scratch directory
  mkdir -p "$artifacts" "$scratch/$target-corpus"
  log="$scratch/$target.log"
  extra=()
  case "$target" in
    # These keep a server (sessions, pooled connections) alive across inputs by design, so
    # libFuzzer's per-input leak check only costs time (about 3x), and with ~30k features the
    # entropic schedule's bookkeeping halves the exec rate again.
    fuzz_http_request|fuzz_upstream_response) extra=(-detect_leaks=0 -entropic=0) ;;
  esac

  echo "== $target: replaying regressions and seeds"
  inputs=()
  inputs+=("$regressions"/* "$corpus"/*)
  if [[ ${#inputs[@]} -gt 0 ]] && ! "$binary" -runs=0 "${inputs[@]}" >"$log" 2>&1; then
    # -runs=0 with files runs each once (libFuzzer's replay mode).
    tail -n 40 "$log" >&2
    echo "FAIL $target: a committed input fails; reproduce with: $binary <file> (see above)" >&2
    failed+=("$target")
    continue
  fi
  echo "   ${#inputs[@]} inputs pass"

  echo "== $target: fuzzing for $SECONDS_PER_TARGET s"
  cp -r "$corpus"/. "$scratch/$target-corpus/" 2>/dev/null || true
  target_started=$(date +%s)
  status=0
  # One in-process run (what -jobs=1 means here: -jobs would fork and log to ./fuzz-N.log).
  "$binary" "$scratch/$target-corpus" -max_total_time="$SECONDS_PER_TARGET" -timeout=10 \
    -rss_limit_mb=2048 -max_len="$MAX_LEN" -dict="$DICT" -artifact_prefix="$artifacts" \
    -print_final_stats=1 "${extra[@]}" >"$log" 2>&1 || status=$?
  elapsed=$(( $(date +%s) - target_started ))
  # The last status line (#N DONE/pulse cov: ft: corp: exec/s:) and the final stats.
  grep -E '^#[0-9]+' "$log" | tail -n 1 || true
  grep -E '^stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb)' "$log" || true
  echo "   elapsed ${elapsed} s, exit status $status"
  if [[ $status -ne 0 ]]; then
    grep -E -m 1 -A 12 'ERROR|runtime error|invariant broken' "$log" >&2 || tail -n 40 "$log" >&2
    for crash in "$artifacts"*; do
      [[ -e "$crash" ]] || continue
      keep="$ROOT/tests/fuzz/regressions/$target/$(basename "$crash")"
      echo "CRASH $target: $crash" >&2
      echo "  reproduce: $binary $crash" >&2
      echo "  keep it:   mkdir -p $(dirname "$keep") && cp $crash $keep" >&2
    done
    failed+=("$target")
    continue
  fi
  if $merge; then
    before=$(find "$corpus" -type f | wc -l)
    "$binary" -merge=1 "$corpus" "$scratch/$target-corpus" >"$log.merge" 2>&1
    echo "   merged: corpus $before -> $(find "$corpus" -type f | wc -l) files"
  fi
done

echo "== fuzzing took $(( $(date +%s) - started )) s in all"
if [[ ${#failed[@]} -gt 0 ]]; then
  echo "fuzz.sh: FAILED: ${failed[*]}" >&2
  exit 1
fi
echo "fuzz.sh: all targets passed"
