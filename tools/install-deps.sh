#!/usr/bin/env bash
# Installs the Debian 12 packages the build and the tests need, and only those that are missing.
# Idempotent: a second run installs nothing. Needs root (or sudo) when something is missing.
set -euo pipefail

packages=(g++ cmake ninja-build ccache
          libboost1.81-dev nlohmann-json3-dev libspdlog-dev libgtest-dev libgmock-dev libssl-dev
          openssl ca-certificates
          clang libclang-rt-14-dev)  # clang and libFuzzer for tools/fuzz.sh

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Node.js runs the end-to-end tests with the official MCP client; any node/npm on PATH will do
# (a distribution's nodejs may bundle npm, so test for the commands, not the packages).
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
[ ${#missing[@]} -eq 0 ] && exit 0

echo "install-deps: installing ${missing[*]}" >&2
sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
