#!/usr/bin/env bash
# Proves the README's two set-up commands, and the Dockerfile, on a fresh Debian 12 as a new user
# would meet them: nothing from this machine leaks in (no Node 20, no ../shared, no caches).
#
#   sudo tools/prove-fresh-debian.sh             the whole proof (about 30 minutes on 2 cores)
#   sudo tools/prove-fresh-debian.sh --no-docker the two commands only
#
# Steps: debootstrap --variant=minbase bookworm into a scratch directory; import that root as the
# images debian:12 and debian:12-slim; chroot into it (proc, sys and dev mounted), install git,
# clone the committed HEAD of this checkout, and run `bash tools/build.sh sandbox` (fed one MCP
# exchange on stdin) and `bash tools/build.sh test`, exactly as the README says. Then build the
# Dockerfile with podman on the imported base images and call one sandbox tool in the image.
# Prints each step's time and result, and the image size. Everything it made is unmounted and
# removed on exit, whatever the outcome. Environment: DEBIAN_MIRROR, FRESH_DIR (scratch parent).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
docker=true
case "${1:-}" in
  --no-docker) docker=false ;;
  "") ;;
  *) sed -n '2,14s/^# \{0,1\}//p' "$0" >&2; exit 2 ;;
esac
[ "$(id -u)" -eq 0 ] || { echo "prove-fresh-debian: needs root (debootstrap, chroot, mounts)" >&2; exit 2; }
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
work=$(mktemp -d "${FRESH_DIR:-/var/tmp}/acmcp-fresh.XXXXXX")
rootfs=$work/rootfs
results=()
failed=0

say() { echo "prove-fresh-debian: $*" >&2; }
record() {  # name, seconds, status
  local verdict=passed
  [ "$3" -eq 0 ] || { verdict="FAILED (exit $3)"; failed=1; }
  results+=("$(printf '%-34s %4dm%02ds  %s' "$1" $(($2 / 60)) $(($2 % 60)) "$verdict")")
  say "$1: $verdict after $2 s"
}

