#!/usr/bin/env bash
# Runs the end-to-end tests in tests/node: the real server binary driven by software we did not
# write (the official MCP TypeScript SDK client and the MCP Inspector CLI), on the machine's node.
#   tools/run-node-tests.sh PATH/TO/activecampaign-mcp   install if needed, then run the tests
#   tools/run-node-tests.sh --install-only               only install tests/node/node_modules
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
node_dir=$root/tests/node
# The whole run is bounded; so is each test file and each test in it (node --test-timeout).
run_timeout_s=${ACMCP_NODE_TESTS_TIMEOUT_S:-170}
test_timeout_ms=60000

usage() { echo "usage: tools/run-node-tests.sh PATH/TO/activecampaign-mcp | --install-only" >&2; exit 2; }

require_node() {
  for tool in node npm; do
    command -v "$tool" >/dev/null || { echo "run-node-tests: $tool is not installed" >&2; exit 1; }
  done
  # node:test with --test-timeout and --test-concurrency needs Node 20.11 or later.
  node -e 'const [a, b] = process.versions.node.split(".").map(Number);
           process.exit(a > 20 || (a === 20 && b >= 11) ? 0 : 1)' ||
    { echo "run-node-tests: node $(node --version) is too old; need 20.11 or later" >&2; exit 1; }
}

# npm ci only when node_modules is missing or older than package-lock.json; the stamp is written
# after a complete install, so an interrupted one is redone.
install_node_modules() {
  local stamp=$node_dir/node_modules/.acmcp-installed
  if [ -f "$stamp" ] && [ ! "$node_dir/package-lock.json" -nt "$stamp" ]; then
    return 0
  fi
  echo "run-node-tests: installing tests/node dependencies (npm ci)" >&2
  local started=$SECONDS
  (cd "$node_dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  touch "$stamp"
  echo "run-node-tests: installed in $((SECONDS - started)) s" >&2
}

[ $# -eq 1 ] || usage
require_node
install_node_modules
[ "$1" = --install-only ] && exit 0

binary=$1
[ -x "$binary" ] || { echo "run-node-tests: not an executable: $binary" >&2; exit 1; }
export ACMCP_BINARY
ACMCP_BINARY=$(cd "$(dirname "$binary")" && pwd)/$(basename "$binary")

cd "$node_dir"
exec timeout --kill-after=10 "$run_timeout_s" \
  node --test --test-reporter=spec --test-timeout="$test_timeout_ms" --test-concurrency=2 ./*.test.mjs
