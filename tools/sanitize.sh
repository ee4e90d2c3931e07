#!/usr/bin/env bash
# The sanitizer phases of `tools/build.sh deep`; each fails on any sanitizer report, including
# reports from the server processes the tests spawn:
#   tools/sanitize.sh asan   AddressSanitizer + UndefinedBehaviorSanitizer: build all, run every test
#   tools/sanitize.sh tsan   ThreadSanitizer: build the concurrency tests and the binary, run them
# Environment: SAN_BUILD_DIR (default build-asan / build-tsan), JOBS (default nproc),
# SAN_CXX (default g++: clang 14's UBSan cannot compile our coroutines).
set -euo pipefail
cd "$(dirname "$0")/.."

mode=${1:-}
case "$mode" in
  asan|tsan) ;;
  *) echo "usage: tools/sanitize.sh asan|tsan" >&2; exit 2 ;;
esac

jobs=${JOBS:-$(nproc)}
compiler=${SAN_CXX:-g++}
build_dir=${SAN_BUILD_DIR:-build-$mode}
mkdir -p "$build_dir"
build_dir=$(cd "$build_dir" && pwd)
log_dir=$build_dir/sanitizer-logs
started=$SECONDS

say() { echo "sanitize $mode: $*" >&2; }
fail() { say "FAILED: $*"; exit 1; }
run() { echo "+ $*" >&2; "$@"; }
phase_started=$SECONDS
phase_done() { say "$1 took $((SECONDS - phase_started)) s"; phase_started=$SECONDS; }

command -v "$compiler" >/dev/null || fail "compiler $compiler not found"

# The concurrency tests: the executables whose tests run io_contexts on several threads, concurrent
# coroutines, shared caches from many threads, or the real (multi-threaded) server binary.
# test_tools is left out: its calls run on one io thread, the pattern test_faults covers.
tsan_targets=(activecampaign-mcp test_mcp test_transport test_activecampaign test_sandbox test_app
              test_metrics test_schema test_e2e test_faults)

# Sanitizer options are linked into every executable (as the runtimes' __*_default_options hooks)
# rather than only exported: the node e2e tests start the server with a minimal environment and
# swallow its stderr, which would hide a report. Every report goes to a file in $log_dir instead;
# *_OPTIONS from the environment still take precedence over these.
case "$mode" in
  asan)
    sanitize_flags="-fsanitize=address,undefined"
    extra_flags="-D_GLIBCXX_ASSERTIONS"
    # -O0: with optimization GCC 12 compiles the instrumented coroutine and Beast code several
    # times slower (sandbox_server.cpp: minutes instead of half a minute) and warns falsely
    # (-Wmaybe-uninitialized in <regex>, -Wmismatched-new-delete in Asio's frame allocator).
    optimize_flags="-O0 -g1"
    defaults_source="
extern \"C\" __attribute__((used, visibility(\"default\"))) const char* __asan_default_options() {
  return \"log_path=$log_dir/asan:detect_leaks=1:check_initialization_order=1\";
}
extern \"C\" __attribute__((used, visibility(\"default\"))) const char* __ubsan_default_options() {
  return \"log_path=$log_dir/ubsan:halt_on_error=1:print_stacktrace=1\";
}"
    ;;
  tsan)
    sanitize_flags="-fsanitize=thread"
    # GCC 12 warns that TSan does not model std::atomic_thread_fence, which Asio uses; the one
    # place where that shows as a (false) report is suppressed, with its reason, in tools/tsan.supp.
    extra_flags="-Wno-tsan"
    # -O1, as TSan's documentation advises for reasonable speed: many tests have timeouts.
    optimize_flags="-O1 -g1"
    defaults_source="
extern \"C\" __attribute__((used, visibility(\"default\"))) const char* __tsan_default_options() {
  return \"log_path=$log_dir/tsan:second_deadlock_stack=1:halt_on_error=0:suppressions=$PWD/tools/tsan.supp\";
}"
    ;;
esac

