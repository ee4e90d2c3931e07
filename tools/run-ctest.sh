#!/usr/bin/env bash
# ctest with the project's defaults, for build.sh and sanitize.sh. Under CI (CI=true) a skipped
# test fails the run: ctest counts a skip as a pass, and a skip must never hide a missing file or
# tool behind a green run.
#   tools/run-ctest.sh BUILD_DIR [CTEST_ARGS...]
set -euo pipefail
build_dir=$1
shift
log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
ctest --test-dir "$build_dir" --output-on-failure --timeout 300 "$@" 2>&1 | tee "$log" || status=$?
if [ "${CI:-}" = true ] && grep -q '^The following tests did not run:' "$log"; then
  echo "run-ctest: tests were skipped under CI=true; every test must run" >&2
  [ "$status" -ne 0 ] || status=1
fi
exit "$status"
