#!/usr/bin/env bash
# One entry point for the README's set-up commands:
#   tools/build.sh sandbox   install what is missing, build, start the server in sandbox mode (stdio)
#   tools/build.sh test      install what is missing, build, run the functional suite: unit,
#                            integration, and end-to-end with the official MCP clients
#   tools/build.sh deep      install what is missing, then the slow phases: the whole suite under
#                            ASan+UBSan, the concurrency tests under TSan, every fuzz target
# .ci/run runs `test`, then `deep`. ACMCP_SKIP="asan tsan fuzz" (any of them) skips deep phases
# while developing.
set -euo pipefail
cd "$(dirname "$0")/.."

mode=${1:-}
case "$mode" in
  sandbox) bash tools/install-deps.sh build ;;
  test|deep) bash tools/install-deps.sh "$mode" ;;
  *) echo "usage: tools/build.sh sandbox|test|deep" >&2; exit 2 ;;
esac
jobs=${JOBS:-$(nproc)}

if [ "$mode" = deep ]; then
  skip=" ${ACMCP_SKIP:-} "
  for phase in asan tsan fuzz; do
    case "$skip" in *" $phase "*) echo "build.sh: skipping $phase (ACMCP_SKIP)" >&2; continue ;; esac
    case "$phase" in
      fuzz) bash tools/fuzz.sh ;;
      *) bash tools/sanitize.sh "$phase" ;;
    esac
  done
  exit 0
fi

build_dir=${BUILD_DIR:-build}
tests=ON
[ "$mode" = sandbox ] && tests=${ACMCP_BUILD_TESTS:-OFF}
cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-RelWithDebInfo}" \
      -DACMCP_BUILD_TESTS="$tests" >&2
cmake --build "$build_dir" -j "$jobs" >&2

if [ "$mode" = sandbox ]; then
  echo "Starting activecampaign-mcp in sandbox mode on stdio (Ctrl-D or Ctrl-C to stop)." >&2
  exec "$build_dir/activecampaign-mcp" --sandbox
fi
bash tools/run-ctest.sh "$build_dir" -j "$jobs"