# The hooks must not be instrumented themselves (they run before the runtime is up), so they are
# compiled here and passed to every link. The object is named after its text: new options change
# the link line, so every executable is relinked; the same options relink nothing.
defaults_dir=$build_dir/sanitizer-defaults
mkdir -p "$defaults_dir"
defaults_object=$defaults_dir/defaults-$(printf '%s' "$defaults_source" | sha256sum | cut -c1-12).o
if [ ! -f "$defaults_object" ]; then
  printf '%s\n' "$defaults_source" > "$defaults_dir/defaults.cpp"
  run "$compiler" -O1 -fPIC -c "$defaults_dir/defaults.cpp" -o "$defaults_object"
fi

# TSan maps its shadow at fixed addresses; on kernels with many bits of mmap randomness it aborts
# with "unexpected memory mapping". Probe once, and run the tests without address randomization
# (setarch -R, inherited by every child) when the plain run fails.
launcher=()
if [ "$mode" = tsan ]; then
  probe=$defaults_dir/probe
  printf '%s\n' '#include <thread>' 'int main() { int x = 0; std::thread t([&] { x = 1; }); t.join(); return x - 1; }' \
    > "$probe.cpp"
  "$compiler" -fsanitize=thread -pthread "$probe.cpp" -o "$probe"
  if ! probe_output=$(TSAN_OPTIONS= "$probe" 2>&1); then
    if setarch "$(uname -m)" -R "$probe" >/dev/null 2>&1; then
      launcher=(setarch "$(uname -m)" -R)
      say "TSan needs address randomization off on this kernel; running tests under ${launcher[*]}"
    else
      echo "$probe_output" >&2
      fail "a ThreadSanitizer program does not run on this machine, even under setarch -R"
    fi
  else
    say "TSan runs here with address randomization on"
  fi
fi

say "configure $build_dir with $compiler"
run cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_COMPILER="$compiler" \
  -DCMAKE_CXX_FLAGS="$sanitize_flags -fno-omit-frame-pointer $extra_flags" \
  -DCMAKE_CXX_FLAGS_DEBUG="$optimize_flags" \
  -DCMAKE_EXE_LINKER_FLAGS="$sanitize_flags $defaults_object" \
  -DACMCP_BUILD_TESTS=ON >&2
phase_done configure

if [ "$mode" = asan ]; then
  run cmake --build "$build_dir" -j "$jobs" >&2
else
  run cmake --build "$build_dir" -j "$jobs" --target "${tsan_targets[@]}" >&2
fi
phase_done build

rm -rf "$log_dir"
mkdir -p "$log_dir"
ctest_args=(-j "$jobs")
if [ "$mode" = tsan ]; then
  # Only the targets built above: the others' tests (NOT_BUILT placeholders, the generated
  # reference check, the node e2e tests) are not concurrency tests.
  # Also out: tests whose assertion is a wall-clock window (rate-limit pacing, draining 1000
  # requests within the shutdown grace), which TSan's slowdown alone can miss; the plain and ASan
  # runs check them.
  ctest_args+=(-E '(_NOT_BUILT|^tool_reference_up_to_date|^readme_up_to_date|^node_e2e|^node_conformance|^node_replicas|^RateLimitFidelity\..*|^E2ePipelinedStdio\..*)$')
else
  # The replicas' burst is judged by when requests reach a strict upstream, to the tenth of a
  # second; the sanitizer's slowdown skews that on its own. The plain run checks it.
  ctest_args+=(-E '^node_replicas$')
fi
tests_ok=true
run "${launcher[@]}" bash tools/run-ctest.sh "$build_dir" "${ctest_args[@]}" || tests_ok=false
phase_done tests

# One file per process that reported; a crash in a shared fixture can write dozens of the same
# report, so the first few are printed whole and every file's summary line is counted.
reports=$(find "$log_dir" -type f | sort)
if [ -n "$reports" ]; then
  head -n 5 <<< "$reports" | while IFS= read -r report; do
    echo "===== $report" >&2
    cat "$report" >&2
  done
  echo "===== summary lines of all $(wc -l <<< "$reports") report file(s):" >&2
  xargs grep -h -e '^SUMMARY' -e '^WARNING' <<< "$reports" | sort | uniq -c | sort -rn >&2 || true
  fail "$(wc -l <<< "$reports") sanitizer report file(s) in $log_dir (first five printed above)"
fi
$tests_ok || fail "tests failed under the sanitizer (see the ctest output above)"
say "passed with no sanitizer reports in $((SECONDS - started)) s"