cleanup() {
  for mount in dev/pts dev sys proc; do
    mountpoint -q "$rootfs/$mount" 2>/dev/null && umount -l "$rootfs/$mount"
  done
  if [ -d "$work/storage" ]; then
    podman_cmd system reset --force >/dev/null 2>&1 || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

# podman keeps its images, layers and configuration inside the scratch directory, so the machine's
# own container storage and /etc/containers stay untouched. No ulimits are set and cgroups are
# managed by plain cgroupfs: inside this sandbox neither systemd nor raising limits is possible.
podman_cmd() {
  CONTAINERS_CONF=$work/containers.conf podman --root "$work/storage" --runroot "$work/run" \
    --runtime runc "$@"
}

missing=()
for tool in debootstrap podman runc git; do command -v "$tool" >/dev/null || missing+=("$tool"); done
if [ ${#missing[@]} -gt 0 ]; then
  say "installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi

# One MCP exchange for the sandbox: the server answers, then exits at end of input.
exchange=$(printf '%s\n' \
  '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"prove-fresh-debian","version":"1"}}}' \
  '{"jsonrpc":"2.0","method":"notifications/initialized"}' \
  '{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"get_many_tags","arguments":{"Limit":2}}}')
answered() { grep -q '"id":2' "$1" && grep -q '"StatusCode":200' "$1"; }

started=$SECONDS
say "debootstrap bookworm (minbase) into $rootfs"
debootstrap --variant=minbase bookworm "$rootfs" "$mirror" > "$work/debootstrap.log" 2>&1 ||
  { tail -n 20 "$work/debootstrap.log" >&2; record "debootstrap" $((SECONDS - started)) 1; exit 1; }
record "debootstrap minbase bookworm" $((SECONDS - started)) 0

if $docker; then
  printf '[containers]\ndefault_ulimits = []\n[engine]\ncgroup_manager = "cgroupfs"\n' \
    > "$work/containers.conf"
  started=$SECONDS
  tar -C "$rootfs" -c . | podman_cmd import - debian:12 >/dev/null
  podman_cmd tag debian:12 debian:12-slim
  record "import base images debian:12(-slim)" $((SECONDS - started)) 0
fi

# The chroot: this machine's network as a user's machine on the same network would have it (the
# resolver, and any certificate authorities added locally, such as a TLS-inspecting proxy's, which
# Debian's ca-certificates picks up when the commands install it), the usual pseudo filesystems,
# then git and a clone.
cp /etc/resolv.conf "$rootfs/etc/resolv.conf"
extra_env=()
if compgen -G '/usr/local/share/ca-certificates/*.crt' >/dev/null; then
  mkdir -p "$rootfs/usr/local/share/ca-certificates"
  cp /usr/local/share/ca-certificates/*.crt "$rootfs/usr/local/share/ca-certificates/"
  extra_env=(NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt)
fi
mount -t proc proc "$rootfs/proc"
mount -t sysfs sys "$rootfs/sys"
mount --bind /dev "$rootfs/dev"
mount --bind /dev/pts "$rootfs/dev/pts"
git clone -q --bare "$root" "$rootfs/var/tmp/origin.git"
in_chroot() {
  chroot "$rootfs" /usr/bin/env -i HOME=/root TERM=dumb LANG=C.UTF-8 "${extra_env[@]}" \
    PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin /bin/bash -c "$1"
}
started=$SECONDS
in_chroot 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq git >/dev/null &&
           git clone -q /var/tmp/origin.git /root/activecampaign-mcp' > "$work/git.log" 2>&1 ||
  { tail -n 20 "$work/git.log" >&2; record "apt-get install git; git clone" $((SECONDS - started)) 1; exit 1; }
record "apt-get install git; git clone" $((SECONDS - started)) 0

say "README command 1: bash tools/build.sh sandbox (log: sandbox.log)"
printf '%s\n' "$exchange" > "$rootfs/var/tmp/exchange.jsonl"
started=$SECONDS
status=0
in_chroot 'cd /root/activecampaign-mcp && bash tools/build.sh sandbox < /var/tmp/exchange.jsonl' \
  > "$work/sandbox.out" 2> "$work/sandbox.log" || status=$?
[ $status -ne 0 ] || answered "$work/sandbox.out" || status=99
[ $status -eq 0 ] || { tail -n 30 "$work/sandbox.log" >&2; cat "$work/sandbox.out" >&2; }
record "bash tools/build.sh sandbox" $((SECONDS - started)) $status
packages_after_sandbox=$(in_chroot "dpkg-query -W -f='\${Package}\n' | wc -l")

say "README command 2: bash tools/build.sh test (log: test.log)"
started=$SECONDS
status=0
in_chroot 'cd /root/activecampaign-mcp && bash tools/build.sh test' > "$work/test.log" 2>&1 || status=$?
grep -E '^[0-9]+% tests passed|tests failed out of|Total Test time' "$work/test.log" >&2 || true
[ $status -eq 0 ] || tail -n 60 "$work/test.log" >&2
record "bash tools/build.sh test" $((SECONDS - started)) $status
packages_after_test=$(in_chroot "dpkg-query -W -f='\${Package}\n' | wc -l")

image_size=
if $docker; then
  for mount in dev/pts dev sys proc; do umount -l "$rootfs/$mount"; done
  say "podman build of the Dockerfile (log: docker.log)"
  started=$SECONDS
  status=0
  # Build from a second clean clone, so the chroot's build directories are not part of the context.
  git clone -q "$rootfs/var/tmp/origin.git" "$work/context"
  podman_cmd build --network host --pull=never -t activecampaign-mcp:fresh "$work/context" \
    > "$work/docker.log" 2>&1 || status=$?
  [ $status -eq 0 ] || tail -n 40 "$work/docker.log" >&2
  record "podman build (Dockerfile)" $((SECONDS - started)) $status
  if [ $status -eq 0 ]; then
    image_size=$(podman_cmd image inspect --format '{{.Size}}' activecampaign-mcp:fresh)
    started=$SECONDS
    status=0
    printf '%s\n' "$exchange" | podman_cmd run -i --rm --network none activecampaign-mcp:fresh \
      --sandbox > "$work/image.out" 2> "$work/image.log" || status=$?
    [ $status -ne 0 ] || answered "$work/image.out" || status=99
    [ $status -eq 0 ] || { cat "$work/image.log" "$work/image.out" >&2; }
    record "podman run -i IMAGE --sandbox" $((SECONDS - started)) $status
  fi
fi

echo
echo "Fresh Debian 12 (debootstrap minbase bookworm), $(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ):"
printf '  %s\n' "${results[@]}"
echo "  Debian packages installed: $packages_after_sandbox after the sandbox command," \
     "$packages_after_test after the test command"
[ -z "$image_size" ] ||
  echo "  image activecampaign-mcp:fresh: $((image_size / 1024 / 1024)) MiB ($image_size bytes)"
exit $failed
