#!/usr/bin/env bash
# Installs the Debian 12 packages one kind of work needs, and only those that are missing.
#   tools/install-deps.sh build   compiler, CMake and the libraries: enough to build and run
#   tools/install-deps.sh test    build + GoogleTest, the JSON Schema Test Suite, node/npm for
#                                 the end-to-end tests, nginx for the test that puts two
#                                 server processes behind one load balancer, and redis-server for
#                                 the tests of the rate limit that replicas share through Redis
#   tools/install-deps.sh deep    test + clang and its runtimes for the sanitizer and fuzz phases
# Idempotent: a second run installs nothing. Needs root (or sudo) when something is missing.
set -euo pipefail

mode=${1:-}
build=(g++ cmake ninja-build ccache pkgconf
       libboost1.81-dev nlohmann-json3-dev libspdlog-dev libssl-dev libhiredis-dev ca-certificates)
test=(libgtest-dev libgmock-dev json-schema-test-suite nginx-light redis-server)
deep=(clang libclang-rt-14-dev)
case "$mode" in
  build) packages=("${build[@]}") ;;
  test) packages=("${build[@]}" "${test[@]}") ;;
  deep) packages=("${build[@]}" "${test[@]}" "${deep[@]}") ;;
  *) echo "usage: tools/install-deps.sh build|test|deep" >&2; exit 2 ;;
esac

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# The end-to-end tests need npm to install the official MCP clients; any node/npm on PATH will
# do (a distribution's nodejs may bundle npm, so test for the commands, not the packages). When
# that node is older than the tests need, tools/run-node-tests.sh runs them on the Node.js binary
# that npm installs into tests/node, so Debian's nodejs 18 is enough here.
if [ "$mode" != build ]; then
  command -v node >/dev/null 2>&1 || missing+=(nodejs)
  command -v npm >/dev/null 2>&1 || missing+=(npm)
fi
[ ${#missing[@]} -eq 0 ] && exit 0

echo "install-deps: installing ${missing[*]}" >&2
sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
# Debian starts nginx (on port 80) and redis-server (on port 6379) as system services when it
# installs them. The tests run their own on loopback ports, so a service this script brought in
# is stopped and disabled.
if command -v systemctl >/dev/null 2>&1; then
  if [[ " ${missing[*]} " == *" nginx-light "* ]]; then
    "${sudo_cmd[@]}" systemctl disable --now nginx >/dev/null 2>&1 || true
  fi
  if [[ " ${missing[*]} " == *" redis-server "* ]]; then
    "${sudo_cmd[@]}" systemctl disable --now redis-server >/dev/null 2>&1 || true
  fi
fi
