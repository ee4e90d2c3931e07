#!/usr/bin/env bash
# One entry point for the README's set-up commands:
#   tools/build.sh sandbox   install what is missing, build, start the server in sandbox mode (stdio)
#   tools/build.sh test      install what is missing, build, run the functional suite: unit,
#                            integration, and end-to-end with the official MCP clients
#   tools/build.sh deep      install what is missing, then the slow phases: the 60-second HTTP
#                            soak (a load test), the whole suite under ASan+UBSan, the concurrency
#                            tests under TSan, every fuzz target
# .ci/run runs `test`, then `deep`. ACMCP_SKIP="soak asan tsan fuzz" (any of them) skips deep
# phases while developing.
set -euo pipefail
cd "$(dirname "$0")/.."

mode=${1:-}
case "$mode" in
  sandbox) bash tools/install-deps.sh build ;;
  test|deep) bash tools/install-deps.sh "$mode" ;;
  *) echo "usage: tools/build.sh sandbox|test|deep" >&2; exit 2 ;;
esac
jobs=${JOBS:-$(nproc)}
build_dir=${BUILD_DIR:-build}

build() {  # tests ON|OFF
  cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-RelWithDebInfo}" \
        -DACMCP_BUILD_TESTS="$1" >&2
  cmake --build "$build_dir" -j "$jobs" >&2
}

if [ "$mode" = deep ]; then
  skip=" ${ACMCP_SKIP:-} "
  for phase in soak asan tsan fuzz; do
    case "$skip" in *" $phase "*) echo "build.sh: skipping $phase (ACMCP_SKIP)" >&2; continue ;; esac
    case "$phase" in
      soak)
        build ON
        bash tools/run-ctest.sh "$build_dir" -L soak
        ;;
      fuzz) bash tools/fuzz.sh ;;
      *) bash tools/sanitize.sh "$phase" ;;
    esac
  done
  exit 0
fi

if [ "$mode" = sandbox ]; then
  build "${ACMCP_BUILD_TESTS:-OFF}"
  echo "Starting activecampaign-mcp in sandbox mode on stdio (Ctrl-D or Ctrl-C to stop)." >&2
  exec "$build_dir/activecampaign-mcp" --sandbox
fi
build ON
# The soak is a load test that runs alone for a minute; it belongs to the slow phases.
bash tools/run-ctest.sh "$build_dir" -j "$jobs" -LE soak
